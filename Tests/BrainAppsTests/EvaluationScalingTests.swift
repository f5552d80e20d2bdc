import BrainCore
import Testing
@testable import BrainApps

/// 产业评价's robust scaling (`EvaluationIndex.normalise`) on cases built to fool min–max: two nearly equal cells, one
/// outlier, all equal, missing values; and on the demo, nearly equal raw values never get far-apart scores.
@Suite struct EvaluationScalingTests {
    func scores(_ values: [Double?], _ component: EvaluationComponent) -> [Double?] {
        EvaluationIndex.normalise(values, benchmark: component.benchmarkSpread)
    }

    @Test func twoNearlyEqualCellsScoreNearlyEqual() throws {
        // Min–max gave 3.25 % against 3.26 % 0 against 100 points when they were the extremes.
        let pair = scores([3.25, 3.26], .profitability).map { $0! }
        #expect(abs(pair[0] - 50) < 0.5 && abs(pair[1] - 50) < 0.5 && pair[1] > pair[0], "\(pair)")
        // Among eleven cities as well: 0.01 point of margin is at most 0.25 points of score.
        let eleven: [Double?] = [3.25, 3.26, 2.1, 4.8, 5.6, 1.2, 3.9, 6.3, 2.7, 4.4, 3.1]
        let s = scores(eleven, .profitability).map { $0! }
        #expect(abs(s[1] - s[0]) <= 0.25 && s[1] > s[0], "\(s[0]) vs \(s[1])")
        #expect(s.allSatisfy { $0 >= 0 && $0 <= 100 })
    }

    @Test func oneOutlierDoesNotSqueezeTheOthers() throws {
        // Ten cities growing 5–9.5 %, one at 500 %: min–max would put all ten within 1 point of 0.
        let values: [Double?] = [5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 500]
        let s = scores(values, .growth).map { $0! }
        #expect(s[10] == 100, "the outlier is clipped at 100")
        #expect(s[9] - s[0] > 40, "the others keep their spread: \(s)")
        #expect(zip(s, s.dropFirst()).allSatisfy { $0 <= $1 })
        // A very low outlier is clipped at 0 likewise.
        #expect(scores([-80, 5, 6, 7, 8], .growth).first! == 0)
    }

    @Test func theMedianScoresFiftyAndEqualValuesScoreAlike() throws {
        #expect(scores([4, 4, 4], .rdIntensity) == [50, 50, 50])
        let s = scores([1, 2, 3, 4, 5], .growth)
        #expect(s[2] == 50)
        // The spread here is the benchmark (IQR 2 ÷ 1.349 = 1.48 < 2 points): one point above the median is 12.5 points.
        #expect(s[3] == 62.5 && s[1] == 37.5)
    }

    @Test func missingValuesStayMissing() throws {
        #expect(scores([nil, nil], .digitalLevel) == [nil, nil])
        let s = scores([nil, 60, 70], .digitalLevel)
        #expect(s[0] == nil && s[1]! < s[2]! && abs(s[1]! + s[2]! - 100) < 1e-9)
    }

    @Test func quantilesInterpolateBetweenOrderStatistics() {
        #expect(EvaluationIndex.quantile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(EvaluationIndex.quantile([1, 2, 3, 4, 5], 0.25) == 2)
        #expect(EvaluationIndex.quantile([7], 0.75) == 7)
    }

    @Test func onTheDemoNearlyEqualValuesGetNearlyEqualScores() async throws {
        let f = try await Fixture.load()
        let r = EvaluationIndex(cube: f.cube, digitalScores: [:]).rank(by: .city, weights: .standard)
        #expect(r.method.contains("中位数得50分"))
        for chain in Set(r.cells.map(\.chain)) {
            let cells = r.cells.filter { $0.chain == chain }
            for component in [EvaluationComponent.growth, .profitability, .rdIntensity] {
                // Values shown 0.02 apart are at most 0.03 apart unrounded: at most 25 × 0.03 ÷ the benchmark spread points
                // (0.4 for growth, 0.8 for margins, 2.5 for R&D intensity), plus the score's rounding.
                let bound = 25 * 0.03 / component.benchmarkSpread + 0.1
                let pairs = cells.compactMap { c in c.components.first { $0.component == component.rawValue }.flatMap { x in x.value.flatMap { v in x.score.map { (v, $0) } } } }
                for a in pairs {
                    for b in pairs where abs(a.0 - b.0) <= 0.02 {
                        #expect(abs(a.1 - b.1) <= bound, "\(chain) \(component): \(a) against \(b)")
                    }
                }
            }
        }
    }
}
