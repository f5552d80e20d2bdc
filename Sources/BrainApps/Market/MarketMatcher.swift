import BrainStore
import Foundation

/// 贸易撮合 engine: an in-memory index of market listings that finds the best counterparts of a listing.
///
/// At init every listing gets precomputed features (sorted bigram/unigram hashes of the normalised product name, spec
/// tokens, link/chain/firm/unit ids, class and division, region, validity as yyyyMMdd), and the open listings are put in
/// inverted indexes by kind (bigram, unigram, link, chain, class, division, firm). A query gathers candidates in two
/// tiers: tier A (a shared product bigram, the query's own / upstream / downstream links, the same class, firms it
/// already trades with) holds every listing that can score product, relation, chain above 6 or industry above 5 points;
/// everything else can reach at most 36 points (chain 6 + division 5 + distance 15 + capacity 10), so tier B (same chain,
/// same division) is scanned only when the k-th best score of tier A is not above that. Scores are kept in tenths so
/// ranking, parts and totals agree exactly; ties go to the smaller listing id. Weights: see `MarketWeights`.
public final class MarketIndex: Sendable {
    let listings: [MarketListing]
    let context: MarketContext

    // Per-listing features (index = position in `listings`).
    let isSupply: [Bool]
    let usccId: [Int32]
    let linkId: [Int32]
    let chainId: [Int32]
    let classCode: [Int32]
    let divisionCode: [Int32]
    let region: [Int32]
    let validFrom: [Int32]
    let validUntil: [Int32]
    let quantity: [Double]
    let unitId: [Int32]
    let whole: [UInt64]
    let biOff: [Int32], bigrams: [UInt32]
    let uniOff: [Int32], unigrams: [UInt32]
    let specOff: [Int32], specs: [UInt32]

    // Dictionaries.
    let usccIds: [String: Int32]
    let linkIds: [String: Int32]
    let chainIds: [String: Int32]
    let unitIds: [String: Int32]
    /// Link id → ids of its supplier links / customer links.
    let linkSup: [[Int32]]
    let linkCus: [[Int32]]
    /// Firm id → ids of the firms it sells to / buys from.
    let sellsTo: [Int32: Set<Int32>]
    let buysFrom: [Int32: Set<Int32>]
    let homeProvince: Int32
    let neighbours: [Int32]

    // Inverted indexes of the open listings, [0] supply, [1] demand.
    let gramPost: [[UInt32: [Int32]]]
    let uniPost: [[UInt32: [Int32]]]
    let singlePost: [[UInt32: [Int32]]]
    let linkPost: [[[Int32]]]
    let chainPost: [[[Int32]]]
    let classPost: [[Int32: [Int32]]]
    let divPost: [[Int32: [Int32]]]
    let firmPost: [[[Int32]]]

    /// Number of listings indexed (open or not).
    public var count: Int { listings.count }

    public init(listings: [MarketListing], context: MarketContext) {
        self.listings = listings
        self.context = context
        let n = listings.count

        var usccIds: [String: Int32] = [:], linkIds: [String: Int32] = [:], chainIds: [String: Int32] = [:]
        var unitIds: [String: Int32] = [:]
        func id(_ key: String, _ dict: inout [String: Int32]) -> Int32 {
            if let v = dict[key] { return v }
            let v = Int32(dict.count); dict[key] = v; return v
        }
        // Links and firms of the context first, so queries about them resolve even without listings.
        for (link, sups) in context.linkSuppliers {
            _ = id(link, &linkIds)
            for s in sups { _ = id(s, &linkIds) }
        }
        var sellsTo: [Int32: Set<Int32>] = [:], buysFrom: [Int32: Set<Int32>] = [:]
        for rel in context.pastRelations {
            let p = rel.split(separator: "|", omittingEmptySubsequences: false)
            guard p.count == 2, !p[0].isEmpty, !p[1].isEmpty else { continue }
            let s = id(String(p[0]), &usccIds), c = id(String(p[1]), &usccIds)
            sellsTo[s, default: []].insert(c); buysFrom[c, default: []].insert(s)
        }

        var isSupply = [Bool](), usccId = [Int32](), linkId = [Int32](), chainId = [Int32]()
        var classCode = [Int32](), divisionCode = [Int32](), region = [Int32](), from = [Int32](), until = [Int32]()
        var quantity = [Double](), unitId = [Int32](), whole = [UInt64]()
        var biOff: [Int32] = [0], bigrams = [UInt32](), uniOff: [Int32] = [0], unigrams = [UInt32]()
        var specOff: [Int32] = [0], specs = [UInt32]()
        isSupply.reserveCapacity(n); usccId.reserveCapacity(n); linkId.reserveCapacity(n); chainId.reserveCapacity(n)
        classCode.reserveCapacity(n); divisionCode.reserveCapacity(n); region.reserveCapacity(n)
        from.reserveCapacity(n); until.reserveCapacity(n); quantity.reserveCapacity(n); unitId.reserveCapacity(n)
        whole.reserveCapacity(n); biOff.reserveCapacity(n + 1); uniOff.reserveCapacity(n + 1); specOff.reserveCapacity(n + 1)

        for l in listings {
            isSupply.append(l.kind == .supply)
            usccId.append(id(l.uscc, &usccIds))
            linkId.append(l.link.flatMap { $0.isEmpty ? nil : id($0, &linkIds) } ?? -1)
            chainId.append(MarketText.chain(of: l).map { id($0, &chainIds) } ?? -1)
            let (cls, div) = MarketIndex.industry(l.industry)
            classCode.append(cls); divisionCode.append(div)
            region.append(MarketText.region(l.region))
            from.append(MarketText.day(l.validFrom, fallback: 0))
            until.append(MarketText.day(l.validUntil, fallback: 99_999_999))
            let (u, f) = MarketText.unit(l.unit)
            quantity.append(usableQuantity(l.quantity * f)); unitId.append(id(u, &unitIds))
            let g = MarketText.grams(l.product)
            whole.append(g.whole)
            bigrams.append(contentsOf: g.bigrams); biOff.append(Int32(bigrams.count))
            unigrams.append(contentsOf: g.unigrams); uniOff.append(Int32(unigrams.count))
            specs.append(contentsOf: MarketText.specTokens(l.spec)); specOff.append(Int32(specs.count))
        }

        var linkSup = [[Int32]](repeating: [], count: linkIds.count)
        var linkCus = [[Int32]](repeating: [], count: linkIds.count)
        for (link, sups) in context.linkSuppliers {
            guard let to = linkIds[link] else { continue }
            for s in sups.sorted() {
                guard let fr = linkIds[s] else { continue }
                linkSup[Int(to)].append(fr); linkCus[Int(fr)].append(to)
            }
        }

        var gramPost = [[UInt32: [Int32]]](repeating: [:], count: 2)
        var uniPost = gramPost, singlePost = gramPost
        var linkPost = [[[Int32]]](repeating: [[Int32]](repeating: [], count: linkIds.count), count: 2)
        var chainPost = [[[Int32]]](repeating: [[Int32]](repeating: [], count: chainIds.count), count: 2)
        var firmPost = [[[Int32]]](repeating: [[Int32]](repeating: [], count: usccIds.count), count: 2)
        var classPost = [[Int32: [Int32]]](repeating: [:], count: 2)
        var divPost = classPost
        for i in 0..<n where listings[i].state == "open" {
            let k = isSupply[i] ? 0 : 1, ii = Int32(i)
            let bs = Int(biOff[i]), be = Int(biOff[i + 1])
            for j in bs..<be { gramPost[k][bigrams[j], default: []].append(ii) }
            for j in Int(uniOff[i])..<Int(uniOff[i + 1]) {
                uniPost[k][unigrams[j], default: []].append(ii)
                if bs == be { singlePost[k][unigrams[j], default: []].append(ii) }
            }
            if linkId[i] >= 0 { linkPost[k][Int(linkId[i])].append(ii) }
            if chainId[i] >= 0 { chainPost[k][Int(chainId[i])].append(ii) }
            firmPost[k][Int(usccId[i])].append(ii)
            if classCode[i] >= 0 { classPost[k][classCode[i], default: []].append(ii) }
            if divisionCode[i] >= 0 { divPost[k][divisionCode[i], default: []].append(ii) }
        }

        self.isSupply = isSupply; self.usccId = usccId; self.linkId = linkId; self.chainId = chainId
        self.classCode = classCode; self.divisionCode = divisionCode; self.region = region
        self.validFrom = from; self.validUntil = until; self.quantity = quantity; self.unitId = unitId; self.whole = whole
        self.biOff = biOff; self.bigrams = bigrams; self.uniOff = uniOff; self.unigrams = unigrams
        self.specOff = specOff; self.specs = specs
        self.usccIds = usccIds; self.linkIds = linkIds; self.chainIds = chainIds; self.unitIds = unitIds
        self.linkSup = linkSup; self.linkCus = linkCus; self.sellsTo = sellsTo; self.buysFrom = buysFrom
        self.homeProvince = Int32(context.homeProvince) ?? 36
        self.neighbours = context.neighbourProvinces.compactMap { Int32($0) }.sorted()
        self.gramPost = gramPost; self.uniPost = uniPost; self.singlePost = singlePost; self.linkPost = linkPost
        self.chainPost = chainPost; self.classPost = classPost; self.divPost = divPost; self.firmPost = firmPost
    }

    /// (class, division) of a GB/T 4754 code: a 4-digit class gives both, a 2-digit division only the division.
    static func industry(_ raw: String?) -> (Int32, Int32) {
        guard let raw, raw.count == 4 || raw.count == 2, let v = Int32(raw), v >= 0 else { return (-1, -1) }
        return raw.count == 4 ? (v, v / 100) : (-1, v)
    }

    /// Top counterparts for a listing: supply listings for a demand, demand listings for a supply; open, date ranges
    /// overlapping, other enterprise. Sorted by score (desc), then listing id.
    /// Top counterparts for a listing. `exhaustive` scores every listing instead of the index's candidates (the
    /// benchmark's baseline; the result is the same).
    /// `today` (yyyy-MM-dd, Beijing) leaves out listings whose window has passed: they stay `open` until closed, but an
    /// expired offer is no counterpart.
    public func matches(for listing: MarketListing, limit: Int = 10, exhaustive: Bool = false, today: String? = nil) -> [MarketMatch] {
        guard limit > 0 else { return [] }
        var probe = makeProbe(listing)
        if let today { probe.from = max(probe.from, MarketText.day(today, fallback: 0)) }
        let other = listing.kind == .supply ? 1 : 0
        var heap = MarketTopK(limit: limit, listings: listings)
        var seen = [UInt64](repeating: 0, count: listings.count / 64 + 1)

        bigrams.withUnsafeBufferPointer { bi in
            unigrams.withUnsafeBufferPointer { uni in
                specs.withUnsafeBufferPointer { sp in
                    probe.bigrams.withUnsafeBufferPointer { pbi in
                        probe.unigrams.withUnsafeBufferPointer { puni in
                            probe.spec.withUnsafeBufferPointer { psp in
                                let scorer = MarketScorer(ix: self, probe: probe, bi: bi, uni: uni, spec: sp,
                                                          pBi: pbi, pUni: puni, pSpec: psp)
                                func visit(_ ids: [Int32]) {
                                    for c in ids {
                                        let i = Int(c), w = i >> 6, bit = UInt64(1) << UInt64(i & 63)
                                        if seen[w] & bit != 0 { continue }
                                        seen[w] |= bit
                                        guard scorer.eligible(i) else { continue }
                                        let e = scorer.evaluate(i)
                                        guard e.productT > 0 || e.chainT > 0 || e.industryT > 0 else { continue }
                                        heap.offer(tenths: e.total, index: c)
                                    }
                                }
                                if exhaustive {
                                    // Every open listing of the other kind (the postings by firm hold them all).
                                    for ids in firmPost[other] { visit(ids) }
                                    return
                                }
                                // Tier A.
                                for g in probe.bigrams { if let p = gramPost[other][g] { visit(p) } }
                                for g in probe.unigrams { if let p = singlePost[other][g] { visit(p) } }
                                if probe.bigrams.isEmpty { for g in probe.unigrams { if let p = uniPost[other][g] { visit(p) } } }
                                if probe.link >= 0 {
                                    visit(linkPost[other][Int(probe.link)])
                                    for l in probe.direct { visit(linkPost[other][Int(l)]) }
                                    for l in probe.reverse { visit(linkPost[other][Int(l)]) }
                                }
                                if probe.classCode >= 0, let p = classPost[other][probe.classCode] { visit(p) }
                                for f in probe.forward.union(probe.backward) { visit(firmPost[other][Int(f)]) }
                                // Tier B, only when it could still reach the top k.
                                let bound = MarketWeights.chainSameChainT + MarketWeights.industryDivisionT
                                    + MarketWeights.countyT + Int(MarketWeights.capacity * 10)
                                if !(heap.isFull && heap.worstTenths > bound) {
                                    if probe.chain >= 0 { visit(chainPost[other][Int(probe.chain)]) }
                                    if probe.division >= 0, let p = divPost[other][probe.division] { visit(p) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return heap.sorted().map { explain(probe: probe, query: listing, index: Int($0.index)) }
    }

    // MARK: - Probe

    /// Features of a query listing, resolved against the index's dictionaries.
    struct Probe {
        var supply: Bool
        var uscc: Int32, link: Int32, chain: Int32, classCode: Int32, division: Int32, region: Int32
        var from: Int32, until: Int32
        var quantity: Double, unit: Int32
        var whole: UInt64
        var bigrams: [UInt32], unigrams: [UInt32], spec: [UInt32]
        /// Candidate links in a direct supplier→customer relation with the query's link, and in the reverse one.
        var direct: [Int32], reverse: [Int32]
        /// Firms the query firm trades with in the direction of this match, and the other way round.
        var forward: Set<Int32>, backward: Set<Int32>
    }

    func makeProbe(_ l: MarketListing) -> Probe {
        let supply = l.kind == .supply
        let uscc = usccIds[l.uscc] ?? -1
        let link = l.link.flatMap { linkIds[$0] } ?? -1
        let g = MarketText.grams(l.product)
        let (cls, div) = MarketIndex.industry(l.industry)
        let (u, f) = MarketText.unit(l.unit)
        let sup = link >= 0 ? linkSup[Int(link)] : [], cus = link >= 0 ? linkCus[Int(link)] : []
        let sells = uscc >= 0 ? sellsTo[uscc] ?? [] : [], buys = uscc >= 0 ? buysFrom[uscc] ?? [] : []
        return Probe(supply: supply, uscc: uscc, link: link, chain: MarketText.chain(of: l).flatMap { chainIds[$0] } ?? -1,
                     classCode: cls, division: div, region: MarketText.region(l.region),
                     from: MarketText.day(l.validFrom, fallback: 0), until: MarketText.day(l.validUntil, fallback: 99_999_999),
                     quantity: usableQuantity(l.quantity * f), unit: unitIds[u] ?? -2, whole: g.whole,
                     bigrams: g.bigrams, unigrams: g.unigrams, spec: MarketText.specTokens(l.spec),
                     direct: supply ? cus : sup, reverse: supply ? sup : cus,
                     forward: supply ? sells : buys, backward: supply ? buys : sells)
    }

    // MARK: - Explanation

    func explain(probe: Probe, query q: MarketListing, index i: Int) -> MarketMatch {
        let c = listings[i]
        let e = bigrams.withUnsafeBufferPointer { bi in
            unigrams.withUnsafeBufferPointer { uni in
                specs.withUnsafeBufferPointer { sp in
                    probe.bigrams.withUnsafeBufferPointer { pbi in
                        probe.unigrams.withUnsafeBufferPointer { puni in
                            probe.spec.withUnsafeBufferPointer { psp in
                                MarketScorer(ix: self, probe: probe, bi: bi, uni: uni, spec: sp, pBi: pbi, pUni: puni,
                                             pSpec: psp).evaluate(i)
                            }
                        }
                    }
                }
            }
        }
        let (s, d) = probe.supply ? (q, c) : (c, q)
        var parts: [ScorePart] = []
        var highlights: [String] = []

        // Product.
        let pair = "\(q.product) / \(c.product)"
        var productReason: String
        switch e.sim {
        case 0.999...: productReason = "产品名称一致（\(c.product)）"; highlights.append("产品一致")
        case 0.7..<0.999: productReason = "产品名称高度相似（\(pair)）"; highlights.append("产品高度相似")
        case 0.4..<0.7: productReason = "产品名称部分相似（\(pair)）"; highlights.append("产品部分相似")
        case let x where x > 0: productReason = "产品名称略有相关（\(pair)）"
        default: productReason = "产品名称无共同字词（\(pair)）"
        }
        if e.sim > 0, let qs = q.spec, let cs = c.spec, !qs.isEmpty, !cs.isEmpty {
            if e.specFit >= 0.999 { productReason += "，规格一致（\(cs)）" }
            else if e.specFit > 0 { productReason += "，规格部分相符（\(qs) / \(cs)）" }
            else { productReason += "，规格不同（\(qs) / \(cs)）" }
        }
        parts.append(ScorePart(factor: "product", points: MarketText.points(e.productT), max: MarketWeights.product,
                               reason: productReason))

        // Industry.
        let industryReason: String
        switch e.industryKind {
        case 2: industryReason = "同属国民经济行业小类\(c.industry ?? "")"; highlights.append("同行业小类")
        case 1: industryReason = "同属行业大类\(probe.division < 10 ? "0" : "")\(probe.division)（\(q.industry ?? "") / \(c.industry ?? "")）"
        case 0: industryReason = "行业不同（\(q.industry ?? "") / \(c.industry ?? "")）"
        default: industryReason = "行业代码未注明"
        }
        parts.append(ScorePart(factor: "industry", points: MarketText.points(e.industryT), max: MarketWeights.industry,
                               reason: industryReason))

        // Chain.
        let chainReason: String
        let sl = s.link ?? "", dl = d.link ?? ""
        switch e.chainKind {
        case 4:
            chainReason = "供方环节\(sl)是需方环节\(dl)的直接上游（上下游直供）"
            highlights.append(probe.supply ? "对方为直接下游客户" : "对方为直接上游供应商")
        case 3: chainReason = "同一产业链环节（\(sl)）"; highlights.append("同一产业链环节")
        case 2: chainReason = "环节存在反向供应关系（\(dl) → \(sl)），同属产业链关联"
        case 1: chainReason = "同属\(MarketText.chain(of: c) ?? "")产业链（\(q.link ?? "-") / \(c.link ?? "-")）"; highlights.append("同一产业链")
        case 0: chainReason = "产业链环节无关联（\(q.link ?? "-") / \(c.link ?? "-")）"
        default: chainReason = "未标注产业链环节"
        }
        parts.append(ScorePart(factor: "chain", points: MarketText.points(e.chainT), max: MarketWeights.chain,
                               reason: chainReason))

        // Distance.
        let cr = region[i], qp = probe.region / 10000, cp = cr / 10000
        let distanceReason: String
        switch e.distanceKind {
        case 5: distanceReason = "同一县区（\(c.region)）"; highlights.append("同县区")
        case 4: distanceReason = "同一设区市（\(cr / 100)00）"; highlights.append("同城")
        case 3: distanceReason = "同在省内（\(MarketText.province(cp))）"; highlights.append("省内")
        case 2: distanceReason = "同在\(MarketText.province(cp))（均在省外）"
        case 1:
            distanceReason = "邻省（\(MarketText.province(qp == homeProvince ? cp : qp))）"; highlights.append("邻省")
        case 0: distanceReason = "距离较远（\(MarketText.province(qp)) / \(MarketText.province(cp))）"
        default: distanceReason = "地区代码未知"
        }
        parts.append(ScorePart(factor: "distance", points: MarketText.points(e.distanceT), max: MarketWeights.distance,
                               reason: distanceReason))

        // Capacity.
        let sq = "\(MarketText.quantity(s.quantity))\(s.unit)", dq = "\(MarketText.quantity(d.quantity))\(d.unit)"
        let capacityReason: String
        switch e.capacityKind {
        case 3: capacityReason = "供给量\(sq)可覆盖需求量\(dq)"; highlights.append("可满足全部需求量")
        case 2:
            let pct = Int((e.ratio * 100).rounded())
            capacityReason = "供给量\(sq)，可满足需求量\(dq)的\(pct)%"; highlights.append("可满足需求量的\(pct)%")
        case 1: capacityReason = d.quantity > 0 ? "供给量未注明，按半数计分" : "需求量未注明，按半数计分"
        default: capacityReason = "计量单位不一致（\(s.unit) / \(d.unit)），无法比较供需数量"
        }
        parts.append(ScorePart(factor: "capacity", points: MarketText.points(e.capacityT), max: MarketWeights.capacity,
                               reason: capacityReason))

        // Relation.
        let relationReason: String
        switch e.relationKind {
        case 2: relationReason = "双方已有供货往来（\(s.company) → \(d.company)）"; highlights.append("已有合作")
        case 1: relationReason = "双方存在反向购销往来（\(d.company) → \(s.company)）"; highlights.append("有往来")
        default: relationReason = "双方暂无交易记录"
        }
        parts.append(ScorePart(factor: "relation", points: MarketText.points(e.relationT), max: MarketWeights.relation,
                               reason: relationReason))

        let score = MarketText.points(e.total)
        let verb = c.kind == .supply ? "供应" : "求购"
        let summary = "\(c.company)\(verb)「\(c.product)」，匹配度\(MarketText.quantity(score))分"
            + (highlights.isEmpty ? "" : "：" + highlights.joined(separator: "、"))
        return MarketMatch(listing: c, score: score, parts: parts, summary: summary)
    }
}

/// Scores one candidate against a probe; everything in tenths of a point, no strings.
struct MarketScorer {
    /// Points and the grade of every factor (kinds are small codes the explanation maps to words).
    struct Eval {
        var productT = 0, industryT = 0, chainT = 0, distanceT = 0, capacityT = 0, relationT = 0
        var sim = 0.0, specFit = 0.0, ratio = 0.0
        var industryKind = -1, chainKind = -1, distanceKind = -1, capacityKind = 0, relationKind = 0
        var total: Int { productT + industryT + chainT + distanceT + capacityT + relationT }
    }

    let ix: MarketIndex
    let probe: MarketIndex.Probe
    let bi: UnsafeBufferPointer<UInt32>, uni: UnsafeBufferPointer<UInt32>, spec: UnsafeBufferPointer<UInt32>
    let pBi: UnsafeBufferPointer<UInt32>, pUni: UnsafeBufferPointer<UInt32>, pSpec: UnsafeBufferPointer<UInt32>

    /// Other firm, overlapping validity (kind and state are guaranteed by the postings).
    @inline(__always) func eligible(_ i: Int) -> Bool {
        ix.usccId[i] != probe.uscc && ix.validFrom[i] <= probe.until && probe.from <= ix.validUntil[i]
    }

    func evaluate(_ i: Int) -> Eval {
        var e = Eval()
        // Product: 0.75 × bigram fit + 0.25 × unigram fit (each 0.6 Dice + 0.4 overlap); needs a shared bigram unless
        // one name is a single token; an identical normalised name is 1. Spec fit scales the points by 0.9 + 0.1 × fit.
        let cb = UnsafeBufferPointer(rebasing: bi[Int(ix.biOff[i])..<Int(ix.biOff[i + 1])])
        let cu = UnsafeBufferPointer(rebasing: uni[Int(ix.uniOff[i])..<Int(ix.uniOff[i + 1])])
        if !pUni.isEmpty && ix.whole[i] == probe.whole {
            e.sim = 1
        } else if !pBi.isEmpty && !cb.isEmpty {
            let ib = MarketText.intersect(pBi, cb)
            if ib > 0 {
                let iu = MarketText.intersect(pUni, cu)
                e.sim = 0.75 * MarketText.blend(ib, pBi.count, cb.count) + 0.25 * MarketText.blend(iu, pUni.count, cu.count)
            }
        } else if !pUni.isEmpty && !cu.isEmpty {
            e.sim = 0.75 * MarketText.blend(MarketText.intersect(pUni, cu), pUni.count, cu.count)
        }
        if e.sim > 0 {
            let cs = UnsafeBufferPointer(rebasing: spec[Int(ix.specOff[i])..<Int(ix.specOff[i + 1])])
            if !pSpec.isEmpty && !cs.isEmpty {
                e.specFit = 2 * Double(MarketText.intersect(pSpec, cs)) / Double(pSpec.count + cs.count)
            } else {
                e.specFit = 0.5
            }
            e.productT = Int((MarketWeights.product * 10 * e.sim * (0.9 + 0.1 * e.specFit)).rounded())
        }

        // Industry.
        let cc = ix.classCode[i], cd = ix.divisionCode[i]
        if probe.classCode >= 0 && cc == probe.classCode {
            e.industryT = MarketWeights.industryClassT; e.industryKind = 2
        } else if probe.division >= 0 && cd == probe.division {
            e.industryT = MarketWeights.industryDivisionT; e.industryKind = 1
        } else if probe.division >= 0 && cd >= 0 {
            e.industryKind = 0
        }

        // Chain.
        let cl = ix.linkId[i]
        if probe.link >= 0 && cl >= 0 {
            if probe.direct.contains(cl) { e.chainT = MarketWeights.chainDirectT; e.chainKind = 4 }
            else if cl == probe.link { e.chainT = MarketWeights.chainSameLinkT; e.chainKind = 3 }
            else if probe.reverse.contains(cl) { e.chainT = MarketWeights.chainSameChainT; e.chainKind = 2 }
        }
        if e.chainKind < 1 {
            let ch = ix.chainId[i]
            if probe.chain >= 0 && ch == probe.chain { e.chainT = MarketWeights.chainSameChainT; e.chainKind = 1 }
            else if (probe.link >= 0 || probe.chain >= 0) && (cl >= 0 || ch >= 0) { e.chainKind = 0 }
        }

        // Distance.
        let r = probe.region, cr = ix.region[i]
        if r >= 0 && cr >= 0 {
            let p = r / 10000, cp = cr / 10000
            if r == cr && r % 100 != 0 { e.distanceT = MarketWeights.countyT; e.distanceKind = 5 }
            else if r / 100 == cr / 100 && (r / 100) % 100 != 0 { e.distanceT = MarketWeights.cityT; e.distanceKind = 4 }
            else if p == cp && p == ix.homeProvince { e.distanceT = MarketWeights.homeProvinceT; e.distanceKind = 3 }
            else if p == cp { e.distanceT = MarketWeights.sameProvinceT; e.distanceKind = 2 }
            else if (p == ix.homeProvince && ix.neighbours.contains(cp)) || (cp == ix.homeProvince && ix.neighbours.contains(p)) {
                e.distanceT = MarketWeights.neighbourT; e.distanceKind = 1
            } else { e.distanceT = MarketWeights.elsewhereT; e.distanceKind = 0 }
        }

        // Capacity.
        if ix.unitId[i] == probe.unit {
            let (sq, dq) = probe.supply ? (probe.quantity, ix.quantity[i]) : (ix.quantity[i], probe.quantity)
            if dq <= 0 || sq <= 0 {
                e.capacityT = MarketWeights.capacityUnknownT; e.capacityKind = 1
            } else {
                e.ratio = sq / dq
                e.capacityT = Int((MarketWeights.capacity * 10 * min(1, e.ratio)).rounded())
                e.capacityKind = e.ratio >= 1 ? 3 : 2
            }
        }

        // Relation.
        if !probe.forward.isEmpty && probe.forward.contains(ix.usccId[i]) {
            e.relationT = MarketWeights.relationT; e.relationKind = 2
        } else if !probe.backward.isEmpty && probe.backward.contains(ix.usccId[i]) {
            e.relationT = MarketWeights.reverseRelationT; e.relationKind = 1
        }
        return e
    }
}

/// A bounded selection of the best k candidates (higher tenths first, then smaller listing id), as a binary heap whose
/// root is the worst entry kept.
struct MarketTopK {
    struct Entry { var tenths: Int; var index: Int32 }
    let limit: Int
    let listings: [MarketListing]
    var heap: [Entry] = []

    init(limit: Int, listings: [MarketListing]) {
        self.limit = limit; self.listings = listings; heap.reserveCapacity(limit)
    }

    var isFull: Bool { heap.count >= limit }
    var worstTenths: Int { heap.first?.tenths ?? Int.min }

    /// Whether `a` ranks below `b`.
    @inline(__always) func worse(_ a: Entry, _ b: Entry) -> Bool {
        if a.tenths != b.tenths { return a.tenths < b.tenths }
        let ia = listings[Int(a.index)].id, ib = listings[Int(b.index)].id
        return ia != ib ? ia > ib : a.index > b.index
    }

    mutating func offer(tenths: Int, index: Int32) {
        let e = Entry(tenths: tenths, index: index)
        if heap.count < limit {
            heap.append(e)
            var c = heap.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                guard worse(heap[c], heap[p]) else { break }
                heap.swapAt(c, p); c = p
            }
            return
        }
        if tenths < heap[0].tenths { return }
        guard worse(heap[0], e) else { return }
        heap[0] = e
        var p = 0
        while true {
            let l = 2 * p + 1, r = l + 1
            var m = p
            if l < heap.count && worse(heap[l], heap[m]) { m = l }
            if r < heap.count && worse(heap[r], heap[m]) { m = r }
            if m == p { break }
            heap.swapAt(p, m); p = m
        }
    }

    /// Best first.
    func sorted() -> [Entry] { heap.sorted { worse($1, $0) } }
}

/// A listing quantity as matching may use it: a stored value that is not finite or beyond 10¹⁵ (written before bodies
/// were checked) counts as unknown (0), so no capacity ratio can be infinite.
func usableQuantity(_ q: Double) -> Double { q.isFinite && abs(q) <= 1e15 ? q : 0 }
