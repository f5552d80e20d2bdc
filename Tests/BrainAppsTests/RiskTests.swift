import BrainCore
import BrainData
import Foundation
import Testing
@testable import BrainApps

@Suite struct RiskTests {
    @Test func backtestAgainstPlantedTruths() async throws {
        let f = try await Fixture.load()
        let period = try ReportingPeriod(f.cube.lastMonth)
        let warnings = RiskScanner(cube: f.cube).scan(period)
        let scores = RiskBacktest.run(warnings: warnings, manifest: f.manifest, cube: f.cube)
        #expect(scores.count == 6)
        for s in scores {
            #expect(s.truePositives > 0, "\(s.kind) found nothing")
            #expect(s.precision >= 0.9, "\(s.kind): precision \(s.precision) (\(s.falsePositives) false alarms)")
            #expect(s.recall >= 0.9, "\(s.kind): recall \(s.recall) (\(s.falseNegatives) missed)")
        }
    }

    @Test func everyWarningExplainsItself() async throws {
        let f = try await Fixture.load()
        let warnings = RiskScanner(cube: f.cube).scan(try ReportingPeriod(f.cube.lastMonth))
        #expect(!warnings.isEmpty)
        for w in warnings {
            #expect(!w.explanation.isEmpty && !w.threshold.isEmpty && !w.inputs.isEmpty && w.rule.contains(":"))
            #expect(w.period == "2026-10")
        }
        #expect(Set(warnings.map(\.id)).count == warnings.count)
    }

    @Test func thresholdsAreValidated() {
        var t = RiskThresholds()
        #expect(t.problem(knownChains: .jiangxi) == nil)
        t.outputDrop = [-50, -30, -20]
        #expect(t.problem(knownChains: .jiangxi)?.contains("outputDrop") == true)
        t = RiskThresholds()
        t.chains["NOPE"] = .init(outputDrop: [-10, -20, -30])
        #expect(t.problem(knownChains: .jiangxi)?.contains("NOPE") == true)
    }
}
