import BrainStore
import Foundation

/// A firm the listing synthesiser draws from.
public struct SynthFirm: Sendable, Hashable {
    public var uscc: String
    public var name: String
    /// GB/T 2260 code of the firm's seat.
    public var region: String
    public var industry: String?
    public var chain: String?
    public var link: String?

    public init(uscc: String, name: String, region: String, industry: String?, chain: String?, link: String?) {
        self.uscc = uscc; self.name = name; self.region = region; self.industry = industry; self.chain = chain; self.link = link
    }
}

/// A chain link as the listing synthesiser needs it: its products, classes and downstream neighbours.
public struct SynthLink: Sendable, Hashable {
    public var code: String
    public var chain: String
    public var products: [String]
    public var industries: [String]
    /// Codes of the links this one feeds.
    public var feeds: [String]

    public init(code: String, chain: String, products: [String], industries: [String], feeds: [String]) {
        self.code = code; self.chain = chain; self.products = products; self.industries = industries; self.feeds = feeds
    }
}

/// Deterministic synthetic 贸易撮合 listings for the demo dataset and the benchmark.
///
/// About half supply, half demand. A firm supplies products of its own link and demands products of the links that feed
/// its link (a firm on a link without suppliers demands products of its own link). Both kinds carry the firm's own link
/// and chain, so a demand's `link` is the buyer's link — the convention `MarketIndex` scores as "the supply's link feeds
/// the demand's link"; `industry` is the class of the product's maker. Quantities come with units consistent per
/// product (吨, 件, 台, 套, 片, 米, 千瓦时, 千瓦; ~4 % use an alternative unit), ~25 % carry a spec string, ~20 % a
/// prefix such as 高纯 and ~10 % a suffix such as （现货）. All listings are open, valid `validFrom`…`validUntil`.
public enum ListingSynth {
    public static func listings(count: Int, seed: UInt64, firms: [SynthFirm], links: [SynthLink], validFrom: String,
                                validUntil: String) -> [MarketListing] {
        let links = links.filter { !$0.products.isEmpty }
        guard count > 0, !firms.isEmpty, !links.isEmpty else { return [] }
        var linkIndex: [String: Int] = [:]
        for (i, l) in links.enumerated() where linkIndex[l.code] == nil { linkIndex[l.code] = i }
        var suppliers = [[Int]](repeating: [], count: links.count)
        for (i, l) in links.enumerated() {
            for f in l.feeds { if let t = linkIndex[f], !suppliers[t].contains(i) { suppliers[t].append(i) } }
        }
        // Every firm sits on one link: its own, else one of its class, else one of its chain, else any (by its uscc).
        let firmLink: [Int] = firms.map { firm in
            if let code = firm.link, let i = linkIndex[code] { return i }
            var pool = links.indices.filter { firm.industry != nil && links[$0].industries.contains(firm.industry!) }
            if pool.isEmpty { pool = links.indices.filter { firm.chain != nil && links[$0].chain == firm.chain } }
            if pool.isEmpty { pool = Array(links.indices) }
            return pool[Int(stableHash(firm.uscc) % UInt64(pool.count))]
        }

        // Unit, quantity range and spec pool of every product, worked out once.
        var vocab: [String: (unit: String, lo: Double, hi: Double, specs: [String])] = [:]
        for l in links {
            for p in l.products where vocab[p] == nil {
                let (u, lo, hi) = unitFor(p)
                vocab[p] = (u, lo, hi, specsFor(p))
            }
        }

        var rng = SynthRNG(seed: seed)
        var out: [MarketListing] = []
        out.reserveCapacity(count)
        let width = max(6, String(count).count)
        let createdAt = validFrom + "T08:00:00Z"
        for n in 0..<count {
            let fi = rng.below(firms.count)
            let firm = firms[fi], own = links[firmLink[fi]]
            let supply = rng.next() & 1 == 0
            let source: SynthLink
            if supply {
                source = own
            } else {
                let sups = suppliers[firmLink[fi]]
                source = sups.isEmpty ? own : links[sups[rng.below(sups.count)]]
            }
            var product = source.products[rng.below(source.products.count)]
            let base = product
            if rng.unit() < 0.2 { product = prefixes[rng.below(prefixes.count)] + product }
            if rng.unit() < 0.1 {
                let pool = supply ? supplySuffixes : demandSuffixes
                product += pool[rng.below(pool.count)]
            }
            let words = vocab[base]!
            var unit = words.unit
            var quantity = roundSignificant(exp(log(words.lo) + (log(words.hi) - log(words.lo)) * rng.unit()))
            if rng.unit() < 0.04, let alt = alternatives[unit] {
                unit = alt.unit; quantity = roundSignificant(quantity * alt.factor)
            }
            var spec: String? = nil
            if rng.unit() < 0.25 {
                spec = words.specs[rng.below(words.specs.count)]
            }
            let industry: String?
            if supply {
                industry = firm.industry ?? own.industries.first
            } else {
                industry = source.industries.isEmpty ? nil : source.industries[rng.below(source.industries.count)]
            }
            let digits = String(n + 1)
            let id = "MKT-" + String(repeating: "0", count: max(0, width - digits.count)) + digits
            out.append(MarketListing(id: id, uscc: firm.uscc, company: firm.name, kind: supply ? .supply : .demand,
                                     product: product, spec: spec, industry: industry,
                                     chain: supply ? (firm.chain ?? own.chain) : own.chain, link: own.code,
                                     quantity: quantity, unit: unit, region: firm.region, validFrom: validFrom,
                                     validUntil: validUntil, state: "open", createdBy: "synth", createdAt: createdAt))
        }
        return out
    }

    // MARK: - Vocabulary

    static let prefixes = ["高纯", "优质", "国标", "进口", "再生", "定制", "批量"]
    static let supplySuffixes = ["（现货）", "（长期供应）", "（厂家直供）"]
    static let demandSuffixes = ["（长期采购）", "（急需）", "（年度采购）"]

    /// Unit and log-uniform quantity range of a product, by keywords (first rule that matches).
    static let unitRules: [(keys: [String], unit: String, lo: Double, hi: Double)] = [
        (["电缆", "电线", "导线", "电磁线"], "米", 1_000, 500_000),
        (["储能", "电池包", "电芯", "动力电池", "电池模组"], "千瓦时", 10_000, 5_000_000),
        (["光伏组件", "太阳能电池"], "千瓦", 100, 100_000),
        (["芯片", "晶圆", "外延片", "硅片", "电池片", "电路板", "载板"], "片", 1_000, 1_000_000),
        (["矿", "铜", "铝", "钢", "铁", "锂", "酸", "粉", "料", "液", "剂", "箔", "杆", "硅", "砂", "浆", "胶",
          "碳", "石墨", "纤维", "树脂", "玻璃", "稀土", "钨", "合金", "化学品", "肥", "气", "油", "药", "盐"], "吨", 5, 5_000),
        (["整车", "汽车", "机床", "机器人", "设备", "机", "服务器", "电脑", "变压器", "泵", "飞行器", "船"], "台", 1, 300),
        (["系统", "生产线", "装备", "模具", "成套"], "套", 1, 100),
    ]

    static func unitFor(_ product: String) -> (String, Double, Double) {
        for r in unitRules where r.keys.contains(where: { product.contains($0) }) { return (r.unit, r.lo, r.hi) }
        return ("件", 100, 200_000)
    }

    /// Alternative units some listings use: convertible (千克, 兆瓦时) or not (套 for 件 or 台).
    static let alternatives: [String: (unit: String, factor: Double)] = [
        "吨": ("千克", 1000), "千瓦时": ("兆瓦时", 0.001), "件": ("套", 1), "台": ("套", 1),
    ]

    static func specsFor(_ product: String) -> [String] {
        if ["电池", "电芯", "储能"].contains(where: { product.contains($0) }) {
            return ["LFP", "NCM811", "NCM523", "280Ah", "314Ah", "磷酸铁锂体系"]
        }
        if product.contains("铜") { return ["Cu≥99.95%", "T2", "Φ8mm", "6μm", "4.5μm"] }
        if product.contains("锂") { return ["电池级", "工业级", "纯度≥99.5%"] }
        if ["光伏", "硅"].contains(where: { product.contains($0) }) { return ["N型", "P型", "TOPCon", "182mm", "210mm", "3.2mm"] }
        if ["钨", "稀土", "钕"].contains(where: { product.contains($0) }) { return ["99.9%", "99.99%", "N52", "N45SH"] }
        if ["钢", "铝"].contains(where: { product.contains($0) }) { return ["Q235", "6061", "304", "GB/T 3190"] }
        return ["国标", "定制规格", "一等品", "A级", "GB/T"]
    }

    /// Two significant digits (at least 1).
    static func roundSignificant(_ x: Double) -> Double {
        guard x >= 1 else { return 1 }
        let p = pow(10, floor(log10(x)) - 1)
        return (x / p).rounded() * p
    }

    /// FNV-1a of the UTF-8 bytes: stable across runs and platforms (unlike `hashValue`).
    static func stableHash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}

/// SplitMix64, so the synthetic listings are the same for the same seed everywhere.
struct SynthRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed ^ 0x5851_F42D_4C95_7F2D }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
