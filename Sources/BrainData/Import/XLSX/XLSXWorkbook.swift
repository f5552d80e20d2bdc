import Foundation
import ZIPFoundation

/// An XLSX workbook opened for reading: its sheets in order, where each one's XML lives, the shared strings and which
/// cell styles show dates. Parts are read from the ZIP container as they are needed.
final class XLSXWorkbook {
    /// One sheet of the workbook as `workbook.xml` lists it.
    struct Sheet {
        let name: String
        /// The part in the ZIP (e.g. `xl/worksheets/sheet1.xml`); nil when the relationship is missing.
        let part: String?
        let isWorksheet: Bool
    }

    let archive: Archive
    let sheets: [Sheet]
    let sharedStringsPart: String?
    let stylesPart: String?
    let date1904: Bool
    /// Small parts (workbook, relationships, styles) are refused beyond this size; sheets and shared strings stream.
    static let smallPartLimit = 64 << 20

    /// Opens the ZIP container at `url` (or the bytes `data`) and reads the workbook's sheet list.
    init(url: URL? = nil, data: Data? = nil) throws {
        do {
            if let url {
                let handle = try FileHandle(forReadingFrom: url)
                let size = try handle.seekToEnd()
                try handle.seek(toOffset: size - min(size, 65_557))
                let tail = try handle.readToEnd() ?? Data()
                try handle.close()
                try Self.checkEndRecord(tail, fileSize: Int(size))
                archive = try Archive(url: url, accessMode: .read)
            } else {
                // Read through a temporary file: the library's in-memory archives trap on offsets past the end, file
                // reads merely come up short. The file is unlinked once open.
                let data = data ?? Data()
                try Self.checkEndRecord(data.suffix(65_557), fileSize: data.count)
                let temp = FileManager.default.temporaryDirectory.appendingPathComponent("brain-xlsx-\(UUID().uuidString).xlsx")
                try data.write(to: temp)
                defer { try? FileManager.default.removeItem(at: temp) }
                archive = try Archive(url: temp, accessMode: .read)
            }
        } catch let e as XLSXError {
            throw e
        } catch {
            throw XLSXError("not a readable ZIP archive (\(error)); an .xlsx workbook is a ZIP file: the file is damaged or truncated")
        }
        let root = try Self.relationships(archive, "_rels/.rels")
        let workbookPart = root.first { $0.type.hasSuffix("/officeDocument") }.map { Self.resolve($0.target, base: "") } ?? "xl/workbook.xml"
        guard Self.entry(archive, workbookPart) != nil else {
            throw XLSXError("a ZIP file but not an XLSX workbook: it has no \(workbookPart) (is it a .docx, .ods or another ZIP file?)")
        }
        let base = workbookPart.contains("/") ? String(workbookPart[...workbookPart.lastIndex(of: "/")!]) : ""
        let relsPath = base + "_rels/" + String(workbookPart.split(separator: "/").last ?? "workbook.xml") + ".rels"
        let rels = try Self.relationships(archive, relsPath)
        var byID: [String: (type: String, target: String)] = [:]
        for r in rels { byID[r.id] = (r.type, Self.resolve(r.target, base: base)) }
        sharedStringsPart = rels.first { $0.type.hasSuffix("/sharedStrings") }.map { Self.resolve($0.target, base: base) }
        stylesPart = rels.first { $0.type.hasSuffix("/styles") }.map { Self.resolve($0.target, base: base) }

        var tok = XMLTokenizer(XMLByteSource(bytes: try Self.smallPart(archive, workbookPart)))
        var sheets: [Sheet] = [], date1904 = false
        while true {
            let t = try tok.next()
            if t == .eof { break }
            guard t == .start else { continue }
            if tok.isNamed("workbookPr") {
                let v = tok.attribute("date1904")
                date1904 = v == "1" || v == "true"
            } else if tok.isNamed("sheet") {
                let name = tok.attribute("name") ?? "Sheet\(sheets.count + 1)"
                let rel = tok.attribute("id").flatMap { byID[$0] }
                sheets.append(Sheet(name: name, part: rel?.target, isWorksheet: rel.map { $0.type.hasSuffix("/worksheet") } ?? true))
            }
        }
        guard !sheets.isEmpty else { throw XLSXError("the workbook lists no sheets (\(workbookPart))") }
        self.sheets = sheets
        self.date1904 = date1904
    }

    /// The sheet named `name` (exactly, else ignoring case and surrounding spaces), or the first sheet when nil.
    func sheet(named name: String?) throws -> Sheet {
        guard let name else { return sheets[0] }
        if let s = sheets.first(where: { $0.name == name }) { return s }
        let folded = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let s = sheets.first(where: { $0.name.trimmingCharacters(in: .whitespaces).lowercased() == folded }) { return s }
        throw XLSXError("no sheet named \"\(name)\"; the workbook's sheets are: \(sheets.map { "\"\($0.name)\"" }.joined(separator: ", "))")
    }

    /// Streams a part: it is decompressed on a background thread while the caller reads it (see `EntryExtraction`).
    func stream(_ part: String, what: String) throws -> XMLByteSource {
        guard let entry = Self.entry(archive, part) else { throw XLSXError("\(what): the part \(part) is missing from the workbook") }
        let source = try EntryExtraction.start(archive: archive, entry: entry, part: part, what: what)
        source.bytesTotal = Int(clamping: entry.uncompressedSize)
        return source
    }

    /// The shared strings table (`t="s"` cells index it), read once.
    func sharedStrings() throws -> [String] {
        guard let part = sharedStringsPart, Self.entry(archive, part) != nil else { return [] }
        var tok = XMLTokenizer(try stream(part, what: "shared strings"))
        var out: [String] = [], text: [UInt8] = [], inSI = false, inT = false, phonetic = 0
        while true {
            switch try tok.next() {
            case .eof: return out
            case .start:
                if tok.isNamed("si") { inSI = true; text.removeAll(keepingCapacity: true); if tok.selfClosing { out.append(""); inSI = false } }
                else if tok.isNamed("rPh") { phonetic += tok.selfClosing ? 0 : 1 }
                else if tok.isNamed("t"), inSI, phonetic == 0, !tok.selfClosing { inT = true }
            case .end:
                if tok.isNamed("si") {
                    let s = String(decoding: text, as: UTF8.self)
                    out.append(XMLText.hasEscape(text) ? XMLText.unescapeOOXML(s) : s)
                    inSI = false
                }
                else if tok.isNamed("rPh") { phonetic -= 1 }
                else if tok.isNamed("t") { inT = false }
            case .text:
                if inT { tok.appendText(to: &text) }
            }
        }
    }

    /// For each cell style (`s="N"`), whether it shows a date.
    func dateStyles() throws -> [Bool] {
        guard let part = stylesPart, Self.entry(archive, part) != nil else { return [] }
        var tok = XMLTokenizer(XMLByteSource(bytes: try Self.smallPart(archive, part)))
        var custom: [Int: String] = [:], formats: [Int] = [], inCellXfs = false
        while true {
            switch try tok.next() {
            case .eof:
                return formats.map { ExcelDate.isDateFormat(id: $0, code: custom[$0]) }
            case .start:
                if tok.isNamed("numFmt"), let id = tok.intAttribute("numFmtId") { custom[id] = tok.attribute("formatCode") ?? "" }
                else if tok.isNamed("cellXfs") { inCellXfs = !tok.selfClosing }
                else if tok.isNamed("xf"), inCellXfs { formats.append(tok.intAttribute("numFmtId") ?? 0) }
            case .end:
                if tok.isNamed("cellXfs") { inCellXfs = false }
            case .text: continue
            }
        }
    }

    /// Refuses a container whose end-of-central-directory record is missing or points outside the file, before the ZIP
    /// library reads it (damaged uploads are answered with a reason, never trusted).
    static func checkEndRecord(_ tail: Data, fileSize: Int) throws {
        let t = [UInt8](tail)
        var i = t.count - 22
        while i >= 0 {
            if t[i] == 0x50, t[i + 1] == 0x4B, t[i + 2] == 0x05, t[i + 3] == 0x06 { break }
            i -= 1
        }
        guard i >= 0 else { throw XLSXError("not a readable ZIP archive (no end-of-central-directory record): the file is damaged or truncated") }
        func u32(_ k: Int) -> Int { Int(t[k]) | Int(t[k + 1]) << 8 | Int(t[k + 2]) << 16 | Int(t[k + 3]) << 24 }
        let size = u32(i + 12), offset = u32(i + 16)
        let recordAt = fileSize - (t.count - i)
        if size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF { return } // ZIP64: the library checks the larger record
        guard offset + size <= recordAt else {
            throw XLSXError("not a readable ZIP archive (its directory points past the end of the file): the file is damaged or truncated")
        }
    }

    // MARK: parts

    struct Relationship { let id: String; let type: String; let target: String }

    static func relationships(_ archive: Archive, _ path: String) throws -> [Relationship] {
        guard entry(archive, path) != nil else { return [] }
        var tok = XMLTokenizer(XMLByteSource(bytes: try smallPart(archive, path)))
        var out: [Relationship] = []
        while true {
            let t = try tok.next()
            if t == .eof { return out }
            if t == .start, tok.isNamed("Relationship"), let id = tok.attribute("Id"), let target = tok.attribute("Target") {
                out.append(Relationship(id: id, type: tok.attribute("Type") ?? "", target: target))
            }
        }
    }

    /// A relationship target relative to `base` (the folder of the part that names it), or absolute from the root.
    static func resolve(_ target: String, base: String) -> String {
        var parts = (target.hasPrefix("/") ? String(target.dropFirst()) : base + target).split(separator: "/").map(String.init)
        var i = 0
        while i < parts.count {
            if parts[i] == ".." { parts.remove(at: i); if i > 0 { parts.remove(at: i - 1); i -= 1 } } else if parts[i] == "." { parts.remove(at: i) } else { i += 1 }
        }
        return parts.joined(separator: "/")
    }

    /// The entry at `path`, matched exactly or else ignoring case (some writers vary it).
    static func entry(_ archive: Archive, _ path: String) -> Entry? {
        if let e = archive[path] { return e }
        let folded = path.lowercased()
        return archive.first { $0.path.lowercased() == folded }
    }

    static func smallPart(_ archive: Archive, _ path: String) throws -> [UInt8] {
        guard let entry = entry(archive, path) else { throw XLSXError("the part \(path) is missing from the workbook") }
        guard entry.uncompressedSize <= UInt64(smallPartLimit) else { throw XLSXError("the part \(path) is implausibly large (\(entry.uncompressedSize) bytes)") }
        var bytes: [UInt8] = []
        do {
            _ = try archive.extract(entry) { chunk in
                bytes.append(contentsOf: chunk)
                if bytes.count > smallPartLimit { throw XLSXError("the part \(path) is implausibly large") }
            }
        } catch let e as XLSXError { throw e } catch {
            throw XLSXError("the part \(path) cannot be decompressed (\(error)): the file is damaged")
        }
        return bytes
    }
}
