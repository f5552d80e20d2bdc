import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an XML part's bytes come from: already in memory, a file read in chunks, or an entry of the workbook being
/// decompressed on another thread (`EntryExtraction`) and read from a socket as it comes.
final class XMLByteSource {
    private var file: UnsafeMutablePointer<FILE>?
    private var memory: [UInt8]?
    private var socket: Int32 = -1
    private var extraction: EntryExtraction?
    let chunkSize: Int
    /// Bytes handed to the tokenizer so far, and the part's uncompressed size when known (0 otherwise), for progress.
    private(set) var bytesRead = 0
    var bytesTotal = 0

    /// The decompressed bytes of an entry, read from the socket its extraction thread writes.
    init(extraction: EntryExtraction, socket: Int32) {
        self.extraction = extraction
        self.socket = socket
        chunkSize = 1 << 18
    }

    /// Bytes held in memory (small parts: workbook, relationships, styles).
    init(bytes: [UInt8]) {
        memory = bytes
        chunkSize = max(bytes.count, 1)
        bytesTotal = bytes.count
    }

    /// A file read `chunkSize` bytes at a time; the file is unlinked at once (it lives until closed) when `unlink` is set.
    init(path: String, chunkSize: Int = 1 << 20, unlinkAfterOpen: Bool) throws {
        guard let f = fopen(path, "rb") else { throw XLSXError("cannot open the extracted part \(path): \(String(cString: strerror(errno)))") }
        file = f
        self.chunkSize = chunkSize
        if unlinkAfterOpen { unlink(path) }
    }

    deinit {
        if let file { fclose(file) }
        if socket >= 0 { close(socket) } // an extraction still running stops at its next write
    }

    /// Appends up to `chunkSize` bytes to `buffer`; returns false at the end of the part.
    func read(into buffer: inout [UInt8]) throws -> Bool {
        if let m = memory {
            memory = nil
            buffer.append(contentsOf: m)
            bytesRead += m.count
            return !m.isEmpty
        }
        if socket >= 0 {
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: chunkSize))
            var n = 0
            repeat { n = buffer.withUnsafeMutableBufferPointer { Glibc.read(socket, $0.baseAddress! + old, chunkSize) } } while n < 0 && errno == EINTR
            buffer.removeLast(chunkSize - max(n, 0))
            if n > 0 { bytesRead += n; return true }
            let readError = n < 0 ? String(cString: strerror(errno)) : nil
            close(socket)
            socket = -1
            try extraction?.finish()
            extraction = nil
            if let readError { throw XLSXError("reading a decompressed part failed: \(readError)") }
            return false
        }
        guard let file else { return false }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunkSize))
        let n = buffer.withUnsafeMutableBufferPointer { fread($0.baseAddress! + old, 1, chunkSize, file) }
        buffer.removeLast(chunkSize - n)
        bytesRead += n
        if n == 0 {
            if ferror(file) != 0 { throw XLSXError("reading an extracted part failed: \(String(cString: strerror(errno)))") }
            fclose(file)
            self.file = nil
            return false
        }
        return true
    }
}

/// A streaming XML tokenizer over bytes: start tags (with their attributes), end tags and text, without building a tree.
/// Token positions index `buffer` and hold until the next call of `next()`. Entities are not expanded beyond the five
/// predefined ones and character references; a DOCTYPE is skipped, never interpreted.
struct XMLTokenizer {
    enum Token: Equatable { case start, end, text, eof }

    private(set) var buffer: [UInt8] = []
    private var pos = 0
    private let source: XMLByteSource
    private var exhausted = false

    /// The current token's local name (after any `prefix:`), attributes and text, as ranges of `buffer`.
    private(set) var nameStart = 0, nameEnd = 0
    private(set) var attrStart = 0, attrEnd = 0
    private(set) var textStart = 0, textEnd = 0
    /// `<name …/>`: a start tag that is its own end (no end token follows).
    private(set) var selfClosing = false
    /// The text token came from a CDATA section (no entities to expand).
    private(set) var cdata = false

    init(_ source: XMLByteSource) { self.source = source }

    /// The source's bytes read so far and its size (0 when not known).
    var bytesRead: Int { source.bytesRead }
    var bytesTotal: Int { source.bytesTotal }

    /// Drops the bytes before `keep` and reads the next chunk; returns the shift applied to positions, or nil at the end.
    private mutating func refill(keeping keep: Int) throws -> Int? {
        if exhausted { return nil }
        if keep > 0 { buffer.removeSubrange(0..<keep); pos -= keep }
        if try !source.read(into: &buffer) { exhausted = true; return nil }
        return keep
    }

    /// Advances to the next token.
    mutating func next() throws -> Token {
        while true {
            if pos >= buffer.count {
                guard try refill(keeping: pos) != nil else { return .eof }
                continue
            }
            if buffer[pos] != UInt8(ascii: "<") {
                // Text up to the next tag.
                var i = pos
                let found: Bool = buffer.withUnsafeBufferPointer { b in
                    while i < b.count { if b[i] == UInt8(ascii: "<") { return true }; i += 1 }
                    return false
                }
                if !found {
                    if try refill(keeping: pos) != nil { continue }
                    i = buffer.count // the end of the part (the refill may have moved the bytes)
                }
                textStart = pos; textEnd = i; cdata = false
                pos = i
                return .text
            }
            // A tag: find its closing '>' outside quoted attribute values.
            let start = pos
            var i = start + 1
            var quote: UInt8 = 0
            let close: Int? = buffer.withUnsafeBufferPointer { b in
                while i < b.count {
                    let c = b[i]
                    if quote != 0 { if c == quote { quote = 0 } } else if c == UInt8(ascii: ">") { return i } else if c == 0x22 || c == 0x27 { quote = c }
                    i += 1
                }
                return nil
            }
            guard let gt = close else {
                guard try refill(keeping: start) != nil else { throw XLSXError("the XML ends inside a tag (the file is truncated)") }
                continue
            }
            let second = start + 1 < buffer.count ? buffer[start + 1] : 0
            if second == UInt8(ascii: "?") { pos = gt + 1; continue }
            if second == UInt8(ascii: "!") {
                if try skipSpecial(from: start, gt: gt) { return .text }
                continue
            }
            var n = start + 1
            let isEnd = second == UInt8(ascii: "/")
            if isEnd { n += 1 }
            var localStart = n
            while n < gt {
                let c = buffer[n]
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "/") { break }
                if c == UInt8(ascii: ":") { localStart = n + 1 }
                n += 1
            }
            nameStart = localStart; nameEnd = n
            selfClosing = !isEnd && buffer[gt - 1] == UInt8(ascii: "/")
            attrStart = n; attrEnd = selfClosing ? gt - 1 : gt
            pos = gt + 1
            return isEnd ? .end : .start
        }
    }

    /// Comments and DOCTYPE are skipped; a CDATA section becomes a text token. Returns true when a text token was set.
    private mutating func skipSpecial(from start: Int, gt: Int) throws -> Bool {
        func has(_ s: String, at i: Int) -> Bool {
            let u = Array(s.utf8)
            return i + u.count <= buffer.count && Array(buffer[i..<(i + u.count)]) == u
        }
        var start = start
        for (opener, closer) in [("<!--", "-->"), ("<![CDATA[", "]]>")] where has(opener, at: start) {
            let closeBytes = Array(closer.utf8)
            while true {
                var j = start + opener.utf8.count, found = -1
                while j + closeBytes.count <= buffer.count {
                    if buffer[j] == closeBytes[0], Array(buffer[j..<(j + closeBytes.count)]) == closeBytes { found = j; break }
                    j += 1
                }
                if found >= 0 {
                    pos = found + closeBytes.count
                    if opener == "<!--" { return false }
                    textStart = start + opener.utf8.count; textEnd = found; cdata = true
                    return true
                }
                guard let shift = try refill(keeping: start) else { throw XLSXError("the XML ends inside \(opener) (the file is truncated)") }
                start -= shift
            }
        }
        pos = gt + 1 // <!DOCTYPE …>: skipped
        return false
    }

    // MARK: reading the current token

    /// True when the current tag's local name is `name` (ASCII).
    func isNamed(_ name: StaticString) -> Bool {
        let len = name.utf8CodeUnitCount
        guard nameEnd - nameStart == len else { return false }
        let p = name.utf8Start
        for k in 0..<len where buffer[nameStart + k] != p[k] { return false }
        return true
    }

    var name: String { String(decoding: buffer[nameStart..<nameEnd], as: UTF8.self) }

    /// The value range of the attribute whose local name is `name`, if the current start tag has it.
    func attributeRange(_ name: StaticString) -> Range<Int>? {
        var i = attrStart
        let len = name.utf8CodeUnitCount, p = name.utf8Start
        while i < attrEnd {
            while i < attrEnd, buffer[i] == 0x20 || buffer[i] == 0x09 || buffer[i] == 0x0A || buffer[i] == 0x0D { i += 1 }
            guard i < attrEnd else { break }
            var ns = i
            while i < attrEnd, buffer[i] != UInt8(ascii: "="), buffer[i] != 0x20 {
                if buffer[i] == UInt8(ascii: ":") { ns = i + 1 }
                i += 1
            }
            let ne = i
            while i < attrEnd, buffer[i] != 0x22, buffer[i] != 0x27 { i += 1 }
            guard i < attrEnd else { break }
            let q = buffer[i]
            let vs = i + 1
            i = vs
            while i < attrEnd, buffer[i] != q { i += 1 }
            let ve = i
            i += 1
            if ne - ns == len {
                var same = true
                for k in 0..<len where buffer[ns + k] != p[k] { same = false; break }
                if same { return vs..<ve }
            }
        }
        return nil
    }

    /// The value ranges of a cell's one-letter attributes `r`, `t` and `s`, in one pass over the tag.
    func cellAttributes() -> (r: Range<Int>?, t: Range<Int>?, s: Range<Int>?) {
        var r: Range<Int>?, t: Range<Int>?, s: Range<Int>?
        buffer.withUnsafeBufferPointer { b in
            var i = attrStart
            while i < attrEnd {
                while i < attrEnd, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
                guard i < attrEnd else { break }
                var ns = i
                while i < attrEnd, b[i] != UInt8(ascii: "="), b[i] != 0x20 {
                    if b[i] == UInt8(ascii: ":") { ns = i + 1 }
                    i += 1
                }
                let ne = i
                while i < attrEnd, b[i] != 0x22, b[i] != 0x27 { i += 1 }
                guard i < attrEnd else { break }
                let q = b[i]
                let vs = i + 1
                i = vs
                while i < attrEnd, b[i] != q { i += 1 }
                if ne - ns == 1 {
                    switch b[ns] {
                    case UInt8(ascii: "r"): r = vs..<i
                    case UInt8(ascii: "t"): t = vs..<i
                    case UInt8(ascii: "s"): s = vs..<i
                    default: break
                    }
                }
                i += 1
            }
        }
        return (r, t, s)
    }

    /// A non-negative integer written in `range` of the buffer.
    func integer(in range: Range<Int>?) -> Int? {
        guard let range, !range.isEmpty, range.count < 19 else { return nil }
        var v = 0
        for k in range { let d = Int(buffer[k]) - 48; guard d >= 0, d <= 9 else { return nil }; v = v * 10 + d }
        return v
    }

    /// The attribute's value with entities expanded.
    func attribute(_ name: StaticString) -> String? {
        attributeRange(name).map { r in
            var out: [UInt8] = []
            XMLText.appendDecoded(buffer[r], to: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The attribute's value as a non-negative integer.
    func intAttribute(_ name: StaticString) -> Int? {
        guard let r = attributeRange(name), !r.isEmpty, r.count < 19 else { return nil }
        var v = 0
        for k in r { let d = Int(buffer[k]) - 48; guard d >= 0, d <= 9 else { return nil }; v = v * 10 + d }
        return v
    }

    /// Appends the current text token's bytes, entities expanded, to `out`.
    func appendText(to out: inout [UInt8]) {
        if cdata { out.append(contentsOf: buffer[textStart..<textEnd]) } else { XMLText.appendDecoded(buffer[textStart..<textEnd], to: &out) }
    }
}

/// XML text and OOXML string escapes.
enum XMLText {
    /// Appends `bytes` with `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#…;` references expanded.
    static func appendDecoded(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        guard bytes.contains(UInt8(ascii: "&")) else { out.append(contentsOf: bytes); return }
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            guard c == UInt8(ascii: "&"), let semi = bytes[i..<min(bytes.endIndex, i + 12)].firstIndex(of: UInt8(ascii: ";")) else {
                out.append(c); i += 1; continue
            }
            let entity = String(decoding: bytes[(i + 1)..<semi], as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch entity {
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "amp": scalar = "&"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init) }
            }
            if let s = scalar {
                out.append(contentsOf: Array(String(Character(s)).utf8))
                i = semi + 1
            } else {
                out.append(c); i += 1
            }
        }
    }

    /// True when the bytes hold `_x` (a possible `_xHHHH_` escape); a byte scan, cheaper than a string search per cell.
    static func hasEscape(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 7 else { return false }
        for i in 0..<(bytes.count - 1) where bytes[i] == UInt8(ascii: "_") && bytes[i + 1] == UInt8(ascii: "x") { return true }
        return false
    }

    /// Expands OOXML's `_xHHHH_` escapes (how Excel stores control characters in strings); `_x005F_` is a literal `_`.
    static func unescapeOOXML(_ s: String) -> String {
        guard s.contains("_x") else { return s }
        var out = "", rest = Substring(s)
        while let r = rest.range(of: "_x") {
            out += rest[..<r.lowerBound]
            let after = rest[r.upperBound...]
            if after.count >= 5, after.dropFirst(4).first == "_", let v = UInt32(after.prefix(4), radix: 16), let u = Unicode.Scalar(v) {
                out.unicodeScalars.append(u)
                rest = after.dropFirst(5)
            } else {
                out += "_x"
                rest = after
            }
        }
        return out + rest
    }

    /// Escapes text for an XML element or attribute; characters XML 1.0 cannot hold become `_xHHHH_`.
    static func escape(_ s: String, into out: inout [UInt8]) {
        for u in s.unicodeScalars {
            switch u {
            case "&": out.append(contentsOf: Array("&amp;".utf8))
            case "<": out.append(contentsOf: Array("&lt;".utf8))
            case ">": out.append(contentsOf: Array("&gt;".utf8))
            case "\"": out.append(contentsOf: Array("&quot;".utf8))
            default:
                if u.value < 0x20 && u.value != 0x09 && u.value != 0x0A && u.value != 0x0D || u.value == 0xFFFE || u.value == 0xFFFF {
                    out.append(contentsOf: Array(String(format: "_x%04X_", u.value).utf8))
                } else if u.value < 0x80 {
                    out.append(UInt8(u.value))
                } else {
                    out.append(contentsOf: Array(String(u).utf8))
                }
            }
        }
    }
}

/// A workbook that cannot be read, with where and why.
public struct XLSXError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
