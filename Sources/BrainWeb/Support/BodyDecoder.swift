import BrainData
import Foundation

/// Decodes every JSON request body of the API after checking what no field may hold, whatever the route: numbers must be
/// finite and at most 10¹⁵ in size, texts at most 100,000 characters (routes set tighter limits per field) and free of
/// control characters and bidirectional overrides. A violation is a 400 that names the field's path in the body.
enum BodyDecoder {
    static let maxMagnitude = 1e15
    static let maxText = 100_000

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let problem = check(data) { throw APIError(.badRequest, code: "bad_body", message: problem) }
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// The first problem of a body, or nil; a body that is not JSON is left to the decoder's own message.
    static func check(_ data: Data) -> String? {
        guard let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return walk(root, path: "")
    }

    private static func walk(_ value: Any, path: String) -> String? {
        let name = path.isEmpty ? "the body" : path
        switch value {
        case let text as String:
            if let problem = TextRules.problem(text, maxLength: maxText, multiline: true) { return "\(name): \(problem)" }
        case let number as NSNumber:
            // Booleans are NSNumbers too; their doubleValue is 0 or 1.
            let d = number.doubleValue
            if !d.isFinite || abs(d) > maxMagnitude { return "\(name): \(number) is not a usable number (finite, at most 10^15 in size)" }
        case let array as [Any]:
            for (k, v) in array.enumerated() { if let p = walk(v, path: "\(path)[\(k)]") { return p } }
        case let object as [String: Any]:
            for (k, v) in object {
                if let p = TextRules.problem(k, maxLength: 200) { return "field name \(String(k.prefix(40))): \(p)" }
                if let p = walk(v, path: path.isEmpty ? k : "\(path).\(k)") { return p }
            }
        default:
            break
        }
        return nil
    }
}
