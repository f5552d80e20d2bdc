import Foundation

/// Reads one sheet of an XLSX workbook as table rows, streaming: the sheet's XML is decompressed on a second thread and
/// scanned a chunk at a time as it comes, so memory stays bounded (plus the shared strings) whatever the sheet's size.
/// Cells come out as text: shared, inline and formula strings as they are; numbers as plain decimals (12345.6, 42);
/// booleans as TRUE/FALSE; numbers styled as dates as `YYYY-MM-DD`. Missing cells are "" and empty rows are skipped;
/// each row's `line` is its row number in the sheet.
public struct XLSXReader: TableRows {
    /// The sheet being read.
    public let sheetName: String
    /// Every sheet of the workbook, in order.
    public let sheetNames: [String]

    private var tok: XMLTokenizer
    private let shared: [String]
    private let dateStyles: [Bool]
    private let date1904: Bool
    private var lastRow = 0
    private var finished = false
    private var cell: [UInt8] = []
    private var fields: [String] = []

    /// Opens the workbook in the file at `url` and the sheet `sheet` (nil: the first one).
    public init(url: URL, sheet: String? = nil) throws {
        try self.init(workbook: XLSXWorkbook(url: url), sheet: sheet)
    }

    /// Opens the workbook held in `data` and the sheet `sheet` (nil: the first one).
    public init(data: Data, sheet: String? = nil) throws {
        try self.init(workbook: XLSXWorkbook(data: data), sheet: sheet)
    }

    init(workbook: XLSXWorkbook, sheet: String?) throws {
        let s = try workbook.sheet(named: sheet)
        sheetName = s.name
        sheetNames = workbook.sheets.map(\.name)
        guard s.isWorksheet else { throw XLSXError("sheet \"\(s.name)\" is a chart or dialog sheet, not a table") }
        guard let part = s.part else { throw XLSXError("sheet \"\(s.name)\": the workbook does not say where its cells are (missing relationship)") }
        shared = try workbook.sharedStrings()
        dateStyles = try workbook.dateStyles()
        date1904 = workbook.date1904
        tok = XMLTokenizer(try workbook.stream(part, what: "sheet \"\(s.name)\""))
    }

    /// The sheet's uncompressed XML read so far and its size, for progress.
    public var bytesRead: Int { tok.bytesRead }
    public var bytesTotal: Int { tok.bytesTotal }

    private enum Collect { case none, value, inlineText }

    /// The next row holding at least one non-empty cell, or nil at the end of the sheet.
    public mutating func next() throws -> TableRow? {
        if finished { return nil }
        var rowNumber = 0
        var column = 0, nextColumn = 0
        var type = CellType.number, style = 0
        var collect = Collect.none
        var inInline = false, phonetic = 0
        var inRow = false
        while true {
            switch try tok.next() {
            case .eof:
                finished = true
                if inRow { throw XLSXError("sheet \"\(sheetName)\" ends inside row \(rowNumber): the file is truncated") }
                return nil
            case .start:
                if tok.isNamed("c") {
                    let attributes = tok.cellAttributes()
                    if let r = attributes.r { column = try columnIndex(r, row: rowNumber) } else { column = nextColumn }
                    type = cellType(attributes.t)
                    style = tok.integer(in: attributes.s) ?? 0
                    nextColumn = column + 1
                    cell.removeAll(keepingCapacity: true)
                    inInline = false
                    phonetic = 0
                } else if tok.isNamed("v") {
                    if !tok.selfClosing { collect = .value }
                } else if tok.isNamed("t") {
                    if inInline, phonetic == 0, !tok.selfClosing { collect = .inlineText }
                } else if tok.isNamed("is") {
                    inInline = !tok.selfClosing
                } else if tok.isNamed("rPh") {
                    if !tok.selfClosing { phonetic += 1 }
                } else if tok.isNamed("row") {
                    rowNumber = tok.intAttribute("r") ?? lastRow + 1
                    guard rowNumber > 0, rowNumber <= 1_048_576 else { throw XLSXError("sheet \"\(sheetName)\": row number \(rowNumber) is outside 1–1048576") }
                    lastRow = rowNumber
                    fields.removeAll(keepingCapacity: true)
                    nextColumn = 0
                    inRow = !tok.selfClosing
                }
            case .text:
                if collect != .none { tok.appendText(to: &cell) }
            case .end:
                if tok.isNamed("v") || tok.isNamed("t") {
                    collect = .none
                } else if tok.isNamed("c") {
                    let value = try cellText(type: type, style: style, at: column, row: rowNumber)
                    if !value.isEmpty {
                        if fields.count < column { fields.append(contentsOf: repeatElement("", count: column - fields.count)) }
                        if fields.count == column { fields.append(value) } else { fields[column] = value }
                    }
                } else if tok.isNamed("is") {
                    inInline = false
                } else if tok.isNamed("rPh") {
                    phonetic -= 1
                } else if tok.isNamed("row") {
                    inRow = false
                    if fields.contains(where: { !$0.isEmpty }) { return TableRow(line: rowNumber, fields: fields) }
                } else if tok.isNamed("sheetData") {
                    finished = true
                    return nil
                }
            }
        }
    }

    private enum CellType { case number, shared, inline, string, boolean, error, date }

    private func cellType(_ range: Range<Int>?) -> CellType {
        guard let r = range, !r.isEmpty else { return .number }
        let b = tok.buffer
        switch (b[r.lowerBound], r.count) {
        case (UInt8(ascii: "s"), 1): return .shared
        case (UInt8(ascii: "n"), 1): return .number
        case (UInt8(ascii: "b"), 1): return .boolean
        case (UInt8(ascii: "e"), 1): return .error
        case (UInt8(ascii: "d"), 1): return .date
        case (UInt8(ascii: "i"), _): return .inline
        default: return .string
        }
    }

    /// "AB12" → 27 (zero-based column); the row digits are not checked against the row.
    private func columnIndex(_ r: Range<Int>, row: Int) throws -> Int {
        var col = 0, k = r.lowerBound
        let b = tok.buffer
        while k < r.upperBound {
            let c = b[k] | 0x20
            guard c >= UInt8(ascii: "a"), c <= UInt8(ascii: "z") else { break }
            col = col * 26 + Int(c - UInt8(ascii: "a") + 1)
            k += 1
        }
        guard col >= 1, col <= 16_384 else {
            throw XLSXError("sheet \"\(sheetName)\", row \(row): the cell reference \"\(String(decoding: b[r], as: UTF8.self))\" is not a column A–XFD")
        }
        return col - 1
    }

    private func cellText(type: CellType, style: Int, at column: Int, row: Int) throws -> String {
        if cell.isEmpty { return "" }
        switch type {
        case .shared:
            var i = 0
            for c in cell { let d = Int(c) - 48; guard d >= 0, d <= 9, i < 1 << 40 else { i = -1; break }; i = i * 10 + d }
            guard i >= 0, i < shared.count else {
                throw XLSXError("sheet \"\(sheetName)\", cell \(Self.reference(column, row)): shared string \(String(decoding: cell, as: UTF8.self)) does not exist (the table has \(shared.count))")
            }
            return shared[i]
        case .inline, .string:
            let text = String(decoding: cell, as: UTF8.self)
            return XMLText.hasEscape(cell) ? XMLText.unescapeOOXML(text) : text
        case .boolean:
            return cell == [UInt8(ascii: "1")] || cell == Array("true".utf8) ? "TRUE" : "FALSE"
        case .error, .date:
            let text = String(decoding: cell, as: UTF8.self)
            return type == .date && text.count >= 10 ? String(text.prefix(10)) : text
        case .number:
            if style > 0, style < dateStyles.count, dateStyles[style], let serial = Double(String(decoding: cell, as: UTF8.self)),
               let date = ExcelDate.text(serial: serial, date1904: date1904) {
                return date
            }
            guard let text = NumberText.plain(bytes: cell[...]) else {
                throw XLSXError("sheet \"\(sheetName)\", cell \(Self.reference(column, row)): \"\(String(decoding: cell.prefix(40), as: UTF8.self))\" is marked as a number but is not one")
            }
            return text
        }
    }

    /// A cell reference such as `B7` from a zero-based column and a row number.
    public static func reference(_ column: Int, _ row: Int) -> String { columnName(column) + String(row) }

    /// Column letters of a zero-based column: 0 → A, 26 → AA.
    public static func columnName(_ column: Int) -> String {
        var n = column + 1, s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(UInt8(65 + r))) + s; n = (n - 1) / 26 }
        return s
    }
}
