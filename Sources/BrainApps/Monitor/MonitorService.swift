import BrainCore
import BrainData
import BrainStore

/// 工业运行管理: the monitoring overview computed from the indicator cube.
public struct MonitorService: Sendable {
    public let cube: IndicatorCube
    public let catalog: RegionCatalog

    public init(cube: IndicatorCube, catalog: RegionCatalog? = nil) {
        self.cube = cube
        self.catalog = catalog ?? cube.catalog
    }

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
                                    monthYoy: Aggregate.growth(total.current[k], total.currentLastYear[k]),
                                    previous: r(total.previous[k]), monthMom: Aggregate.growth(total.current[k], total.previous[k]),
                                    cumulative: r(total.cumulative[k]), cumulativeLastYear: r(total.cumulativeLastYear[k]),
                                    cumulativeYoy: Aggregate.growth(total.cumulative[k], total.cumulativeLastYear[k]))
        }
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
            series: series(firms: selected, end: scope.period))
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

    /// The 24 reporting periods up to `end`: 当月 figures and growth.
    func series(firms: [Int], end: ReportingPeriod) -> [SeriesPoint] {
        let flows: [Indicator] = [.outputValue, .revenue, .profit, .electricity]
        var sums: [Indicator: [Int: Double]] = [:]
        // 24 periods back, each with up to 11 earlier months of its 1–N月累计, and the same a year before.
        let firstMonth = end.end.adding(months: -(23 + 11 + 12))
        for ind in flows {
            var perMonth: [Int: Double] = [:]
            for m in Month.range(firstMonth, end.end) {
                perMonth[m.ordinal] = cube.withMonth(ind, m) { column in
                    guard column.count > 0 else { return 0 }
                    var s = 0.0
                    for i in firms { let v = column[i]; if !v.isNaN { s += v } }
                    return s
                }
            }
            sums[ind] = perMonth
        }
        func total(_ ind: Indicator, _ months: [Month]) -> Double { months.reduce(0) { $0 + (sums[ind]?[$1.ordinal] ?? 0) } }
        var periods: [ReportingPeriod] = []
        var p = end
        while periods.count < 24 { periods.append(p); p = p.previous }
        return periods.reversed().map { p in
            let ly = p.sameLastYear
            func r(_ v: Double) -> Double { (v * 100).rounded() / 100 }
            let out = total(.outputValue, p.currentMonths), outLY = total(.outputValue, ly.currentMonths)
            let rev = total(.revenue, p.currentMonths), revLY = total(.revenue, ly.currentMonths)
            let el = total(.electricity, p.currentMonths), elLY = total(.electricity, ly.currentMonths)
            return SeriesPoint(period: p.description, label: p.label, outputValue: r(out), outputYoy: Aggregate.growth(out, outLY),
                               revenue: r(rev), revenueYoy: Aggregate.growth(rev, revLY), profit: r(total(.profit, p.currentMonths)),
                               electricity: r(el), electricityYoy: Aggregate.growth(el, elLY),
                               cumulativeOutputYoy: Aggregate.growth(total(.outputValue, p.cumulativeMonths), total(.outputValue, ly.cumulativeMonths)))
        }
    }
}
