import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Testing
@testable import BrainApps

/// `ChainAnalyzer` on a hand-built 有色金属 chain whose figures can be checked by hand.
///
/// Monthly output (12 months to 2026-10), all in 南昌县 except firm 6 (宜春):
///   NFM-01  firm 1: 200 a month, but it also sits on ELEC-01, so half (100) is credited here
///   NFM-02  firm 2: 99      NFM-03  firm 3: 40      NFM-04  firm 4: 39
///   NFM-05  firms 5–8: 300, 150 (宜春), 50, 22
///   NFM-06  firm 9: on the link, reports nothing
/// The chain makes 800 a month (9,600 a year). A link's quotient q = its share × 12 links: NFM-01 100/800 × 12 = 1.5
/// (strong, the boundary), NFM-02 1.485 (fair), NFM-03 0.6 (fair, the boundary), NFM-04 0.585 (weak), NFM-05 7.83.
@Suite struct ChainAnalysisRuleTests {
    typealias F = SmallWorld.Firm
    static func monthly(_ x: Double) -> @Sendable (Int) -> [Indicator: Double] { { _ in [.outputValue: x] } }

    static let world = Task { () async throws -> IndicatorCube in
        let firms: [F] = [
            F(n: 1, links: ["NFM-01", "ELEC-01"], figures: monthly(200)), F(n: 2, links: ["NFM-02"], figures: monthly(99)),
            F(n: 3, links: ["NFM-03"], figures: monthly(40)), F(n: 4, links: ["NFM-04"], figures: monthly(39)),
            F(n: 5, links: ["NFM-05"], figures: monthly(300)), F(n: 6, region: "360902", links: ["NFM-05"], figures: monthly(150)),
            F(n: 7, links: ["NFM-05"], figures: monthly(50)), F(n: 8, links: ["NFM-05"], figures: monthly(22)),
            F(n: 9, links: ["NFM-06"], figures: { _ in [.employees: 10] }),
        ]
        return try await SmallWorld.make(firms, months: 12).cube()
    }

    /// Purchases: firm 5 buys 60 from a supplier in 南昌 and 20 from one in 福州 (Fujian, code 350100 — not 抚州 361000);
    /// firm 6 buys 20 from the 南昌 supplier; firm 2 (another link) buys 500 from 福州, which must not count for NFM-05.
    static let network = SupplyNetwork(links: [
        SupplyLink(supplier: "S1", supplierName: "本省铜材厂", supplierRegion: "360100", customer: SmallWorld.code(5), product: "铜杆", chain: "NFM", link: "NFM-05", annualValue: 60),
        SupplyLink(supplier: "S2", supplierName: "福州铜业", supplierRegion: "350100", customer: SmallWorld.code(5), product: "铜杆", chain: "NFM", link: "NFM-05", annualValue: 20),
        SupplyLink(supplier: "S1", supplierName: "本省铜材厂", supplierRegion: "360100", customer: SmallWorld.code(6), product: "铜杆", chain: "NFM", link: "NFM-05", annualValue: 20),
        SupplyLink(supplier: "S2", supplierName: "福州铜业", supplierRegion: "350100", customer: SmallWorld.code(2), product: "锌锭", chain: "NFM", link: "NFM-02", annualValue: 500),
    ])

    func analyze(region: String = "360000") async throws -> ChainAnalysis {
        let cube = try await Self.world.value
        let scope = try AnalysisScope.resolve(region: region, zone: nil, chain: "NFM", industry: nil, period: nil, principal: Fixture.admin,
                                              catalog: .jiangxi, latest: cube.lastMonth)
        return ChainAnalyzer(cube: cube, network: Self.network).analyze(ChainCatalog.chain("NFM")!, scope: scope)
    }

    func link(_ a: ChainAnalysis, _ code: String) throws -> LinkAnalysis { try #require(a.links.first { $0.code == code }) }

    @Test func strengthFollowsTheQuotientAndItsBoundaries() async throws {
        let a = try await analyze()
        #expect(a.output == 9_600)
        let expected = ["NFM-01": "strong", "NFM-02": "fair", "NFM-03": "fair", "NFM-04": "weak", "NFM-05": "strong", "NFM-06": "weak"]
        for (code, strength) in expected { #expect(try link(a, code).strength == strength, "\(code)") }
        #expect(try link(a, "NFM-01").output == 1_200, "half of firm 1's 2,400: it sits on two links")
        #expect(try link(a, "NFM-01").share == 12.5)
        #expect(try link(a, "NFM-01").strengthReason.contains("1.5倍"))
        // A link with a firm that reports nothing is weak, not missing; missing means no local firm at all.
        #expect(try link(a, "NFM-06").localFirms == 1 && link(a, "NFM-06").output == 0)
        let missing = a.links.filter { $0.strength == "missing" }.map(\.code)
        #expect(missing == ["NFM-07", "NFM-08", "NFM-09", "NFM-10", "NFM-11", "NFM-12"])
        #expect(a.gaps.map(\.link) == missing)
        // Extend: weak or missing links right below a strong one (NFM-01 → NFM-04, NFM-05 → NFM-11).
        #expect(a.extend.map(\.link) == ["NFM-04", "NFM-11"])
    }

    @Test func supplyRateAndConcentrationByHand() async throws {
        let l = try link(try await analyze(), "NFM-05")
        // 100 bought in all, 80 of it from inside Jiangxi; suppliers 80 % and 20 %: HHI 6,400 + 400.
        #expect(l.localSupplyRate == 80)
        #expect(l.supplierHHI == 6_800)
        #expect(l.dominantSupplier == "本省铜材厂" && l.dominantSupplierShare == 80)
        #expect(l.singleSupplierFirms == 2, "firm 5 buys 75 % from one supplier, firm 6 all")
        // Links whose firms report no purchases have no figures at all (not 0 %).
        let none = try link(try await analyze(), "NFM-03")
        #expect(none.localSupplyRate == nil && none.supplierHHI == nil && none.dominantSupplier == nil && none.singleSupplierFirms == 0)
        // Firm 2's 500 from 福州: all bought in, one supplier.
        let zinc = try link(try await analyze(), "NFM-02")
        #expect(zinc.localSupplyRate == 0 && zinc.supplierHHI == 10_000 && zinc.dominantSupplierShare == 100)
    }

    @Test func leadersAreTheTopThreeByOutputWithTheirShares() async throws {
        let l = try link(try await analyze(), "NFM-05")
        #expect(l.localFirms == 4 && l.output == 6_264)
        #expect(l.leaders.map(\.uscc) == [5, 6, 7].map(SmallWorld.code))
        #expect(l.leaders.map(\.share) == [57.47, 28.74, 9.58])
        #expect(l.leaders.map(\.output) == [3_600, 1_800, 600])
        #expect(l.leaders.first?.customers == 0 && l.leaders.first?.suppliers == 2, "firm 5 buys from two suppliers")
    }

    @Test func aCityScopeKeepsItsOwnFirmsAndComparesWithTheProvince() async throws {
        let a = try await analyze(region: "360100")
        let l = try link(a, "NFM-05")
        #expect(l.localFirms == 3 && l.output == 4_464, "宜春's firm 6 is left out")
        #expect(l.leaders.map(\.uscc) == [5, 7, 8].map(SmallWorld.code))
        #expect(l.shareOfProvince == 71.26)
        #expect(l.localSupplyRate == 75, "only firm 5's purchases: 60 of 80")
        #expect(a.regionName == "南昌市" && a.firms == 8)
        let yichun = try await analyze(region: "360900")
        #expect(try link(yichun, "NFM-05").strength == "strong" && link(yichun, "NFM-01").strength == "missing")
    }
}
