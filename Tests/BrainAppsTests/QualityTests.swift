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
        return try QualityDesk(catalog: .jiangxi).report(for: p, scope: scope, cube: cube, arrivals: [:])
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

    /// Timeliness: a month's figures are due by the 10th of the next month, Beijing time; the first value's arrival counts.
    @Test func lateReportsAreCountedAndListed() async throws {
        let cube = try await Self.world.value
        let p = Principal(username: "admin", role: .admin, scope: nil)
        let scope = try AnalysisScope.resolve(region: "360100", zone: nil, chain: nil, industry: nil, period: Fixture.last.description, principal: p,
                                              catalog: .jiangxi, latest: cube.lastMonth)
        let next = Fixture.last.adding(months: 1)
        let day = { (d: Int, h: Int) in String(format: "%04d-%02d-%02dT%02d:00:00.000Z", next.year, next.month, d, h) }
        // Firm 1 on the 10th at 23:00 Beijing (15:00 UTC): in time; firm 2 at 00:30 Beijing on the 11th: late; firm 5 did not
        // report at all (its arrival time, from another month's file, is not judged).
        let r = try QualityDesk(catalog: .jiangxi).report(for: p, scope: scope, cube: cube,
                                                          arrivals: [SmallWorld.code(1): day(10, 15), SmallWorld.code(2): day(10, 16), SmallWorld.code(5): day(1, 0)])
        #expect(r.timed == 2 && r.late == 1 && r.timeliness == 0.5, "\(r.timed) \(r.late) \(r.firms.map { ($0.uscc, $0.problem) }) \(SmallWorld.code(1))")
        #expect(r.deadline == String(format: "%04d-%02d-10T16:00:00.000Z", next.year, next.month))
        let late = r.firms.filter { $0.problem == "late" }
        #expect(late.map(\.uscc) == [SmallWorld.code(2)] && late[0].detail.contains("11日"), "\(late)")
        // The score weighs timeliness in once it is known: 0.5 × 6/7 + 0.2 × fill + 0.15 × consistency + 0.15 × 0.5.
        let without = try QualityDesk(catalog: .jiangxi).report(for: p, scope: scope, cube: cube, arrivals: [:])
        #expect(without.timeliness == nil && r.score < without.score)
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
