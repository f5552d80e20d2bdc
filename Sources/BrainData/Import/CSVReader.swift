import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How the bytes of an import file were read.
public enum TextEncodingUsed: String, Sendable, Codable {
    case utf8 = "UTF-8"
    case utf8BOM = "UTF-8 with BOM"
    case gbk = "GBK, converted to UTF-8"
}

/// Why a file could not be read as text at all.
public struct FileEncodingError: Error, CustomStringConvertible {
    public let description: String
}

/// Decodes an import file's bytes: UTF-8 with or without BOM, or GBK/GB18030 (detected and converted).
public enum TextDecoding {
    public static func decode(_ data: Data) throws -> (text: String, encoding: TextEncodingUsed) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw FileEncodingError(description: "the file starts with a UTF-8 byte-order mark but is not valid UTF-8 at byte \(firstInvalidUTF8(bytes) + 3)")
            }
            return (s, .utf8BOM)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw FileEncodingError(description: "the file is UTF-16; save it as CSV UTF-8 (in Excel: 另存为 → CSV UTF-8)")
        }
        if let s = String(validating: bytes, as: UTF8.self) { return (s, .utf8) }
        if looksLikeGBK(bytes), let s = convertGB18030(bytes) { return (s, .gbk) }
        throw FileEncodingError(description: "the file is neither UTF-8 nor GBK (first bad byte at offset \(firstInvalidUTF8(bytes))); save it as CSV UTF-8")
    }

    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let n = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if n == 0 || i + n > bytes.count { return i }
            for k in 1..<n where bytes[i + k] >> 6 != 0b10 { return i }
            i += n
        }
        return i
    }

    /// GBK: every byte ≥ 0x81 starts a pair whose second byte is 0x40–0xFE (not 0x7F).
    static func looksLikeGBK(_ bytes: [UInt8]) -> Bool {
        var i = 0, pairs = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            guard b >= 0x81, b <= 0xFE, i + 1 < bytes.count else { return false }
            let t = bytes[i + 1]
            // GB18030 four-byte sequences: lead, 0x30–0x39, lead, 0x30–0x39.
            if t >= 0x30 && t <= 0x39 {
                guard i + 3 < bytes.count else { return false }
                i += 4
            } else {
                guard t >= 0x40, t <= 0xFE, t != 0x7F else { return false }
                i += 2
            }
            pairs += 1
        }
        return pairs > 0
    }

    /// Converts GB18030 (a superset of GBK) to UTF-8 with the C library's iconv.
    static func convertGB18030(_ bytes: [UInt8]) -> String? {
        #if canImport(Glibc)
        let cd = iconv_open("UTF-8", "GB18030")
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        var written = -1
        input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count, outLeft = outBuf.count
                if iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1, inLeft == 0 {
                    written = outBuf.count - outLeft
                }
            }
        }
        guard written >= 0 else { return nil }
        return String(validating: output[..<written], as: UTF8.self)
        #else
        return nil
        #endif
    }
}

/// A minimal RFC 4180 CSV parser: quoted fields, doubled quotes, CRLF or LF, commas inside quotes.
public enum CSV {
    /// Parses text into rows of fields; each row carries its 1-based line number in the file.
    public static func parse(_ text: String) -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        var field = "", fields: [String] = []
        var inQuotes = false, line = 1, rowStart = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRow() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append((rowStart, fields)) }
            fields = []
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let n = iterator.next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: inQuotes = true
            case ",": fields.append(field); field = ""
            case "\r":
                if let n = iterator.next(), n != "\n" { pending = n }
                endRow(); line += 1; rowStart = line
            case "\n":
                endRow(); line += 1; rowStart = line
            default: field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }

    /// Quotes a field for output when it needs it.
    /// One cell for a CSV file that people open in a spreadsheet: neutralised against formula injection, quoted when it
    /// holds a comma, quote or line break.
    public static func escape(_ s: String) -> String {
        let cell = neutralised(s)
        return cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
    }

    /// A cell that a spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a carriage return) gets a
    /// leading apostrophe, so it shows as text (CSV formula injection); plain numbers such as -5.2 stay numbers.
    public static func neutralised(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return s }
        if first != "\t", first != "\r", Double(s) != nil { return s }
        return "'" + s
    }
}
