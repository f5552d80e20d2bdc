import BrainCore
import BrainData
import BrainSecurity
import Testing
@testable import BrainApps

/// 数据质量 on firms built for each case, next to firms that only look like one.
@Suite struct QualityTests {
    typealias F = SmallWorld.Firm
    static let firms: [F] = [
        F(n: 1), F(n: 2), F(n: 3), F(n: 4),                                                   // steady, every month
        F(n: 5, figures: { k in k == 35 ? [:] : SmallWorld.base }),                            // misses the last month
        F(n: 6, figures: { k in k == 35 ? [.electricity: 100] : SmallWorld.base }),            // only electricity: reporting, but no output
        F(n: 7, figures: { k in k == 35 ? SmallWorld.base([.revenue: 40_000]) : SmallWorld.base }), // revenue 20 × output
        F(n: 8, figures: { k in k < 20 ? SmallWorld.base : [:] }),                              // silent for 16 months: not expected any more
        F(n: 9, revenue: 1_500, figures: { k in k == 35 ? [:] : SmallWorld.base([.revenue: 100]) }), // 规下: not counted
        F(n: 10, region: "360902", figures: { k in k == 35 ? [:] : SmallWorld.base }),          // 宜春: another city
    ]
    static let world = Task { () async throws -> IndicatorCube in try await SmallWorld.make(firms).cube() }
    static let official = Principal(username: "nc", role: .cityOfficial, scope: "360100")

    func report(_ region: String, as p: Principal = Principal(username: "admin", role: .admin, scope: nil)) async throws -> QualityReport {
        let cube = try await Self.world.value
        let scope = try AnalysisScope.resolve(region: region, zone: nil, chain: nil, industry: nil, period: Fixture.last.description, principal: p,
                                              catalog: .jiangxi, latest: cube.lastMonth)
        return try QualityDesk(catalog: .jiangxi).report(for: p, scope: scope, cube: cube)
    }

    @Test func completenessFillAndConsistencyCountWhatTheyShould() async throws {
        let r = try await report("360100")
        #expect(r.expected == 7 && r.reporting == 6, "firms 1–7 are expected; 8 stopped long ago, 9 is below the scale")
        #expect(abs(r.completeness - 6.0 / 7) < 1e-9)
        #expect(r.indicatorFill["output_value"] == 0.833 && r.indicatorFill["electricity"] == 1)
        #expect(r.inconsistent == 2)
        let problems = Dictionary(uniqueKeysWithValues: r.firms.map { ($0.uscc, $0.problem) })
        #expect(problems == [SmallWorld.code(5): "missing", SmallWorld.code(6): "inconsistent", SmallWorld.code(7): "inconsistent"])
        // Firm 8 last reported at k 19: it is still expected (and missing) up to twelve months later, then no more.
        // Twelve months back from 2026-10 less January (folded into 1–2月): 2025-11 … 2026-10.
        #expect(r.months.count == 11 && r.months.last?.month == Fixture.last.description && !r.months.contains { $0.month.hasSuffix("-01") })
        #expect(r.months[0].expected == 8 && r.months[0].reporting == 7 && r.months[7...9].allSatisfy { $0.completeness == 1 && $0.expected == 7 })
        // 0.6 × 6/7 + 0.25 × (0.833 × 3 + 1)/4 (firm 6 gave neither output, revenue nor profit) + 0.15 × (1 − 2/6).
        #expect(abs(r.score - 83.3) < 0.05, "\(r.score)")
    }

    @Test func theProvinceBreaksDownByCityAndAnOfficialSeesOnlyItsFirms() async throws {
        let r = try await report("360000")
        #expect(Set(r.areas.map(\.code)) == ["360100", "360900"] && r.expected == 8 && r.reporting == 6)
        #expect(r.areas.first { $0.code == "360900" }?.completeness == 0)
        let nc = try await report("360100", as: Self.official)
        #expect(nc.firmsTotal == 3)
        await #expect(throws: AppError.self) { try await report("360900", as: Self.official) }
    }
}
