import Foundation

/// The rows of an import file, whatever its format: an XLSX workbook (recognised by the ZIP signature `PK\x03\x04`, not
/// by its name; one sheet, the first or a named one) or CSV text (UTF-8 with or without BOM, or GBK).
public enum ImportTable {
    /// The format a file's first bytes say it is.
    public enum Format: Sendable { case csv, xlsx }

    public static func format(of data: Data) -> Format {
        data.starts(with: [0x50, 0x4B, 0x03, 0x04]) ? .xlsx : .csv
    }

    /// A streaming reader of the file's records (header first) and how the file was read (`UTF-8`, `GBK, converted to
    /// UTF-8`, `XLSX, sheet "指标"`). Errors name the file and, for a workbook, the sheet or cell.
    public static func open(data: Data, fileName: String, sheet: String? = nil) throws -> (rows: any TableRows, encoding: String) {
        let head = [UInt8](data.prefix(8))
        if format(of: data) == .xlsx {
            do {
                let reader = try XLSXReader(data: data, sheet: sheet.flatMap { $0.isEmpty ? nil : $0 })
                return (reader, "XLSX, sheet \"\(reader.sheetName)\"")
            } catch {
                throw ImportFileError("\(fileName): \(error)")
            }
        }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw ImportFileError("\(fileName) is an Excel 97–2003 workbook (.xls) or a password-protected one; save it as .xlsx (Excel 工作簿) without a password, or as CSV UTF-8")
        }
        if head.starts(with: [0x50, 0x4B]) {
            throw ImportFileError("\(fileName) starts like a ZIP file but not like an XLSX workbook (no local file header); it is damaged or truncated")
        }
        if fileName.lowercased().hasSuffix(".xlsx") {
            throw ImportFileError("\(fileName) is not an XLSX workbook: it is not a ZIP file (an .xlsx file starts with the bytes PK); was it renamed from another format?")
        }
        if let sheet, !sheet.isEmpty {
            throw ImportFileError("\(fileName) is a CSV file, which has no sheets; the sheet \"\(sheet)\" applies to XLSX workbooks only")
        }
        let decoded: (text: String, encoding: TextEncodingUsed)
        do {
            decoded = try TextDecoding.decode(data)
        } catch {
            throw ImportFileError("\(fileName): \(error)")
        }
        return (ArrayRows(CSV.parse(decoded.text).map { TableRow(line: $0.line, fields: $0.fields) }), decoded.encoding.rawValue)
    }

    /// Every record of the file (header first) as the importer's loops take them, and how the file was read.
    public static func rows(data: Data, fileName: String, sheet: String? = nil) throws -> (rows: [(line: Int, fields: [String])], encoding: String) {
        var (reader, encoding) = try open(data: data, fileName: fileName, sheet: sheet)
        var out: [(line: Int, fields: [String])] = []
        do {
            while let r = try reader.next() { out.append((r.line, r.fields)) }
        } catch let e as ImportFileError {
            throw e
        } catch {
            throw ImportFileError("\(fileName): \(error)")
        }
        return (out, encoding)
    }
}

/// Rows already in memory, read one at a time.
public struct ArrayRows: TableRows {
    private var rows: [TableRow]
    private var index = 0

    public init(_ rows: [TableRow]) { self.rows = rows }

    public var recordsTotal: Int? { rows.count }

    public mutating func next() throws -> TableRow? {
        guard index < rows.count else { return nil }
        defer { index += 1 }
        return rows[index]
    }
}
