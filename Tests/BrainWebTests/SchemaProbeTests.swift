import BrainCore
import Foundation
import Testing
@testable import BrainWeb

/// Sample bodies for the probe: every shape the API's types use.
struct ProbeSample: Codable {
    enum Colour: String, Codable, CaseIterable { case red, green }
    struct Inner: Codable { let value: Double }
    let name: String
    let count: Int
    let ratio: Double?
    let flags: [Bool]
    let colour: Colour
    let month: Month
    let inner: Inner
    let byKey: [String: Inner?]
    let tags: Set<String>
}

/// A type that holds itself: the probe must name it instead of looping.
final class ProbeLoop: Codable {
    let next: ProbeLoop
}

@Suite struct SchemaProbeTests {
    @Test func learnsEveryShape() throws {
        let book = SchemaBook()
        let (top, _) = try book.schema(of: ProbeSample.self)
        #expect(top["$ref"] as? String == "#/components/schemas/ProbeSample")
        let s = try #require(book.components["ProbeSample"])
        #expect(s["additionalProperties"] as? Bool == false)
        let required = try #require(s["required"] as? [String])
        #expect(required == ["name", "count", "flags", "colour", "month", "inner", "byKey", "tags"], "an optional property is not required")
        let p = try #require(s["properties"] as? [String: [String: Any]])
        #expect(p["name"]?["type"] as? String == "string")
        #expect(p["count"]?["type"] as? String == "integer")
        #expect(p["ratio"]?["type"] as? [String] == ["number", "null"])
        #expect((p["flags"]?["items"] as? [String: Any])?["type"] as? String == "boolean")
        #expect(p["colour"]?["enum"] as? [String] == ["red", "green"])
        #expect(p["month"]?["pattern"] as? String == "^[0-9]{4}-(0[1-9]|1[0-2])$")
        #expect(p["inner"]?["$ref"] as? String == "#/components/schemas/ProbeSampleInner", "nested types are components named with their parent")
        let map = try #require(p["byKey"]?["additionalProperties"] as? [String: Any])
        #expect((map["anyOf"] as? [[String: Any]])?.count == 2, "a nullable reference is anyOf [ref, null]")
        #expect(p["tags"]?["uniqueItems"] as? Bool == true)
        let inner = try #require(book.components["ProbeSampleInner"]?["properties"] as? [String: [String: Any]])
        #expect(inner["value"]?["type"] as? String == "number")
    }

    @Test func namesGenericsAndRefusesWhatItCannotLearn() throws {
        #expect(try SchemaBook.componentName(ItemList<ProbeSample.Inner>.self) == "ItemListOfProbeSampleInner")
        struct Local: Codable { let x: Int }
        #expect(throws: SchemaBook.ProbeError.self) { try SchemaBook().schema(of: Local.self) }
        #expect(throws: SchemaBook.ProbeError.self) { try SchemaBook().schema(of: ProbeLoop.self) }
    }
}

extension SchemaProbeTests {
    @Test func theAPIDocumentBuilds() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        #expect(throws: Never.self) { _ = try BrainServer(services: s.services).openAPIDocument() }
    }
}

extension SchemaProbeTests {
    /// The validator the conformance test relies on refuses what it should.
    @Test func theValidatorRefusesDrift() throws {
        let book = SchemaBook()
        let (schema, _) = try book.schema(of: ProbeSample.Inner.self)
        let v = SchemaValidator(schemas: book.components)
        #expect(v.validate(["value": 1.5], against: schema, at: "$").isEmpty)
        #expect(v.validate(["value": 1.5, "renamed": 2], against: schema, at: "$") == ["$: unexpected key renamed"])
        #expect(v.validate([String: Any](), against: schema, at: "$") == ["$: missing value"])
        #expect(v.validate(["value": "x"], against: schema, at: "$") == ["$.value: a string is not number"])
        #expect(!v.validate(["month": "2026-13"], against: ["properties": ["month": try book.schema(of: Month.self).schema]], at: "$").isEmpty)
    }
}
