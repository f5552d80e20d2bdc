/// One calendar day (`YYYY-MM-DD`), as daily electricity is reported. Also reads `YYYY/MM/DD` and `YYYYMMDD`.
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let month: Month
    public let day: Int

    public init?(month: Month, day: Int) {
        guard day >= 1, day <= month.dayCount else { return nil }
        self.month = month
        self.day = day
    }

    public init?(_ text: String) {
        let u = Array(text.utf8)
        func digits(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r { guard u[i] >= 0x30, u[i] <= 0x39 else { return nil }; n = n * 10 + Int(u[i] - 0x30) }
            return n
        }
        let y: Int?, m: Int?, d: Int?
        if u.count == 10, u[4] == UInt8(ascii: "-") || u[4] == UInt8(ascii: "/"), u[7] == u[4] {
            (y, m, d) = (digits(0..<4), digits(5..<7), digits(8..<10))
        } else if u.count == 8 {
            (y, m, d) = (digits(0..<4), digits(4..<6), digits(6..<8))
        } else {
            return nil
        }
        guard let y, let m, let d, let month = Month(year: y, month: m) else { return nil }
        self.init(month: month, day: d)
    }

    public var description: String { month.description + (day < 10 ? "-0\(day)" : "-\(day)") }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { (a.month, a.day) < (b.month, b.day) }
}

extension Month {
    /// Days in the month (Gregorian calendar).
    public var dayCount: Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The month's first day.
    public var firstDay: CalendarDay { CalendarDay(month: self, day: 1)! }
    /// The month's last day.
    public var lastDay: CalendarDay { CalendarDay(month: self, day: dayCount)! }
}
