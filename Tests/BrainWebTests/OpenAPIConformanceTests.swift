import Foundation
import Testing
@testable import BrainWeb

/// The OpenAPI document against the running server: closed shapes, the error statuses every operation lists, and every
/// GET route's answer, for four roles, valid against the schema the document derives from the route's Codable type.
@Suite struct OpenAPIConformanceTests {
    @Test func documentAndAnswersAgree() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let doc = try #require(try JSONSerialization.jsonObject(with: try await s.get("/openapi.json").data) as? [String: Any])
        let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        #expect(schemas.count > 60)
        for (name, schema) in schemas where schema["properties"] != nil {
            #expect(schema["additionalProperties"] as? Bool == false, "\(name) is an open shape")
        }
        let paths = try #require(doc["paths"] as? [String: [String: [String: Any]]])
        for (path, ops) in paths {
            for (method, op) in ops {
                let responses = try #require(op["responses"] as? [String: Any])
                #expect(responses["429"] != nil, "\(method) \(path) does not list 429")
                if path != "/api/v1/auth/login" { #expect(responses["401"] != nil, "\(method) \(path) does not list 401") }
                if op["requestBody"] != nil { #expect(responses["413"] != nil, "\(method) \(path) takes a body but does not list 413") }
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(method) \(path) has no success answer")
            }
        }
        let validator = SchemaValidator(schemas: schemas)
        let uscc = s.manifest.distressed[0].uscc
        var checked = 0
        for (user, password) in [("admin", "Admin#20262026"), ("nanchang", "Nanchang#2026"), ("firm", "Firm#20262026"), ("provider", "Provider#2026")] {
            let token = try await s.login(user, password)
            for (path, ops) in paths.sorted(by: { $0.key < $1.key }) {
                guard let op = ops["get"], let responses = op["responses"] as? [String: Any],
                      let ok = (((responses["200"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                else { continue }
                var concrete = path.replacingOccurrences(of: "{code}", with: "NFM").replacingOccurrences(of: "{uscc}", with: uscc)
                    .replacingOccurrences(of: "{kind}", with: "enterprises")
                // Required query parameters get an example value.
                let required = (op["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "query" && $0["required"] as? Bool == true }
                    .compactMap { $0["name"] as? String }
                if !required.isEmpty { concrete += "?" + required.map { "\($0)=\(["month": "2026-10", "indicator": "electricity"][$0] ?? "x")" }.joined(separator: "&") }
                guard !concrete.contains("{") else { continue }
                let r = try await s.get(concrete, token: token)
                guard r.status == 200 else {
                    #expect([403, 404].contains(r.status), "\(user) GET \(concrete) answered \(r.status)")
                    continue
                }
                let problems = validator.validate(r.json, against: ok, at: "$")
                #expect(problems.isEmpty, "\(user) GET \(concrete): \(problems.prefix(5).joined(separator: "; "))")
                checked += 1
            }
        }
        #expect(checked > 60, "only \(checked) answers were checked")
    }
}

/// A small JSON Schema validator for the keywords the document uses: type (with null), enum, properties, required,
/// additionalProperties, items, anyOf, $ref, pattern.
struct SchemaValidator {
    let schemas: [String: [String: Any]]

    func validate(_ value: Any, against schema: [String: Any], at path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            guard let target = schemas[String(ref.dropFirst("#/components/schemas/".count))] else { return ["\(path): unknown \(ref)"] }
            return validate(value, against: target, at: path)
        }
        if let any = schema["anyOf"] as? [[String: Any]] {
            return any.contains { validate(value, against: $0, at: path).isEmpty } ? [] : ["\(path): matches none of anyOf"]
        }
        var types: [String] = []
        if let t = schema["type"] as? String { types = [t] } else if let t = schema["type"] as? [String] { types = t }
        if !types.isEmpty, !types.contains(where: { Self.matches(value, $0) }) { return ["\(path): \(Self.describe(value)) is not \(types.joined(separator: "|"))"] }
        if let e = schema["enum"] as? [Any], !(value is NSNull), !e.contains(where: { "\($0)" == "\(value)" }) { return ["\(path): \(value) not in enum"] }
        if let pattern = schema["pattern"] as? String, let text = value as? String, text.range(of: pattern, options: .regularExpression) == nil {
            return ["\(path): '\(text)' does not match \(pattern)"]
        }
        var problems: [String] = []
        if let object = value as? [String: Any] {
            let props = schema["properties"] as? [String: [String: Any]] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { problems.append("\(path): missing \(key)") }
            for (key, v) in object {
                if let p = props[key] {
                    problems += validate(v, against: p, at: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path): unexpected key \(key)")
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    problems += validate(v, against: extra, at: "\(path).\(key)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, v) in array.enumerated() { problems += validate(v, against: items, at: "\(path)[\(i)]") }
        }
        return problems
    }

    static func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        // Foundation on Linux reads true and false as numbers, so booleans and numbers are told apart only by value here
        // (schemathesis checks them strictly in CI).
        case "boolean": return (value as? NSNumber).map { $0.doubleValue == 0 || $0.doubleValue == 1 } ?? false
        case "integer": return (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } ?? false
        case "number": return value is NSNumber
        default: return false
        }
    }

    static func describe(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case is String: return "a string"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "\(value)"
        }
    }
}
