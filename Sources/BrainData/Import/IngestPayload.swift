import Foundation
#if canImport(CZlib)
import CZlib
#elseif canImport(zlib)
import zlib
#endif

/// The bounds of one request of the ingestion interface (统一数据接口): rows per request and the size of the body once
/// decompressed (a gzip body that would grow past it is refused while inflating, so a "zip bomb" costs nothing).
public struct IngestLimits: Sendable, Hashable {
    public var maxRows: Int
    public var maxBytes: Int

    public init(maxRows: Int = 10_000, maxBytes: Int = 32 << 20) {
        self.maxRows = maxRows
        self.maxBytes = maxBytes
    }

    public static let standard = IngestLimits()
}

/// The body of a request that cannot be read at all (not JSON, truncated, too large); nothing of it is imported.
public struct IngestBodyError: Error, CustomStringConvertible, Sendable {
    /// `bad_json`, `bad_gzip`, `too_many_rows` or `too_large`.
    public let code: String
    public let description: String

    public init(_ code: String, _ description: String) {
        self.code = code
        self.description = description
    }
}

/// The rows of one request as the importer reads a table: the header (every field of the dataset a row names, and
/// the required ones) then one record per row object, its `line` being the row's number in the request (1-based: the
/// position in the array, the line of an NDJSON body). Rows refused while reading (not an object, a field the dataset
/// does not have, a nested value, a number that is not finite, a required field missing) are in `problems` and are not
/// handed to the importer.
public struct IngestTable: TableRows, Sendable {
    public let header: [String]
    public let records: [TableRow]
    public let problems: [RejectedRow]
    /// Row objects in the request, good and refused.
    public let received: Int
    private var cursor = -1
    public var recordsTotal: Int? { records.count }

    init(header: [String], records: [TableRow], problems: [RejectedRow], received: Int) {
        self.header = header
        self.records = records
        self.problems = problems
        self.received = received
    }

    /// The header first, then the records.
    public mutating func next() throws -> TableRow? {
        defer { cursor += 1 }
        if cursor < 0 { return TableRow(line: 0, fields: header) }
        return cursor < records.count ? records[cursor] : nil
    }

    /// Reads a request body: a JSON array of row objects, `{"rows": [...]}`, or NDJSON (one object a line) when
    /// `ndjson`. `elements` are the dataset's data elements: a row's keys must be their field names.
    public static func read(_ body: Data, ndjson: Bool, elements: [DataElement], limits: IngestLimits = .standard) throws -> IngestTable {
        guard body.count <= limits.maxBytes else {
            throw IngestBodyError("too_large", "the body is \(body.count) bytes; at most \(limits.maxBytes) bytes (decompressed) per request")
        }
        var reader = FlatJSONReader(elements: elements, limits: limits)
        do {
            try body.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                if ndjson { try reader.readLines(bytes) } else { try reader.readDocument(bytes) }
            }
        } catch let e as JSONSyntax {
            throw e.asBodyError
        }
        return reader.table()
    }

    /// Inflates a gzip body (RFC 1952), refusing it as soon as the output passes `limit` bytes.
    public static func gunzip(_ data: Data, limit: Int) throws -> Data {
        try Gzip.inflate(data, limit: limit)
    }
}

/// Reads JSON rows that are flat objects of scalars byte by byte, keeping each number's literal text (no round trip
/// through `Double`, as the file importer reads a cell), and naming the line and column of a syntax error.
struct FlatJSONReader {
    let known: [String: Int]
    let required: [String]
    let limits: IngestLimits
    var header: [String] = []
    var records: [TableRow] = []
    var problems: [RejectedRow] = []
    var received = 0

    init(elements: [DataElement], limits: IngestLimits) {
        var known: [String: Int] = [:]
        var header: [String] = []
        // Required fields are always columns: a row without one is refused here, never the whole request.
        for e in elements where e.required {
            known[e.field] = header.count
            header.append(e.field)
        }
        self.required = header
        for e in elements where !e.required { known[e.field] = -1 }
        self.known = known
        self.header = header
        self.limits = limits
    }

    func table() -> IngestTable {
        let width = header.count
        let padded = records.map { r in r.fields.count == width ? r : TableRow(line: r.line, fields: r.fields + Array(repeating: "", count: width - r.fields.count)) }
        return IngestTable(header: header, records: padded, problems: problems, received: received)
    }

    mutating func readDocument(_ b: UnsafeBufferPointer<UInt8>) throws {
        var p = JSONCursor(bytes: b)
        p.skipSpace()
        if p.peek == UInt8(ascii: "{") {
            // {"rows": [...]}: the only key.
            p.advance()
            p.skipSpace()
            guard p.peek == UInt8(ascii: "\"") else { throw p.error("expected \"rows\" as the body object's key") }
            let key = try p.string()
            guard key == "rows" else { throw p.error("the body object's only key is \"rows\" (an array of row objects); found \"\(key)\"") }
            p.skipSpace()
            try p.expect(UInt8(ascii: ":"))
            p.skipSpace()
            try readArray(&p)
            p.skipSpace()
            try p.expect(UInt8(ascii: "}"))
        } else if p.peek == UInt8(ascii: "[") {
            try readArray(&p)
        } else {
            throw p.error("expected a JSON array of row objects, or {\"rows\": [...]}; an NDJSON body needs Content-Type: application/x-ndjson")
        }
        p.skipSpace()
        guard p.atEnd else { throw p.error("unexpected text after the end of the JSON body") }
    }

    private mutating func readArray(_ p: inout JSONCursor) throws {
        try p.expect(UInt8(ascii: "["))
        p.skipSpace()
        if p.peek == UInt8(ascii: "]") { p.advance(); return }
        while true {
            p.skipSpace()
            try count()
            try readRow(&p, number: received)
            p.skipSpace()
            if p.peek == UInt8(ascii: ",") { p.advance(); continue }
            try p.expect(UInt8(ascii: "]"))
            return
        }
    }

    mutating func readLines(_ b: UnsafeBufferPointer<UInt8>) throws {
        var start = 0, line = 0
        while start < b.count {
            var end = start
            while end < b.count && b[end] != 0x0A { end += 1 }
            line += 1
            let slice = UnsafeBufferPointer(rebasing: b[start..<end])
            start = end + 1
            var p = JSONCursor(bytes: slice, line: line)
            p.skipSpace()
            if p.atEnd { continue } // blank lines are allowed and keep the numbering of the lines
            try count()
            do {
                try readRow(&p, number: line)
                p.skipSpace()
                guard p.atEnd else { throw p.error("unexpected text after the row object; NDJSON has one object a line") }
            } catch let e as JSONSyntax {
                // One bad line refuses that row only.
                problems.append(RejectedRow(row: line, field: "", value: String(decoding: slice.prefix(60), as: UTF8.self),
                                            reason: "not a JSON object: \(e.message)"))
            }
        }
    }

    private mutating func count() throws {
        received += 1
        if received > limits.maxRows {
            throw IngestBodyError("too_many_rows", "at most \(limits.maxRows) rows per request; this one has more. Send the rest in further requests (each with its own Idempotency-Key)")
        }
    }

    /// One row object; a problem of its content refuses the row (its syntax must still be JSON).
    private mutating func readRow(_ p: inout JSONCursor, number: Int) throws {
        guard p.peek == UInt8(ascii: "{") else {
            // Not an object: skip the value, refuse the row.
            let v = try p.skipValue()
            problems.append(RejectedRow(row: number, field: "", value: String(v.prefix(60)), reason: "a row must be a JSON object of field names and values"))
            return
        }
        p.advance()
        var fields = [String](repeating: "", count: header.count)
        var present = [Bool](repeating: false, count: header.count)
        var rowProblems: [RejectedRow] = []
        p.skipSpace()
        if p.peek == UInt8(ascii: "}") {
            p.advance()
        } else {
            while true {
                p.skipSpace()
                guard p.peek == UInt8(ascii: "\"") else { throw p.error("expected a field name in quotes") }
                let key = try p.string()
                p.skipSpace()
                try p.expect(UInt8(ascii: ":"))
                p.skipSpace()
                let value = try p.scalar()
                switch value {
                case .nested(let text):
                    rowProblems.append(RejectedRow(row: number, field: key, value: String(text.prefix(60)), reason: "must be a string, a number or null, not an object or array"))
                case .nonFinite(let text):
                    rowProblems.append(RejectedRow(row: number, field: key, value: text, reason: "not a finite number"))
                case .text(let text), .number(let text):
                    if let column = column(of: key) {
                        while fields.count <= column { fields.append(""); present.append(false) }
                        if present[column] {
                            rowProblems.append(RejectedRow(row: number, field: key, value: String(text.prefix(60)), reason: "the field appears twice in this row"))
                        }
                        fields[column] = text
                        present[column] = true
                    } else {
                        rowProblems.append(RejectedRow(row: number, field: key, value: String(text.prefix(60)), reason: "not a field of this dataset (see its JSON Schema)"))
                    }
                case .null:
                    if known[key] == nil {
                        rowProblems.append(RejectedRow(row: number, field: key, value: "null", reason: "not a field of this dataset (see its JSON Schema)"))
                    }
                }
                p.skipSpace()
                if p.peek == UInt8(ascii: ",") { p.advance(); continue }
                try p.expect(UInt8(ascii: "}"))
                break
            }
        }
        for (i, name) in required.enumerated() where fields[i].isEmpty && !rowProblems.contains(where: { $0.field == name }) {
            rowProblems.append(RejectedRow(row: number, field: name, value: "", reason: "required value is empty"))
        }
        if rowProblems.isEmpty {
            records.append(TableRow(line: number, fields: fields))
        } else {
            problems += rowProblems
        }
    }

    /// The column of a field, adding it to the header the first time a row names it.
    private mutating func column(of key: String) -> Int? {
        guard let c = known[key] else { return nil }
        if c >= 0 { return c }
        if let i = header.firstIndex(of: key) { return i }
        header.append(key)
        return header.count - 1
    }
}

/// A JSON syntax error at a line and column of the body.
struct JSONSyntax: Error {
    let message: String
}

extension JSONSyntax {
    var asBodyError: IngestBodyError { IngestBodyError("bad_json", message) }
}

/// A position in JSON bytes with the line it is on.
struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    var line: Int
    var lineStart = 0

    init(bytes: UnsafeBufferPointer<UInt8>, line: Int = 1) {
        self.bytes = bytes
        self.line = line
    }

    enum Scalar {
        case text(String), number(String), nonFinite(String), null, nested(String)
    }

    var atEnd: Bool { i >= bytes.count }
    var peek: UInt8 { i < bytes.count ? bytes[i] : 0 }
    mutating func advance() { i += 1 }

    func error(_ what: String) -> JSONSyntax {
        let near = atEnd ? "the end of the body" : "'\(String(decoding: bytes[i..<min(bytes.count, i + 20)], as: UTF8.self))'"
        return JSONSyntax(message: "line \(line), column \(i - lineStart + 1): \(what) (at \(near))")
    }

    mutating func skipSpace() {
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x0A { line += 1; lineStart = i + 1 } else if c != 0x20 && c != 0x09 && c != 0x0D { return }
            i += 1
        }
    }

    mutating func expect(_ c: UInt8) throws {
        guard peek == c else { throw error("expected '\(Character(Unicode.Scalar(c)))'") }
        i += 1
    }

    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = i
        // Fast path: no escapes.
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
            defer { i += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        }
        var out = [UInt8](bytes[start..<i])
        while true {
            guard i < bytes.count else { throw error("a string is not closed") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw error("a control character inside a string must be escaped") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw error("a string is not closed") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard peek == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "u") else { throw error("a lone UTF-16 surrogate in \\u escape") }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("a lone UTF-16 surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("a lone UTF-16 surrogate in \\u escape")
                }
                out += Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
            default: throw error("unknown escape \\\(Character(Unicode.Scalar(e)))")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("\\u needs four hex digits") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("\\u needs four hex digits")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// A JSON number's literal text (checked against the JSON grammar).
    mutating func number() throws -> String {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int { let s = i; while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }; return i - s }
        let lead = i
        guard digits() > 0 else { throw error("not a JSON value") }
        if bytes[lead] == 0x30, i - lead > 1 { throw error("a JSON number has no leading zeros") }
        if peek == UInt8(ascii: ".") { i += 1; guard digits() > 0 else { throw error("a digit must follow the decimal point") } }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw error("a digit must follow the exponent") }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    /// A value: a scalar as the importer's cell text (true/false as 1/0), or a nested value's text.
    mutating func scalar() throws -> Scalar {
        switch peek {
        case UInt8(ascii: "\""): return .text(try string())
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .nested(try skipValue())
        case UInt8(ascii: "t"): try word("true"); return .text("1")
        case UInt8(ascii: "f"): try word("false"); return .text("0")
        case UInt8(ascii: "n"): try word("null"); return .null
        default:
            let text = try number()
            if let d = Double(text), !d.isFinite { return .nonFinite(text) }
            return .number(text)
        }
    }

    private mutating func word(_ w: String) throws {
        for c in w.utf8 {
            guard peek == c else { throw error("not a JSON value (true, false, null, a number, a string, an object or an array)") }
            i += 1
        }
    }

    /// Skips any value (nested ones too) and answers its text.
    mutating func skipValue() throws -> String {
        let start = i
        switch peek {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            repeat {
                skipSpace()
                let c = peek
                if c == UInt8(ascii: "\"") { _ = try string(); continue }
                guard !atEnd else { throw error("an object or array is not closed") }
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1 }
                i += 1
            } while depth > 0
        default:
            _ = try scalar()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }
}

/// gzip (RFC 1952) inflation through zlib (the library ZIPFoundation links), bounded in output.
enum Gzip {
    static func inflate(_ data: Data, limit: Int) throws -> Data {
        guard data.count >= 18, data[data.startIndex] == 0x1F, data[data.startIndex + 1] == 0x8B else {
            throw IngestBodyError("bad_gzip", "Content-Encoding: gzip, but the body is not gzip data (it must start with the bytes 1f 8b)")
        }
        var stream = z_stream()
        // 16 + 15: a gzip wrapper around a deflate stream with a 32 KiB window; zlib checks the header and the CRC.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw IngestBodyError("bad_gzip", "cannot start inflating the gzip body")
        }
        defer { inflateEnd(&stream) }
        var out = Data()
        let chunk = 1 << 18
        var buffer = [UInt8](repeating: 0, count: chunk)
        var input = [UInt8](data)
        var result: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = UInt32(inBuf.count)
            repeat {
                try buffer.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(chunk)
                    result = CZlib.inflate(&stream, Z_NO_FLUSH)
                    guard result == Z_OK || result == Z_STREAM_END else {
                        if result == Z_BUF_ERROR {
                            throw IngestBodyError("bad_gzip", "the gzip body ends before its data does (truncated)")
                        }
                        throw IngestBodyError("bad_gzip", "the gzip body is damaged (zlib error \(result))")
                    }
                    let produced = chunk - Int(stream.avail_out)
                    guard out.count + produced <= limit else {
                        throw IngestBodyError("too_large", "the body inflates to more than \(limit) bytes; at most \(limit) bytes (decompressed) per request")
                    }
                    out.append(outBuf.baseAddress!, count: produced)
                }
            } while result != Z_STREAM_END
        }
        return out
    }
}
