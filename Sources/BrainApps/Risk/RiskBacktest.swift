import BrainCore
import BrainData

/// Precision and recall of the enterprise rules against the demo dataset's planted truths.
public enum RiskBacktest {
    /// Score of one warning kind.
    public struct Score: Codable, Sendable {
        public let kind: String
        public let planted: String
        public let truePositives: Int
        public let falsePositives: Int
        public let falseNegatives: Int
        public var precision: Double { truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives) }
        public var recall: Double { truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives) }
    }

    /// Which warning kind each planted distress is scored on.
    static let mapping: [(WarningKind, DistressKind)] = [
        (.outputDrop, .outputCollapse), (.powerDrop, .powerCollapse), (.consecutiveLosses, .consecutiveLosses),
        (.receivablesSurge, .receivablesBallooning), (.staffDrop, .staffExodus), (.exitRisk, .exitRisk),
    ]

    /// Symptoms that other planted distress really produces in the data, so a warning on them is right, not a false
    /// alarm: a firm sliding towards 退规 loses output and power; a collapsing firm loses power and, when small, falls
    /// under the 规上 line.
    static func alsoExpected(_ kind: WarningKind, planted: [DistressKind: Set<String>], cube: IndicatorCube) -> Set<String> {
        let collapsed = planted[.outputCollapse] ?? [], sliding = planted[.exitRisk] ?? []
        switch kind {
        case .outputDrop: return sliding
        case .powerDrop: return collapsed.union(sliding)
        case .exitRisk: return collapsed.filter { cube.firmIndex[$0].map { cube.firms[$0].revenue < 4_500 } ?? false }
        default: return []
        }
    }

    public static func run(warnings: [RiskWarning], manifest: DemoManifest, cube: IndicatorCube) -> [Score] {
        var planted: [DistressKind: Set<String>] = [:]
        for d in manifest.distressed { planted[d.kind, default: []].insert(d.uscc) }
        var fired: [WarningKind: Set<String>] = [:]
        for w in warnings where w.subjectType == "enterprise" { fired[w.kind, default: []].insert(w.subject) }
        return mapping.map { kind, distress in
            let truth = planted[distress] ?? []
            let tolerated = alsoExpected(kind, planted: planted, cube: cube)
            let got = fired[kind] ?? []
            let tp = got.intersection(truth).count
            let fp = got.subtracting(truth).subtracting(tolerated).count
            let fn = truth.subtracting(got).count
            return Score(kind: kind.rawValue, planted: distress.rawValue, truePositives: tp, falsePositives: fp, falseNegatives: fn)
        }
    }
}
