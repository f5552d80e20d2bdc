import BrainCore

/// Warning severity (预警等级).
public enum WarningLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case yellow, orange, red

    public var nameZh: String {
        switch self {
        case .yellow: return "黄色"
        case .orange: return "橙色"
        case .red: return "红色"
        }
    }

    private var rank: Int { self == .yellow ? 0 : self == .orange ? 1 : 2 }
    public static func < (a: WarningLevel, b: WarningLevel) -> Bool { a.rank < b.rank }
}

/// What a warning is about and which rule or model raised it.
public enum WarningKind: String, Codable, Sendable, CaseIterable {
    case outputDrop = "output-drop"
    case powerDrop = "power-drop"
    case consecutiveLosses = "consecutive-losses"
    case receivablesSurge = "receivables-surge"
    case inventoryBuildup = "inventory-buildup"
    case staffDrop = "staff-drop"
    case exitRisk = "exit-risk"
    case upgradeCandidate = "upgrade-candidate"
    case anomaly
    case forecastMiss = "forecast-miss"
    case regionLosses = "region-losses"
    case regionLagging = "region-lagging"
    case chainBreak = "chain-break"
    /// 断报: a 规上 firm that reported in the months before but not in this one.
    case missedReport = "missed-report"
    /// 产值异常跳升: output far above the firm's own normal, more often a unit or typing error than a business event.
    case outputJump = "output-jump"

    public var nameZh: String {
        switch self {
        case .outputDrop: return "产值大幅下滑"
        case .powerDrop: return "用电量大幅下滑"
        case .consecutiveLosses: return "连续亏损"
        case .receivablesSurge: return "应收账款异常增长"
        case .inventoryBuildup: return "存货积压"
        case .staffDrop: return "从业人员大幅减少"
        case .exitRisk: return "退规风险"
        case .upgradeCandidate: return "小升规潜力"
        case .anomaly: return "产值下滑超出常态"
        case .forecastMiss: return "产值低于预期"
        case .regionLosses: return "区域亏损面偏高"
        case .regionLagging: return "区域增速明显低于全省"
        case .chainBreak: return "产业链断链风险"
        case .missedReport: return "断报"
        case .outputJump: return "产值异常跳升"
        }
    }

    /// 经营风险 or 数据核查: data-quality signals (a missing report, an implausible jump) are checked with the firm's
    /// statistician, not handled as a business risk.
    public var category: WarningCategory {
        switch self {
        case .missedReport, .outputJump: return .dataCheck
        default: return .risk
        }
    }

    /// `enterprise`, `region` or `chain`.
    public var subjectType: String {
        switch self {
        case .regionLosses, .regionLagging: return "region"
        case .chainBreak: return "chain"
        default: return "enterprise"
        }
    }
}

/// The two lists warnings go to: 经营风险 (a business risk to follow up) and 数据核查 (a figure to check with the firm).
public enum WarningCategory: String, Codable, Sendable, CaseIterable {
    case risk
    case dataCheck = "data-check"

    public var nameZh: String { self == .risk ? "经营风险" : "数据核查" }
    /// The kinds in this list.
    public var kinds: [WarningKind] { WarningKind.allCases.filter { $0.category == self } }
}

/// The thresholds of the rules: yellow, orange and red bounds. Per-chain overrides replace the defaults for firms on
/// that chain.
public struct RiskThresholds: Codable, Sendable, Equatable {
    /// 当月工业总产值同比 (%) at or below which a warning fires: yellow, orange, red.
    public var outputDrop: [Double] = [-20, -30, -50]
    /// 当月用电量同比 (%).
    public var powerDrop: [Double] = [-20, -30, -50]
    /// Consecutive loss-making months.
    public var lossMonths: [Int] = [3, 4, 6]
    /// Receivables growth over six months minus revenue growth (percentage points).
    public var receivablesGap: [Double] = [40, 70, 100]
    /// 产成品存货同比 (%) while revenue falls.
    public var inventoryGrowth: [Double] = [20, 40, 60]
    /// 从业人员 change over six months (%).
    public var staffDrop: [Double] = [-20, -30, -40]
    /// Robust z-score of the latest seasonal residual of output.
    public var anomalyZ: [Double] = [4, 6, 9]
    /// Two-sided normal quantile of the seasonal forecast's prediction interval (99.9 %, 99.99 %, 99.9999 %).
    public var forecastZ: [Double] = [3.29, 3.89, 4.89]
    /// A region's 亏损面 (%) above which it is flagged.
    public var regionLossShare: [Double] = [20, 25, 30]
    /// A region's cumulative output growth this many points below the province.
    public var regionLag: [Double] = [5, 8, 12]
    /// Per-chain overrides of the enterprise rules, keyed by chain code.
    public var chains: [String: RiskThresholds.ChainOverride] = [:]

    public init() {}

    /// Chain-specific thresholds (only the ones given replace the defaults).
    public struct ChainOverride: Codable, Sendable, Equatable {
        public var outputDrop: [Double]?
        public var powerDrop: [Double]?
        public var staffDrop: [Double]?
    }

    /// Checks that each list has three bounds in the right order and that every chain override names a chain of
    /// `knownChains` (the province's chains in force); returns the problem or nil.
    public func problem(knownChains: ChainBook) -> String? {
        func check(_ name: String, _ v: [Double], falling: Bool) -> String? {
            guard v.count == 3 else { return "\(name) needs three bounds (yellow, orange, red)" }
            let ordered = falling ? (v[0] >= v[1] && v[1] >= v[2]) : (v[0] <= v[1] && v[1] <= v[2])
            return ordered ? nil : "\(name) bounds must go from yellow to red (\(falling ? "falling" : "rising"))"
        }
        let checks: [(String, [Double], Bool)] = [
            ("outputDrop", outputDrop, true), ("powerDrop", powerDrop, true), ("lossMonths", lossMonths.map(Double.init), false),
            ("receivablesGap", receivablesGap, false), ("inventoryGrowth", inventoryGrowth, false), ("staffDrop", staffDrop, true),
            ("anomalyZ", anomalyZ, false), ("forecastZ", forecastZ, false), ("regionLossShare", regionLossShare, false), ("regionLag", regionLag, false),
        ]
        for (name, bounds, falling) in checks {
            if let p = check(name, bounds, falling: falling) { return p }
        }
        for (code, o) in chains.sorted(by: { $0.key < $1.key }) {
            if knownChains.chain(code) == nil { return "unknown chain \(code) in chains" }
            let parts: [(String, [Double]?)] = [("outputDrop", o.outputDrop), ("powerDrop", o.powerDrop), ("staffDrop", o.staffDrop)]
            for (name, bounds) in parts {
                if let bounds, let p = check("chains.\(code).\(name)", bounds, falling: true) { return p }
            }
        }
        return nil
    }
}

/// A raised warning: what, about whom, how severe, the rule's inputs and threshold, and a Chinese explanation.
public struct RiskWarning: Codable, Sendable, Hashable {
    /// Stable id: kind, subject and period, so a rescan updates rather than duplicates.
    public let id: String
    public let kind: WarningKind
    public let level: WarningLevel
    /// `enterprise`, `region` or `chain`.
    public let subjectType: String
    /// Credit code, region code or `CHAIN/LINK`.
    public let subject: String
    public let subjectName: String
    public let region: String?
    public let zone: String?
    public let chain: String?
    public let period: String
    /// The rule or model, e.g. `rule:output-drop`, `model:robust-z`.
    public let rule: String
    /// Named inputs of the rule (values, growth rates).
    public let inputs: [String: Double]
    /// The bound that was crossed, in words.
    public let threshold: String
    public let explanation: String

    /// Inputs that are not finite (a growth over a missing base, say) are left out, so a warning always encodes.
    public init(id: String, kind: WarningKind, level: WarningLevel, subjectType: String, subject: String, subjectName: String, region: String?,
                zone: String?, chain: String?, period: String, rule: String, inputs: [String: Double], threshold: String, explanation: String) {
        self.id = id; self.kind = kind; self.level = level; self.subjectType = subjectType; self.subject = subject
        self.subjectName = subjectName; self.region = region; self.zone = zone; self.chain = chain; self.period = period; self.rule = rule
        self.inputs = inputs.filter { $0.value.isFinite }
        self.threshold = threshold; self.explanation = explanation
    }
}
