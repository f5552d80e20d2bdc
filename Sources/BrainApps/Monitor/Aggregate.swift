import BrainCore
import BrainData

/// Sums of the figures a monitoring row needs, for a group of firms and one reporting period.
struct Aggregate {
    var firms = 0
    var current = [Double](repeating: 0, count: Indicator.allCases.count)
    var currentLastYear = [Double](repeating: 0, count: Indicator.allCases.count)
    var previous = [Double](repeating: 0, count: Indicator.allCases.count)
    var cumulative = [Double](repeating: 0, count: Indicator.allCases.count)
    var cumulativeLastYear = [Double](repeating: 0, count: Indicator.allCases.count)
    /// Comparable-basis (可比口径) sums behind 同比 of the month, 环比 and 同比 of 1–N月累计.
    var monthPairs = [ComparablePair](repeating: ComparablePair(), count: Indicator.allCases.count)
    var momPairs = [ComparablePair](repeating: ComparablePair(), count: Indicator.allCases.count)
    var cumulativePairs = [ComparablePair](repeating: ComparablePair(), count: Indicator.allCases.count)
    var hasMom = true
    var lossFirms = 0
    var lossAmount = 0.0
    var lossAmountLastYear = 0.0
    var profitReporters = 0
    var negativeGrowthFirms = 0
    var growthComparable = 0

    /// Month sets of the period, resolved once.
    struct Months {
        let current: [Month]
        let currentLastYear: [Month]
        let previous: [Month]
        let cumulative: [Month]
        let cumulativeLastYear: [Month]
        let period: ReportingPeriod

        init(_ p: ReportingPeriod) {
            period = p
            current = p.currentMonths
            currentLastYear = p.sameLastYear.currentMonths
            previous = p.previous.currentMonths
            cumulative = p.cumulativeMonths
            cumulativeLastYear = p.sameLastYear.cumulativeMonths
        }
    }

    /// One firm's figures for the period, computed once and added to every group the firm belongs to.
    struct FirmFigures {
        var current = [Double](repeating: 0, count: Indicator.allCases.count)
        var currentLastYear = [Double](repeating: 0, count: Indicator.allCases.count)
        var previous = [Double](repeating: 0, count: Indicator.allCases.count)
        var cumulative = [Double](repeating: 0, count: Indicator.allCases.count)
        var cumulativeLastYear = [Double](repeating: 0, count: Indicator.allCases.count)
        var monthPairs = [ComparablePair](repeating: ComparablePair(), count: Indicator.allCases.count)
        var momPairs: [ComparablePair]? = nil
        var cumulativePairs = [ComparablePair](repeating: ComparablePair(), count: Indicator.allCases.count)
        var profitReported = false
        var loss = 0.0
        var lossLastYear = 0.0
        var growthComparable = false
        var negativeGrowth = false

        init(firm i: Int, cube: IndicatorCube, months: Months) {
            func nz(_ v: Double) -> Double { v.isNaN ? 0 : v }
            for ind in Indicator.allCases {
                let k = ind.index
                current[k] = nz(cube.periodValue(ind, firm: i, months: months.current))
                currentLastYear[k] = nz(cube.periodValue(ind, firm: i, months: months.currentLastYear))
                previous[k] = nz(cube.periodValue(ind, firm: i, months: months.previous))
                cumulative[k] = nz(cube.periodValue(ind, firm: i, months: months.cumulative))
                cumulativeLastYear[k] = nz(cube.periodValue(ind, firm: i, months: months.cumulativeLastYear))
                let pairs = Growth.firmPairs(months.period, aggregation: ind.aggregation) { cube.value(ind, firm: i, month: $0) }
                monthPairs[k] = pairs.month
                cumulativePairs[k] = pairs.cumulative
                if let mom = pairs.mom {
                    if momPairs == nil { momPairs = [ComparablePair](repeating: ComparablePair(), count: Indicator.allCases.count) }
                    momPairs![k] = mom
                }
            }
            let profit = cube.periodValue(.profit, firm: i, months: months.cumulative)
            if !profit.isNaN {
                profitReported = true
                if profit < 0 { loss = -profit }
            }
            let profitLY = cube.periodValue(.profit, firm: i, months: months.cumulativeLastYear)
            if !profitLY.isNaN, profitLY < 0 { lossLastYear = -profitLY }
            let out = cube.periodValue(.outputValue, firm: i, months: months.cumulative)
            let outLY = cube.periodValue(.outputValue, firm: i, months: months.cumulativeLastYear)
            if !out.isNaN, !outLY.isNaN, outLY > 0 {
                growthComparable = true
                negativeGrowth = out < outLY
            }
        }
    }

    mutating func add(_ f: FirmFigures) {
        firms += 1
        for k in 0..<current.count {
            current[k] += f.current[k]
            currentLastYear[k] += f.currentLastYear[k]
            previous[k] += f.previous[k]
            cumulative[k] += f.cumulative[k]
            cumulativeLastYear[k] += f.cumulativeLastYear[k]
            monthPairs[k].add(f.monthPairs[k])
            cumulativePairs[k].add(f.cumulativePairs[k])
            if let mom = f.momPairs { momPairs[k].add(mom[k]) }
        }
        if f.momPairs == nil { hasMom = false }
        if f.profitReported {
            profitReporters += 1
            if f.loss > 0 { lossFirms += 1; lossAmount += f.loss }
        }
        lossAmountLastYear += f.lossLastYear
        if f.growthComparable {
            growthComparable += 1
            if f.negativeGrowth { negativeGrowthFirms += 1 }
        }
    }

    /// The breakdown row of this group.
    func row(code: String, name: String) -> BreakdownRow {
        func c(_ i: Indicator) -> Double { (cumulative[i.index] * 100).rounded() / 100 }
        func g(_ i: Indicator) -> Double? { cumulativePairs[i.index].growth }
        return BreakdownRow(code: code, name: name, firms: firms, outputValue: c(.outputValue), outputYoy: g(.outputValue),
                            revenue: c(.revenue), revenueYoy: g(.revenue), profit: c(.profit), profitYoy: g(.profit),
                            electricity: c(.electricity), electricityYoy: g(.electricity),
                            lossShare: Aggregate.share(lossFirms, profitReporters))
    }

    /// Growth in percent, nil when the base is zero.
    static func growth(_ now: Double, _ before: Double) -> Double? { Growth.percent(now, before) }

    static func share(_ part: Int, _ whole: Int) -> Double? {
        guard whole > 0 else { return nil }
        return (Double(part) / Double(whole) * 1000).rounded() / 10
    }
}
