import BrainCore

/// The sums behind one growth rate on a comparable basis (可比口径): only what a firm reported in both the period and
/// its base period counts, so that a firm that starts reporting mid-year (or stops) does not show as growth (or decline).
public struct ComparablePair: Sendable, Equatable {
    public var now = 0.0
    public var base = 0.0
    /// Firm-periods that had both values.
    public var pairs = 0

    public init(now: Double = 0, base: Double = 0, pairs: Int = 0) {
        self.now = now
        self.base = base
        self.pairs = pairs
    }

    /// Adds one firm-period when both values were reported (neither is NaN).
    public mutating func add(now n: Double, base b: Double) {
        guard !n.isNaN, !b.isNaN else { return }
        now += n
        base += b
        pairs += 1
    }

    public mutating func add(_ other: ComparablePair) {
        now += other.now
        base += other.base
        pairs += other.pairs
    }

    /// Growth in percent (one decimal), nil without a base.
    public var growth: Double? { pairs == 0 ? nil : Growth.percent(now, base) }
}

/// 增速 as a bureau reports them: 同比 and 环比 on a comparable basis, the 1–N月累计 growth built from the reporting
/// periods of the year (1–2月 as one), and 规上工业增加值增速 by the constant-price output method.
public enum Growth {
    /// (now / base − 1) × 100, rounded to one decimal; nil when the base is zero or either side is not finite.
    public static func percent(_ now: Double, _ base: Double) -> Double? {
        guard base != 0, now.isFinite, base.isFinite else { return nil }
        let g = ((now / base - 1) * 1000).rounded() / 10
        return g.isFinite ? g : nil
    }

    /// 规上工业增加值增速 by the constant-price output method: current-price output of the period deflated by the
    /// producer price index (上年同期 = 100) against the base period's output, in percent. An index of 100 reads the
    /// output at current prices. Nil without a base or with an index that is not positive.
    public static func constantPrice(_ pair: ComparablePair, priceIndex: Double) -> Double? {
        guard priceIndex.isFinite, priceIndex > 0, pair.pairs > 0 else { return nil }
        return percent(pair.now * 100 / priceIndex, pair.base)
    }

    /// The reporting periods whose 当月 figures make up a period's 1–N月累计: 1–2月, 3月, …, N月.
    public static func units(of period: ReportingPeriod) -> [ReportingPeriod] {
        ReportingPeriod.periods(Month(year: period.end.year, month: 2)!, period.end)
    }

    /// A flow's value over some months: their sum, NaN when none of them was reported.
    public static func flow(_ months: [Month], _ value: (Month) -> Double) -> Double {
        var total = 0.0, seen = false
        for m in months {
            let v = value(m)
            if !v.isNaN { total += v; seen = true }
        }
        return seen ? total : .nan
    }

    /// One firm's comparable pairs for a period: 当月 against 上年同月 (同比), 当月 against the previous reporting period
    /// (环比; none for 1–2月, which has no one-month predecessor; March against the monthly average of 1–2月) and 1–N月累计 against 上年同期, the latter summed over
    /// the year's reporting periods that were reported in both years. A stock (`last`) compares its value at the
    /// period's end instead. `value` answers a calendar month (NaN when not reported).
    public static func firmPairs(_ period: ReportingPeriod, aggregation: Aggregation, value: (Month) -> Double)
        -> (month: ComparablePair, mom: ComparablePair?, cumulative: ComparablePair) {
        let lastYear = period.sameLastYear
        func unit(_ p: ReportingPeriod) -> Double {
            aggregation == .last ? value(p.end) : flow(p.currentMonths, value)
        }
        let now = unit(period)
        var month = ComparablePair()
        month.add(now: now, base: unit(lastYear))
        var mom: ComparablePair?
        if period.end.month != 2 {
            // March's predecessor is 1–2月: a flow compares with its monthly average.
            let previous = period.previous
            let months = aggregation == .last ? 1.0 : Double(previous.currentMonths.count)
            var m = ComparablePair()
            m.add(now: now, base: unit(previous) / months)
            mom = m
        }
        var cumulative = ComparablePair()
        if aggregation == .last {
            cumulative = month
        } else {
            for u in units(of: period) { cumulative.add(now: unit(u), base: unit(u.sameLastYear)) }
        }
        return (month, mom, cumulative)
    }

    /// 时间进度: the share of the year a period covers (N/12), percent.
    public static func timeElapsed(_ period: ReportingPeriod) -> Double {
        (Double(period.end.month) / 12 * 1000).rounded() / 10
    }
}
