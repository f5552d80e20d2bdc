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

    mutating func creditCode(_ field: String, _ value: String?) -> String? {
        guard let v = required(field, value) else { return nil }
        do {
            return try CreditCode(v).value
        } catch {
            fail(field, v, "not a valid 统一社会信用代码: \(error)")
            return nil
        }
    }

    /// A number, allowing thousands separators; `nil` input means "not reported".
    mutating func number(_ field: String, _ value: String?, allowNegative: Bool = false) -> Double?? {
        guard let v = value else { return .some(nil) }
        let cleaned = v.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "，", with: "")
        guard let d = Double(cleaned), d.isFinite else {
            fail(field, v, "not a number")
            return nil
        }
        if d < 0 && !allowNegative {
            fail(field, v, "must not be negative")
            return nil
        }
        return .some(d)
    }

    mutating func integer(_ field: String, _ value: String?, required: Bool) -> Int?? {
        guard let v = value else {
            if required { fail(field, nil, "required value is empty"); return nil }
            return .some(nil)
        }
        let cleaned = v.replacingOccurrences(of: ",", with: "")
        guard let d = Double(cleaned), d.isFinite, d == d.rounded(), abs(d) < 1e12 else {
            fail(field, v, "not a whole number")
            return nil
        }
        if d < 0 { fail(field, v, "must not be negative"); return nil }
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
