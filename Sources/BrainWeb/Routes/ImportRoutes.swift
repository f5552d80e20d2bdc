import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import Foundation
import Hummingbird

extension BrainServer {
    func addImportRoutes(_ api: APIRoutes) {
        let services = self.services
        api.post("/api/v1/imports/:kind", RouteDoc(method: "post", path: "/api/v1/imports/:kind",
                                                   summary: "Import a CSV file (UTF-8 with or without BOM, or GBK) or an XLSX workbook (recognised by its content; the first sheet or ?sheet=) of enterprises, indicators, supply-links, talent, qualifications, investments, land or daily-electricity; rows outside the caller's scope are rejected",
                                                   tag: "data", params: [.path("kind", "enterprises, indicators, supply-links, talent, qualifications, investments, land or daily-electricity"),
                                                                         .query("source", "where the values come from (default statistics); indicator values are merged by source, never overwritten",
                                                                                enumValues: DataSource.builtIn.map(\.code)),
                                                                         .query("sheet", "the sheet of an XLSX workbook to read (default: the first sheet); refused for a CSV file")],
                                                   requestBody: .table,
                                                   access: .permission(.importData), errors: [400, 401, 403, 404, 413])) { request, context in
            let principal = try context.caller()
            let q = try QueryReader(request, allowed: ["source", "sheet"])
            let sheet = try q.string("sheet")
            let dataSource = try q.string("source").map { code in
                guard let s = DataSource.named(code) else {
                    throw APIError.badRequest("source", "\(code) is not a data source; use one of \(DataSource.builtIn.map(\.code).joined(separator: ", "))")
                }
                return s
            }
            let raw = try context.parameters.require("kind")
            guard let kind = ImportKind(rawValue: raw) else {
                throw APIError.notFound("no import kind \(raw); use one of \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            guard buffer.readableBytes > 0 else { throw APIError.badRequest("body", "the request body is empty; send the CSV file or XLSX workbook as the body") }
            let name = request.headers[.contentDisposition].flatMap { Self.fileName(fromDisposition: $0) } ?? "upload.csv"
            do {
                let report = try await services.runImport(Data(buffer: buffer), fileName: name, kind: kind, by: principal,
                                                          source: request.clientAddress(context), via: "api", dataSource: dataSource, sheet: sheet)
                return report
            } catch let e as ImportFileError {
                throw APIError(.badRequest, code: "bad_file", message: e.description)
            }
        }
    }

    /// `GET /api/v1/imports/templates/{kind}?format=xlsx|csv`: the blank file of an import kind (see `ImportTemplate`).
    func addImportTemplateRoute(_ api: APIRoutes) {
        api.get("/api/v1/imports/templates/:kind", RouteDoc(method: "get", path: "/api/v1/imports/templates/:kind",
                                                            summary: "A blank import file of the kind, from the data dictionary: XLSX (default; the header row and a 说明 sheet describing each column) or CSV (the header row)",
                                                            tag: "data", params: [.path("kind", "enterprises, indicators, supply-links, talent, qualifications, investments, land or daily-electricity"),
                                                                                  .query("format", "xlsx (default) or csv", enumValues: ["xlsx", "csv"])],
                                                            response: .tableDownload, access: .permission(.readCatalog))) { request, context in
            let q = try QueryReader(request, allowed: ["format"])
            let format = try q.string("format") ?? "xlsx"
            guard format == "xlsx" || format == "csv" else { throw APIError.badRequest("format", "\(format) is not a template format; use xlsx or csv") }
            let raw = try context.parameters.require("kind")
            guard let kind = ImportKind(rawValue: raw) else {
                throw APIError.notFound("no import kind \(raw); use one of \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return try Self.templateResponse(kind, xlsx: format == "xlsx")
        }
    }

    /// The template of `kind` as an attachment (the API and the portal's link answer the same bytes).
    static func templateResponse(_ kind: ImportKind, xlsx: Bool) throws -> Response {
        var headers = HTTPFields()
        let data: Data
        if xlsx {
            do { data = try ImportTemplate.xlsx(kind) } catch { throw APIError(.internalServerError, code: "export_failed", message: "the template could not be written: \(error)") }
            headers[.contentType] = XLSXDownload.contentType
        } else {
            data = ImportTemplate.csv(kind)
            headers[.contentType] = "text/csv; charset=utf-8"
        }
        headers[.contentDisposition] = "attachment; filename=\"template-\(kind.rawValue).\(xlsx ? "xlsx" : "csv")\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func fileName(fromDisposition value: String) -> String? {
        guard let r = value.range(of: "filename=") else { return nil }
        return String(value[r.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "\"; "))
    }
}
