import BrainCore
import Foundation

/// Learns the JSON Schema of a `Decodable` type by decoding it from a probe: the probe answers every request with an empty
/// sample and records what the type asked for (its keys, each key's type, which keys are optional). The OpenAPI document's
/// schemas come from here, so renaming a Codable property renames it in the document too.
///
/// Struct types become closed components (`additionalProperties: false`) named after the type (`ChainAnalysis.Link` →
/// `ChainAnalysisLink`, `Page<Warning>` → `PageOfWarning`). String enums that are `CaseIterable` list their raw values; a
/// value with a custom string form (a month) describes itself through `JSONStringValue`. A type the probe cannot learn
/// (a local type, a non-iterable enum) is an error that names it, caught by the test that builds the document.
final class SchemaBook {
    /// Components found so far, by name.
    private(set) var components: [String: [String: Any]] = [:]
    private var samples: [String: Any] = [:]
    private var inProgress: Set<String> = []

    /// A probe failure: the type and why, for the developer who added it.
    struct ProbeError: Error, CustomStringConvertible {
        let description: String
    }

    /// The schema of `T` (a `$ref` for struct types, whose component is recorded), and an instance to hand back to the
    /// decoder that asked.
    func schema<T: Decodable>(of type: T.Type) throws -> (schema: [String: Any], sample: T) {
        if let leaf = Self.leaf(T.self) { return leaf }
        if let o = T.self as? any OptionalProbe.Type {
            return (Self.nullable(try o.wrappedSchema(self)), o.noneValue as! T)
        }
        if let s = T.self as? any SequenceProbe.Type {
            return (try s.sequenceSchema(self), s.emptyValue as! T)
        }
        if let m = T.self as? any MapProbe.Type {
            return (try m.mapSchema(self), m.emptyValue as! T)
        }
        if let v = T.self as? any JSONStringValue.Type {
            var s: [String: Any] = ["type": "string", "description": v.schemaDescription]
            if let p = v.schemaPattern { s["pattern"] = p }
            return (s, v.schemaExample as! T)
        }
        if let c = T.self as? any CaseIterable.Type {
            let cases = Self.cases(of: c)
            let raws = cases.compactMap { ($0 as? any RawRepresentable)?.rawValue }
            if let strings = raws as? [String], strings.count == cases.count, let first = cases.first {
                return (["type": "string", "enum": strings], first as! T)
            }
            if let ints = raws as? [Int], ints.count == cases.count, let first = cases.first {
                return (["type": "integer", "enum": ints], first as! T)
            }
        }
        return try object(T.self)
    }

    /// Decodes a struct type from the probe and records it as a component.
    private func object<T: Decodable>(_ type: T.Type) throws -> (schema: [String: Any], sample: T) {
        let name = try Self.componentName(T.self)
        if let sample = samples[name] as? T { return (ref(name), sample) }
        guard !inProgress.contains(name) else {
            throw ProbeError(description: "\(name) contains itself; give the recursive property an explicit schema")
        }
        inProgress.insert(name)
        defer { inProgress.remove(name) }
        let decoder = ProbeDecoder(book: self)
        let value: T
        do { value = try T(from: decoder) } catch let e as ProbeError { throw e } catch {
            throw ProbeError(description: "\(name) cannot be decoded from an empty sample (\(error)); make it a JSONStringValue or decode it leniently")
        }
        switch decoder.shape {
        case .keyed(let object):
            components[name] = object.schema
            samples[name] = value
            return (ref(name), value)
        case .single(let schema):
            return (schema, value)
        case .none:
            return (["type": "object"], value)
        }
    }

    func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    /// Adds the document's own components (the error body, free-form shapes) beside the probed ones.
    func add(_ name: String, _ schema: [String: Any]) { components[name] = schema }

    /// `T` or null: a type list gains "null"; a reference or an enumeration becomes `anyOf`.
    static func nullable(_ s: [String: Any]) -> [String: Any] {
        if let t = s["type"] as? String, s["enum"] == nil { return s.merging(["type": [t, "null"]]) { _, b in b } }
        if let t = s["type"] as? [String] { return s.merging(["type": t.contains("null") ? t : t + ["null"]]) { _, b in b } }
        return ["anyOf": [s, ["type": "null"]]]
    }

    private static func leaf<T>(_ type: T.Type) -> (schema: [String: Any], sample: T)? {
        switch type {
        case is String.Type: return (["type": "string"], "" as! T)
        case is Bool.Type: return (["type": "boolean"], false as! T)
        case is Double.Type: return (["type": "number"], 0.0 as! T)
        case is Float.Type: return (["type": "number"], Float(0) as! T)
        case is Int.Type: return (["type": "integer"], 0 as! T)
        case is Int64.Type: return (["type": "integer"], Int64(0) as! T)
        case is Int32.Type: return (["type": "integer"], Int32(0) as! T)
        case is Int16.Type: return (["type": "integer"], Int16(0) as! T)
        case is Int8.Type: return (["type": "integer"], Int8(0) as! T)
        case is UInt32.Type: return (["type": "integer", "minimum": 0], UInt32(0) as! T)
        case is UInt16.Type: return (["type": "integer", "minimum": 0], UInt16(0) as! T)
        case is UInt.Type: return (["type": "integer", "minimum": 0], UInt(0) as! T)
        case is UInt64.Type: return (["type": "integer", "minimum": 0], UInt64(0) as! T)
        case is UInt8.Type: return (["type": "integer", "minimum": 0, "maximum": 255], UInt8(0) as! T)
        default: return nil
        }
    }

    private static func cases<C: CaseIterable>(of type: C.Type) -> [Any] { Array(type.allCases) }

    /// `BrainApps.ChainAnalysis.Link` → `ChainAnalysisLink`; `BrainStore.Page<BrainApps.Warning>` → `PageOfWarning`.
    static func componentName<T>(_ type: T.Type) throws -> String {
        let full = String(reflecting: type)
        guard !full.contains("unknown context") else {
            throw ProbeError(description: "\(full) is declared inside a function; API bodies must be top-level types")
        }
        // Every qualified name starts with its module (`BrainApps.ChainAnalysis.Link`): that first word is dropped, nested
        // names are joined, generic arguments are spelt out.
        var name = ""
        var word = ""
        var atPathStart = true
        func take() {
            name += word
            word = ""
        }
        for ch in full {
            switch ch {
            case ".":
                if atPathStart { word = ""; atPathStart = false } else { take() }
            case "<": take(); name += "Of"; atPathStart = true
            case ",": take(); name += "And"; atPathStart = true
            case ">": take()
            case " ": take(); atPathStart = true
            default: word.append(ch)
            }
        }
        take()
        return name
    }

}

/// A value written as one JSON string with its own format (a month `2026-03`), which the probe cannot learn by decoding
/// an empty string.
protocol JSONStringValue: Decodable {
    static var schemaExample: Self { get }
    static var schemaPattern: String? { get }
    static var schemaDescription: String { get }
}

extension Month: JSONStringValue {
    static var schemaExample: Month { Month(year: 2026, month: 1)! }
    static var schemaPattern: String? { "^[0-9]{4}-(0[1-9]|1[0-2])$" }
    static var schemaDescription: String { "month YYYY-MM" }
}

protocol OptionalProbe {
    static func wrappedSchema(_ book: SchemaBook) throws -> [String: Any]
    static var noneValue: Self { get }
}

extension Optional: OptionalProbe where Wrapped: Decodable {
    static func wrappedSchema(_ book: SchemaBook) throws -> [String: Any] { try book.schema(of: Wrapped.self).schema }
    static var noneValue: Self { nil }
}

protocol SequenceProbe {
    static func sequenceSchema(_ book: SchemaBook) throws -> [String: Any]
    static var emptyValue: Self { get }
}

extension Array: SequenceProbe where Element: Decodable {
    static func sequenceSchema(_ book: SchemaBook) throws -> [String: Any] { ["type": "array", "items": try book.schema(of: Element.self).schema] }
    static var emptyValue: Self { [] }
}

extension Set: SequenceProbe where Element: Decodable {
    static func sequenceSchema(_ book: SchemaBook) throws -> [String: Any] {
        ["type": "array", "uniqueItems": true, "items": try book.schema(of: Element.self).schema]
    }
    static var emptyValue: Self { [] }
}

protocol MapProbe {
    static func mapSchema(_ book: SchemaBook) throws -> [String: Any]
    static var emptyValue: Self { get }
}

extension Dictionary: MapProbe where Key: Decodable, Value: Decodable {
    static func mapSchema(_ book: SchemaBook) throws -> [String: Any] {
        // JSONEncoder writes String- and Int-keyed dictionaries (and CodingKeyRepresentable keys) as objects, others as
        // flat [key, value, …] arrays.
        guard Key.self == String.self || Key.self == Int.self || Key.self is any CodingKeyRepresentable.Type else {
            return ["type": "array", "description": "alternating keys and values"]
        }
        var s: [String: Any] = ["type": "object", "additionalProperties": try book.schema(of: Value.self).schema]
        if let k = try? book.schema(of: Key.self).schema, let e = k["enum"] { s["propertyNames"] = ["enum": e] }
        return s
    }
    static var emptyValue: Self { [:] }
}

/// The shape a probed type asked for.
enum ProbeShape {
    case keyed(ProbeObject)
    case single([String: Any])
}

/// The properties a keyed type decoded, in order, and which of them it requires.
final class ProbeObject {
    private var order: [String] = []
    private var properties: [String: () -> [String: Any]] = [:]
    private var required: Set<String> = []

    func add(_ key: String, required isRequired: Bool, _ schema: @escaping () -> [String: Any]) {
        if properties[key] == nil { order.append(key) }
        properties[key] = schema
        if isRequired { required.insert(key) }
    }

    var schema: [String: Any] {
        var props: [String: Any] = [:]
        for k in order { props[k] = properties[k]!() }
        return ["type": "object", "properties": props, "required": order.filter(required.contains), "additionalProperties": false]
    }
}

/// The decoder handed to a type's `init(from:)`.
final class ProbeDecoder: Decoder {
    let book: SchemaBook
    let codingPath: [any CodingKey] = []
    let userInfo: [CodingUserInfoKey: Any] = [:]
    var shape: ProbeShape?

    init(book: SchemaBook, object: ProbeObject? = nil) {
        self.book = book
        if let object { shape = .keyed(object) }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if case .keyed(let o) = shape { return KeyedDecodingContainer(KeyedProbe<Key>(book: book, object: o)) }
        let o = ProbeObject()
        shape = .keyed(o)
        return KeyedDecodingContainer(KeyedProbe<Key>(book: book, object: o))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        shape = .single(["type": "array"])
        return EmptyUnkeyedProbe()
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleProbe(decoder: self) }
}

/// A single value: the type's schema is that of the one value it decodes.
struct SingleProbe: SingleValueDecodingContainer {
    let decoder: ProbeDecoder
    var codingPath: [any CodingKey] { [] }
    func decodeNil() -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (s, v) = try decoder.book.schema(of: T.self)
        decoder.shape = .single(s)
        return v
    }
}

/// An unkeyed container with no elements (custom array decoders).
struct EmptyUnkeyedProbe: UnkeyedDecodingContainer {
    var codingPath: [any CodingKey] { [] }
    var count: Int? { 0 }
    var isAtEnd: Bool { true }
    var currentIndex: Int { 0 }
    mutating func decodeNil() throws -> Bool { false }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { throw SchemaBook.ProbeError(description: "no elements") }
    mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
        throw SchemaBook.ProbeError(description: "no elements")
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { self }
    mutating func superDecoder() throws -> any Decoder { throw SchemaBook.ProbeError(description: "no elements") }
}

/// Records every key a type decodes: `decode` makes it required, `decodeIfPresent` optional and nullable.
struct KeyedProbe<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let book: SchemaBook
    let object: ProbeObject
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let (s, v) = try book.schema(of: T.self)
        object.add(key.stringValue, required: true) { s }
        return v
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        let (s, _) = try book.schema(of: T.self)
        object.add(key.stringValue, required: false) { SchemaBook.nullable(s) }
        return nil
    }

    func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
        let inner = ProbeObject()
        object.add(key.stringValue, required: true) { inner.schema }
        return KeyedDecodingContainer(KeyedProbe<N>(book: book, object: inner))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        object.add(key.stringValue, required: true) { ["type": "array"] }
        return EmptyUnkeyedProbe()
    }

    func superDecoder() throws -> any Decoder { ProbeDecoder(book: book, object: object) }
    func superDecoder(forKey key: Key) throws -> any Decoder { ProbeDecoder(book: book, object: object) }

    // The concrete overloads all go through the generic ones.
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type as Bool.Type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type as String.Type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type as Double.Type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type as Float.Type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type as Int.Type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type as Int8.Type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type as Int16.Type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type as Int32.Type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type as Int64.Type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type as UInt.Type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type as UInt8.Type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type as UInt16.Type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type as UInt32.Type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type as UInt64.Type, key) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optional(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(type, key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try optional(type, key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try optional(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optional(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optional(type, key) }

    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        let (s, v) = try book.schema(of: T.self)
        object.add(key.stringValue, required: true) { s }
        return v
    }
    private func optional<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        let (s, _) = try book.schema(of: T.self)
        object.add(key.stringValue, required: false) { SchemaBook.nullable(s) }
        return nil
    }
}
