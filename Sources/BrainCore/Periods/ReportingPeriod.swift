/// How monthly statistics are read: 当月 and 1–N月累计, with January and February reported together (1–2月).
///
/// Enterprises may report January on its own or fold it into February; either way the 1–2月 figure is the sum of
/// the rows for months 1 and 2, and January is never a period of its own.
public struct ReportingPeriod: Hashable, Sendable, CustomStringConvertible {
    /// The last month of the period (February for 1–2月).
    public let end: Month

    /// Why a month cannot be a reporting period.
    public enum Problem: Error, CustomStringConvertible {
        case januaryAlone(Int)
        public var description: String {
            switch self {
            case .januaryAlone(let y):
                return "January is reported together with February; use \(y)-02 for 1–2月"
            }
        }
    }

    public init(_ month: Month) throws(Problem) {
        guard month.month != 1 else { throw .januaryAlone(month.year) }
        end = month
    }

    /// The last complete reporting month before a calendar date: the previous month, or December of the year before
    /// when today is in January (January is not a reporting period on its own).
    public static func latestComplete(today: Month) -> ReportingPeriod {
        var m = today.previous
        if m.month == 1 { m = m.previous }
        return try! ReportingPeriod(m)
    }

    /// Calendar months whose rows make up the 当月 figure (`[1, 2]` for February).
    public var currentMonths: [Month] {
        end.month == 2 ? [Month(year: end.year, month: 1)!, end] : [end]
    }

    /// Calendar months of 1–N月累计.
    public var cumulativeMonths: [Month] { Month.range(Month(year: end.year, month: 1)!, end) }

    /// The same period of the previous year (上年同期).
    public var sameLastYear: ReportingPeriod { try! ReportingPeriod(end.sameMonthLastYear) }

    /// The previous reporting period, for 环比 (February's predecessor is last December).
    public var previous: ReportingPeriod {
        let p = end.previous
        return try! ReportingPeriod(p.month == 1 ? p.previous : p)
    }

    /// Chinese label: `2026年10月`, `2026年1-2月`.
    public var label: String { end.month == 2 ? "\(end.year)年1-2月" : "\(end.year)年\(end.month)月" }

    /// Chinese label of the cumulative period: `2026年1-10月`.
    public var cumulativeLabel: String { "\(end.year)年1-\(end.month)月" }

    public var description: String { end.description }

    /// Reporting periods of the months `from...to` (January folded into February).
    public static func periods(_ from: Month, _ to: Month) -> [ReportingPeriod] {
        Month.range(from, to).compactMap { try? ReportingPeriod($0) }
    }
}
