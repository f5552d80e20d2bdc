import Foundation

/// Builds the OpenAPI 3.1 document from the registered routes' documentation. Every body schema is derived from the
/// Codable type the route reads or returns (`SchemaBook`); the only hand-written schema is the error body's.
enum OpenAPIDocument {
    static func build(_ docs: [RouteDoc], version: String) throws -> Data {
        let book = SchemaBook()
        book.add("Error", errorSchema)
        var paths: [String: [String: Any]] = [:]
        for d in docs {
            var op: [String: Any] = [
                "summary": d.summary,
                "tags": [d.tag],
                "operationId": d.method + d.openAPIPath.replacingOccurrences(of: "/api/v1", with: "")
                    .split(whereSeparator: { "/{}-".contains($0) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
            ]
            if !d.params.isEmpty {
                op["parameters"] = d.params.map { p -> [String: Any] in
                    var schema: [String: Any] = ["type": p.type]
                    if let e = p.enumValues { schema["enum"] = e }
                    return ["name": p.name, "in": p.location, "required": p.required, "description": p.description, "schema": schema]
                }
            }
            if let body = d.requestBody {
                op["requestBody"] = ["required": true, "content": try body.content(book)]
            }
            var responses: [String: Any] = [:]
            let ok: [String: Any] = try d.response.map { ["description": "OK", "content": try $0.content(book)] }
                ?? ["description": "OK"]
            responses[String(d.status.code)] = ok
            if let alternate = d.alternate { responses[String(alternate.code)] = ok }
            if let accepted = d.accepted {
                responses["202"] = ["description": "Accepted: the work runs in the background; Location names the job to poll",
                                    "headers": ["Location": ["description": "the job's URL", "schema": ["type": "string"]]],
                                    "content": try accepted.content(book)]
            }
            for code in errorStatuses(d) {
                var answer: [String: Any] = ["description": errorText(code), "content": ["application/json": ["schema": book.ref("Error")]]]
                if code == 429 { answer["headers"] = ["Retry-After": ["description": "seconds to wait", "schema": ["type": "integer"]]] }
                responses[String(code)] = answer
            }
            op["responses"] = responses
            if d.secured {
                op["security"] = [["bearer": [String]()]]
            } else {
                op["security"] = [[String: [String]]()]
            }
            if let perm = d.permission { op["x-permission"] = perm }
            paths[d.openAPIPath, default: [:]][d.method] = op
        }
        let doc: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "Industry Brain (产业大脑) API", "version": version,
                     "description": "Province industry platform: standard data model, monitoring, warnings, chains, talent, policies. Every route except login needs a bearer token and answers only within the caller's data scope."],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": book.components,
            ],
        ]
        return try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }

    /// The error statuses a route can answer: its own list, 401 for secured routes, 413 for bodies, 429 always (the rate
    /// limit runs before everything else), 503 where the route declares it.
    static func errorStatuses(_ d: RouteDoc) -> [Int] {
        var codes = Set(d.errors)
        if d.secured { codes.insert(401) } else { codes.remove(401) }
        if d.requestBody != nil { codes.formUnion([400, 413]) }
        codes.insert(429)
        return codes.sorted()
    }

    /// `{"error":{"code":"…","message":"…"}}`.
    nonisolated(unsafe) static let errorSchema: [String: Any] = [
        "type": "object", "required": ["error"], "additionalProperties": false,
        "properties": ["error": ["type": "object", "required": ["code", "message"], "additionalProperties": false,
                                 "properties": ["code": ["type": "string"], "message": ["type": "string"]]]],
    ]

    static func errorText(_ code: Int) -> String {
        switch code {
        case 400: return "A parameter or the body is invalid; the message names it"
        case 401: return "Missing, invalid or expired bearer token"
        case 403: return "The caller's role or data scope does not allow this"
        case 404: return "No such resource"
        case 409: return "The resource's state does not allow this (already done, already exists)"
        case 413: return "Body too large"
        case 415: return "The body's Content-Type or Content-Encoding is not one the route reads"
        case 422: return "The request reuses an idempotency key with a different body"
        case 429: return "Too many requests from this address or caller; wait Retry-After seconds"
        case 503: return "The service is starting or a dependency is unavailable"
        default: return "Error"
        }
    }
}
