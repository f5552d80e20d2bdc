/// How a monthly indicator adds up over months and over enterprises.
public enum Aggregation: String, CaseIterable, Codable, Sendable {
    /// Flows (产值, 收入, 用电量 …): months and firms add up.
    case sum
    /// Stocks at the month's end (应收账款, 存货, 从业人员): the last month counts, firms add up.
    case last
}

/// The ten monthly enterprise indicators of the standard data model.
public enum Indicator: String, Codable, Sendable, CaseIterable {
    case outputValue = "output_value"
    case revenue
    case profit
    case electricity
    case tax
    case employees
    case exportValue = "export_value"
    case rdExpense = "rd_expense"
    case receivables
    case inventory

    /// Chinese name as used in statistical reports.
    public var nameZh: String {
        switch self {
        case .outputValue: return "工业总产值"
        case .revenue: return "营业收入"
        case .profit: return "利润总额"
        case .electricity: return "用电量"
        case .tax: return "税收"
        case .employees: return "从业人员"
        case .exportValue: return "出口交货值"
        case .rdExpense: return "研发费用"
        case .receivables: return "应收账款"
        case .inventory: return "产成品存货"
        }
    }

    public var unit: String {
        switch self {
        case .electricity: return "万千瓦时"
        case .employees: return "人"
        default: return "万元"
        }
    }

    public var aggregation: Aggregation {
        switch self {
        case .employees, .receivables, .inventory: return .last
        default: return .sum
        }
    }

    /// Profit may be negative (a loss); every other indicator is ≥ 0.
    public var allowsNegative: Bool { self == .profit }

    /// The plausible range of one firm's value for one month (stocks at the month's end), in the indicator's unit.
    /// Wider than any real firm (the largest Chinese groups report about 3 万亿元 of revenue a year, 2.5 × 10⁷ 万元 a
    /// month), narrow enough that sums over every firm and month and the ratios between them stay finite.
    public var plausibleRange: ClosedRange<Double> {
        switch self {
        case .outputValue, .revenue, .exportValue: return 0...1e8
        case .profit: return -1e7...1e7
        case .electricity: return 0...1e6
        case .tax, .rdExpense: return 0...1e7
        case .employees: return 0...2_000_000
        case .receivables, .inventory: return 0...1e9
        }
    }

    /// Magnitudes below this (less than one yuan, 0.1 kWh or one person) carry no information and are read as 0, so that
    /// no ratio can divide by a vanishing base.
    public static let resolution = 1e-4

    /// The value as analyses may read it: NaN for a value that is not finite or outside `plausibleRange` (reported as
    /// skipped), 0 for a magnitude below `resolution`.
    public func sanitized(_ v: Double) -> Double {
        guard v.isFinite, plausibleRange.contains(v) else { return .nan }
        return abs(v) < Indicator.resolution ? 0 : v
    }

    /// Position in `MonthlyReport.values`.
    public var index: Int { Indicator.allCases.firstIndex(of: self)! }
}

/// One enterprise's report for one month; `nil` means "not reported".
public struct MonthlyReport: Codable, Sendable, Hashable {
    public var uscc: String
    public var month: Month
    /// Values in `Indicator.allCases` order.
    public var values: [Double?]

    public init(uscc: String, month: Month, values: [Double?]) {
        precondition(values.count == Indicator.allCases.count)
        self.uscc = uscc
        self.month = month
        self.values = values
    }

    public subscript(_ indicator: Indicator) -> Double? {
        get { values[indicator.index] }
        set { values[indicator.index] = newValue }
    }
}
