import BrainData
import Foundation
import Hummingbird

/// XLSX answers for tables: the same rows as the CSV download, numbers as numeric cells, the header row bold.
enum XLSXDownload {
    static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// A workbook of one or more sheets as an attachment.
    static func response(_ sheets: [(name: String, rows: [[XLSXCell]])], filename: String) throws -> Response {
        let data: Data
        do { data = try XLSXWriter.workbook(sheets) } catch { throw APIError(.internalServerError, code: "export_failed", message: "the workbook could not be written: \(error)") }
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Rows of text as the CSV download has them; cells of `numeric` columns that are plain numbers become numeric cells.
    static func cells(_ rows: [[String]], numeric: Set<Int>) -> [[XLSXCell]] {
        rows.enumerated().map { r, row in
            row.enumerated().map { i, text in
                if r > 0, numeric.contains(i), let d = Double(text.replacingOccurrences(of: ",", with: "")), d.isFinite { return .number(d) }
                return text.isEmpty ? .empty : .text(text)
            }
        }
    }

    /// A table as CSV or XLSX: the same rows either way.
    static func table(_ rows: [[String]], numeric: Set<Int>, xlsx: Bool, sheet: String, filename: String) throws -> Response {
        xlsx ? try response([(sheet, cells(rows, numeric: numeric))], filename: filename + ".xlsx") : CSVDownload.response(rows, filename: filename + ".csv")
    }
}
