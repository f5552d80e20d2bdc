import BrainCore
import Foundation

/// Collects the problems of one row while its fields are parsed.
struct RowCheck {
    let row: Int
    var problems: [RejectedRow] = []

    mutating func fail(_ field: String, _ value: String?, _ reason: String) {
        problems.append(RejectedRow(row: row, field: field, value: value ?? "", reason: reason))
    }

    var ok: Bool { problems.isEmpty }

    mutating func required(_ field: String, _ value: String?) -> String? {
        guard let value else {
            fail(field, nil, "required value is empty")
            return nil
        }
        return value
    }

    /// A text value: at most `maxLength` characters and no control characters (NUL, escape, bidirectional overrides).
    /// `nil` input passes through as nil.
    mutating func text(_ field: String, _ value: String?, maxLength: Int, required: Bool) -> String? {
        guard let value else {
            if required { fail(field, nil, "required value is empty") }
            return nil
        }
        if let problem = TextRules.problem(value, maxLength: maxLength) {
            fail(field, String(value.prefix(60)), problem)
            return nil
        }
        return value
    }

    mutating func creditCode(_ field: String, _ value: String?) -> String? {
        guard let v = required(field, value) else { return nil }
        do {
            return try CreditCode(v).value
        } catch {
            fail(field, v, "not a valid 统一社会信用代码: \(error)")
            return nil
        }
    }

    /// A number, allowing thousands separators; `nil` input means "not reported". The value must be finite and inside
    /// `range` (the data dictionary's minimum and plausible maximum, in `unit`).
    mutating func number(_ field: String, _ value: String?, range: ClosedRange<Double>, unit: String? = nil) -> Double?? {
        guard let v = value else { return .some(nil) }
        guard let d = Self.double(v), d.isFinite else {
            fail(field, String(v.prefix(60)), "not a number")
            return nil
        }
        if d < range.lowerBound {
            fail(field, v, range.lowerBound == 0 ? "must not be negative" : "must be at least \(Self.show(range.lowerBound))\(unit.map { " " + $0 } ?? "")")
            return nil
        }
        if d > range.upperBound {
            fail(field, v, "above the plausible maximum of \(Self.show(range.upperBound))\(unit.map { " " + $0 } ?? "") for one record; check the unit")
            return nil
        }
        return .some(d)
    }

    /// A number as written, thousands separators (, or ，) allowed; parsed without Foundation when there are none.
    static func double(_ v: String) -> Double? {
        if let d = Double(v) { return d }
        guard v.utf8.contains(0x2C) || v.contains("，") else { return nil }
        return Double(v.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "，", with: ""))
    }

    static func show(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }

    mutating func integer(_ field: String, _ value: String?, required: Bool, range: ClosedRange<Double> = 0...1e9) -> Int?? {
        guard let v = value else {
            if required { fail(field, nil, "required value is empty"); return nil }
            return .some(nil)
        }
        guard let d = Self.double(v), d.isFinite, d == d.rounded(), abs(d) < 1e12 else {
            fail(field, String(v.prefix(60)), "not a whole number")
            return nil
        }
        if d < 0 { fail(field, v, "must not be negative"); return nil }
        if d < range.lowerBound { fail(field, v, "must be at least \(Self.show(range.lowerBound))"); return nil }
        if d > range.upperBound { fail(field, v, "above the plausible maximum of \(Self.show(range.upperBound)); check the value"); return nil }
        return .some(Int(d))
    }

    mutating func month(_ field: String, _ value: String?, latest: Month) -> Month? {
        guard let v = required(field, value) else { return nil }
        guard let m = Month(v) else {
            fail(field, v, "month must be YYYY-MM with a month from 01 to 12")
            return nil
        }
        if m > latest {
            fail(field, v, "month is after \(latest), the last month that can have been reported")
            return nil
        }
        return m
    }
}

/// Rules every stored text obeys: a length limit and no control characters. Tabs and line breaks are allowed only where
/// `multiline` says so; bidirectional overrides (which make a name display reversed) never.
public enum TextRules {
    public static func problem(_ value: String, maxLength: Int, multiline: Bool = false) -> String? {
        if value.count > maxLength { return "longer than \(maxLength) characters (\(value.count))" }
        for u in value.unicodeScalars {
            switch u.value {
            case 0x09, 0x0A, 0x0D:
                if multiline { continue }
                return "contains a tab or line break"
            case 0x00...0x1F, 0x7F: return "contains a control character (U+\(String(format: "%04X", u.value)))"
            case 0x202A...0x202E, 0x2066...0x2069: return "contains a bidirectional override (U+\(String(format: "%04X", u.value)))"
            default: continue
            }
        }
        return nil
    }
}
