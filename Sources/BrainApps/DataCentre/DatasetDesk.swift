import BrainCore
import BrainData
import BrainSecurity
import BrainStore

/// One year of a firm's land use with its 亩均 figures: tax and output per 亩 from the file when it carried them, else from
/// the year's monthly indicators when February–December were all reported (`taxFrom`/`outputFrom` say which).
public struct LandYear: Codable, Sendable, Equatable {
    public let year: Int
    /// 用地面积 (亩).
    public let area: Double
    /// The year's tax (万元), if known.
    public let tax: Double?
    public let output: Double?
    /// 亩均税收 (万元/亩).
    public let taxPerMu: Double?
    /// 亩均产值 (万元/亩).
    public let outputPerMu: Double?
    /// `file` or `indicators`; nil when unknown.
    public let taxFrom: String?
    public let outputFrom: String?
}

/// A firm-month whose daily electricity does not add up to its monthly figure within the tolerance.
public struct DailyMismatch: Codable, Sendable {
    public let uscc: String
    public let name: String
    public let region: String
    public let month: String
    /// Days with a daily value.
    public let days: Int
    /// The month's days.
    public let daysInMonth: Int
    /// Sum of the daily values (万千瓦时).
    public let dailyTotal: Double
    /// The monthly electricity indicator the applications read (万千瓦时); nil when the month was not reported.
    public let monthly: Double?
    /// (daily − monthly) / monthly in %; nil without a monthly figure.
    public let differencePercent: Double?
}

/// The check of daily electricity against the monthly indicator for one month, within the caller's firms.
public struct DailyConsistency: Codable, Sendable {
    public let month: String
    public let tolerance: Double
    /// Firms with daily values in the month that the caller may read.
    public let firmsChecked: Int
    public let total: Int
    public let limit: Int
    public let offset: Int
    public let items: [DailyMismatch]
}

/// One firm's daily electricity over a range of days.
public struct DailyElectricitySeries: Codable, Sendable {
    public let uscc: String
    public let from: String
    public let to: String
    public let unit: String
    public let days: [DailyElectricityDay]
    public let total: Double
}

/// One day's electricity.
public struct DailyElectricityDay: Codable, Sendable {
    public let day: String
    public let electricity: Double
}

/// The datasets kept in their own tables — investment projects, land use, daily electricity — as the applications and
/// the API read them: a firm's projects and 亩均 figures, land figures for the evaluation, daily electricity and its check
/// against the monthly figure.
public struct DatasetDesk: Sendable {
    public let store: Store
    public let catalog: RegionCatalog

    public init(store: Store, catalog: RegionCatalog) {
        self.store = store
        self.catalog = catalog
    }

    /// Sum of a flow over a calendar year; nil unless February–December were all reported (January may be folded into
    /// February, as 1–2月).
    static func annual(_ ind: Indicator, firm i: Int, year: Int, cube: IndicatorCube) -> Double? {
        var total = 0.0, months = 0
        for m in 1...12 {
            let v = cube.value(ind, firm: i, month: Month(year: year, month: m)!)
            if !v.isNaN { total += v; if m >= 2 { months += 1 } }
        }
        return months >= 11 ? total : nil
    }

    /// The 亩均 figures of a firm's land records.
    public static func landYears(_ records: [LandUseRecord], cube: IndicatorCube) -> [LandYear] {
        records.sorted { $0.year < $1.year }.map { r in
            let i = cube.firmIndex[r.uscc]
            let tax = r.tax ?? i.flatMap { annual(.tax, firm: $0, year: r.year, cube: cube) }
            let output = r.output ?? i.flatMap { annual(.outputValue, firm: $0, year: r.year, cube: cube) }
            return LandYear(year: r.year, area: r.area, tax: tax.map(round2), output: output.map(round2),
                            taxPerMu: tax.map { round2($0 / r.area) }, outputPerMu: output.map { round2($0 / r.area) },
                            taxFrom: r.tax != nil ? "file" : tax != nil ? "indicators" : nil,
                            outputFrom: r.output != nil ? "file" : output != nil ? "indicators" : nil)
        }
    }

    /// Per firm, the land area and tax of its newest year up to `year` whose tax is known: what the evaluation's 亩均效益
    /// divides (a firm without such a year is left out of it).
    public func landForEvaluation(cube: IndicatorCube) async throws -> [String: LandShare] {
        var byFirm: [String: [LandUseRecord]] = [:]
        for r in try await store.landUse() where r.year <= cube.lastMonth.year { byFirm[r.uscc, default: []].append(r) }
        var out: [String: LandShare] = [:]
        for (uscc, records) in byFirm {
            if let y = Self.landYears(records, cube: cube).last(where: { $0.tax != nil }), let tax = y.tax {
                out[uscc] = LandShare(area: y.area, tax: tax, year: y.year)
            }
        }
        return out
    }

    /// A firm's investment projects and land years, for its profile (the caller has been admitted to its figures).
    public func profile(of uscc: String, cube: IndicatorCube) async throws -> (projects: [InvestmentProject], land: [LandYear]) {
        (try await store.investmentProjects(uscc: uscc), Self.landYears(try await store.landUse(uscc: uscc), cube: cube))
    }

    /// One admitted firm's daily electricity from `from` to `to` (at most 366 days; default: the newest month held).
    public func daily(admitted uscc: String, from: CalendarDay?, to: CalendarDay?) async throws -> DailyElectricitySeries {
        var first = from, last = to
        if first == nil || last == nil {
            let month = try await store.latestDailyMonth() ?? Month(year: 2000, month: 1)!
            if first == nil, last == nil {
                first = month.firstDay
                last = month.lastDay
            } else if first == nil {
                first = last!.month.firstDay
            } else {
                last = first!.month.lastDay
            }
        }
        guard let a = first, let b = last else { throw AppError.bad("from", "give a first day") }
        guard a <= b else { throw AppError.bad("to", "\(b) is before from \(a)") }
        guard b.month.ordinal - a.month.ordinal <= 12 else { throw AppError.bad("to", "at most one year of days per request (from \(a) to \(b) is longer)") }
        let rows = try await store.dailyElectricity(uscc: uscc, from: a.description, to: b.description)
        return DailyElectricitySeries(uscc: uscc, from: a.description, to: b.description, unit: Indicator.electricity.unit,
                                      days: rows.map { DailyElectricityDay(day: $0.day, electricity: $0.electricity) },
                                      total: round2(rows.reduce(0) { $0 + $1.electricity }))
    }

    /// Firm-months of `month` (default: the newest month with daily values) whose daily values add up to more than
    /// `tolerance` away from the monthly electricity figure, or that have daily values but no monthly figure; only firms
    /// the caller may read one by one. Largest relative difference first.
    public func consistency(for p: Principal, month asked: Month?, tolerance: Double, limit: Int, offset: Int, cube: IndicatorCube) async throws -> DailyConsistency {
        try p.require(.readIndicators)
        guard tolerance.isFinite, tolerance >= 0, tolerance <= 1 else { throw AppError.bad("tolerance", "must be a share from 0 to 1 (0.05 = 5%), got \(tolerance)") }
        var month = asked
        if month == nil { month = try await store.latestDailyMonth() }
        guard let month else { return DailyConsistency(month: "", tolerance: tolerance, firmsChecked: 0, total: 0, limit: limit, offset: offset, items: []) }
        var checked = 0
        var out: [DailyMismatch] = []
        for t in try await store.dailyMonthTotals(month) {
            guard let i = cube.firmIndex[t.uscc], p.reads(firm: t.uscc, cube: cube, catalog: catalog) else { continue }
            checked += 1
            let e = cube.firms[i]
            let monthly = cube.value(.electricity, firm: i, month: month)
            let m: Double? = monthly.isNaN ? nil : monthly
            var diff: Double?
            if let m {
                if m > 0 {
                    diff = (t.total - m) / m
                    if abs(diff!) <= tolerance { continue }
                } else if t.total == 0 {
                    continue
                }
            }
            out.append(DailyMismatch(uscc: t.uscc, name: e.name, region: e.region, month: month.description, days: t.days, daysInMonth: month.dayCount,
                                     dailyTotal: round2(t.total), monthly: m.map(round2), differencePercent: diff.map { round2($0 * 100) }))
        }
        out.sort { (abs($0.differencePercent ?? .infinity), $1.uscc) > (abs($1.differencePercent ?? .infinity), $0.uscc) }
        return DailyConsistency(month: month.description, tolerance: tolerance, firmsChecked: checked, total: out.count, limit: limit, offset: offset,
                                items: Array(out.dropFirst(offset).prefix(limit)))
    }
}

/// A firm's land area and the tax of the same year, for 亩均效益.
public struct LandShare: Sendable, Equatable {
    public let area: Double
    public let tax: Double
    public let year: Int
}
