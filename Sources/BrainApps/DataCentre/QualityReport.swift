import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// Data quality of one slice and month: how many of the 规上 firms that should have reported did (completeness), how
/// full each indicator is among those that reported, which firms' figures contradict each other (consistency), the same
/// one level down and over the last twelve months, and one score.
public struct QualityReport: Codable, Sendable {
    public let region: String
    public let regionName: String
    public let month: String
    /// 规上 firms of the slice that are expected to report.
    public let expected: Int
    public let reporting: Int
    /// reporting ÷ expected.
    public let completeness: Double
    /// Per indicator: the share of reporting firms that gave it.
    public let indicatorFill: [String: Double]
    /// Firms whose figures contradict each other (electricity without output, output without electricity, revenue
    /// against output off by more than ten times).
    public let inconsistent: Int
    /// The reporting deadline of the month: `QualityDesk.deadlineDay` of the next month, end of day, Beijing time.
    public let deadline: String
    /// Reporting firms whose first value of the month arrived through an import or ingestion (values stored before
    /// arrival times were kept, and values a backfill of history brought, are not judged).
    public let timed: Int
    /// Of those, the ones that arrived after the deadline (迟报).
    public let late: Int
    /// (timed − late) ÷ timed; nil when no arrival time is known.
    public let timeliness: Double?
    /// 0–100: 60 % completeness, 25 % the fill of the four core indicators, 15 % consistency; when arrival times are
    /// known, 50 % completeness, 20 % fill, 15 % consistency and 15 % timeliness.
    public let score: Double
    /// One level down (cities of the province, counties of a city).
    public let areas: [QualityArea]
    /// The last twelve months of the slice, oldest first (January is part of 1–2月 and not listed).
    public let months: [QualityMonth]
    /// Firms that did not report, reported late or contradict themselves, those the caller may read one by one (at most 100).
    public let firms: [QualityFirm]
    public let firmsTotal: Int
    /// Per source, what it delivered for the month and how much of what the applications read rests on it (empty when
    /// the store is not consulted).
    public var sources: [QualitySource] = []
}

/// One source's part in a month of the slice: the firms it delivered for, their share of the firms expected, the values
/// it holds, and the share of the core values read (output, revenue, profit, electricity) taken from it.
public struct QualitySource: Codable, Sendable {
    public let source: String
    public let name: String
    public let firms: Int
    /// `firms` over the firms expected to report in the month.
    public let coverage: Double
    public let values: Int
    /// Of the core values the applications read for the slice's firms, the share that is this source's.
    public let readShare: Double
}

/// One area's completeness and score.
public struct QualityArea: Codable, Sendable {
    public let code: String
    public let name: String
    public let expected: Int
    public let reporting: Int
    public let completeness: Double
    public let score: Double
}

/// One month's completeness.
public struct QualityMonth: Codable, Sendable {
    public let month: String
    public let expected: Int
    public let reporting: Int
    public let completeness: Double
}

/// A firm with a quality problem in the month.
public struct QualityFirm: Codable, Sendable {
    public let uscc: String
    public let name: String
    public let region: String
    /// `missing` or `inconsistent`.
    public let problem: String
    public let detail: String
}

/// Measures the quality of the data the applications read.
public struct QualityDesk: Sendable {
    public let catalog: RegionCatalog
    /// Where the arrival times of the values come from (nil: timeliness is not judged).
    public let store: Store?
    public init(catalog: RegionCatalog, store: Store? = nil) {
        self.catalog = catalog
        self.store = store
    }

    /// Day of the next month by which a month's figures are due (规上工业企业月报: by the 10th, Beijing time).
    public static let deadlineDay = 10

    /// The instant a month's figures are due, written as stored times are (UTC, ISO 8601 with milliseconds, so that the
    /// two compare as text).
    public static func deadline(of month: Month) -> String {
        let next = month.adding(months: 1)
        // The end of the day in Beijing is 16:00 UTC that day.
        return String(format: "%04d-%02d-%02dT16:00:00.000Z", next.year, next.month, deadlineDay)
    }

    /// The report with the arrival times of the month's values read from the store.
    public func report(for p: Principal, scope: AnalysisScope, cube: IndicatorCube) async throws -> QualityReport {
        try p.require(.readStatistics)
        let arrivals = try await store?.firstArrivals(month: scope.period.end) ?? [:]
        var out = try report(for: p, scope: scope, cube: cube, arrivals: arrivals)
        if let store {
            let month = scope.period.end
            var holdings = try await store.sourceHoldings(month: month)
            // Values stored before sources were kept have no source rows: they count as the legacy source's.
            let sourced = Set(holdings.values.flatMap(\.keys))
            let members = scope.firms(in: cube)
            for i in members where !sourced.contains(cube.firms[i].uscc) {
                var held = 0
                for (k, ind) in Indicator.allCases.enumerated() where !cube.value(ind, firm: i, month: month).isNaN { held |= 1 << k }
                if held != 0 { holdings[Store.legacySource, default: [:]][cube.firms[i].uscc] = held }
            }
            out.sources = Self.sources(holdings, members: Set(members.map { cube.firms[$0].uscc }), expected: out.expected)
        }
        return out
    }

    /// Each source's part in the slice's month; the value read is the first source in the standard order holding one.
    static func sources(_ holdings: [String: [String: Int]], members: Set<String>, expected: Int, order: SourceOrder = .standard) -> [QualitySource] {
        let coreBits = core.map { 1 << Indicator.allCases.firstIndex(of: $0)! }
        var read: [String: Int] = [:]
        var readTotal = 0
        let ranked = holdings.keys.sorted { order.rank($0) < order.rank($1) }
        for uscc in members {
            for bit in coreBits {
                guard let source = ranked.first(where: { (holdings[$0]?[uscc] ?? 0) & bit != 0 }) else { continue }
                read[source, default: 0] += 1
                readTotal += 1
            }
        }
        return ranked.compactMap { code in
            let mine = holdings[code, default: [:]].filter { members.contains($0.key) }
            guard !mine.isEmpty else { return nil }
            return QualitySource(source: code, name: DataSource.named(code)?.nameZh ?? code, firms: mine.count,
                                 coverage: expected == 0 ? 0 : Double(mine.count) / Double(expected),
                                 values: mine.values.reduce(0) { $0 + $1.nonzeroBitCount },
                                 readShare: readTotal == 0 ? 0 : Double(read[code] ?? 0) / Double(readTotal))
        }
    }

    static let core: [Indicator] = [.outputValue, .revenue, .profit, .electricity]

    /// The report, given when each firm's first value of the month arrived (uscc → ISO 8601 time).
    public func report(for p: Principal, scope: AnalysisScope, cube: IndicatorCube, arrivals: [String: String]) throws -> QualityReport {
        try p.require(.readStatistics)
        let month = scope.period.end
        let members = scope.firms(in: cube)
        let (stats, problems) = measure(members, month: month, cube: cube, arrivals: arrivals)
        let readable = p.indicatorScope(in: catalog)
        let visible = problems.filter { readable.admits(uscc: cube.firms[$0.0].uscc, region: cube.firms[$0.0].region, zone: cube.firms[$0.0].zone) }
        let children = catalog.region(scope.region)?.level == .county ? [] : catalog.regions.filter { $0.parent == scope.region }
        let areas: [QualityArea] = children.map { child in
            let within = Set([child.code] + catalog.counties(within: child.code))
            let (s, _) = measure(members.filter { within.contains(cube.firms[$0].region) }, month: month, cube: cube, arrivals: arrivals)
            return QualityArea(code: child.code, name: child.name, expected: s.expected, reporting: s.reporting, completeness: s.completeness, score: s.score)
        }.filter { $0.expected > 0 }
        // January is reported together with February (1–2月), so it is no month of its own here.
        let months = (0..<12).reversed().map { month.adding(months: -$0) }.filter { $0 >= cube.firstMonth && $0.month != 1 }.map { m -> QualityMonth in
            let (s, _) = measure(members, month: m, cube: cube, firmsToo: false)
            return QualityMonth(month: m.description, expected: s.expected, reporting: s.reporting, completeness: s.completeness)
        }
        return QualityReport(region: scope.region, regionName: catalog.region(scope.region)?.name ?? scope.region, month: month.description,
                             expected: stats.expected, reporting: stats.reporting, completeness: stats.completeness, indicatorFill: stats.fill,
                             inconsistent: stats.inconsistent, deadline: Self.deadline(of: month), timed: stats.timed, late: stats.late,
                             timeliness: stats.timeliness, score: stats.score, areas: areas, months: months,
                             firms: visible.prefix(100).map { i, problem, detail in
                                 let e = cube.firms[i]
                                 return QualityFirm(uscc: e.uscc, name: e.name, region: e.region, problem: problem, detail: detail)
                             }, firmsTotal: visible.count)
    }

    struct Stats {
        var expected = 0, reporting = 0, inconsistent = 0, timed = 0, late = 0
        var fill: [String: Double] = [:]
        var completeness: Double { expected == 0 ? 1 : Double(reporting) / Double(expected) }
        var timeliness: Double? { timed == 0 ? nil : Double(timed - late) / Double(timed) }
        var score: Double {
            let coreFill = reporting == 0 ? 0 : QualityDesk.core.map { fill[$0.rawValue] ?? 0 }.reduce(0, +) / Double(QualityDesk.core.count)
            let consistency = reporting == 0 ? 1 : 1 - Double(inconsistent) / Double(reporting)
            let raw = timeliness.map { 0.5 * completeness + 0.2 * coreFill + 0.15 * consistency + 0.15 * $0 }
                ?? 0.6 * completeness + 0.25 * coreFill + 0.15 * consistency
            return (raw * 1000).rounded() / 10
        }
    }

    /// A firm is expected in a month when it reported in any of the twelve months before (a new firm from its first
    /// report on); it reported when it gave output, revenue or electricity.
    func measure(_ members: [Int], month: Month, cube: IndicatorCube, firmsToo: Bool = true,
                 arrivals: [String: String] = [:]) -> (Stats, [(Int, String, String)]) {
        let deadline = Self.deadline(of: month)
        var s = Stats()
        var counts = [Int](repeating: 0, count: Indicator.allCases.count)
        var problems: [(Int, String, String)] = []
        for i in members {
            let reported = Self.reported(i, month, cube)
            guard reported || (1...12).contains(where: { k in let m = month.adding(months: -k); return m >= cube.firstMonth && Self.reported(i, m, cube) }) else { continue }
            s.expected += 1
            guard reported else {
                if firmsToo { problems.append((i, "missing", "\(month.year)年\(month.month)月未报送")) }
                continue
            }
            s.reporting += 1
            if let at = arrivals[cube.firms[i].uscc] {
                s.timed += 1
                if at >= deadline {
                    s.late += 1
                    if firmsToo { problems.append((i, "late", "\(month.year)年\(month.month)月数据于 \(Self.beijingDay(at)) 报送，晚于截止日 \(month.adding(months: 1).month)月\(Self.deadlineDay)日")) }
                }
            }
            for (k, ind) in Indicator.allCases.enumerated() where !cube.value(ind, firm: i, month: month).isNaN { counts[k] += 1 }
            let output = cube.value(.outputValue, firm: i, month: month), power = cube.value(.electricity, firm: i, month: month)
            let revenue = cube.value(.revenue, firm: i, month: month)
            var why: String?
            if power > 0, !(output > 0) { why = "有用电量而无产值" }
            else if output > 0, !power.isNaN, power == 0 { why = "有产值而用电量为 0" }
            else if output > 0, revenue > 0, revenue / output > 10 || output / revenue > 10 { why = "营业收入与产值相差十倍以上" }
            if let why {
                s.inconsistent += 1
                if firmsToo { problems.append((i, "inconsistent", why)) }
            }
        }
        for (k, ind) in Indicator.allCases.enumerated() { s.fill[ind.rawValue] = s.reporting == 0 ? 0 : (Double(counts[k]) / Double(s.reporting) * 1000).rounded() / 1000 }
        return (s, problems)
    }

    /// `2026-11-18T03:00:00Z` → `11月18日` (Beijing).
    static func beijingDay(_ iso: String) -> String {
        guard let d = try? Date(iso, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: iso.contains("."))) else { return iso }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = cal.dateComponents([.month, .day], from: d)
        return "\(c.month ?? 0)月\(c.day ?? 0)日"
    }

    static func reported(_ i: Int, _ m: Month, _ cube: IndicatorCube) -> Bool {
        !cube.value(.outputValue, firm: i, month: m).isNaN || !cube.value(.revenue, firm: i, month: m).isNaN || !cube.value(.electricity, firm: i, month: m).isNaN
    }
}
