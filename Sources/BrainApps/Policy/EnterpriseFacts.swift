import BrainCore
import BrainData
import BrainStore

/// Builds the facts the policy rules read for each enterprise from the registry, the cube, qualifications and
/// investments. A fact the data cannot give (no full year reported, no R&D figure, no diagnosis) is left out, so the
/// criterion that needs it reads "unknown".
public struct EnterpriseFacts: Sendable {
    public let cube: IndicatorCube
    public let catalog: RegionCatalog
    public let qualifications: [String: [String]]
    public let smartInvestment: [String: Double]
    public let digitalLevels: [String: Double]
    /// Completed investment of each firm's 技术改造 projects running in the last full year (`techUpgrade(_:year:)`).
    public let techUpgradeInvestment: [String: Double]
    /// The last full calendar year of data.
    public let lastYear: Int

    public init(cube: IndicatorCube, catalog: RegionCatalog? = nil, qualifications: [String: [String]],
                smartInvestment: [String: Double], digitalLevels: [String: Double] = [:], techUpgradeInvestment: [String: Double] = [:]) {
        self.techUpgradeInvestment = techUpgradeInvestment
        self.cube = cube
        self.catalog = catalog ?? cube.catalog
        self.qualifications = qualifications
        self.smartInvestment = smartInvestment
        self.digitalLevels = digitalLevels
        lastYear = cube.lastMonth.month == 12 ? cube.lastMonth.year : cube.lastMonth.year - 1
    }

    /// Sum of a flow over a calendar year; nil unless February–December all reported.
    func annual(_ ind: Indicator, _ i: Int, _ year: Int) -> Double? {
        var total = 0.0, months = 0
        for m in 1...12 {
            let v = cube.value(ind, firm: i, month: Month(year: year, month: m)!)
            if !v.isNaN { total += v; if m >= 2 { months += 1 } }
        }
        return months >= 11 ? total : nil
    }

    public func facts(for i: Int) -> Facts {
        let e = cube.firms[i]
        var f: [String: FactValue] = [:]
        f["size"] = .text(e.sizeClass.rawValue)
        f["above_scale"] = .flag(e.aboveScale)
        f["industry"] = .list(e.industry.count > 2 ? [e.industry, String(e.industry.prefix(2))] : [e.industry])
        f["region"] = .list([e.region, catalog.city(of: e.region), catalog.province.code].compactMap { $0 })
        if let z = e.zone { f["zone"] = .text(z) }
        f["chains"] = .list(e.chains)
        f["links"] = .list(e.chainLinks)
        f["qualifications"] = .list(qualifications[e.uscc] ?? [])
        f["employees"] = .number(Double(e.employees))
        if let year = e.founded { f["founded_years"] = .number(Double(cube.lastMonth.year - year)) }
        let revenue = annual(.revenue, i, lastYear)
        if let revenue { f["revenue_last_year"] = .number(revenue.rounded2) }
        if let v = annual(.outputValue, i, lastYear) { f["output_last_year"] = .number(v.rounded2) }
        if let v = annual(.profit, i, lastYear) { f["profit_last_year"] = .number(v.rounded2) }
        if let v = annual(.tax, i, lastYear) { f["tax_last_year"] = .number(v.rounded2) }
        if let rd = annual(.rdExpense, i, lastYear) {
            f["rd_expense_last_year"] = .number(rd.rounded2)
            if let revenue, revenue > 0 { f["rd_share_last_year"] = .number((rd / revenue * 100).rounded2) }
        }
        if let output = annual(.outputValue, i, lastYear), output > 0, let export = annual(.exportValue, i, lastYear) {
            f["export_share"] = .number((export / output * 100).rounded2)
        }
        if let p = try? ReportingPeriod(cube.lastMonth) {
            for (key, ind) in [("revenue_growth", Indicator.revenue), ("output_growth", .outputValue)] {
                let now = cube.periodValue(ind, firm: i, months: p.cumulativeMonths)
                let before = cube.periodValue(ind, firm: i, months: p.sameLastYear.cumulativeMonths)
                if !now.isNaN, !before.isNaN, before > 0 { f[key] = .number(((now / before - 1) * 100).rounded2) }
            }
        }
        if let v = digitalLevels[e.uscc] { f["digital_level"] = .number(v) }
        if let v = smartInvestment[e.uscc] { f["investment_smart"] = .number(v) }
        if let v = techUpgradeInvestment[e.uscc] { f["tech_upgrade_investment"] = .number(v.rounded2) }
        return Facts(f)
    }
}

extension EnterpriseFacts {
    /// Per firm, the investment completed to date of its technical-upgrade projects (`DataDictionary.techUpgradeKinds`:
    /// 技术改造, 设备更新, 智能化改造, 数字化转型, 绿色化改造) that ran in `year`: started by its December (or no start
    /// given) and not planned to finish before its January. Firms without such a project have no value (the fact reads
    /// "unknown"); a project without a completed figure counts 0.
    public static func techUpgrade(_ projects: [InvestmentProject], year: Int) -> [String: Double] {
        let first = "\(year)-01", last = "\(year)-12"
        var out: [String: Double] = [:]
        for p in projects where p.kind.map(DataDictionary.techUpgradeKinds.contains) ?? false {
            if let s = p.startMonth, s > last { continue }
            if let e = p.endMonth, e < first { continue }
            out[p.uscc, default: 0] += p.completed ?? 0
        }
        return out
    }
}

extension Double {
    var rounded2: Double { (self * 100).rounded() / 100 }
}
