import BrainCore
import Foundation
import Testing

/// `JSONText` against the encoder it stands in for: the same bytes for every ASCII character, non-ASCII text, nil members
/// and integers.
@Suite struct JSONTextTests {
    static func encoded<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(value), as: UTF8.self)
    }

    @Test func quotesEveryASCIICharacterAsTheEncoderDoes() throws {
        for b in 0..<0x80 {
            let s = "a" + String(Character(Unicode.Scalar(UInt8(b)))) + "z"
            #expect(JSONText.quoted(s) == (try Self.encoded([s])).dropFirst().dropLast(), "byte \(b)")
        }
    }

    @Test func leavesNonASCIIAndSlashesAsTheyAre() throws {
        for s in ["", "/api/v1/hub/services/x/data", "南昌市 é \u{2028} \u{FFFD} 🙂", "\u{7F}", "tab\tand \"quote\" and \\ back\nslash\u{01}"] {
            #expect(JSONText.quoted(s) == (try Self.encoded([s])).dropFirst().dropLast(), "\(s.debugDescription)")
        }
    }

    @Test func writesAnObjectAsTheEncoderWritesAStructWithOptionals() throws {
        struct Detail: Encodable { let bodyBytes: Int?; let bodySha256: String?; let method, path: String; let query: String?; let status: Int }
        let cases = [Detail(bodyBytes: nil, bodySha256: nil, method: "GET", path: "/api/v1/x", query: nil, status: 200),
                     Detail(bodyBytes: 0, bodySha256: "ab", method: "POST", path: "/api/v1/\"x\"", query: "a=1&b=/2", status: -1),
                     Detail(bodyBytes: Int.max, bodySha256: "", method: "PUT", path: "/", query: "\u{0}", status: 500)]
        for d in cases {
            let text = JSONText.object(["bodyBytes": d.bodyBytes.map { .int($0) }, "bodySha256": d.bodySha256.map { .string($0) },
                                        "method": .string(d.method), "path": .string(d.path), "query": d.query.map { .string($0) },
                                        "status": .int(d.status)])
            #expect(text == (try Self.encoded(d)))
        }
        #expect(JSONText.object([:]) == "{}")
        #expect(JSONText.object(["a": nil]) == "{}")
    }
}
