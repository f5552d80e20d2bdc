import BrainCore
import BrainData
import BrainStore
import Testing
@testable import BrainApps

/// 亩均效益 in the evaluation: scored where land data exist, noted as missing where they do not; the demo's land gives
/// plausible 亩均税收; 技改 investment is summed over the projects that ran in the year.
@Suite struct LandEvaluationTests {
    @Test func landEfficiencyIsScoredOnlyWhereLandDataExist() async throws {
        let f = try await ServiceFixture.load()
        let catalog = RegionCatalog.jiangxi
        // Land for 南昌's firms only: 10 亩 and 200 万元 of tax each (20 万元/亩).
        var land: [String: LandShare] = [:]
        for e in f.cube.firms where catalog.city(of: e.region) == "360100" { land[e.uscc] = LandShare(area: 10, tax: 200, year: 2025) }
        let r = EvaluationIndex(cube: f.cube, digitalScores: [:], land: land).rank(by: .city, weights: .standard)
        func landValue(_ c: EvaluationCell) -> ComponentScore? { c.components.first { $0.component == "land_efficiency" } }
        let nanchang = r.cells.filter { $0.area == "360100" }, others = r.cells.filter { $0.area != "360100" }
        #expect(!nanchang.isEmpty && !others.isEmpty)
        #expect(nanchang.allSatisfy { landValue($0)?.value == 20 && landValue($0)?.score != nil && !$0.notes.contains { $0.contains("无用地数据") } })
        #expect(others.allSatisfy { landValue($0)?.score == nil && $0.notes.contains { $0.contains("无用地数据") } })
        // Without any land data every cell carries the note.
        let none = EvaluationIndex(cube: f.cube, digitalScores: [:]).rank(by: .city, weights: .standard)
        #expect(none.cells.allSatisfy { $0.notes.contains { $0.contains("无用地数据") } })
    }

    @Test func theDemoLandGivesPlausibleTaxPerMu() async throws {
        let f = try await ServiceFixture.load()
        let shares = try await DatasetDesk(store: f.store, catalog: .jiangxi).landForEvaluation(cube: f.cube)
        #expect(shares.count > 10)
        let perMu = shares.values.map { $0.tax / $0.area }
        #expect(perMu.allSatisfy { $0 > 0 && $0 <= 41 }, "\(perMu.max() ?? 0)")
    }

    @Test func techUpgradeInvestmentCountsProjectsRunningInTheYear() {
        func p(_ code: String, _ kind: String?, _ done: Double?, _ start: String?, _ end: String?) -> InvestmentProject {
            InvestmentProject(code: code, uscc: "U", name: code, kind: kind, planned: 1000, completed: done, startMonth: start, endMonth: end,
                              status: "在建", region: "360111", batch: "b")
        }
        let projects = [p("A", "技术改造", 300, "2025-02", "2026-06"), p("B", "设备更新", 200, nil, nil), p("C", "新建", 900, "2025-01", "2025-12"),
                        p("D", "技术改造", 400, "2026-01", "2026-12"), p("E", "技术改造", 500, "2023-01", "2024-12"), p("F", "智能化改造", nil, "2025-01", nil)]
        #expect(EnterpriseFacts.techUpgrade(projects, year: 2025) == ["U": 500])
        #expect(EnterpriseFacts.techUpgrade([p("C", "新建", 900, nil, nil)], year: 2025).isEmpty)
    }
}
