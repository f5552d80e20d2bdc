import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import Foundation
import HTTPTypes
import Hummingbird

extension BrainServer {
    /// The ingestion interface (统一数据接口, docs/data-interface.md): the datasets it takes, each one's JSON Schema, and
    /// `POST /api/v1/ingest/{dataset}`.
    func addIngestRoutes(_ api: APIRoutes) {
        let services = self.services
        let names = IngestDesk.datasets.map(\.rawValue).joined(separator: ", ")
        api.get("/api/v1/ingest", RouteDoc(method: "get", path: "/api/v1/ingest",
                                           summary: "The datasets the ingestion interface takes (the data centre's catalogue), each with its JSON Schema, its endpoint, the rows allowed per request and whether the caller may write it",
                                           tag: "ingest", errors: [401])) { request, context -> [IngestDatasetEntry] in
            let principal = try context.caller()
            _ = try QueryReader(request, allowed: [])
            return services.ingest.list(for: principal, catalogue: try await services.sourceDesk.catalogue())
        }
        api.get("/api/v1/ingest/:dataset/schema", RouteDoc(method: "get", path: "/api/v1/ingest/:dataset/schema",
                                                           summary: "The JSON Schema (draft 2020-12) of a request body of the dataset, generated from the data dictionary: each field's type, range, unit, maximum length and code list, the required fields",
                                                           tag: "ingest", params: [.path("dataset", names)],
                                                           response: .jsonSchemaDocument, errors: [401, 404])) { request, context in
            _ = try context.caller()
            _ = try QueryReader(request, allowed: [])
            let kind = try IngestDesk.dataset(try context.parameters.require("dataset"))
            let entry = try await services.sourceDesk.catalogue().first { $0.code == kind.rawValue }
            let doc = IngestSchema.document(for: kind, nameZh: entry?.nameZh ?? kind.rawValue, maxRows: services.ingest.limits.maxRows)
            let data = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .withoutEscapingSlashes])
            return JSONResponse.raw(data, contentType: "application/json; charset=utf-8")
        }
        api.post("/api/v1/ingest/:dataset", RouteDoc(method: "post", path: "/api/v1/ingest/:dataset",
                                                     summary: "Deliver rows of a dataset: a JSON array of row objects (or {\"rows\": [...]}), or NDJSON with Content-Type: application/x-ndjson, optionally Content-Encoding: gzip; at most 10,000 rows and 32 MiB decompressed. The Idempotency-Key header is required: a retry with the same key and body answers the first answer (Idempotent-Replayed: true) and writes nothing; the same key with another body is refused with 422. Rows go through the data centre's import (validation by the data dictionary, the caller's data scope, merging by source, the batch and its lineage); the answer gives every row's result",
                                                     tag: "ingest", params: [.path("dataset", names),
                                                                             ParamDoc(name: "Idempotency-Key", location: "header", type: "string",
                                                                                      description: "a unique value per batch (1–128 visible ASCII characters), sent again unchanged on a retry; kept 24 hours",
                                                                                      required: true),
                                                                             .query("source", "a person's delivery: where the values come from (default statistics; an enterprise delivers self-report)",
                                                                                    enumValues: DataSource.builtIn.map(\.code))],
                                                     requestBody: .ingestRows, response: .json(IngestResult.self),
                                                     errors: [400, 401, 403, 404, 409, 413, 415, 422])) { request, context in
            let principal = try context.caller()
            let q = try QueryReader(request, allowed: ["source"])
            let kind = try IngestDesk.dataset(try context.parameters.require("dataset"))
            let asked = try q.string("source").map { code in
                guard let s = DataSource.named(code) else {
                    throw APIError.badRequest("source", "\(code) is not a data source; use one of \(DataSource.builtIn.map(\.code).joined(separator: ", "))")
                }
                return s
            }
            // Refusals that need no body come first: the right to the dataset, then the headers.
            try IngestDesk.authorize(principal, kind)
            let ndjson = try Self.ingestFormat(request.headers[.contentType])
            let gzip = try Self.ingestGzip(request.headers[.contentEncoding])
            var body = Data(buffer: try await request.body.collect(upTo: context.maxUploadSize))
            do {
                if gzip { body = try IngestTable.gunzip(body, limit: services.ingest.limits.maxBytes) }
                let answer = try await services.runIngest(body, ndjson: ndjson, dataset: kind, idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!],
                                                          by: principal, source: request.clientAddress(context), dataSource: asked)
                var response = JSONResponse.raw(answer.body, contentType: "application/json; charset=utf-8",
                                                status: HTTPResponse.Status(code: answer.status))
                if answer.replayed { response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
                return response
            } catch let e as IngestBodyError {
                let status: HTTPResponse.Status = e.code == "too_many_rows" || e.code == "too_large" ? .contentTooLarge : .badRequest
                throw APIError(status, code: e.code, message: e.description)
            } catch let e as AppError where e.code == "idempotency_key_reused" {
                throw APIError(.unprocessableContent, code: "idempotency_key_reused", message: e.message)
            } catch let e as ImportFileError {
                throw APIError(.badRequest, code: "bad_body", message: e.description)
            }
        }
    }

    /// NDJSON for `application/x-ndjson` (or `application/ndjson`, `application/jsonl`), JSON for `application/json`
    /// or none; anything else is refused with 415.
    static func ingestFormat(_ contentType: String?) throws -> Bool {
        let type = (contentType ?? "application/json").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "application/json", "": return false
        case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines": return true
        default:
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           message: "Content-Type \(type) is not read here: send application/json (an array of row objects; with curl: -H 'Content-Type: application/json') or application/x-ndjson (one row object a line); CSV and XLSX files go to POST /api/v1/imports/{kind}")
        }
    }

    /// True for `Content-Encoding: gzip`; none or `identity` reads the body as it is; anything else is refused with 415.
    static func ingestGzip(_ encoding: String?) throws -> Bool {
        switch encoding?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "", "identity": return false
        case "gzip", "x-gzip": return true
        case let other?:
            throw APIError(.unsupportedMediaType, code: "unsupported_encoding", message: "Content-Encoding \(other) is not read here: send the body as it is or gzip-compressed (Content-Encoding: gzip)")
        }
    }
}

extension BodyDoc {
    /// A JSON Schema document (its keys vary by dataset): a free-form object.
    static let jsonSchemaDocument = BodyDoc(contentType: "application/json",
                                            schema: { _ in ["type": "object", "description": "a JSON Schema, draft 2020-12"] })
    /// The rows of an ingestion request: a JSON array of row objects, or NDJSON.
    static let ingestRows = BodyDoc(contentType: "application/json",
                                    schema: { _ in ["type": "array", "maxItems": 10_000,
                                                    "items": ["type": "object", "description": "one row: the dataset's field names (GET /api/v1/ingest/{dataset}/schema) and their values"]] },
                                    alternatives: [("application/x-ndjson", { _ in ["type": "string", "description": "one row object a line"] })])
}
