import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    func addImportRoutes(_ api: APIRoutes) {
        let services = self.services
        api.post("/api/v1/imports/:kind", RouteDoc(method: "post", path: "/api/v1/imports/:kind",
                                                   summary: "Import a CSV file (UTF-8 with or without BOM, or GBK) or an XLSX workbook (recognised by its content; the first sheet or ?sheet=) of enterprises, indicators, supply-links, talent, qualifications, investments, land or daily-electricity; rows outside the caller's scope are rejected. Answers the report when the import ends, or with ?async=true at once 202 with the job (Location: /api/v1/imports/jobs/{id}) to poll for progress and the report",
                                                   tag: "data", params: [.path("kind", "enterprises, indicators, supply-links, talent, qualifications, investments, land or daily-electricity"),
                                                                         .query("source", "where the values come from (default statistics); indicator values are merged by source, never overwritten",
                                                                                enumValues: DataSource.builtIn.map(\.code)),
                                                                         .query("sheet", "the sheet of an XLSX workbook to read (default: the first sheet); refused for a CSV file"),
                                                                         .query("async", "true: run the import in the background and answer 202 with the job at once (for large files); false (default): answer the report when done",
                                                                                type: "boolean")],
                                                   requestBody: .table, response: .json(ImportReport.self), accepted: .json(ImportJobStatus.self),
                                                   access: .permission(.importData), errors: [400, 401, 403, 404, 409, 413])) { request, context in
            let principal = try context.caller()
            let q = try QueryReader(request, allowed: ["source", "sheet", "async"])
            let sheet = try q.string("sheet")
            let background = try q.bool("async") ?? false
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
            if background {
                let job = try services.startImportJob(Data(buffer: buffer), fileName: name, kind: kind, by: principal, source: request.clientAddress(context),
                                                      via: "api job", dataSource: dataSource, sheet: sheet)
                var response = try JSONResponse.make(job, status: .accepted)
                response.headers[.location] = "/api/v1/imports/jobs/\(job.id)"
                return response
            }
            do {
                let report = try await services.runImport(Data(buffer: buffer), fileName: name, kind: kind, by: principal,
                                                          source: request.clientAddress(context), via: "api", dataSource: dataSource, sheet: sheet)
                return try JSONResponse.make(report)
            } catch let e as ImportFileError {
                throw APIError(.badRequest, code: "bad_file", message: e.description)
            }
        }
        addImportJobRoutes(api)
    }

    /// `GET /api/v1/imports/jobs/{id}` and `…/rejected`: a background import's progress, report and rejected rows, for its
    /// owner or an administrator (anyone else gets 404, as for a job that does not exist).
    func addImportJobRoutes(_ api: APIRoutes) {
        let jobs = services.importJobs
        let gone: @Sendable (String) -> String = { id in
            "no import job \(id) that you may read; jobs are kept in memory (the last \(ImportJobs.kept), up to 24 hours after they end) and not across a restart of the server"
        }
        api.get("/api/v1/imports/jobs/:id", RouteDoc(method: "get", path: "/api/v1/imports/jobs/:id",
                                                     summary: "A background import (POST /api/v1/imports/{kind}?async=true): its phase (hashing, reading, merging, committing, done, failed), rows read, accepted and rejected so far, parts merged, bytes read of the total; at the end the report (its rejected rows at …/rejected) or the error. Only the job's owner or an administrator; kept in memory, not across a restart",
                                                     tag: "data", params: [.path("id", "the job's id from the 202 answer")],
                                                     access: .permission(.importData), errors: [401, 403, 404])) { request, context in
            let principal = try context.caller()
            _ = try QueryReader(request, allowed: [])
            let id = try context.parameters.require("id")
            guard let job = jobs.status(id, for: principal) else { throw APIError.notFound(gone(id)) }
            return job
        }
        api.get("/api/v1/imports/jobs/:id/rejected", RouteDoc(method: "get", path: "/api/v1/imports/jobs/:id/rejected",
                                                              summary: "The rejected rows of an ended background import (row, field, value, reason; a row with several problems has a line for each), paged as JSON, or every kept row as a CSV or XLSX download in the format of the CLI's --errors file. The first 10,000 problems are kept; the report counts the rest (problemsOmitted)",
                                                              tag: "data", params: [.path("id", "the job's id"),
                                                                                    .query("limit", "rows per page, 1–1000 (default 100; JSON only)", type: "integer"),
                                                                                    .query("offset", "rows to skip (default 0; JSON only)", type: "integer"),
                                                                                    .query("format", "json (default), csv or xlsx", enumValues: ["json", "csv", "xlsx"])],
                                                              response: .jsonOrTable(Page<RejectedRow>.self), access: .permission(.importData), errors: [400, 401, 403, 404])) { request, context in
            let principal = try context.caller()
            let q = try QueryReader(request, allowed: ["limit", "offset", "format"])
            let limit = try q.int("limit", default: 100, range: 1...1000), offset = try q.int("offset", default: 0, range: 0...10_000_000)
            let format = q.string("format") ?? "json"
            guard ["json", "csv", "xlsx"].contains(format) else { throw APIError.badRequest("format", "\(format) is not a format of this list; use json, csv or xlsx") }
            let id = try context.parameters.require("id")
            guard let status = jobs.status(id, for: principal), let page = jobs.rejected(id, for: principal, limit: format == "json" ? limit : Int.max / 2, offset: format == "json" ? offset : 0) else {
                throw APIError.notFound(gone(id))
            }
            if format == "json" { return try JSONResponse.make(page) }
            return try XLSXDownload.table(Self.rejectedTable(page.items), numeric: [0], xlsx: format == "xlsx", sheet: "rejected",
                                          filename: "rejected-\(status.id.prefix(8))")
        }
    }

    /// Rejected rows as the CLI's `--errors` file has them: a header, then row, field, value, reason.
    static func rejectedTable(_ rows: [RejectedRow]) -> [[String]] {
        [["row", "field", "value", "reason"]] + rows.map { [String($0.row), $0.field, $0.value, $0.reason] }
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
