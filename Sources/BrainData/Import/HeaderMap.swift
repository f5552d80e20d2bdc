import Foundation

/// Maps a file's header cells to data elements by field name, Chinese name or alias (case and spaces ignored).
/// A header may carry its unit, `营业收入（元）` or `营业收入(万元)`: values are converted into the unit the data dictionary
/// stores (an unknown unit is refused naming the column). A second header row right after the first (names, English
/// names or unit labels only, as statistical forms have) is recognised by `absorbSecondHeader`; units written there count too.
struct HeaderMap {
    /// Column index per field name.
    let columns: [String: Int]
    let ignored: [String]
    /// What the reader should know about the header: units converted, a second header row skipped.
    private(set) var notes: [String] = []
    /// Per field with a unit conversion or a date-to-month reading; empty for most files (the fast path).
    private var special: [String: Special] = [:]
    private let elements: [String: DataElement]
    private let header: [String]
    private let lookup: [String: String]
    private var unitColumns: Set<Int> = []

    private struct Special {
        var factor: Double? = nil
        var month = false
    }

    init(header: [String], elements: [DataElement]) throws {
        var lookup: [String: String] = [:]
        for e in elements {
            for name in [e.field, e.nameZh, e.nameEn] + e.aliases { lookup[Self.norm(name)] = e.field }
        }
        let byField = Dictionary(elements.map { ($0.field, $0) }, uniquingKeysWith: { a, _ in a })
        var columns: [String: Int] = [:], ignored: [String] = [], units: [Int: String] = [:]
        for (i, cell) in header.enumerated() {
            var field = lookup[Self.norm(cell)]
            if field == nil, let (name, unit) = HeaderUnits.split(cell), let f = lookup[Self.norm(name)] {
                field = f
                units[i] = unit
            }
            if let field {
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
        self.elements = byField
        self.header = header
        self.lookup = lookup
        for e in elements where e.type == .month && columns[e.field] != nil { special[e.field, default: Special()].month = true }
        for (i, unit) in units.sorted(by: { $0.key < $1.key }) { try applyUnit(unit, column: i, from: "header") }
    }

    /// Reads the header (the first record), and skips a second header row after it; `rows` keeps the data rows.
    static func read(_ rows: inout [(line: Int, fields: [String])], elements: [DataElement]) throws -> HeaderMap {
        let header = rows.removeFirst()
        var map = try HeaderMap(header: header.fields, elements: elements)
        if let second = rows.first, try map.absorbSecondHeader(second.fields, line: second.line) { rows.removeFirst() }
        return map
    }

    static func norm(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "")
            .replacingOccurrences(of: " ", with: "_").lowercased()
    }

    /// True (and the units it names are applied) when `row`, the record right after the header, is a second header row:
    /// each non-empty cell is a column name or alias, an English element name, or a unit label such as `（万元）`.
    mutating func absorbSecondHeader(_ row: [String], line: Int) throws -> Bool {
        var any = false
        var units: [Int: String] = [:]
        for (i, raw) in row.enumerated() {
            let cell = raw.trimmingCharacters(in: .whitespaces)
            if cell.isEmpty { continue }
            any = true
            if lookup[Self.norm(cell)] != nil { continue }
            if let unit = HeaderUnits.label(cell) { units[i] = unit; continue }
            return false
        }
        guard any else { return false }
        notes.append("row \(line) is a second header row (column names or units) and was skipped")
        for (i, unit) in units.sorted(by: { $0.key < $1.key }) { try applyUnit(unit, column: i, from: "second header row (row \(line))") }
        return true
    }

    private mutating func applyUnit(_ unit: String, column i: Int, from place: String) throws {
        guard let field = columns.first(where: { $0.value == i })?.key, let e = elements[field] else { return }
        let label = i < header.count ? header[i] : ""
        guard let stored = e.unit else { return } // a remark such as （18位） on a column without a unit
        if unitColumns.contains(i) {
            throw ImportFileError("column \(i + 1) \"\(label)\": the header already gives a unit and the \(place) gives \(unit) again; keep one")
        }
        guard let factor = HeaderUnits.factor(from: unit, to: stored) else {
            let known = HeaderUnits.units(convertibleTo: stored)
            throw ImportFileError("column \(i + 1) \"\(label)\": the unit \(unit) in the \(place) is not one the importer knows for \(e.nameZh) (stored in \(stored)); use \(known.joined(separator: ", "))")
        }
        unitColumns.insert(i)
        if factor != 1 {
            special[field, default: Special()].factor = factor
            notes.append("column \(i + 1) \"\(label)\": values in \(unit), converted to \(stored)")
        }
    }

    func value(_ field: String, in row: [String]) -> String? {
        guard let i = columns[field], i < row.count else { return nil }
        let v = Self.trimmed(row[i])
        if v.isEmpty { return nil }
        if special.isEmpty { return v }
        guard let s = special[field] else { return v }
        if let f = s.factor {
            guard let d = RowCheck.double(v), d.isFinite else { return v } // not a number (or 清除): the row check says so
            return NumberText.plain(d * f)
        }
        if s.month, v.count == 10, let m = Self.monthOfDate(v) { return m }
        return v
    }

    /// The cell without surrounding white space; a cell that starts and ends with a visible ASCII character (every
    /// code and number) is returned as it is, without Foundation's slower trimming.
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        if first > 0x20 && first < 0x7F && last > 0x20 && last < 0x7F { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// `2026-09-15` (a date cell of a workbook) → `2026-09`.
    static func monthOfDate(_ v: String) -> String? {
        let u = Array(v.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-") || u[4] == UInt8(ascii: "/"), u[7] == u[4],
              [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy({ u[$0] >= 0x30 && u[$0] <= 0x39 }) else { return nil }
        return String(decoding: u[0..<4], as: UTF8.self) + "-" + String(decoding: u[5..<7], as: UTF8.self)
    }
}

/// Units written in headers and how they convert into the data dictionary's stored units.
enum HeaderUnits {
    /// Groups of units of one quantity, each with its size in the group's smallest unit; the first group holding a
    /// stored unit is the one used (money before monthly salary).
    static let groups: [[String: Double]] = [
        ["元": 1, "千元": 1e3, "万元": 1e4, "十万元": 1e5, "百万元": 1e6, "千万元": 1e7, "亿元": 1e8],
        ["元/月": 1, "元/人·月": 1, "元": 1, "千元/月": 1e3, "千元": 1e3, "万元/月": 1e4],
        ["千瓦时": 1, "度": 1, "kwh": 1, "kw·h": 1, "兆瓦时": 1e3, "mwh": 1e3, "万千瓦时": 1e4, "万度": 1e4, "万kwh": 1e4,
         "gwh": 1e6, "亿千瓦时": 1e8],
        ["人": 1, "万人": 1e4],
        ["平方米": 1, "m2": 1, "㎡": 1, "亩": 2000.0 / 3, "公顷": 1e4, "万平方米": 1e4],
        ["年": 1],
    ]

    static func normUnit(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "").lowercased()
    }

    /// `营业收入（元）` → (`营业收入`, `元`); nil when the cell does not end with a parenthesised part.
    static func split(_ cell: String) -> (String, String)? {
        let t = cell.trimmingCharacters(in: .whitespaces)
        guard let last = t.last, last == "）" || last == ")" else { return nil }
        guard let open = t.lastIndex(where: { $0 == "（" || $0 == "(" }), open > t.startIndex else { return nil }
        let name = String(t[..<open]), unit = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
        let u = unit.trimmingCharacters(in: .whitespaces)
        return u.isEmpty ? nil : (name, u)
    }

    /// A cell of a second header row that is a unit label: `（万元）`, `(元)` or a bare known unit such as `万元`.
    static func label(_ cell: String) -> String? {
        let t = cell.trimmingCharacters(in: .whitespaces)
        if let f = t.first, let l = t.last, f == "（" || f == "(", l == "）" || l == ")", t.count > 2 {
            return String(t.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        let n = normUnit(t)
        return groups.contains { $0[n] != nil } ? t : nil
    }

    /// How many stored units one header unit is; nil when the header unit is not of the stored unit's quantity.
    static func factor(from header: String, to stored: String) -> Double? {
        let h = normUnit(header), s = normUnit(stored)
        if h == s { return 1 }
        guard let group = groups.first(where: { $0[s] != nil }), let hs = group[h], let ss = group[s] else { return nil }
        return hs / ss
    }

    /// The units a header may use for a column stored in `stored`.
    static func units(convertibleTo stored: String) -> [String] {
        guard let group = groups.first(where: { $0[normUnit(stored)] != nil }) else { return [stored] }
        return group.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
    }

}
