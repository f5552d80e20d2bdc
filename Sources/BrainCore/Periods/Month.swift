import Foundation

/// A calendar month `YYYY-MM`, the period of monthly industrial statistics.
public struct Month: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1900...2999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM` (also accepts `YYYY/MM`, `YYYYMM` and `YYYY-M`).
    public init?(_ text: String) {
        // The common form YYYY-MM without allocation.
        let u = text.utf8
        if u.count == 7, let fast = u.withContiguousStorageIfAvailable({ b -> (Int, Int)? in
            func digit(_ i: Int) -> Int? { b[i] >= 0x30 && b[i] <= 0x39 ? Int(b[i] - 0x30) : nil }
            guard b[4] == 0x2D, let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3), let m0 = digit(5), let m1 = digit(6) else { return nil }
            return (y0 * 1000 + y1 * 100 + y2 * 10 + y3, m0 * 10 + m1)
        }) ?? nil {
            self.init(year: fast.0, month: fast.1)
            return
        }
        let t = text.trimmingCharacters(in: .whitespaces)
        var parts = t.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        if parts.count == 1, t.count == 6, t.allSatisfy(\.isNumber) {
            parts = [String(t.prefix(4)), String(t.suffix(2))]
        }
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public var description: String { year.formatted4 + "-" + (month < 10 ? "0\(month)" : "\(month)") }

    /// Months since year 0, handy for arithmetic and array indexing.
    public var ordinal: Int { year * 12 + (month - 1) }

    public init(ordinal: Int) {
        year = ordinal / 12
        month = ordinal % 12 + 1
    }

    public func adding(months n: Int) -> Month { Month(ordinal: ordinal + n) }
    public var previous: Month { adding(months: -1) }
    public var next: Month { adding(months: 1) }
    /// Same month of the previous year (上年同期).
    public var sameMonthLastYear: Month { adding(months: -12) }

    public static func < (a: Month, b: Month) -> Bool { a.ordinal < b.ordinal }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let m = Month(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "month must be YYYY-MM, got \(text)"))
        }
        self = m
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// The months `from...to` inclusive, in order.
    public static func range(_ from: Month, _ to: Month) -> [Month] {
        guard from <= to else { return [] }
        return (from.ordinal...to.ordinal).map(Month.init(ordinal:))
    }
}

private extension Int {
    var formatted4: String {
        let s = String(self)
        return String(repeating: "0", count: Swift.max(0, 4 - s.count)) + s
    }
}
