import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// A small demo store of its own (the services write to it), with the catalogue seeded and a supply network.
enum ServiceFixture {
    private static let loading = Task { () async throws -> (store: Store, cube: IndicatorCube, network: SupplyNetwork, manifest: DemoManifest) in
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-services-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        let manifest = try await DemoSeeder(scale: .small, seed: 7, lastMonth: Fixture.last).seed(into: store, dataDirectory: dir)
        try await CatalogueDesk(store: store).seedIfEmpty()
        return (store, try await CubeBuilder.build(from: store, catalog: .jiangxi), try await SupplyNetwork.load(from: store), manifest)
    }
    static func load() async throws -> (store: Store, cube: IndicatorCube, network: SupplyNetwork, manifest: DemoManifest) { try await loading.value }

    /// Answers every question with the option at `fraction` of its range (0 worst, 1 best).
    static func answers(_ q: Questionnaire, large: Bool, fraction: Double, override: [String: Int] = [:]) -> [String: Int] {
        var out: [String: Int] = [:]
        for question in q.questions(largeFirm: large) { out[question.id] = Int((Double(question.options.count - 1) * fraction).rounded()) }
        return out.merging(override) { _, new in new }
    }
}

@Suite(.serialized) struct ServiceTests {
    @Test func diagnosisGivesLevelWeakestAreaAndCatalogueRecommendations() async throws {
        let f = try await ServiceFixture.load()
        let desk = DiagnosisDesk(store: f.store)
        let firm = try #require(f.cube.firms.first { $0.sizeClass == .small && $0.chains.contains("NEWENERGY") } ?? f.cube.firms.first { $0.sizeClass == .small })
        // Strong everywhere except management, which is at the bottom.
        var answers = ServiceFixture.answers(desk.questionnaire, large: false, fraction: 1)
        for q in desk.questionnaire.questions(largeFirm: false) where q.subarea?.hasPrefix("management.") == true { answers[q.id] = 0 }
        let record = try await desk.submit(firm: firm, answers: answers, by: "firm-user", catalog: .jiangxi)
        #expect(record.result.weakestArea == "management")
        #expect(record.result.level == 4 || record.result.level == 3)
        #expect(record.result.total == 85)
        #expect(!record.recommendations.isEmpty)
        let solutions = Dictionary(uniqueKeysWithValues: try await CatalogueDesk(store: f.store).solutions().map { ($0.id, $0) })
        // Every recommendation comes from the catalogue and addresses a management sub-area first.
        for r in record.recommendations { #expect(solutions[r.solutionId] != nil) }
        #expect(record.recommendations[0].subarea.hasPrefix("management."))
        #expect(record.referrals.count == min(3, record.recommendations.count))
        let refs = try await CatalogueDesk(store: f.store).referrals(uscc: firm.uscc)
        #expect(Set(refs.map(\.id)).isSuperset(of: record.referrals))
        #expect(try await desk.history(uscc: firm.uscc).first?.id == record.id)
        // A referral is proposed, agreed by the firm, then moves referred → contacted → adopted, and cannot skip or go back.
        let catalogue = CatalogueDesk(store: f.store)
        let id = try #require(record.referrals.first)
        await #expect(throws: AppError.self) { try await catalogue.advance(referral: id, to: "contacted", by: "provider", note: nil) }
        _ = try await catalogue.consent(referral: id, agree: true, by: Principal(username: "firm-user", role: .enterprise, scope: firm.uscc))
        await #expect(throws: AppError.self) { try await catalogue.advance(referral: id, to: "adopted", by: "x", note: nil) }
        _ = try await catalogue.advance(referral: id, to: "contacted", by: "provider", note: "已电话联系")
        let adopted = try await catalogue.advance(referral: id, to: "adopted", by: "firm-user", note: nil)
        #expect(adopted.history.map(\.state) == ["proposed", "referred", "contacted", "adopted"])
    }

    @Test func badAnswersNameEveryFieldAndSaveNothing() async throws {
        let f = try await ServiceFixture.load()
        let desk = DiagnosisDesk(store: f.store)
        let firm = try #require(f.cube.firms.first { $0.sizeClass == .micro || $0.sizeClass == .small })
        let before = try await desk.history(uscc: firm.uscc).count
        var answers = ServiceFixture.answers(desk.questionnaire, large: false, fraction: 0.5)
        answers["F1"] = 9
        answers.removeValue(forKey: "O2")
        do {
            _ = try await desk.submit(firm: firm, answers: answers, by: "u", catalog: .jiangxi)
            Issue.record("bad answers were accepted")
        } catch let e as DiagnosisFailure {
            #expect(e.problems.map(\.field).contains("answers.F1"))
            #expect(e.problems.map(\.field).contains("answers.O2"))
        }
        #expect(try await desk.history(uscc: firm.uscc).count == before)
    }

    @Test func largeFirmsGetTheMaturityReadingAndPeersAPercentile() async throws {
        let f = try await ServiceFixture.load()
        let desk = DiagnosisDesk(store: f.store)
        let large = f.cube.firms.filter { DiagnosisDesk.isLarge($0) }
        let a = try #require(large.first), b = try #require(large.dropFirst().first { $0.chains.first == a.chains.first && RegionCatalog.jiangxi.city(of: $0.region) == RegionCatalog.jiangxi.city(of: a.region) } ?? large.dropFirst().first)
        let ra = try await desk.submit(firm: a, answers: ServiceFixture.answers(desk.questionnaire, large: true, fraction: 0.34), by: "u", catalog: .jiangxi, refer: false)
        #expect(ra.result.maturity != nil)
        let rb = try await desk.submit(firm: b, answers: ServiceFixture.answers(desk.questionnaire, large: true, fraction: 1), by: "u", catalog: .jiangxi, refer: false)
        #expect(rb.result.maturity?.level == 5)
        if rb.chain == ra.chain && rb.city == ra.city {
            #expect(rb.peers >= 1)
            #expect(rb.percentile == 100)
        }
    }

    @Test func digitalLevelFeedsThePolicyFact() async throws {
        let f = try await ServiceFixture.load()
        let desk = DiagnosisDesk(store: f.store)
        let policies = PolicyMatcher(store: f.store)
        let firm = try #require(f.cube.firms.first { $0.sizeClass == .medium && !DiagnosisDesk.isLarge($0) } ?? f.cube.firms.first { $0.sizeClass == .small })
        try await policies.refresh(cube: f.cube)
        let before = try #require(try await policies.matches(for: firm.uscc, cube: f.cube).first { $0.policyId == "DIGITAL-DEMO" })
        #expect(before.criteria.contains { $0.criterion.contains("digital_level") && $0.state == .unknown })
        _ = try await desk.submit(firm: firm, answers: ServiceFixture.answers(desk.questionnaire, large: DiagnosisDesk.isLarge(firm), fraction: 1), by: "u", catalog: .jiangxi, refer: false)
        try await policies.refresh(cube: f.cube)
        let after = try #require(try await policies.matches(for: firm.uscc, cube: f.cube).first { $0.policyId == "DIGITAL-DEMO" })
        #expect(after.criteria.contains { $0.criterion.contains("digital_level") && $0.state == .met })
    }

    @Test func listingsAreValidatedAndMatchedWithExplanations() async throws {
        let f = try await ServiceFixture.load()
        let firm = f.cube.firms[0], other = f.cube.firms[1], far = f.cube.firms[2]
        let today = "2026-11-27"
        #expect(throws: AppError.self) { try ListingDraft(kind: "demand", product: " ", quantity: 5, unit: "吨").validated(for: firm, id: "x", by: "u", today: today, chains: .jiangxi) }
        do {
            _ = try ListingDraft(kind: "supply", product: "铜杆", quantity: -1, unit: "吨").validated(for: firm, id: "x", by: "u", today: today, chains: .jiangxi)
            Issue.record("negative quantity accepted")
        } catch let e as AppError {
            #expect(e.parameter == "quantity")
        }
        #expect(throws: AppError.self) { try ListingDraft(kind: "supply", product: "铜杆", link: "NOPE-01", quantity: 1, unit: "吨").validated(for: firm, id: "x", by: "u", today: today, chains: .jiangxi) }
        #expect(throws: AppError.self) { try ListingDraft(kind: "offer", product: "铜杆", quantity: 1, unit: "吨").validated(for: firm, id: "x", by: "u", today: today, chains: .jiangxi) }
        let demand = try ListingDraft(kind: "demand", product: "电池级碳酸锂", link: "NEWENERGY-02", quantity: 100, unit: "吨").validated(for: firm, id: "D1", by: "u", today: today, chains: .jiangxi)
        let exact = try ListingDraft(kind: "supply", product: "电池级碳酸锂", link: "NEWENERGY-02", quantity: 500, unit: "吨").validated(for: other, id: "S1", by: "u", today: today, chains: .jiangxi)
        let unrelated = try ListingDraft(kind: "supply", product: "实木餐桌", quantity: 500, unit: "件", region: "440300").validated(for: far, id: "S2", by: "u", today: today, chains: .jiangxi)
        let mine = try ListingDraft(kind: "supply", product: "电池级碳酸锂", quantity: 500, unit: "吨").validated(for: firm, id: "S3", by: "u", today: today, chains: .jiangxi)
        let market = MarketDesk(store: f.store, catalog: .jiangxi)
        try await market.save([demand, exact, unrelated, mine])
        let matches = try await market.matches(for: demand, limit: 10)
        #expect(matches.first?.listing.id == "S1")
        #expect(!matches.contains { $0.listing.id == "S3" })
        #expect(matches.first?.parts.contains { $0.factor == "product" && $0.points > 0 } == true)
        let summary = matches.first?.summary ?? ""
        #expect(!summary.isEmpty)
        // Closed listings stop matching.
        _ = try await market.close("S1")
        #expect(try await market.matches(for: demand, limit: 10).first?.listing.id != "S1")
    }

    @Test func evaluationRanksWithinEachChainAndFollowsTheWeights() async throws {
        let f = try await ServiceFixture.load()
        let index = EvaluationIndex(cube: f.cube, digitalScores: [:])
        let r = index.rank(by: .city, weights: .standard)
        #expect(!r.cells.isEmpty)
        for (chain, cells) in Dictionary(grouping: r.cells, by: \.chain) {
            #expect(cells.compactMap(\.rank).sorted() == Array(1...cells.count), "ranks of \(chain)")
            for c in cells { #expect((0...100).contains(c.index ?? -1)) }
            let byRank = cells.sorted { $0.rank! < $1.rank! }
            #expect(zip(byRank, byRank.dropFirst()).allSatisfy { $0.index! >= $1.index! })
        }
        // With only scale weighted, the ranking follows output.
        let scaleOnly = try EvaluationWeights.validated(["scale": 1])
        for (_, cells) in Dictionary(grouping: index.rank(by: .city, weights: scaleOnly).cells, by: \.chain) {
            let outputs = cells.sorted { $0.rank! < $1.rank! }.map { c in c.components.first { $0.component == "scale" }?.value ?? 0 }
            #expect(outputs == outputs.sorted(by: >))
        }
        #expect(throws: AppError.self) { try EvaluationWeights.validated(["scale": -1]) }
        #expect(throws: AppError.self) { try EvaluationWeights.validated(["bogus": 1]) }
        #expect(throws: AppError.self) { try EvaluationWeights.validated(["scale": 0]) }
        // Land data does not exist: the component is never scored and the note says so.
        #expect(r.cells.allSatisfy { c in c.components.first { $0.component == "land_efficiency" }?.score == nil })
        #expect(r.cells.first?.notes.contains { $0.contains("亩均效益") } == true)
    }

    @Test func investmentLeadsListOutsideFirmsForGapLinks() async throws {
        let f = try await ServiceFixture.load()
        let gap = try #require(f.manifest.gapLinks.first)
        let chain = try #require(ChainCatalog.chain(gap.chain))
        let scope = try AnalysisScope.resolve(region: nil, zone: nil, chain: nil, industry: nil, period: nil, principal: Fixture.admin,
                                              catalog: .jiangxi, latest: f.cube.lastMonth)
        let leads = InvestmentLeads(cube: f.cube, network: f.network, targets: [
            InvestmentTarget(code: "TARGET-1", name: "深圳示例科技有限公司", region: "440300", chain: gap.chain, link: gap.link, revenue: 500_000, note: "行业龙头", source: "imported"),
        ]).report(chain: chain, scope: scope)
        let link = try #require(leads.links.first { $0.link == gap.link })
        #expect(link.strength == "missing")
        #expect(!link.candidates.isEmpty)
        #expect(link.candidates.allSatisfy { !$0.region.hasPrefix("36") && !$0.reasons.isEmpty })
        #expect(link.candidates.contains { $0.code == "TARGET-1" && $0.sources.contains("imported") })
        #expect(zip(link.candidates, link.candidates.dropFirst()).allSatisfy { $0.score >= $1.score })
        let brief = UpgradeBriefWriter(cube: f.cube, network: f.network).brief(chain: chain, scope: scope, maturity: [:], projects: [], leads: leads)
        #expect(brief.gaps.contains { $0.link == gap.link })
        #expect(brief.markdown.contains("缺链：\(link.name)"))
        #expect(brief.actions.contains { $0.kind == "补链" })
    }

    @Test func demoServicesAreSeededOnce() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-svc-seed-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        _ = try await DemoSeeder(scale: .small, seed: 3, lastMonth: Fixture.last).seed(into: store, dataDirectory: nil)
        let cube = try await CubeBuilder.build(from: store, catalog: .jiangxi)
        let network = try await SupplyNetwork.load(from: store)
        let first = try #require(try await ServiceDemoSeeder(store: store, seed: 3).seedIfDemo(cube: cube, network: network))
        #expect(first.solutions >= 80 && first.diagnoses > 0 && first.listings >= 100)
        #expect(try await ServiceDemoSeeder(store: store, seed: 3).seedIfDemo(cube: cube, network: network) == nil)
        #expect(try await DiagnosisDesk(store: store).latestRecords().count > 0)
        await store.close()
    }
}
