import BrainCore
import BrainData
import Foundation

/// The JSON Schema (draft 2020-12) of one row of a dataset of the ingestion interface, generated from the data
/// dictionary: each element's field name is a property with its type, range, unit, maximum length and code list; the
/// dataset's required elements are required; no other property is allowed.
public enum IngestSchema {
    public static let draft = "https://json-schema.org/draft/2020-12/schema"

    /// The schema of a request body (an array of rows, or `{"rows": [...]}`) whose rows follow `row(of:)`.
    public static func document(for kind: ImportKind, nameZh: String, maxRows: Int) -> [String: Any] {
        let rowSchema = row(of: kind)
        return [
            "$schema": draft,
            "$id": "/api/v1/ingest/\(kind.rawValue)/schema",
            "title": "\(nameZh) (\(kind.rawValue))",
            "description": "The body of POST /api/v1/ingest/\(kind.rawValue): an array of row objects (or {\"rows\": [...]}, or one row object a line as NDJSON), at most \(maxRows) rows. Generated from the data dictionary (GET /api/v1/catalog/elements).",
            "$defs": ["row": rowSchema],
            "oneOf": [
                ["type": "array", "maxItems": maxRows, "items": ["$ref": "#/$defs/row"]],
                ["type": "object", "required": ["rows"], "additionalProperties": false,
                 "properties": ["rows": ["type": "array", "maxItems": maxRows, "items": ["$ref": "#/$defs/row"]]]],
            ],
        ]
    }

    /// One row: a property per data element.
    public static func row(of kind: ImportKind) -> [String: Any] {
        var properties: [String: Any] = [:]
        for e in kind.elements { properties[e.field] = property(e, clearable: kind == .indicators && e.field != "uscc" && e.field != "month") }
        return [
            "type": "object",
            "additionalProperties": false,
            "required": kind.elements.filter(\.required).map(\.field),
            "properties": properties,
        ]
    }

    static func property(_ e: DataElement, clearable: Bool) -> [String: Any] {
        var p: [String: Any] = ["title": e.nameZh, "x-element": e.id]
        var description = e.nameEn + (e.description.isEmpty ? "" : "; " + e.description)
        if let unit = e.unit {
            p["x-unit"] = unit
            description += " (in \(unit))"
        }
        if let list = e.codeList { p["x-code-list"] = list }
        switch e.type {
        case .text:
            p["type"] = "string"
            p["minLength"] = 1
            if let m = e.maxLength { p["maxLength"] = m }
        case .code:
            p["type"] = "string"
            p["minLength"] = 1
            if let m = e.maxLength { p["maxLength"] = m }
            if e.codeList == "GB 32100-2015" { p["pattern"] = "^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$" }
            if e.codeList == "GB/T 2260" { p["pattern"] = "^[0-9]{6}$" }
            if e.field == "size_class" { p["enum"] = SizeClass.allCases.map(\.rawValue) }
            if e.field == "qualification" { p["enum"] = DataDictionary.qualifications }
        case .integer, .decimal:
            p["type"] = e.type == .integer ? "integer" : "number"
            if let m = e.minimum { p["minimum"] = m }
            if let m = e.maximum { p["maximum"] = m }
        case .month:
            p["type"] = "string"
            p["pattern"] = "^[0-9]{4}-(0[1-9]|1[0-2])$"
        case .flag:
            p["type"] = ["boolean", "integer"]
            p["enum"] = [true, false, 1, 0]
        case .date:
            p["type"] = "string"
            p["format"] = "date"
        }
        p["description"] = description
        if clearable {
            // An indicator a source no longer gives is cleared with a marker, as in a file; null or absent leaves it.
            let markers = IngestSchema.clearMarkers
            return ["title": e.nameZh, "description": description + ". null or absent leaves the stored value; \"清除\" clears this source's value",
                    "anyOf": [p.filter { $0.key != "title" && $0.key != "description" }, ["enum": markers], ["type": "null"]]]
        }
        if !e.required {
            let inner = p.filter { $0.key != "title" && $0.key != "description" }
            return ["title": e.nameZh, "description": description + ". null or absent: not given", "anyOf": [inner, ["type": "null"]]]
        }
        return p
    }

    static let clearMarkers = IndicatorDelivery.clearMarkers.sorted()
}
