import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import SQLKit
import Testing
@testable import BrainApps

/// A small demo store and its cube, shared by the app tests (built once, on first use).
enum Fixture {
    static let last = Month("2026-10")!
    static let admin = Principal(username: "admin", role: .admin, scope: nil)
    private static let loading = Task { () async throws -> (store: Store, cube: IndicatorCube, manifest: DemoManifest) in
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-apps-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        let manifest = try await DemoSeeder(scale: .small, seed: 5, lastMonth: last).seed(into: store, dataDirectory: dir)
        return (store, try await CubeBuilder.build(from: store, catalog: .jiangxi), manifest)
    }

    static func load() async throws -> (store: Store, cube: IndicatorCube, manifest: DemoManifest) { try await loading.value }
}

@Suite struct MonitorTests {
    let cube: IndicatorCube
    let store: Store

    init() async throws {
        let f = try await Fixture.load()
        cube = f.cube
        store = f.store
    }

    func scope(region: String? = nil, period: String? = nil, principal: Principal = Fixture.admin) throws -> AnalysisScope {
        try AnalysisScope.resolve(region: region, zone: nil, chain: nil, industry: nil, period: period, principal: principal,
                                  catalog: .jiangxi, latest: cube.lastMonth)
    }

    @Test func cubeMatchesPlainSQL() async throws {
        // 1–10月 output of 规上 firms by city, computed by SQL on the store.
        let rows = try await store.sql.raw("""
            SELECT substr(e.region, 1, 4) AS city, SUM(i.output_value) AS output, COUNT(DISTINCT e.uscc) AS firms
            FROM indicators i JOIN enterprises e ON e.uscc = i.uscc
            WHERE e.above_scale = 1 AND i.month >= '2026-01' AND i.month <= '2026-10'
            GROUP BY substr(e.region, 1, 4)
            """).all()
        let overview = MonitorService(cube: cube).overview(try scope(period: "2026-10"))
        let byCity = Dictionary(uniqueKeysWithValues: overview.breakdown.regions.map { (String($0.code.prefix(4)), $0) })
        #expect(rows.count == 11)
        for row in rows {
            let city = try row.decode(column: "city", as: String.self)
            let output = try row.decode(column: "output", as: Double.self)
            let cubeValue = try #require(byCity[city]).outputValue
            #expect(abs(cubeValue - output) < 0.01 * Double(1 + 1), "city \(city): cube \(cubeValue) SQL \(output)")
        }
        let total = try await store.sql.raw("SELECT SUM(i.output_value) AS v FROM indicators i JOIN enterprises e ON e.uscc = i.uscc WHERE e.above_scale = 1 AND i.month = '2026-10'").first()!.decode(column: "v", as: Double.self)
        #expect(abs(overview.indicators[Indicator.outputValue.index].month - total) < 0.01)
    }

    @Test func childrenAddUpToTheParent() throws {
        for region in ["360000", "360900", "360100"] {
            let o = MonitorService(cube: cube).overview(try scope(region: region))
            let whole = o.indicators[Indicator.outputValue.index].cumulative
            for rows in [o.breakdown.regions, o.breakdown.zones, o.breakdown.divisions] where !rows.isEmpty {
                let sum = rows.reduce(0) { $0 + $1.outputValue }
                #expect(abs(sum - whole) < 0.05 * Double(rows.count), "\(region): \(sum) vs \(whole)")
                #expect(rows.reduce(0) { $0 + $1.firms } == o.firms.aboveScale)
            }
        }
    }

    @Test func yichunOfficialSeesTheCityAndItsCounties() throws {
        let official = Principal(username: "yc", role: .cityOfficial, scope: "360900")
        let s = try scope(principal: official)
        #expect(s.region == "360900")
        #expect(s.period.end == Fixture.last)
        let o = MonitorService(cube: cube).overview(s)
        #expect(o.scope.regionName == "宜春市")
        #expect(o.firms.aboveScale > 0)
        let countyCodes = Set(RegionCatalog.jiangxi.counties(within: "360900"))
        #expect(o.breakdown.regions.allSatisfy { countyCodes.contains($0.code) })
        #expect(o.series.count == 24)
        #expect(o.series.last?.period == "2026-10")
        #expect(o.indicators[Indicator.outputValue.index].cumulativeYoy != nil)
        #expect(throws: AppError.self) { try scope(region: "360100", principal: official) }
        // Every point of the series has the same 1–N月累计 growth as the overview of its own period (the earliest
        // points need months from more than three years back).
        for point in [o.series[0], o.series[3], o.series[12]] {
            let own = MonitorService(cube: cube).overview(try scope(region: "360900", period: point.period, principal: official))
            #expect(point.cumulativeOutputYoy == own.indicators[Indicator.outputValue.index].cumulativeYoy, "\(point.period)")
        }
    }

    @Test func badParametersAreNamed() {
        func param(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch let e as AppError { return e.parameter } catch { return "?" }
        }
        #expect(param { _ = try scope(region: "999999") } == "region")
        #expect(param { _ = try scope(period: "2027-05") } == "period")
        #expect(param { _ = try scope(period: "2026-01") } == "period")
        #expect(param { _ = try scope(period: "May") } == "period")
        #expect(param { _ = try AnalysisScope.resolve(region: nil, zone: nil, chain: "XX", industry: nil, period: nil, principal: Fixture.admin, catalog: .jiangxi, latest: cube.lastMonth) } == "chain")
    }

    @Test func februaryIsJanuaryAndFebruaryTogether() throws {
        let o = MonitorService(cube: cube).overview(try scope(period: "2026-02"))
        let out = o.indicators[Indicator.outputValue.index]
        #expect(o.periodLabel == "2026年1-2月")
        #expect(abs(out.month - out.cumulative) < 0.01)
    }
}

@Suite struct ElectricityTests {
    @Test func powerCollapseFirmsAreFlaggedAndGroupsCorrelate() async throws {
        let f = try await Fixture.load()
        let scope = try AnalysisScope.resolve(region: nil, zone: nil, chain: nil, industry: nil, period: nil, principal: Fixture.admin,
                                              catalog: .jiangxi, latest: f.cube.lastMonth)
        let a = MonitorService(cube: f.cube).electricity(scope)
        #expect(a.regions.count == 11)
        #expect(a.chains.count == 12)
        #expect(a.regions.reduce(0) { $0 + $1.firms } == a.whole.firms)
        #expect(a.whole.elasticity != nil)
        let flagged = Set(a.divergent.map(\.uscc))
        let planted = Set(f.manifest.distressed.filter { $0.kind == .powerCollapse }.map(\.uscc))
        #expect(planted.isSubset(of: flagged))
        #expect(a.divergent.allSatisfy { $0.electricityYoy <= -20 && $0.outputYoy >= -10 })
    }
}
