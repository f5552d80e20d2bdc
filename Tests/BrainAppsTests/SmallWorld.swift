import BrainCore
import BrainData
import BrainStore
import Foundation
import Synchronization
@testable import BrainApps

/// A handful of hand-made firms in a temporary SQLite store, with monthly figures from a function of the month offset,
/// and the cube built from them. Offsets run over `months` months ending at 2026-10 (with 36 months, 0 = 2023-11,
/// 26 = 2026-01, 35 = 2026-10), so the same month a year earlier is always `k − 12`.
struct SmallWorld {
    struct Firm: Sendable {
        var n: Int
        var region = "360121"
        var revenue = 30_000.0
        var links: [String] = []
        var figures: @Sendable (Int) -> [Indicator: Double] = { _ in SmallWorld.base }
    }

    /// A steady firm: nothing changes, so no rule and no model may fire on it.
    static let base: [Indicator: Double] = [.outputValue: 2_000, .revenue: 1_900, .profit: 80, .electricity: 100, .employees: 300,
                                            .receivables: 600, .inventory: 300, .tax: 60]

    /// The base figures with some replaced.
    static func base(_ changes: [Indicator: Double]) -> [Indicator: Double] { base.merging(changes) { _, new in new } }

    /// Every store made stays open until the process ends: a SQLite connection may not be dropped unclosed, and a test
    /// that fails half-way would otherwise drop its store.
    private static let open = Mutex<[Store]>([])

    static func code(_ n: Int) -> String { CreditCode.make(region: "360121", body: String(format: "W%07d", n))!.value }

    let store: Store
    let months: Int
    var last: Month { Fixture.last }
    var first: Month { last.adding(months: -(months - 1)) }

    static func make(_ firms: [Firm], months: Int = 36) async throws -> SmallWorld {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-small-\(UUID().uuidString)").path
        let world = SmallWorld(store: try await Store.openSQLite(path: dir + "/w.sqlite"), months: months)
        open.withLock { $0.append(world.store) }
        try await world.store.upsertEnterprises(firms.map {
            // A firm with links is a copper smelter (3211, on NFM); one without sits on no chain: its class (3399, other
            // metal products) is on no link of the bundled chains, so the cube places it nowhere.
            Enterprise(uscc: code($0.n), name: "测试\($0.n)", region: $0.region, zone: nil, industry: $0.links.isEmpty ? "3399" : "3211",
                       employees: 300, revenue: $0.revenue, chainLinks: $0.links)
        })
        try await world.write(firms)
        return world
    }

    /// Writes (or overwrites) every month of the firms' figures.
    func write(_ firms: [Firm]) async throws {
        var reports: [MonthlyReport] = []
        for f in firms {
            for k in 0..<months {
                var r = MonthlyReport(uscc: Self.code(f.n), month: first.adding(months: k), values: Array(repeating: nil, count: Indicator.allCases.count))
                for (ind, v) in f.figures(k) { r[ind] = v }
                reports.append(r)
            }
        }
        _ = try await store.upsertReports(reports)
    }

    func cube() async throws -> IndicatorCube { try await CubeBuilder.build(from: store, catalog: .jiangxi) }
}
