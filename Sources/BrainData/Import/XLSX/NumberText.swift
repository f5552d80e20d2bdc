import Foundation

/// Numbers as people type them: plain decimals without exponent or binary noise (12345.6, not 12345.600000000001 or
/// 1.23456E4), whole numbers without ".0", at most 15 significant digits as a spreadsheet shows them.
public enum NumberText {
    /// The plain decimal text of `d`.
    public static func plain(_ d: Double) -> String {
        guard d.isFinite else { return d.isNaN ? "NaN" : (d < 0 ? "-inf" : "inf") }
        if d == 0 { return "0" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return expand(String(format: "%.15g", d))
    }

    /// The plain decimal text of a number written in a sheet's `<v>` (ASCII digits, sign, point, exponent); nil when the
    /// bytes are not a number. Plain short decimals pass through without a round trip through `Double`.
    static func plain(bytes: ArraySlice<UInt8>) -> String? {
        var digits = 0, points = 0, leadingZeros = true, simple = !bytes.isEmpty
        for (k, c) in zip(bytes.indices, bytes) {
            if c >= 0x30 && c <= 0x39 {
                if c != 0x30 { leadingZeros = false }
                if !leadingZeros { digits += 1 }
            } else if c == UInt8(ascii: ".") {
                points += 1
            } else if c == UInt8(ascii: "-"), k == bytes.startIndex {
            } else { simple = false; break }
        }
        if simple, points <= 1, digits <= 15, bytes.last != UInt8(ascii: "."), bytes.first != UInt8(ascii: ".") {
            var end = bytes.endIndex
            if points == 1 {
                while bytes[end - 1] == 0x30 { end -= 1 }
                if bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
            }
            let text = String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
            return text == "-0" ? "0" : text
        }
        guard let d = Double(String(decoding: bytes, as: UTF8.self)) else { return nil }
        return plain(d)
    }

    /// Rewrites `1.5e+20` or `-2.5e-07` as a plain decimal, dropping trailing zeros.
    static func expand(_ s: String) -> String {
        let parts = s.lowercased().split(separator: "e", maxSplits: 1)
        var mantissa = Substring(parts[0])
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var sign = ""
        if mantissa.hasPrefix("-") { sign = "-"; mantissa = mantissa.dropFirst() }
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = String(pieces[0]), frac = pieces.count > 1 ? String(pieces[1]) : ""
        var digits = intPart + frac
        var point = intPart.count + exponent
        if point <= 0 { digits = String(repeating: "0", count: 1 - point) + digits; point = 1 }
        if point > digits.count { digits += String(repeating: "0", count: point - digits.count) }
        var whole = String(digits.prefix(point)), fraction = String(digits.dropFirst(point))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        while whole.count > 1, whole.hasPrefix("0") { whole.removeFirst() }
        let text = fraction.isEmpty ? whole : whole + "." + fraction
        return text == "0" ? "0" : sign + text
    }
}

/// Excel's dates: which number formats show a date, and the serial day number as `YYYY-MM-DD`.
enum ExcelDate {
    /// Built-in number formats that show a date or time (14–22, 45–47, and the East Asian date formats 27–36, 50–58).
    static func isDateFormat(id: Int, code: String?) -> Bool {
        if let code { return isDateCode(code) }
        return (14...22).contains(id) || (45...47).contains(id) || (27...36).contains(id) || (50...58).contains(id)
    }

    /// A custom format code shows a date when it holds y, m, d (or 年 月 日) outside quoted text, escapes and [brackets].
    static func isDateCode(_ code: String) -> Bool {
        var inQuote = false, inBracket = false, escaped = false
        for ch in code {
            if escaped { escaped = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if inBracket { if ch == "]" { inBracket = false }; continue }
            switch ch {
            case "\"": inQuote = true
            case "[": inBracket = true
            case "\\", "_", "*": escaped = true
            case "y", "Y", "m", "M", "d", "D", "年", "月", "日": return true
            default: continue
            }
        }
        return false
    }

    /// The serial day number of a date cell as `YYYY-MM-DD` (the 1900 system counts a 29 February 1900 that never was);
    /// a serial below 1 (a time of day only) as `HH:MM:SS`.
    static func text(serial: Double, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        if serial < 1 && !date1904 {
            let seconds = Int((serial * 86_400).rounded())
            return String(format: "%02d:%02d:%02d", seconds / 3600 % 24, seconds / 60 % 60, seconds % 60)
        }
        let day = Int(serial.rounded(.down))
        let unixDay: Int
        if date1904 { unixDay = day - 24_107 } else if day >= 61 { unixDay = day - 25_569 } else if day == 60 { unixDay = -25_509 } else { unixDay = day - 25_568 }
        let (y, m, d) = civil(fromDays: unixDay)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
