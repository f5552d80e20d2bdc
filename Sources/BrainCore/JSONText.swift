/// Compact JSON objects of strings and integers written directly, byte for byte what `JSONEncoder` with `.sortedKeys`
/// and `.withoutEscapingSlashes` writes for the same members: `"` and `\` escaped, `\b \t \n \f \r` in their short
/// forms, other control characters as `\u00xx`, everything else (slashes, DEL, non-ASCII) as it is. For texts written on
/// every request (the audit entry of each service-client call), where a `JSONEncoder` cost about 15 µs a call.
public enum JSONText {
    /// A member's value; `nil` members are left out, as `JSONEncoder` leaves out nil optionals.
    public enum Value: Sendable {
        case string(String)
        case int(Int)
    }

    /// `{"k":v,…}` with the members in the order given (pass them sorted by key to match `.sortedKeys`).
    public static func object(_ members: KeyValuePairs<String, Value?>) -> String {
        var out = "{"
        out.reserveCapacity(128)
        var first = true
        for (key, value) in members {
            guard let value else { continue }
            if !first { out.append(",") }
            first = false
            appendQuoted(key, to: &out)
            out.append(":")
            switch value {
            case .string(let s): appendQuoted(s, to: &out)
            case .int(let n): out.append(String(n))
            }
        }
        out.append("}")
        return out
    }

    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var out = ""
        appendQuoted(s, to: &out)
        return out
    }

    private static let hexDigits: [Character] = Array("0123456789abcdef")

    /// Appends `s` quoted; a text with nothing to escape (the usual case, checked on its bytes) is appended whole.
    public static func appendQuoted(_ s: String, to out: inout String) {
        out.append("\"")
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(s)
        } else {
            for u in s.unicodeScalars {
                switch u.value {
                case 0x22: out.append("\\\"")
                case 0x5C: out.append("\\\\")
                case 0x08: out.append("\\b")
                case 0x09: out.append("\\t")
                case 0x0A: out.append("\\n")
                case 0x0C: out.append("\\f")
                case 0x0D: out.append("\\r")
                case 0x00..<0x20:
                    out.append("\\u00")
                    out.append(hexDigits[Int(u.value >> 4)])
                    out.append(hexDigits[Int(u.value & 0x0F)])
                default: out.unicodeScalars.append(u)
                }
            }
        }
        out.append("\"")
    }
}
