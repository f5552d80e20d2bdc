import Foundation
import Synchronization

/// What a row of the annual target table (年度目标表) sets: an annual amount of one of the ten indicators, the growth
/// target of 规上工业增加值 (%), or the year's producer price index (工业生产者出厂价格指数, 上年 = 100) that deflates
/// output for 增加值增速.
public enum TargetMeasure: Hashable, Sendable, CustomStringConvertible {
    /// An annual amount in the indicator's unit (for stocks: the year-end value).
    case amount(Indicator)
    /// 规上工业增加值增速 target, percent.
    case valueAddedGrowth
    /// PPI of the year, previous year = 100 (not a target: the deflator of the constant-price output method).
    case producerPriceIndex

    /// The code written in the table's `indicator` column.
    public var code: String {
        switch self {
        case .amount(let i): return i.rawValue
        case .valueAddedGrowth: return "value_added_growth"
        case .producerPriceIndex: return "producer_price_index"
        }
    }

    /// The Chinese name, as on the dashboard.
    public var nameZh: String {
        switch self {
        case .amount(let i): return i.nameZh
        case .valueAddedGrowth: return "规上工业增加值增速"
        case .producerPriceIndex: return "工业生产者出厂价格指数"
        }
    }

    /// The unit of the target value.
    public var unit: String {
        switch self {
        case .amount(let i): return i.unit
        case .valueAddedGrowth: return "%"
        case .producerPriceIndex: return "上年=100"
        }
    }

    /// Every measure, in the table's order.
    public static let all: [TargetMeasure] = [.valueAddedGrowth] + Indicator.allCases.map { .amount($0) } + [.producerPriceIndex]

    /// The measure of a code or a Chinese name (`output_value`, `工业总产值`, `value_added_growth`, `增加值增速`, `ppi`).
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let m = Self.all.first(where: { $0.code == t.lowercased() || $0.nameZh == t }) { self = m; return }
        switch t.lowercased() {
        case "ppi", "价格指数": self = .producerPriceIndex
        case "增加值增速", "工业增加值增速": self = .valueAddedGrowth
        default: return nil
        }
    }

    /// The values a row may carry.
    public var range: ClosedRange<Double> {
        switch self {
        case .amount(let i): return 0...(i.plausibleRange.upperBound * 1e5)
        case .valueAddedGrowth: return -50...100
        case .producerPriceIndex: return 50...200
        }
    }

    public var description: String { code }
}

/// One row of the annual target table: a region's (GB/T 2260) value of one measure for one calendar year.
public struct AnnualTarget: Hashable, Sendable {
    public let region: String
    public let year: Int
    public let measure: TargetMeasure
    public let value: Double

    public init(region: String, year: Int, measure: TargetMeasure, value: Double) {
        self.region = region
        self.year = year
        self.measure = measure
        self.value = value
    }
}

/// The annual targets in force (the newest imported target table, else none), shared by every desk that shows them.
public final class TargetShelf: Sendable {
    private let current: Mutex<(targets: [AnnualTarget], origin: String)>

    public init(_ targets: [AnnualTarget] = [], origin: String = "none") { current = Mutex((targets, origin)) }

    /// The targets in force.
    public var targets: [AnnualTarget] { current.withLock { $0.targets } }
    /// Where they come from (`imported version 2`, `none`).
    public var origin: String { current.withLock { $0.origin } }

    /// Puts a newly imported table in force.
    public func replace(with targets: [AnnualTarget], origin: String) { current.withLock { $0 = (targets, origin) } }

    /// The value a region set for a measure and year, if any.
    public func value(_ measure: TargetMeasure, region: String, year: Int) -> Double? {
        current.withLock { s in s.targets.first { $0.region == region && $0.year == year && $0.measure == measure }?.value }
    }
}
