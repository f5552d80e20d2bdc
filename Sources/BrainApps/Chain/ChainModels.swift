/// Strength of a chain link in a region (强/较强/弱/缺).
public enum LinkStrength: String, Codable, Sendable {
    case strong, fair, weak, missing

    public var nameZh: String {
        switch self {
        case .strong: return "强"
        case .fair: return "较强"
        case .weak: return "弱"
        case .missing: return "缺"
        }
    }
}

/// A 链主 candidate: a leading firm of a link with its share and supply-network centrality.
public struct LeadFirm: Codable, Sendable {
    public let uscc: String
    public let name: String
    public let region: String
    /// Trailing-12-month output (万元) credited to this link.
    public let output: Double
    /// Share of the link's output in the region, %.
    public let share: Double
    public let pageRank: Double
    public let betweenness: Double
    public let customers: Int
    public let suppliers: Int
}

/// One link of a chain analysed for a region.
public struct LinkAnalysis: Codable, Sendable {
    public let code: String
    public let name: String
    public let stage: String
    public let products: [String]
    public let localFirms: Int
    /// Trailing-12-month output of the region's firms on the link (万元); absent when withheld (`suppressed`).
    public var output: Double?
    /// Share of the chain's output in the region, %; absent when withheld.
    public var share: Double?
    /// The region's share of the province's output on this link, %; absent when withheld.
    public var shareOfProvince: Double?
    public let strength: String
    public let strengthName: String
    /// Why the strength is what it is.
    public var strengthReason: String
    /// Leading firms; only those the viewer may read one by one.
    public var leaders: [LeadFirm]
    /// 本地配套率: share of the link firms' purchases bought from suppliers inside the province, %.
    public let localSupplyRate: Double?
    /// Supplier concentration of the link's purchases (HHI, 0–10000).
    public let supplierHHI: Double?
    /// A supplier carrying more than half the link's purchases, if any.
    public let dominantSupplier: String?
    public let dominantSupplierShare: Double?
    /// Firms on the link that buy more than half their inputs from one supplier.
    public let singleSupplierFirms: Int
    public let upstream: [String]
    public let downstream: [String]
    /// Why the link's figures are withheld from this viewer (statistical disclosure control), when they are.
    public var suppressed: String? = nil
    /// Output credited to each member firm (for disclosure control; never encoded).
    var members: [String: Double] = [:]

    enum CodingKeys: String, CodingKey {
        case code, name, stage, products, localFirms, output, share, shareOfProvince, strength, strengthName, strengthReason, leaders
        case localSupplyRate, supplierHHI, dominantSupplier, dominantSupplierShare, singleSupplierFirms, upstream, downstream, suppressed
    }
}

/// The 产业链分析 answer: every link, then the links to fill (补链), extend (延链) and strengthen.
public struct ChainAnalysis: Codable, Sendable {
    public let chain: String
    public let chainName: String
    public let region: String
    public let regionName: String
    public let period: String
    public let firms: Int
    /// Trailing-12-month output of the chain's firms in the region (万元); absent when withheld (`suppressed`).
    public var output: Double?
    public var links: [LinkAnalysis]
    /// Links with no local firm: 补链 targets, with their reason.
    public let gaps: [Recommendation]
    /// Links fed by a strong link but weak or missing themselves: 延链 targets.
    public let extend: [Recommendation]
    /// The network measures' basis.
    public let network: NetworkInfo
    /// Why the chain's total is withheld from this viewer, when it is.
    public var suppressed: String? = nil

    public struct Recommendation: Codable, Sendable {
        public let link: String
        public let name: String
        public let reason: String
    }

    public struct NetworkInfo: Codable, Sendable {
        public let nodes: Int
        public let edges: Int
        public let betweennessSources: Int
    }
}

extension ChainAnalysis {
    /// The analysis as a viewer may see it: `readable` says which firms (by credit code) the viewer may read one by one.
    /// Leaders it may not read are left out; a link (or the chain's total) whose unreadable part could reveal one firm
    /// (`DisclosureRule`) shows no output or shares and says why. A viewer who reads every firm gets the analysis as is.
    public func redacted(readable: (String) -> Bool, rule: DisclosureRule = DisclosureRule()) -> ChainAnalysis {
        var out = self
        var chainHidden = DisclosureRule.Hidden()
        var seen = Set<String>()
        for k in out.links.indices {
            var hidden = DisclosureRule.Hidden()
            for (uscc, v) in out.links[k].members where !readable(uscc) {
                hidden.add(v)
                if seen.insert(uscc).inserted { chainHidden.add(v) }
            }
            guard hidden.firms > 0 else { continue }
            out.links[k].leaders = out.links[k].leaders.filter { readable($0.uscc) }
            if let why = rule.suppression(hidden) {
                out.links[k].output = nil
                out.links[k].share = nil
                out.links[k].shareOfProvince = nil
                out.links[k].strengthReason = "本地\(out.links[k].localFirms)家企业；" + why
                out.links[k].suppressed = why
            }
        }
        if let why = rule.suppression(chainHidden) {
            out.output = nil
            out.suppressed = why
            // A link's share of a withheld total would give the total back.
            for k in out.links.indices where out.links[k].suppressed == nil { out.links[k].share = nil }
        }
        return out
    }
}
