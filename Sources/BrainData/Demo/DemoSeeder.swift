import BrainCore
import BrainStore
import Foundation

/// Generates the Jiangxi demo dataset deterministically from a seed, writes it to the store and writes the
/// planted truths to `demo-manifest.json` in the data folder.
public struct DemoSeeder: Sendable {
    public let scale: DemoScale
    public let seed: UInt64
    /// The last month with data: the last complete reporting month.
    public let lastMonth: Month
    public let months = 48

    public init(scale: DemoScale, seed: UInt64 = 2023, lastMonth: Month) {
        self.scale = scale
        self.seed = seed
        self.lastMonth = lastMonth
    }

    /// The last complete reporting month as of now (Beijing time).
    public static func defaultLastMonth(now: Date = Date()) -> Month {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Shanghai")!, from: now)
        return ReportingPeriod.latestComplete(today: Month(year: c.year!, month: c.month!)!).end
    }

    public var firstMonth: Month { lastMonth.adding(months: -(months - 1)) }

    /// Everything the generator makes, before it is written.
    public struct Dataset: Sendable {
        public let enterprises: [Enterprise]
        public let reports: [MonthlyReport]
        public let supplyLinks: [SupplyLink]
        public let talent: [TalentRecord]
        /// 高新技术企业, 专精特新, 专精特新小巨人, 绿色工厂 … per firm.
        public let qualifications: [(uscc: String, qualification: String, since: Int?)]
        /// 智能化改造 investment of the last full year (万元).
        public let smartInvestments: [(uscc: String, year: Int, kind: String, amount: Double)]
        public let manifest: DemoManifest
    }

    /// Generates the dataset in memory.
    public func generate() -> Dataset {
        let chains = ChainCatalog.all
        let gen = EnterpriseGenerator(scale: scale, seed: seed, catalog: .jiangxi, chains: chains, months: months, firstMonth: firstMonth)
        var (firms, gaps, dominant) = gen.generate()
        let planted = plantDistress(&firms, dominant: dominant)
        let series = SeriesGenerator(seed: seed, firstMonth: firstMonth, months: months)
        var reports: [MonthlyReport] = []
        reports.reserveCapacity(firms.count * 45)
        for (i, firm) in firms.enumerated() { reports += series.reports(for: firm, index: i) }
        let links = SupplyGenerator(seed: seed, chains: chains).generate(firms: firms, gaps: gaps)
        let talent = TalentGenerator(seed: seed).generate(lastMonth: lastMonth)
        let dominantLinks: [PlantedLink] = dominant.sorted().compactMap { code in
            let members = firms.filter { $0.enterprise.chainLinks.contains(code) }
            guard let top = members.max(by: { $0.enterprise.revenue < $1.enterprise.revenue }) else { return nil }
            let total = members.reduce(0) { $0 + $1.enterprise.revenue }
            guard total > 0, top.enterprise.revenue / total > 0.5 else { return nil }
            return PlantedLink(chain: String(code.split(separator: "-")[0]), link: code, dominantFirm: top.enterprise.uscc,
                               note: "\(members.count) local firm(s); \(top.enterprise.name) holds \(Int(top.enterprise.revenue / total * 100))% of the link's revenue")
        }
        let gapLinks = gaps.sorted().map { code in
            PlantedLink(chain: String(code.split(separator: "-")[0]), link: code, dominantFirm: nil,
                        note: "no firm in the province; all supply of \(ChainCatalog.chain(String(code.split(separator: "-")[0]))?.link(code)?.name ?? code) comes from outside")
        }
        let manifest = DemoManifest(scale: scale, seed: seed, firstMonth: firstMonth.description, lastMonth: lastMonth.description,
                                    enterprises: firms.count, aboveScale: firms.filter(\.enterprise.aboveScale).count,
                                    monthlyReports: reports.count, supplyLinks: links.count, talentRecords: talent.count,
                                    distressed: planted, gapLinks: gapLinks, dominantSupplierLinks: dominantLinks,
                                    generatedAt: Timestamp.now())
        let (qualifications, investments) = plantQualifications(firms)
        return Dataset(enterprises: firms.map(\.enterprise), reports: reports, supplyLinks: links, talent: talent,
                       qualifications: qualifications, smartInvestments: investments, manifest: manifest)
    }

    /// Chooses about 1.2 % of 规上 firms per distress kind, sets onsets, and keeps healthy firms clear of the patterns.
    private func plantDistress(_ firms: inout [DemoFirm], dominant: Set<String>) -> [PlantedDistress] {
        var rng = SeededRandom(seed: seed, stream: 0xD157)
        let last = months - 1
        let perKind = max(4, Int(Double(scale.aboveScaleFirms) * 0.012))
        var taken = Set<Int>()
        var planted: [PlantedDistress] = []
        let above = firms.indices.filter { firms[$0].enterprise.aboveScale && !dominant.contains(firms[$0].link) && !firms[$0].anchor }
        for kind in DistressKind.allCases {
            let pool = kind == .exitRisk ? above.filter { firms[$0].enterprise.revenue < 3_500 } : above
            var chosen = 0, guardCount = 0
            while chosen < perKind && guardCount < perKind * 50 {
                guardCount += 1
                let i = rng.pick(pool)
                guard taken.insert(i).inserted else { continue }
                let onset: Int
                switch kind {
                case .outputCollapse, .powerCollapse: onset = last - Int(2 + rng.next() % 4)
                case .consecutiveLosses: onset = last - Int(2 + rng.next() % 3)
                case .receivablesBallooning, .staffExodus: onset = last - 5
                case .exitRisk: onset = last - 11
                }
                firms[i].distress = kind
                firms[i].distressOnset = onset
                if kind == .exitRisk || kind == .receivablesBallooning { firms[i].growth = max(firms[i].growth, 0) }
                let onsetMonth = firstMonth.adding(months: onset)
                planted.append(PlantedDistress(uscc: firms[i].enterprise.uscc, kind: kind, onset: (onsetMonth.month == 1 ? onsetMonth.next : onsetMonth).description,
                                               note: Self.note(kind)))
                chosen += 1
            }
        }
        // About one healthy firm in six has a thin margin: it loses money in 1–2月 and most such firms stay in loss over
        // the year, without a losing streak.
        for i in firms.indices where firms[i].distress == nil && rng.chance(0.16) && !firms[i].anchor { firms[i].struggling = true }
        // Healthy firms grow or shrink gently, so that a warning on them would be a false alarm.
        for i in firms.indices where firms[i].distress == nil {
            firms[i].growth = max(firms[i].growth, firms[i].enterprise.aboveScale && firms[i].enterprise.revenue < 4_000 ? 0.01 : -0.03)
        }
        return planted.sorted { ($0.kind.rawValue, $0.uscc) < ($1.kind.rawValue, $1.uscc) }
    }

    /// Qualifications follow size and chain: research-heavy chains hold most 高新技术企业; 专精特新 go to small and
    /// medium firms, a few of them 小巨人; some large and medium firms are 绿色工厂. About 8 % of 规上 firms invested
    /// in 智能化改造 last year.
    func plantQualifications(_ firms: [DemoFirm]) -> ([(uscc: String, qualification: String, since: Int?)], [(uscc: String, year: Int, kind: String, amount: Double)]) {
        var rng = SeededRandom(seed: seed, stream: 0x9A11)
        var q: [(uscc: String, qualification: String, since: Int?)] = []
        var inv: [(uscc: String, year: Int, kind: String, amount: Double)] = []
        let techHeavy: Set<String> = ["ELEC", "EQUIP", "NEWENERGY", "AVIATION", "PHARMA", "NFM"]
        let lastYear = lastMonth.month == 12 ? lastMonth.year : lastMonth.year - 1
        for f in firms {
            let e = f.enterprise
            let since = lastYear - Int(rng.next() % 3)
            if e.aboveScale && rng.chance(techHeavy.contains(f.chain) ? 0.35 : 0.12) { q.append((e.uscc, "高新技术企业", since)) }
            if (e.sizeClass == .small || e.sizeClass == .medium) && rng.chance(0.06) {
                q.append((e.uscc, "专精特新", since))
                if rng.chance(0.12) { q.append((e.uscc, "专精特新小巨人", since)) }
            }
            if (e.sizeClass == .large || e.sizeClass == .medium) && rng.chance(0.05) { q.append((e.uscc, "绿色工厂", since)) }
            if e.aboveScale && rng.chance(0.08) {
                inv.append((e.uscc, lastYear, "smart", (max(100, e.revenue * rng.uniform(0.01, 0.06)) * 10).rounded() / 10))
            }
        }
        return (q, inv)
    }

    static func note(_ kind: DistressKind) -> String {
        switch kind {
        case .outputCollapse: return "工业总产值同比下降40%以上"
        case .powerCollapse: return "用电量同比下降45%以上而产值基本持平"
        case .consecutiveLosses: return "连续3个月以上亏损"
        case .receivablesBallooning: return "应收账款半年增长90%以上而营业收入持平"
        case .staffExodus: return "从业人员半年减少28%以上"
        case .exitRisk: return "近12个月营业收入滑向2000万元以下（退规风险）"
        }
    }

    /// Generates and writes the dataset; `say` receives progress lines. Returns the manifest.
    @discardableResult
    public func seed(into store: Store, dataDirectory: String?, say: (@Sendable (String) -> Void)? = nil) async throws -> DemoManifest {
        let clock = ContinuousClock()
        let t0 = clock.now
        let data = generate()
        say?("generated \(data.enterprises.count) enterprises, \(data.reports.count) monthly reports, \(data.supplyLinks.count) supply links in \(clock.now - t0)")
        try await store.upsertEnterprises(data.enterprises)
        say?("wrote enterprises")
        let total = data.reports.count
        try await store.bulkLoadReports(data.reports) { done in
            if done == total || done % 100_000 < 2_600 { say?("wrote \(done)/\(total) monthly reports") }
        }
        try await store.upsertSupplyLinks(data.supplyLinks, compare: false)
        try await store.upsertTalent(data.talent)
        try await store.addQualifications(data.qualifications)
        try await store.addInvestments(data.smartInvestments)
        let land = landUse(enterprises: data.enterprises, reports: data.reports)
        try await store.transaction { db in try await store.upsertLandUse(land, in: db) }
        say?("wrote land use of \(land.count) firms")
        try await store.setSetting("demo.manifest", String(decoding: try JSONEncoder().encode(data.manifest), as: UTF8.self))
        if let dir = dataDirectory {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try enc.encode(data.manifest).write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("demo-manifest.json")))
        }
        say?("seeded the \(scale.rawValue) demo dataset (seed \(seed), \(firstMonth)…\(lastMonth)) in \(clock.now - t0)")
        return data.manifest
    }
}
