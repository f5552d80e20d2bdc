import Foundation

/// Maps a file's header cells to data elements by field name, Chinese name or alias (case and spaces ignored).
struct HeaderMap {
    /// Column index per field name.
    let columns: [String: Int]
    let ignored: [String]

    init(header: [String], elements: [DataElement]) throws {
        func norm(_ s: String) -> String {
            s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "")
                .replacingOccurrences(of: " ", with: "_").lowercased()
        }
        var lookup: [String: String] = [:]
        for e in elements {
            for name in [e.field, e.nameZh, e.nameEn] + e.aliases { lookup[norm(name)] = e.field }
        }
        var columns: [String: Int] = [:], ignored: [String] = []
        for (i, cell) in header.enumerated() {
            if let field = lookup[norm(cell)] {
                if columns[field] != nil { throw ImportFileError("column \(i + 1) \"\(cell)\" repeats field \(field)") }
                columns[field] = i
            } else if !cell.trimmingCharacters(in: .whitespaces).isEmpty {
                ignored.append(cell)
            }
        }
        let missing = elements.filter { $0.required && columns[$0.field] == nil }
        if !missing.isEmpty {
            let names = missing.map { "\($0.nameZh) (\($0.field))" }.joined(separator: ", ")
            throw ImportFileError("the header lacks required column(s): \(names); found: \(header.joined(separator: ","))")
        }
        self.columns = columns
        self.ignored = ignored
    }

    func value(_ field: String, in row: [String]) -> String? {
        guard let i = columns[field], i < row.count else { return nil }
        let v = Self.trimmed(row[i])
        return v.isEmpty ? nil : v
    }

    /// The cell without surrounding white space; a cell that starts and ends with a visible ASCII character (every
    /// code and number) is returned as it is, without Foundation's slower trimming.
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        if first > 0x20 && first < 0x7F && last > 0x20 && last < 0x7F { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }
}
