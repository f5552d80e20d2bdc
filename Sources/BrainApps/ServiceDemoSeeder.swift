import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// Seeds the enterprise-service part of the demo dataset once, after the enterprises exist: the service catalogue,
/// diagnoses (about 8 % of firms, larger and R&D-heavy firms more digital), referrals at various stages, market
/// listings and demonstration projects. Deterministic for a seed; runs only on a demo database.
public struct ServiceDemoSeeder: Sendable {
    public let store: Store
    public let seed: UInt64
    public let cipher: FieldCipher?
    static let doneKey = "demo.services"

    public init(store: Store, seed: UInt64 = 2023, cipher: FieldCipher? = nil) {
        self.store = store
        self.seed = seed
        self.cipher = cipher
    }

    /// What was seeded.
    public struct Summary: Sendable, CustomStringConvertible {
        public var solutions = 0, diagnoses = 0, referrals = 0, listings = 0, projects = 0
        public var description: String {
            "\(solutions) catalogue solutions, \(diagnoses) diagnoses, \(referrals) referrals, \(listings) market listings, \(projects) demonstration projects"
        }
    }

    /// Seeds when the database holds the demo dataset and the services have not been seeded yet.
    public func seedIfDemo(cube: IndicatorCube, network: SupplyNetwork, catalog: RegionCatalog = .jiangxi) async throws -> Summary? {
        guard try await store.setting("demo.manifest") != nil, try await store.setting(Self.doneKey) == nil else { return nil }
        var s = Summary()
        let catalogue = CatalogueDesk(store: store, cipher: cipher)
        s.solutions = try await catalogue.seedIfEmpty()
        var rng = SeededRandom(seed: seed, stream: 0xD1A6)
        let lastYear = cube.lastMonth.year
        // Diagnoses over the last year, a few firms twice.
        let desk = DiagnosisDesk(store: store)
        let q = desk.questionnaire
        let solutions = try await catalogue.solutions()
        let candidates = solutions.map { SolutionCandidate(id: $0.id, title: $0.title, areas: $0.areas, chains: $0.chains, priceMin: $0.priceMin, priceMax: $0.priceMax) }
        var records: [DiagnosisRecord] = []
        var referrals: [Referral] = []
        var latestTotals: [String: [Double]] = [:]
        for i in 0..<cube.firmCount {
            let e = cube.firms[i]
            let chance = e.sizeClass == .large ? 0.35 : e.sizeClass == .medium ? 0.18 : e.aboveScale ? 0.08 : 0.03
            guard rng.chance(chance) else { continue }
            let rdHeavy = ["ELEC", "AVIATION", "PHARMA", "EQUIP", "NEWENERGY"].contains(e.chains.first ?? "")
            let base = (e.sizeClass == .large ? 0.62 : e.sizeClass == .medium ? 0.5 : 0.32) + (rdHeavy ? 0.08 : 0)
            let visits = rng.chance(0.15) ? 2 : 1
            for v in 0..<visits {
                let propensity = min(0.95, max(0.05, base + rng.uniform(-0.18, 0.18) + (v == 1 ? 0.1 : 0)))
                var answers: [String: Int] = [:]
                for question in q.questions(largeFirm: DiagnosisDesk.isLarge(e)) {
                    let n = question.options.count
                    let x = min(0.999, max(0, propensity + rng.uniform(-0.25, 0.25)))
                    answers[question.id] = min(n - 1, Int(x * Double(n)))
                }
                guard let result = try? q.score(answers, largeFirm: DiagnosisDesk.isLarge(e)) else { continue }
                let month = 1 + Int(rng.next() % 10) + (v == 1 ? 0 : 0)
                let time = String(format: "%04d-%02d-%02dT%02d:00:00Z", v == 0 ? lastYear - 1 : lastYear, month, 1 + Int(rng.next() % 27), 1 + Int(rng.next() % 9))
                let chain = e.chains.first
                let fitting = candidates.filter { c in c.chains.isEmpty || chain.map { c.chains.contains($0) } == true }
                let recs = recommend(for: result, chain: chain, chainName: chain.flatMap { ChainCatalog.chain($0)?.name }, candidates: fitting, limit: 5)
                let id = "DG-\(e.uscc)-\(time.filter(\.isNumber))"
                var refIds: [String] = []
                if v == visits - 1 {
                    for (k, r) in recs.prefix(2).enumerated() {
                        let roll = rng.unit()
                        // Proposed by the diagnosis, then agreed (or refused) by the enterprise before a provider sees it.
                        let states = roll < 0.15 ? ["proposed"] : roll < 0.22 ? ["proposed", "declined"] : roll < 0.5 ? ["proposed", "referred"]
                            : roll < 0.8 ? ["proposed", "referred", "contacted"] : roll < 0.93 ? ["proposed", "referred", "contacted", "adopted"] : ["proposed", "referred", "declined"]
                        let by = ["proposed": "system", "referred": "enterprise", "contacted": "provider", "adopted": "enterprise", "declined": "enterprise"]
                        let ref = Referral(id: "R-\(e.uscc)-\(r.solutionId)-\(k)", uscc: e.uscc, solutionId: r.solutionId,
                                           providerId: solutions.first { $0.id == r.solutionId }?.providerId ?? "", diagnosisId: id, reason: r.reason,
                                           state: states.last!, history: states.map { .init(state: $0, by: by[$0]!, at: time, note: nil) },
                                           createdAt: time, updatedAt: time)
                        referrals.append(ref)
                        refIds.append(ref.id)
                    }
                }
                let peers = latestTotals["\(chain ?? "")|\(catalog.city(of: e.region) ?? "")"] ?? []
                records.append(DiagnosisRecord(id: id, uscc: e.uscc, company: e.name, chain: chain, city: catalog.city(of: e.region),
                                               submittedBy: "demo", submittedAt: time, answers: answers, result: result,
                                               percentile: Questionnaire.percentile(result.total, among: peers), peers: peers.count,
                                               recommendations: recs, referrals: refIds))
                if v == visits - 1 { latestTotals["\(chain ?? "")|\(catalog.city(of: e.region) ?? "")", default: []].append(result.total) }
            }
        }
        try await desk.save(records)
        try await catalogue.save(referrals: referrals)
        s.diagnoses = records.count
        s.referrals = referrals.count
        // Market listings: about one per four firms.
        let firms = cube.firms.map { SynthFirm(uscc: $0.uscc, name: $0.name, region: $0.region, industry: $0.industry, chain: $0.chains.first, link: $0.chainLinks.first) }
        let links = ChainCatalog.all.flatMap { c in c.links.map { SynthLink(code: $0.code, chain: c.code, products: $0.products, industries: $0.industries, feeds: $0.feeds) } }
        let today = MarketDesk.today()
        let listings = ListingSynth.listings(count: max(200, cube.firmCount / 4), seed: seed, firms: firms, links: links,
                                             validFrom: ListingDraft.plusDays(today, -60), validUntil: ListingDraft.plusDays(today, 120))
        try await MarketDesk(store: store, catalog: catalog).save(listings)
        s.listings = listings.count
        // Demonstration projects among the firms that invested in 智能化改造.
        let invested = try await store.investments(year: cube.lastMonth.month == 12 ? lastYear : lastYear - 1, kind: "smart")
        var projects: [DemonstrationProject] = []
        for (uscc, amount) in invested.sorted(by: { $0.key < $1.key }) where rng.chance(0.3) {
            guard let i = cube.firmIndex[uscc] else { continue }
            let e = cube.firms[i]
            let kind = e.sizeClass == .large ? rng.pick(["smart_factory", "industrial_internet", "scenario"]) : rng.pick(["digital_workshop", "scenario", "green_factory"])
            let gain = rng.uniform(8, 35), defects = rng.uniform(10, 45), energy = rng.uniform(5, 20)
            let kindName = DemonstrationProject.kinds[kind] ?? kind
            projects.append(DemonstrationProject(
                id: "D-\(uscc)-\(kind)", uscc: uscc, company: e.name, name: "\(e.name.prefix(8))\(kindName)建设项目", kind: kind,
                level: e.sizeClass == .large && rng.chance(0.3) ? "国家级" : rng.chance(0.6) ? "省级" : "市级", year: lastYear - Int(rng.next() % 3),
                chain: e.chains.first, region: e.region, investment: (amount * 100).rounded() / 100,
                summary: "实施设备联网、生产执行系统和质量追溯，建成\(kindName)。",
                outcomes: [.init(metric: "人均产值", before: 100, after: (100 + gain).rounded(), unit: "指数"),
                           .init(metric: "产品不良率", before: 2.0, after: ((2.0 * (1 - defects / 100)) * 100).rounded() / 100, unit: "%"),
                           .init(metric: "单位产值能耗", before: 100, after: (100 - energy).rounded(), unit: "指数")],
                createdBy: "demo", createdAt: Timestamp.now()))
        }
        try await store.saveDemonstrationProjects(projects)
        s.projects = projects.count
        try await store.setSetting(Self.doneKey, s.description)
        return s
    }
}
