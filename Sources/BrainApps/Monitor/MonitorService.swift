import BrainCore
import BrainData
import BrainStore
import Foundation

/// 工业运行管理: the monitoring overview computed from the indicator cube.
public struct MonitorService: Sendable {
    public let cube: IndicatorCube
    public let catalog: RegionCatalog

    /// Producer price index (上年 = 100) by year for the slice's region, the deflator of 增加值增速; a year without one
    /// reads output at current prices (100).
    public let priceIndices: [Int: Double]

    public init(cube: IndicatorCube, catalog: RegionCatalog? = nil, priceIndices: [Int: Double] = [:]) {
        self.cube = cube
        self.catalog = catalog ?? cube.catalog
        self.priceIndices = priceIndices
    }

    /// The deflator of a year (100 when none was imported).
    func priceIndex(_ year: Int) -> Double { priceIndices[year] ?? 100 }

    /// The overview of a slice for its period: totals with 同比/环比, loss and negative-growth shares, firm counts,
    /// breakdowns and a 24-month series.
    public func overview(_ scope: AnalysisScope) -> MonitorOverview {
        let selected = scope.firms(in: cube)
        let months = Aggregate.Months(scope.period)
        var total = Aggregate()
        let regionLevel = catalog.region(scope.region)?.level ?? .province
        var regionGroups: [String: Aggregate] = [:]
        var zoneGroups: [String: Aggregate] = [:]
        var chainGroups: [String: Aggregate] = [:]
        var divisionGroups: [String: Aggregate] = [:]
        for i in selected {
            let f = Aggregate.FirmFigures(firm: i, cube: cube, months: months)
            total.add(f)
            let firm = cube.firms[i]
            switch regionLevel {
            case .province:
                if let city = catalog.city(of: firm.region) { regionGroups[city, default: Aggregate()].add(f) }
            case .city:
                regionGroups[firm.region, default: Aggregate()].add(f)
            case .county:
                break
            }
            zoneGroups[firm.zone ?? "-", default: Aggregate()].add(f)
            for chain in firm.chains { chainGroups[chain, default: Aggregate()].add(f) }
            divisionGroups[String(firm.industry.prefix(2)), default: Aggregate()].add(f)
        }
        let indicators = Indicator.allCases.map { ind -> IndicatorFigures in
            let k = ind.index
            func r(_ v: Double) -> Double { (v * 100).rounded() / 100 }
            return IndicatorFigures(indicator: ind.rawValue, name: ind.nameZh, unit: ind.unit,
                                    month: r(total.current[k]), monthLastYear: r(total.currentLastYear[k]),
                                    monthYoy: total.monthPairs[k].growth,
                                    previous: r(total.previous[k]), monthMom: total.hasMom ? total.momPairs[k].growth : nil,
                                    cumulative: r(total.cumulative[k]), cumulativeLastYear: r(total.cumulativeLastYear[k]),
                                    cumulativeYoy: total.cumulativePairs[k].growth)
        }
        let year = scope.period.end.year
        let ppi = priceIndex(year)
        let out = Indicator.outputValue.index
        let valueAdded = ValueAddedFigures(
            method: "constant-price-output",
            methodZh: "规上工业增加值增速按不变价产值法测算：规上工业总产值（现价）按工业生产者出厂价格指数（上年同期=100，\(String(format: "%.1f", ppi))）缩减为不变价后，与上年同期可比口径产值比较；只计两年同期均有报数的企业和月份。",
            priceIndex: ppi,
            priceIndexSource: priceIndices[year] != nil ? "target table (\(year))" : "default 100 (no index imported; current prices)",
            monthYoy: Growth.constantPrice(total.monthPairs[out], priceIndex: ppi),
            monthMom: total.hasMom ? total.momPairs[out].growth : nil,
            cumulativeYoy: Growth.constantPrice(total.cumulativePairs[out], priceIndex: ppi))
        let loss = MonitorOverview.Loss(lossMakingFirms: total.lossFirms, lossShare: Aggregate.share(total.lossFirms, total.profitReporters),
                                        lossAmount: (total.lossAmount * 100).rounded() / 100,
                                        lossAmountLastYear: (total.lossAmountLastYear * 100).rounded() / 100,
                                        lossAmountYoy: Aggregate.growth(total.lossAmount, total.lossAmountLastYear),
                                        negativeGrowthFirms: total.negativeGrowthFirms,
                                        negativeGrowthShare: Aggregate.share(total.negativeGrowthFirms, total.growthComparable))
        let regionRows = regionGroups.map { code, agg in
            agg.row(code: code, name: catalog.region(code).map { code == scope.region ? "\($0.name)本级" : $0.name } ?? code)
        }.sorted { $0.code < $1.code }
        let zoneRows = zoneGroups.map { code, agg in
            agg.row(code: code, name: code == "-" ? "开发区外" : catalog.zone(code)?.shortName ?? code)
        }.sorted { ($0.code == "-" ? 1 : 0, $0.code) < ($1.code == "-" ? 1 : 0, $1.code) }
        let chainRows = chainGroups.map { code, agg in agg.row(code: code, name: catalog.chains.chain(code)?.name ?? code) }
            .sorted { $0.outputValue > $1.outputValue }
        let divisionRows = divisionGroups.map { code, agg in agg.row(code: code, name: IndustryCatalog.standard.division(code)?.name ?? code) }
            .sorted { $0.outputValue > $1.outputValue }
        let counts = firmCounts(scope: scope, selected: selected)
        return MonitorOverview(
            period: scope.period.description, periodLabel: scope.period.label, cumulativeLabel: scope.period.cumulativeLabel,
            scope: .init(region: scope.region, regionName: catalog.region(scope.region)?.name ?? scope.region, zone: scope.zone,
                         chain: scope.chain, industry: scope.industry),
            firms: .init(aboveScale: selected.count, reporting: counts.reporting, newlyAbove: counts.newlyAbove, droppedOut: counts.droppedOut),
            indicators: indicators, loss: loss,
            breakdown: .init(regions: regionRows, zones: zoneRows, chains: chainRows, divisions: divisionRows),
            series: series(firms: selected, end: scope.period), valueAdded: valueAdded)
    }

    /// Annual revenue of a firm for a calendar year, nil unless every reporting month (Feb–Dec, January folded in) has data.
    func annualRevenue(_ firm: Int, year: Int) -> Double? {
        var total = 0.0, months = 0
        for m in 1...12 {
            let v = cube.value(.revenue, firm: firm, month: Month(year: year, month: m)!)
            if !v.isNaN { total += v; if m >= 2 { months += 1 } }
        }
        return months >= 11 ? total : nil
    }

    private func firmCounts(scope: AnalysisScope, selected: [Int]) -> (reporting: Int, newlyAbove: Int, droppedOut: Int) {
        let months = scope.period.currentMonths
        let reporting = selected.filter { !cube.periodValue(.outputValue, firm: $0, months: months).isNaN }.count
        let y = scope.period.end.year
        var newly = 0, dropped = 0
        for i in scope.firms(in: cube, aboveScaleOnly: false) {
            guard let last = annualRevenue(i, year: y - 1) else { continue }
            let before = annualRevenue(i, year: y - 2)
            if last >= SizeClass.aboveScaleThreshold, let b = before, b < SizeClass.aboveScaleThreshold { newly += 1 }
            if last < SizeClass.aboveScaleThreshold, let b = before, b >= SizeClass.aboveScaleThreshold { dropped += 1 }
        }
        return (reporting, newly, dropped)
    }

    /// The 24 reporting periods up to `end` (1–2月 one point): 当月 figures and growth on the comparable basis of the
    /// overview, so that each point's 累计同比 is the overview's of its own period.
    func series(firms: [Int], end: ReportingPeriod) -> [SeriesPoint] {
        var periods: [ReportingPeriod] = []
        var p = end
        while periods.count < 24 { periods.append(p); p = p.previous }
        periods.reverse()
        // Every reporting period a point needs for its 1–N月累计 (back to 1–2月 of the first point's year).
        let units = ReportingPeriod.periods(Month(year: periods[0].end.year, month: 2)!, end.end)
        struct UnitSums { var level = [Double](repeating: 0, count: 4); var pairs = [ComparablePair](repeating: ComparablePair(), count: 4) }
        let flows: [Indicator] = [.outputValue, .revenue, .profit, .electricity]
        var sums: [ReportingPeriod: UnitSums] = [:]
        for u in units {
            var s = UnitSums()
            let base = u.sameLastYear
            for (k, ind) in flows.enumerated() {
                for i in firms {
                    let now = Growth.flow(u.currentMonths) { cube.value(ind, firm: i, month: $0) }
                    if !now.isNaN { s.level[k] += now }
                    s.pairs[k].add(now: now, base: Growth.flow(base.currentMonths) { cube.value(ind, firm: i, month: $0) })
                }
            }
            sums[u] = s
        }
        func r(_ v: Double) -> Double { (v * 100).rounded() / 100 }
        return periods.map { p in
            let s = sums[p] ?? UnitSums()
            var cumulative = ComparablePair()
            for u in Growth.units(of: p) { cumulative.add(sums[u]?.pairs[0] ?? ComparablePair()) }
            return SeriesPoint(period: p.description, label: p.label, months: p.currentMonths.count, outputValue: r(s.level[0]),
                               outputYoy: s.pairs[0].growth, revenue: r(s.level[1]), revenueYoy: s.pairs[1].growth,
                               profit: r(s.level[2]), electricity: r(s.level[3]), electricityYoy: s.pairs[3].growth,
                               cumulativeOutputYoy: cumulative.growth,
                               valueAddedYoy: Growth.constantPrice(s.pairs[0], priceIndex: priceIndex(p.end.year)),
                               cumulativeValueAddedYoy: Growth.constantPrice(cumulative, priceIndex: priceIndex(p.end.year)))
        }
    }
}
