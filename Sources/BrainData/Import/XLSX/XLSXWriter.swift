import Foundation
import ZIPFoundation

/// One cell written by `XLSXWriter`: text (an inline string, neutralised against formula injection as `CSV.neutralised`
/// does), a number (a numeric cell), or nothing.
public enum XLSXCell: Sendable, Hashable {
    case text(String)
    case number(Double)
    case empty
}

/// Writes an XLSX workbook row by row: each sheet's XML goes to a temporary file as rows are appended (bounded memory),
/// and `finish()` packs the parts into the ZIP container. Opens in Excel, LibreOffice and openpyxl.
public final class XLSXWriter {
    private let url: URL
    private let tempDir: URL
    private var sheetNames: [String] = []
    private var file: UnsafeMutablePointer<FILE>?
    private var out: [UInt8] = []
    private var row = 0
    private var columnNames: [[UInt8]] = []
    private var finished = false

    /// A writer of the workbook at `url` (replaced if it exists).
    public init(url: URL) throws {
        self.url = url
        tempDir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-xlsxw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tempDir, withIntermediateDirectories: true)
        out.reserveCapacity(1 << 17)
    }

    deinit {
        if let file { fclose(file) }
        try? FileManager.default.removeItem(at: tempDir)
    }

    /// Starts a new sheet (ending the previous one). Names are 1–31 characters without `[]:*?/\` and unique.
    public func addSheet(_ name: String) throws {
        guard !finished else { throw XLSXError("the workbook is already finished") }
        guard !name.isEmpty, name.count <= 31, !name.contains(where: { "[]:*?/\\".contains($0) }) else {
            throw XLSXError("\"\(name)\" cannot name a sheet: 1–31 characters, none of [ ] : * ? / \\")
        }
        guard !sheetNames.contains(where: { $0.lowercased() == name.lowercased() }) else { throw XLSXError("the workbook already has a sheet \"\(name)\"") }
        try endSheet()
        sheetNames.append(name)
        let path = tempDir.appendingPathComponent("sheet\(sheetNames.count).xml").path
        guard let f = fopen(path, "wb") else { throw XLSXError("cannot write the temporary file \(path)") }
        file = f
        row = 0
        emit("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>")
    }

    /// Appends one row to the current sheet; `bold` styles it as a header.
    public func append(_ cells: [XLSXCell], bold: Bool = false) throws {
        guard file != nil else { throw XLSXError("append before addSheet: the workbook has no sheet yet") }
        row += 1
        guard row <= 1_048_576 else { throw XLSXError("sheet \"\(sheetNames.last ?? "")\" is full: a sheet holds at most 1048576 rows") }
        guard cells.count <= 16_384 else { throw XLSXError("a row holds at most 16384 cells, not \(cells.count)") }
        let rowText = Array(String(row).utf8)
        emit("<row r=\""); out.append(contentsOf: rowText); emit("\">")
        let style = bold ? " s=\"1\"" : ""
        for (i, c) in cells.enumerated() {
            switch c {
            case .empty: continue
            case .number(let d) where d.isFinite:
                emit("<c r=\""); out.append(contentsOf: columnName(i)); out.append(contentsOf: rowText); emit("\"\(style)><v>")
                emit(NumberText.plain(d)); emit("</v></c>")
            case .number(let d):
                try appendText(String(d), column: i, rowText: rowText, style: style)
            case .text(let s):
                try appendText(s, column: i, rowText: rowText, style: style)
            }
        }
        emit("</row>")
        if out.count >= 1 << 16 { try flush() }
    }

    /// Appends a row of text cells.
    public func append(texts: [String], bold: Bool = false) throws { try append(texts.map { .text($0) }, bold: bold) }

    private func appendText(_ s: String, column i: Int, rowText: [UInt8], style: String) throws {
        if s.isEmpty { return }
        guard s.utf16.count <= 32_767 else { throw XLSXError("row \(row), column \(XLSXReader.columnName(i)): a cell holds at most 32767 characters") }
        let text = CSV.neutralised(s)
        emit("<c r=\""); out.append(contentsOf: columnName(i)); out.append(contentsOf: rowText)
        emit("\" t=\"inlineStr\"\(style)><is><t")
        if text.first?.isWhitespace == true || text.last?.isWhitespace == true { emit(" xml:space=\"preserve\"") }
        emit(">")
        XMLText.escape(text, into: &out)
        emit("</t></is></c>")
    }

    /// Ends the last sheet and writes the ZIP container to `url`.
    public func finish() throws {
        guard !finished else { return }
        guard !sheetNames.isEmpty else { throw XLSXError("a workbook needs at least one sheet") }
        try endSheet()
        finished = true
        try? FileManager.default.removeItem(at: url)
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .create) } catch { throw XLSXError("cannot create \(url.path): \(error)") }
        do {
            try add(archive, "[Content_Types].xml", XLSXParts.contentTypes(sheets: sheetNames.count))
            try add(archive, "_rels/.rels", XLSXParts.rootRels)
            try add(archive, "xl/workbook.xml", XLSXParts.workbook(sheetNames))
            try add(archive, "xl/_rels/workbook.xml.rels", XLSXParts.workbookRels(sheets: sheetNames.count))
            try add(archive, "xl/styles.xml", XLSXParts.styles)
            for i in 1...sheetNames.count {
                try archive.addEntry(with: "xl/worksheets/sheet\(i).xml", fileURL: tempDir.appendingPathComponent("sheet\(i).xml"),
                                     compressionMethod: .deflate, bufferSize: 1 << 16)
            }
        } catch let e as XLSXError { throw e } catch {
            throw XLSXError("writing \(url.lastPathComponent) failed: \(error)")
        }
    }

    /// A whole small workbook in memory (an HTTP answer): sheets of rows, the first row of each bold when `boldHeader`.
    public static func workbook(_ sheets: [(name: String, rows: [[XLSXCell]])], boldHeader: Bool = true) throws -> Data {
        let dir = FileManager.default.temporaryDirectory
        let url = dir.appendingPathComponent("brain-xlsx-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        let w = try XLSXWriter(url: url)
        for s in sheets {
            try w.addSheet(s.name)
            for (i, r) in s.rows.enumerated() { try w.append(r, bold: boldHeader && i == 0) }
        }
        try w.finish()
        do { return try Data(contentsOf: url) } catch { throw XLSXError("reading back \(url.path) failed: \(error)") }
    }

    // MARK: internals

    private func add(_ archive: Archive, _ path: String, _ text: String) throws {
        let data = Data(text.utf8)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<min(data.count, Int(position) + size))
        }
    }

    private func endSheet() throws {
        guard let f = file else { return }
        emit("</sheetData></worksheet>")
        try flush()
        file = nil
        if fclose(f) != 0 { throw XLSXError("writing sheet \"\(sheetNames.last ?? "")\" failed") }
    }

    private func flush() throws {
        guard let f = file, !out.isEmpty else { return }
        let n = out.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        guard n == out.count else { throw XLSXError("writing sheet \"\(sheetNames.last ?? "")\" failed (disk full?)") }
        out.removeAll(keepingCapacity: true)
    }

    @inline(__always) private func emit(_ s: String) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    private func columnName(_ i: Int) -> [UInt8] {
        while columnNames.count <= i { columnNames.append(Array(XLSXReader.columnName(columnNames.count).utf8)) }
        return columnNames[i]
    }
}

/// The fixed XML parts of a workbook written by `XLSXWriter`.
enum XLSXParts {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let head = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    static func contentTypes(sheets: Int) -> String {
        head + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + (1...sheets).map { "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined()
            + "</Types>"
    }

    static let rootRels = head + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"\(rel)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"

    static func workbook(_ names: [String]) -> String {
        var sheets: [UInt8] = []
        for (i, n) in names.enumerated() {
            sheets.append(contentsOf: Array("<sheet name=\"".utf8))
            XMLText.escape(n, into: &sheets)
            sheets.append(contentsOf: Array("\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>".utf8))
        }
        return head + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(rel)\"><bookViews><workbookView/></bookViews><sheets>"
            + String(decoding: sheets, as: UTF8.self) + "</sheets></workbook>"
    }

    static func workbookRels(sheets: Int) -> String {
        head + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + (1...sheets).map { "<Relationship Id=\"rId\($0)\" Type=\"\(rel)/worksheet\" Target=\"worksheets/sheet\($0).xml\"/>" }.joined()
            + "<Relationship Id=\"rId\(sheets + 1)\" Type=\"\(rel)/styles\" Target=\"styles.xml\"/></Relationships>"
    }

    /// Two cell styles: 0 plain, 1 bold (header rows).
    static let styles = head + "<styleSheet xmlns=\"\(main)\">"
        + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
        + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>"
}
