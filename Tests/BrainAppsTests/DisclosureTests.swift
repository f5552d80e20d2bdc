import BrainCore
import BrainData
import Foundation
import Testing
@testable import BrainApps

/// Finding 5 of the hardening issue: a 南昌 official derived a 九江 firm's output from a zone cell spanning both cities
/// minus the 南昌 firms it can read. A cell's unreadable part must hold ≥ 3 firms and no dominant one.
@Suite struct DisclosureTests {
    @Test func theRuleSuppressesSmallOrDominatedHiddenParts() {
        let rule = DisclosureRule()
        func hidden(_ values: [Double]) -> DisclosureRule.Hidden { var h = DisclosureRule.Hidden(); values.forEach { h.add($0) }; return h }
        #expect(rule.suppression(hidden([])) == nil, "nothing hidden: shown")
        #expect(rule.suppression(hidden([100])) != nil)
        #expect(rule.suppression(hidden([100, 90])) != nil)
        #expect(rule.suppression(hidden([100, 90, 80])) == nil)
        #expect(rule.suppression(hidden([1000, 50, 50])) != nil, "one firm above 85 %")
        #expect(rule.suppression(hidden([500, 460, 20, 20])) != nil, "two firms above 90 %")
        #expect(rule.suppression(hidden([.infinity, 1, 1, 1, 1])) == nil, "a non-finite value counts as 0 and cannot crash")
    }

    @Test func noCellShownToACityOfficialLetsItSubtractItsWayToAFirm() async throws {
        let f = try await ServiceFixture.load()
        let cube = f.cube
        let nanchang = Set(["360100"] + RegionCatalog.jiangxi.counties(within: "360100"))
        let readable: (Enterprise) -> Bool = { nanchang.contains($0.region) }
        let index = EvaluationIndex(cube: cube, digitalScores: [:])
        let ranking = index.rank(by: .zone, weights: .standard, readable: readable)
        let period = try ReportingPeriod(cube.lastMonth)
        var suppressed = 0, mixedShown = 0
        for cell in ranking.cells {
            // The hidden part, computed here from the cube without the index's code.
            let hidden = (0..<cube.firmCount).filter { i in
                let e = cube.firms[i]
                return e.aboveScale && e.zone == cell.area && e.chains.contains(cell.chain) && !readable(e)
            }.map { i -> Double in let v = cube.periodValue(.outputValue, firm: i, months: period.cumulativeMonths); return v.isNaN ? 0 : v }
            let total = hidden.reduce(0, +), top = hidden.max() ?? 0
            let safe = hidden.isEmpty || (hidden.count >= 3 && (total == 0 || top / total <= 0.85)
                                          && (total == 0 || (top + (hidden.sorted(by: >).dropFirst().first ?? 0)) / total <= 0.9))
            if safe {
                #expect(cell.suppressed == nil && cell.index != nil, "\(cell.chain) \(cell.area): \(hidden.count) hidden")
                if !hidden.isEmpty { mixedShown += 1 }
            } else {
                suppressed += 1
                #expect(cell.suppressed != nil && cell.index == nil && cell.rank == nil, "\(cell.chain) \(cell.area)")
                #expect(cell.components.allSatisfy { $0.value == nil && $0.score == nil })
            }
        }
        #expect(suppressed > 0, "the small demo has zone cells a 南昌 official may not see")
        // A province official reads every firm: nothing is suppressed.
        #expect(index.rank(by: .zone, weights: .standard, readable: { _ in true }).cells.allSatisfy { $0.suppressed == nil })
        _ = mixedShown
    }
}
