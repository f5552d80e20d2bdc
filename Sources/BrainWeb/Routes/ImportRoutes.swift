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
                                                   summary: "Import a CSV file (UTF-8 with or without BOM, or GBK) of enterprises, indicators, supply-links or talent; rows outside the caller's scope are rejected",
                                                   tag: "data", params: [.path("kind", "enterprises, indicators, supply-links or talent"),
                                                                         .query("source", "where the values come from (default statistics); indicator values are merged by source, never overwritten",
                                                                                enumValues: DataSource.builtIn.map(\.code))],
                                                   requestBody: .csv,
                                                   access: .permission(.importData), errors: [400, 401, 403, 404, 413])) { request, context in
            let principal = try context.caller()
            let q = try QueryReader(request, allowed: ["source"])
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
            guard buffer.readableBytes > 0 else { throw APIError.badRequest("body", "the request body is empty; send the CSV file as the body") }
            let name = request.headers[.contentDisposition].flatMap { Self.fileName(fromDisposition: $0) } ?? "upload.csv"
            do {
                let report = try await services.runImport(Data(buffer: buffer), fileName: name, kind: kind, by: principal,
                                                          source: request.clientAddress(context), via: "api", dataSource: dataSource)
                return report
            } catch let e as ImportFileError {
                throw APIError(.badRequest, code: "bad_file", message: e.description)
            }
        }
    }

    static func fileName(fromDisposition value: String) -> String? {
        guard let r = value.range(of: "filename=") else { return nil }
        return String(value[r.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "\"; "))
    }
}
