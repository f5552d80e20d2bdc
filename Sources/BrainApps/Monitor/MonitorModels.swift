import BrainCore

/// One indicator's figures for the month and for 1–N月累计, with growth (percent).
public struct IndicatorFigures: Codable, Sendable {
    public let indicator: String
    public let name: String
    public let unit: String
    public let month: Double
    public let monthLastYear: Double
    /// 同比, % (comparable basis: firms that reported the month in both years).
    public let monthYoy: Double?
    public let previous: Double
    /// 环比, % (comparable basis); nil for 1–2月, which has no one-month predecessor.
    public let monthMom: Double?
    /// 1–N月累计 (for stock indicators: the value at the period's end).
    public let cumulative: Double
    public let cumulativeLastYear: Double
    /// 累计同比, % (comparable basis: each firm's reporting periods reported in both years).
    public let cumulativeYoy: Double?
}

/// 规上工业增加值增速: how it was obtained and its rates for the month and 1–N月累计.
public struct ValueAddedFigures: Codable, Sendable {
    /// `constant-price-output`: the data model carries no 增加值 element, so growth is that of 规上 output at constant
    /// prices (current-price output deflated by the producer price index).
    public let method: String
    /// The method in an official's words, for the page's footnote.
    public let methodZh: String
    /// The producer price index used (上年同期 = 100).
    public let priceIndex: Double
    /// Where the index comes from: `target table (360000, 2026)` or `default 100 (no index imported; current prices)`.
    public let priceIndexSource: String
    /// 当月同比, %.
    public let monthYoy: Double?
    /// 环比, %; nil for 1–2月.
    public let monthMom: Double?
    /// 1–N月累计同比, %.
    public let cumulativeYoy: Double?
}

/// 目标完成率: one annual target of the slice's region against the period (time elapsed N/12).
public struct TargetProgress: Codable, Sendable {
    /// `value_added_growth` or an indicator code.
    public let measure: String
    public let name: String
    /// `%` for the growth target, else the indicator's unit.
    public let unit: String
    public let year: Int
    public let target: Double
    /// 1–N月累计 (amounts; stocks at the period's end) or the cumulative growth (growth target).
    public let actual: Double?
    /// Amounts: actual / target, %.
    public let completion: Double?
    /// 时间进度 N/12, %.
    public let timeElapsed: Double
    /// Amounts: completion − time elapsed; growth target: actual − target (percentage points).
    public let gap: Double?
    /// Whether the figure keeps pace with the year (gap ≥ 0).
    public let onTrack: Bool?
}

/// A row of a breakdown: one child region, zone, chain or division.
public struct BreakdownRow: Codable, Sendable {
    public let code: String
    public let name: String
    public let firms: Int
    /// 工业总产值 1–N月累计 (万元) and its 同比 (%).
    public let outputValue: Double
    public let outputYoy: Double?
    public let revenue: Double
    public let revenueYoy: Double?
    public let profit: Double
    public let profitYoy: Double?
    public let electricity: Double
    public let electricityYoy: Double?
    /// 亏损面, %.
    public let lossShare: Double?
}

/// One month of the 24-month series.
public struct SeriesPoint: Codable, Sendable {
    public let period: String
    /// `2026年1-2月`, `2026年3月`: 1–2月 is one point.
    public let label: String
    /// Calendar months the point covers (2 for 1–2月, else 1), so that a chart can draw the monthly average.
    public var months: Int = 1
    public let outputValue: Double
    public let outputYoy: Double?
    public let revenue: Double
    public let revenueYoy: Double?
    public let profit: Double
    public let electricity: Double
    public let electricityYoy: Double?
    public let cumulativeOutputYoy: Double?
    /// 规上工业增加值增速, 当月 and 1–N月累计 (constant-price output method, see `ValueAddedFigures`).
    public var valueAddedYoy: Double? = nil
    public var cumulativeValueAddedYoy: Double? = nil
}

/// The 工业运行 overview for a slice of the economy and a period.
public struct MonitorOverview: Codable, Sendable {
    public struct Scope: Codable, Sendable {
        public let region: String
        public let regionName: String
        public let zone: String?
        public let chain: String?
        public let industry: String?
    }
    public struct Firms: Codable, Sendable {
        /// 规上 firms in the slice.
        public let aboveScale: Int
        /// Firms that reported output for the period.
        public let reporting: Int
        /// 新增: firms whose previous full year first reached 2000 万元 revenue.
        public let newlyAbove: Int
        /// 退规: firms of the registry below 2000 万元 last year that were above the year before.
        public let droppedOut: Int
    }
    public struct Loss: Codable, Sendable {
        public let lossMakingFirms: Int
        /// 亏损面, %.
        public let lossShare: Double?
        /// 亏损额 (万元), 1–N月累计.
        public let lossAmount: Double
        public let lossAmountLastYear: Double
        public let lossAmountYoy: Double?
        /// 负增长面: share of firms whose cumulative output is below last year's, %.
        public let negativeGrowthFirms: Int
        public let negativeGrowthShare: Double?
    }
    public struct Breakdown: Codable, Sendable {
        /// One level down (province → cities → counties); adds up to the whole.
        public let regions: [BreakdownRow]
        /// Zones in the region, each counted for the region's own firms, plus a row for firms outside any zone.
        public let zones: [BreakdownRow]
        /// By chain (a firm on two chains counts in both).
        public let chains: [BreakdownRow]
        /// By GB/T 4754 division; adds up to the whole.
        public let divisions: [BreakdownRow]
    }
    public let period: String
    public let periodLabel: String
    public let cumulativeLabel: String
    public let scope: Scope
    public let firms: Firms
    public let indicators: [IndicatorFigures]
    public let loss: Loss
    public let breakdown: Breakdown
    public let series: [SeriesPoint]
    /// How complete and consistent the month's data of the slice is, so that a figure resting on poor data says so.
    public var dataQuality: OverviewQuality? = nil
    /// 规上工业增加值增速 (set by `AnalysisDesk.overview` with the price index in force).
    public var valueAdded: ValueAddedFigures? = nil
    /// 目标完成率 of the region's annual targets for the period's year (only for a whole region: no zone, chain or industry).
    public var targets: [TargetProgress] = []
}

/// The data quality behind an overview: 规上 firms expected in the month, those that reported, and the score of
/// `GET /api/v1/quality`.
public struct OverviewQuality: Codable, Sendable {
    public let expected: Int
    public let reporting: Int
    public let completeness: Double
    public let inconsistent: Int
    public let score: Double
    /// True when fewer than 95 % of the expected firms reported or more than 5 % contradict themselves.
    public let poor: Bool
}
