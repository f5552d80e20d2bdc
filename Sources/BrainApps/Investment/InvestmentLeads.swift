import BrainCore
import BrainData
import BrainStore
import Foundation

/// A firm outside the province that could be attracted to a chain link: from an imported list of targets.
public struct InvestmentTarget: Codable, Sendable, Hashable {
    /// 统一社会信用代码 (or another stable id of the firm).
    public var code: String
    public var name: String
    /// GB/T 2260 code of the firm's seat.
    public var region: String
    public var chain: String
    public var link: String
    /// Annual revenue in 万元, if known.
    public var revenue: Double?
    public var note: String
    public var source: String

    public init(code: String, name: String, region: String, chain: String, link: String, revenue: Double?, note: String, source: String) {
        self.code = code; self.name = name; self.region = region; self.chain = chain; self.link = link; self.revenue = revenue
        self.note = note; self.source = source
    }
}

/// A ranked 招商 candidate for one link, with the reasons it ranks where it does.
public struct InvestmentCandidate: Codable, Sendable {
    public let code: String
    public let name: String
    public let region: String
    public let regionName: String
    public let score: Double
    /// Annual value (万元) it already sells to firms of the province on this link.
    public let suppliedValue: Double
    /// Local firms it already supplies.
    public let localCustomers: Int
    /// Of those, customers inside the asked region or zone.
    public let customersInScope: Int
    public let revenue: Double?
    public let sources: [String]
    public let reasons: [String]
}

/// One link to strengthen by investment: why, and the ranked candidates.
public struct LinkLeads: Codable, Sendable {
    public let link: String
    public let name: String
    public let stage: String
    public let strength: String
    public let strengthName: String
    public let why: String
    /// For a zone: how well the link fits the zone's existing base (0–100), and why.
    public let fit: Double?
    public let fitReason: String?
    public let candidates: [InvestmentCandidate]
}

/// The 精准招商 answer for a chain in a region or zone.
public struct InvestmentLeadsReport: Codable, Sendable {
    public let chain: String
    public let chainName: String
    public let region: String
    public let regionName: String
    public let zone: String?
    public let period: String
    public let links: [LinkLeads]
    public let method: String
}

/// 精准招商: for every gap or weak link of a chain, ranks firms outside the province that already supply the province's
/// firms on that link (from the supply network) or that were imported as targets; for a zone, ranks the links by how
/// well they fit the zone's existing base.
public struct InvestmentLeads: Sendable {
    public let cube: IndicatorCube
    public let network: SupplyNetwork
    public let catalog: RegionCatalog
    public let targets: [InvestmentTarget]

    public init(cube: IndicatorCube, network: SupplyNetwork, catalog: RegionCatalog? = nil, targets: [InvestmentTarget]) {
        self.cube = cube
        self.network = network
        self.catalog = catalog ?? cube.catalog
        self.targets = targets
    }

    /// Leads for a chain in the scope; only weak and missing links unless `allLinks`.
    /// `analysis` is the chain's analysis of the same slice when the caller already has it.
    public func report(chain: IndustryChain, scope: AnalysisScope, limit: Int = 10, allLinks: Bool = false, analysis given: ChainAnalysis? = nil) -> InvestmentLeadsReport {
        let analysis = given ?? ChainAnalyzer(cube: cube, network: network, catalog: catalog).analyze(chain, scope: scope)
        let provincePrefix = String(catalog.province.code.prefix(2))
        let isProvince = catalog.region(scope.region)?.level == .province
        func inScope(_ uscc: String) -> Bool {
            guard let i = cube.firmIndex[uscc] else { return false }
            let e = cube.firms[i]
            return (isProvince || scope.counties.contains(e.region)) && (scope.zone == nil || e.zone == scope.zone)
        }
        // Outside suppliers per link: value sold into the province, local customers, customers in scope.
        struct Supplier { var name = "", region = "", value = 0.0, customers = Set<String>(), inScope = Set<String>() }
        var byLink: [String: [String: Supplier]] = [:]
        for l in network.links where l.chain == chain.code && !l.supplierRegion.hasPrefix(provincePrefix) {
            guard let link = l.link else { continue }
            var s = byLink[link, default: [:]][l.supplier, default: Supplier()]
            s.name = l.supplierName
            s.region = l.supplierRegion
            s.value += l.annualValue
            s.customers.insert(l.customer)
            if inScope(l.customer) { s.inScope.insert(l.customer) }
            byLink[link, default: [:]][l.supplier] = s
        }
        let imported = Dictionary(grouping: targets.filter { $0.chain == chain.code }, by: \.link)
        let byCode = Dictionary(uniqueKeysWithValues: analysis.links.map { ($0.code, $0) })
        var out: [LinkLeads] = []
        for a in analysis.links where allLinks || a.strength == LinkStrength.missing.rawValue || a.strength == LinkStrength.weak.rawValue {
            var pool: [String: (name: String, region: String, value: Double, customers: Int, inScope: Int, revenue: Double?, sources: [String], notes: [String])] = [:]
            for (code, s) in byLink[a.code] ?? [:] {
                pool[code] = (s.name, s.region, s.value, s.customers.count, s.inScope.count, nil, ["supply-network"], [])
            }
            for t in imported[a.code] ?? [] where !t.region.hasPrefix(provincePrefix) {
                var p = pool[t.code] ?? (t.name, t.region, 0, 0, 0, nil, [], [])
                p.revenue = t.revenue
                p.sources.append(t.source)
                if !t.note.isEmpty { p.notes.append(t.note) }
                pool[t.code] = p
            }
            let maxValue = pool.values.map(\.value).max() ?? 0
            let maxRevenue = pool.values.compactMap(\.revenue).max() ?? 0
            var candidates = pool.map { code, p -> InvestmentCandidate in
                var score = 0.0
                var reasons: [String] = []
                if p.value > 0 {
                    score += 50 * log1p(p.value) / log1p(max(maxValue, 1))
                    reasons.append(String(format: "已向省内%d家企业供应%@，年供货额%@万元", p.customers, a.name, Self.amount(p.value)))
                }
                if p.inScope > 0, !isProvince || scope.zone != nil {
                    score += min(20, Double(p.inScope) * 5)
                    reasons.append("其中\(p.inScope)家在\(analysis.regionName)，就近配套需求明确")
                }
                score += min(15, Double(p.customers) * 1.5)
                if let r = p.revenue, r > 0 {
                    score += 15 * log1p(r) / log1p(max(maxRevenue, 1))
                    reasons.append("年营业收入约\(Self.amount(r))万元")
                }
                reasons += p.notes
                if p.sources.contains(where: { $0 != "supply-network" }) { reasons.append("列入招商目标名单") }
                return InvestmentCandidate(code: code, name: p.name, region: p.region, regionName: Self.placeName(p.region, p.name),
                                           score: round1(score), suppliedValue: round2(p.value), localCustomers: p.customers,
                                           customersInScope: p.inScope, revenue: p.revenue, sources: p.sources, reasons: reasons)
            }
            candidates.sort { ($0.score, $1.code) > ($1.score, $0.code) }
            let fit = scope.zone == nil && isProvince ? nil : zoneFit(a, byCode)
            out.append(LinkLeads(link: a.code, name: a.name, stage: a.stage, strength: a.strength, strengthName: a.strengthName,
                                 why: a.strength == LinkStrength.missing.rawValue ? "补链：\(a.strengthReason)" : "强链：\(a.strengthReason)",
                                 fit: fit?.score, fitReason: fit?.reason, candidates: Array(candidates.prefix(limit))))
        }
        if scope.zone != nil || !isProvince {
            out.sort { ($0.fit ?? 0, $1.link) > ($1.fit ?? 0, $0.link) }
        }
        return InvestmentLeadsReport(chain: chain.code, chainName: chain.name, region: analysis.region, regionName: analysis.regionName,
                                     zone: scope.zone, period: analysis.period, links: out,
                                     method: "候选企业来自供应网络中向省内企业供货的省外企业和导入的招商目标名单；得分 = 对省内供货额（对数，50分）+ 本地客户数（15分）+ 本地区客户（20分）+ 营业收入（对数，15分）。开发区或地区视角下，各环节按与现有产业基础的契合度排序。")
    }

    /// How well a link fits a region's or zone's existing base: local output on the links next to it.
    func zoneFit(_ a: LinkAnalysis, _ byCode: [String: LinkAnalysis]) -> (score: Double, reason: String) {
        let neighbours = (a.upstream + a.downstream).compactMap { byCode[$0] }
        let present = neighbours.filter { $0.localFirms > 0 }
        guard !present.isEmpty else { return (0, "相邻环节本地均无企业，缺少配套基础") }
        let output = present.reduce(0) { $0 + ($1.output ?? 0) }
        let firms = present.reduce(0) { $0 + $1.localFirms }
        let coverage = Double(present.count) / Double(max(neighbours.count, 1))
        let score = min(100, 60 * coverage + 40 * min(1, log10(max(output, 1)) / 7))
        let down = present.filter { a.downstream.contains($0.code) }.map(\.name)
        let up = present.filter { a.upstream.contains($0.code) }.map(\.name)
        var parts: [String] = []
        if !down.isEmpty { parts.append("下游已有\(down.joined(separator: "、"))") }
        if !up.isEmpty { parts.append("上游已有\(up.joined(separator: "、"))") }
        return (round1(score), "\(parts.joined(separator: "，"))，相邻环节本地企业\(firms)家、产值\(Self.amount(output))万元")
    }

    static func amount(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A readable place for a region code outside the province: the supplier's name usually starts with it.
    static func placeName(_ region: String, _ name: String) -> String {
        let known = ["44": "广东", "32": "江苏", "33": "浙江", "31": "上海", "35": "福建", "43": "湖南", "42": "湖北", "34": "安徽",
                     "37": "山东", "11": "北京", "51": "四川", "61": "陕西", "12": "天津", "50": "重庆", "41": "河南"]
        return known[String(region.prefix(2))] ?? region
    }
}

extension Store {
    /// The imported investment targets.
    public func investmentTargets() async throws -> [InvestmentTarget] { try await documents(.investmentTargets, as: InvestmentTarget.self) }
    public func saveInvestmentTargets(_ targets: [InvestmentTarget]) async throws {
        try await putDocuments(.investmentTargets, targets.map { DocumentRow(key: $0.code, values: [$0.link], doc: $0) })
    }
}
