import BrainCore
import BrainData
import BrainStore

/// 产业链分析: strength of every link of a chain in a region, leading firms, local supply, concentration, and the
/// links to fill or extend.
public struct ChainAnalyzer: Sendable {
    public let cube: IndicatorCube
    public let network: SupplyNetwork
    public let catalog: RegionCatalog

    public init(cube: IndicatorCube, network: SupplyNetwork, catalog: RegionCatalog? = nil) {
        self.cube = cube
        self.network = network
        self.catalog = catalog ?? cube.catalog
    }

    /// Trailing-12-month output of a firm ending at `end` (0 when it reported nothing).
    func output12(_ i: Int, end: Month) -> Double {
        var s = 0.0
        for k in 0..<12 {
            let v = cube.value(.outputValue, firm: i, month: end.adding(months: -k))
            if !v.isNaN { s += v }
        }
        return s
    }

    /// A region below the province holding at least this share (%) of the province's output on a link, with the link at
    /// least 0.6 times its average link, is strong in it.
    static let provinceBaseShare = 30.0

    public func analyze(_ chain: IndustryChain, scope: AnalysisScope) -> ChainAnalysis {
        let end = scope.period.end
        let isProvince = catalog.region(scope.region)?.level == .province
        func inScope(_ e: Enterprise) -> Bool {
            (isProvince || scope.counties.contains(e.region)) && (scope.zone == nil || e.zone == scope.zone)
        }
        // Members of each link (province-wide and in scope) with the output credited to the link.
        var provinceOutput: [String: Double] = [:]
        var members: [String: [(firm: Int, output: Double)]] = [:]
        for i in 0..<cube.firmCount {
            let e = cube.firms[i]
            let mine = e.chainLinks.filter { $0.hasPrefix(chain.code + "-") }
            guard !mine.isEmpty else { continue }
            let share = output12(i, end: end) / Double(e.chainLinks.count)
            for link in mine {
                provinceOutput[link, default: 0] += share
                if inScope(e) { members[link, default: []].append((i, share)) }
            }
        }
        let chainOutput = chain.links.reduce(0.0) { acc, l in acc + (members[l.code] ?? []).reduce(0) { $0 + $1.output } }
        let linkCount = Double(chain.links.count)
        var analyses: [LinkAnalysis] = []
        for link in chain.links {
            let m = (members[link.code] ?? []).sorted { $0.output > $1.output }
            let output = m.reduce(0) { $0 + $1.output }
            let share = chainOutput > 0 ? output / chainOutput * 100 : 0
            let q = share / 100 * linkCount
            let strength: LinkStrength
            var reason: String
            // Below the province, a region holding a large part of the province's output on the link is strong in it
            // even when its chain is spread over many links (赣州's rare earths beside its tungsten).
            let provinceShare = !isProvince && (provinceOutput[link.code] ?? 0) > 0 ? output / provinceOutput[link.code]! * 100 : 0
            if m.isEmpty {
                strength = .missing
                reason = "本地无\(link.name)企业"
            } else {
                let base = q >= 0.6 && provinceShare >= Self.provinceBaseShare
                strength = q >= 1.5 || base ? .strong : q >= 0.6 ? .fair : .weak
                reason = String(format: "本地%d家企业，环节产值占全链%.1f%%，为各环节平均水平的%.1f倍", m.count, share, q)
                if base, q < 1.5 { reason += String(format: "；占全省该环节产值%.1f%%，是全省主要基地", provinceShare) }
            }
            let leaders = m.prefix(3).map { item -> LeadFirm in
                let e = cube.firms[item.firm]
                let node = network.index[e.uscc]
                return LeadFirm(uscc: e.uscc, name: e.name, region: e.region, output: round2(item.output),
                                share: output > 0 ? round2(item.output / output * 100) : 0,
                                pageRank: node.map { network.pageRank[$0] } ?? 0, betweenness: node.map { network.betweenness[$0] } ?? 0,
                                customers: node.map { network.outDegree[$0] } ?? 0, suppliers: node.map { network.inDegree[$0] } ?? 0)
            }
            let supply = supplyFigures(firms: m.map { cube.firms[$0.firm].uscc })
            analyses.append(LinkAnalysis(code: link.code, name: link.name, stage: link.stage.nameZh, products: link.products,
                                         localFirms: m.count, output: round2(output), share: round2(share),
                                         shareOfProvince: (provinceOutput[link.code] ?? 0) > 0 ? round2(output / provinceOutput[link.code]! * 100) : 0,
                                         strength: strength.rawValue, strengthName: strength.nameZh, strengthReason: reason,
                                         leaders: Array(leaders), localSupplyRate: supply.localRate, supplierHHI: supply.hhi,
                                         dominantSupplier: supply.dominant, dominantSupplierShare: supply.dominantShare,
                                         singleSupplierFirms: supply.singleSupplierFirms,
                                         upstream: chain.suppliers(of: link.code).map(\.code), downstream: link.feeds,
                                         members: Dictionary(m.map { (cube.firms[$0.firm].uscc, $0.output) }, uniquingKeysWith: +)))
        }
        let byCode = Dictionary(uniqueKeysWithValues: analyses.map { ($0.code, $0) })
        let gaps = analyses.filter { $0.strength == LinkStrength.missing.rawValue }.map { a in
            ChainAnalysis.Recommendation(link: a.code, name: a.name,
                                         reason: "本地无企业，\(a.products.prefix(3).joined(separator: "、"))依赖外部供给；上游：\(names(a.upstream, byCode))，下游：\(names(a.downstream, byCode))")
        }
        let extend = analyses.filter { $0.strength == LinkStrength.weak.rawValue || $0.strength == LinkStrength.missing.rawValue }.compactMap { a -> ChainAnalysis.Recommendation? in
            let strongUp = a.upstream.filter { byCode[$0]?.strength == LinkStrength.strong.rawValue }
            guard !strongUp.isEmpty else { return nil }
            return ChainAnalysis.Recommendation(link: a.code, name: a.name,
                                                reason: "上游\(names(strongUp, byCode))基础较强，可向下延伸发展\(a.products.prefix(3).joined(separator: "、"))")
        }
        return ChainAnalysis(chain: chain.code, chainName: chain.name, region: scope.region,
                             regionName: scope.zone.flatMap { catalog.zone($0)?.shortName } ?? catalog.region(scope.region)?.name ?? scope.region,
                             period: end.description, firms: Set(members.values.flatMap { $0.map(\.firm) }).count, output: round2(chainOutput),
                             links: analyses, gaps: gaps, extend: extend,
                             network: .init(nodes: network.graph.nodeCount, edges: network.graph.edgeCount, betweennessSources: network.betweennessSources))
    }

    private func names(_ codes: [String], _ byCode: [String: LinkAnalysis]) -> String {
        codes.isEmpty ? "无" : codes.map { byCode[$0]?.name ?? $0 }.joined(separator: "、")
    }

    /// Purchases of the given firms: local share, supplier HHI, a supplier above half, and firms with one main supplier.
    func supplyFigures(firms: [String]) -> (localRate: Double?, hhi: Double?, dominant: String?, dominantShare: Double?, singleSupplierFirms: Int) {
        var total = 0.0, local = 0.0
        var bySupplier: [String: Double] = [:]
        var names: [String: String] = [:]
        var single = 0
        for code in firms {
            guard let rows = network.purchases[code] else { continue }
            var mine: [String: Double] = [:]
            var mineTotal = 0.0
            for k in rows {
                let l = network.links[k]
                total += l.annualValue
                mineTotal += l.annualValue
                if l.supplierRegion.hasPrefix(String(catalog.province.code.prefix(2))) { local += l.annualValue }
                bySupplier[l.supplier, default: 0] += l.annualValue
                mine[l.supplier, default: 0] += l.annualValue
                names[l.supplier] = l.supplierName
            }
            if mineTotal > 0, let top = mine.values.max(), top / mineTotal > 0.5 { single += 1 }
        }
        guard total > 0 else { return (nil, nil, nil, nil, single) }
        let hhi = bySupplier.values.reduce(0) { $0 + ($1 / total) * ($1 / total) } * 10_000
        let top = bySupplier.max { $0.value < $1.value }
        let dominant = top.flatMap { $0.value / total > 0.5 ? $0 : nil }
        return (round2(local / total * 100), round2(hhi), dominant.map { names[$0.key] ?? $0.key },
                dominant.map { round2($0.value / total * 100) }, single)
    }
}

func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
