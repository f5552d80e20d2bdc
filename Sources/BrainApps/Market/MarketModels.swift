import BrainCore
import BrainStore
import Foundation

/// What the trade matcher knows beyond the listings: chain adjacency, existing trade ties and the home province.
public struct MarketContext: Sendable {
    /// Link code → codes of the links that feed it (its suppliers).
    public let linkSuppliers: [String: Set<String>]
    /// Link code → codes of the links it feeds (its customers), derived from `linkSuppliers`.
    public let linkCustomers: [String: Set<String>]
    /// Existing trade ties as `"supplierUSCC|customerUSCC"`.
    public let pastRelations: Set<String>
    /// Two-digit GB/T 2260 code of the home province ("in-province first").
    public let homeProvince: String
    /// Two-digit codes of the provinces bordering the home province.
    public let neighbourProvinces: Set<String>

    /// `neighbours` defaults to the provinces bordering the home province (`ProvinceNeighbours`, the bundled national
    /// adjacency).
    public init(linkSuppliers: [String: Set<String>], pastRelations: Set<String>, homeProvince: String,
                neighbours: Set<String>? = nil) {
        self.linkSuppliers = linkSuppliers
        var customers: [String: Set<String>] = [:]
        for (link, suppliers) in linkSuppliers {
            for s in suppliers { customers[s, default: []].insert(link) }
        }
        self.linkCustomers = customers
        self.pastRelations = pastRelations
        self.homeProvince = homeProvince
        self.neighbourProvinces = neighbours ?? ProvinceNeighbours.of(homeProvince)
    }

    /// Builds the context from downstream edges (link code → codes of the links it feeds), as chain links list them.
    public static func fromFeeds(_ feeds: [String: [String]], pastRelations: Set<String> = [], homeProvince: String,
                                 neighbours: Set<String>? = nil) -> MarketContext {
        var suppliers: [String: Set<String>] = [:]
        for (from, tos) in feeds {
            for to in tos { suppliers[to, default: []].insert(from) }
        }
        return MarketContext(linkSuppliers: suppliers, pastRelations: pastRelations, homeProvince: homeProvince,
                             neighbours: neighbours)
    }
}

/// One factor's contribution to a match score, with a Chinese explanation.
public struct ScorePart: Codable, Sendable, Hashable {
    /// `product`, `industry`, `chain`, `distance`, `capacity` or `relation`.
    public let factor: String
    public let points: Double
    public let max: Double
    /// Why, in Chinese, e.g. 产品名称高度相似（锂电池正极材料 / 正极材料）.
    public let reason: String

    public init(factor: String, points: Double, max: Double, reason: String) {
        self.factor = factor; self.points = points; self.max = max; self.reason = reason
    }
}

/// A counterpart listing for a query listing, with its 0–100 score and the explanation of every factor.
public struct MarketMatch: Codable, Sendable, Hashable {
    public let listing: MarketListing
    /// 0–100, one decimal; the sum of `parts`.
    public let score: Double
    public let parts: [ScorePart]
    /// A Chinese one-liner.
    public let summary: String

    public init(listing: MarketListing, score: Double, parts: [ScorePart], summary: String) {
        self.listing = listing; self.score = score; self.parts = parts; self.summary = summary
    }
}

/// One row of the public weight table of the matcher.
public struct MarketFactorWeight: Codable, Sendable, Hashable {
    public let factor: String
    public let nameZh: String
    public let max: Double
    /// How the points are earned, in Chinese.
    public let rule: String

    public init(factor: String, nameZh: String, max: Double, rule: String) {
        self.factor = factor; self.nameZh = nameZh; self.max = max; self.rule = rule
    }
}

/// The scoring weights of 贸易撮合 (they total 100 points).
///
/// | factor   | max | rule |
/// |----------|-----|------|
/// | product  | 35  | name similarity (character bigram + unigram Dice/overlap over normalised text) × (0.9 + 0.1 × spec fit) |
/// | industry | 10  | same GB/T 4754 class 10, same division 5 |
/// | chain    | 20  | supply's link feeds demand's link 20, same link 15, same chain or reverse edge 6 |
/// | distance | 15  | same county 15, same city 12, both in the home province 9, both in another same province 7,
/// |          |     | home province ↔ neighbouring province 5, elsewhere 0 |
/// | capacity | 10  | supply covers demand 10, else pro rata; unit mismatch 0; demand quantity unknown 5 |
/// | relation | 10  | supplier already sells to the customer 10, only the reverse tie 5 |
public enum MarketWeights {
    public static let product = 35.0
    public static let industry = 10.0
    public static let chain = 20.0
    public static let distance = 15.0
    public static let capacity = 10.0
    public static let relation = 10.0

    /// Points (tenths) of the graded factors, kept in one place so the engine and the docs agree.
    static let industryClassT = 100, industryDivisionT = 50
    static let chainDirectT = 200, chainSameLinkT = 150, chainSameChainT = 60
    static let countyT = 150, cityT = 120, homeProvinceT = 90, sameProvinceT = 70, neighbourT = 50, elsewhereT = 0
    static let relationT = 100, reverseRelationT = 50
    static let capacityUnknownT = 50

    /// The weight table (factor, Chinese name, maximum points, rule).
    public static let table: [MarketFactorWeight] = [
        MarketFactorWeight(factor: "product", nameZh: "产品匹配", max: product,
                           rule: "产品名称按字二元组与单字的Dice/包含度计算相似度，规格相符再加分（规格占一成）"),
        MarketFactorWeight(factor: "industry", nameZh: "行业匹配", max: industry,
                           rule: "同一国民经济行业小类得满分，同一大类得一半"),
        MarketFactorWeight(factor: "chain", nameZh: "产业链关联", max: chain,
                           rule: "供方环节直接供应需方环节得20分，同一环节15分，同一产业链或反向关联6分"),
        MarketFactorWeight(factor: "distance", nameZh: "空间距离", max: distance,
                           rule: "同县区15分，同设区市12分，同在省内9分，同在外省同一省7分，省内与邻省之间5分，其他0分"),
        MarketFactorWeight(factor: "capacity", nameZh: "供需数量", max: capacity,
                           rule: "供给量覆盖需求量得满分，否则按比例；计量单位不一致得0分；需求量未注明得5分"),
        MarketFactorWeight(factor: "relation", nameZh: "既有合作", max: relation,
                           rule: "双方已有同向供货往来得满分，仅有反向往来得5分"),
    ]
}

/// Text and unit helpers of the matcher: normalisation, gram hashing, units, quantities and province names.
enum MarketText {
    /// Grams of a text: sorted unique bigram and unigram hashes, and a hash of the whole normalised text.
    struct Grams {
        var bigrams: [UInt32] = []
        var unigrams: [UInt32] = []
        var whole: UInt64 = 0
    }

    @inline(__always) static func mix32(_ x: UInt32) -> UInt32 {
        var h = x
        h ^= h >> 16; h &*= 0x85EB_CA6B; h ^= h >> 13; h &*= 0xC2B2_AE35; h ^= h >> 16
        return h
    }

    /// Tokens of the text, segment by segment: each Han character is a token, each run of other letters or digits is one
    /// (lower-cased, full-width folded); punctuation and spaces end a segment.
    static func segments(_ text: String) -> [[UInt32]] {
        var out: [[UInt32]] = []
        var seg: [UInt32] = []
        var word: UInt32 = 2_166_136_261
        var inWord = false
        func endWord() {
            if inWord { seg.append(mix32(word)); word = 2_166_136_261; inWord = false }
        }
        func endSegment() {
            endWord()
            if !seg.isEmpty { out.append(seg); seg = [] }
        }
        for raw in text.unicodeScalars {
            var v = raw.value
            if v >= 0xFF01 && v <= 0xFF5E { v -= 0xFEE0 }            // full-width ASCII
            if v >= 0x41 && v <= 0x5A { v += 0x20 }                   // lower-case ASCII
            let isHan = (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0xF900 && v <= 0xFAFF)
                || (v >= 0x20000 && v <= 0x2FFFF)
            if isHan {
                endWord()
                seg.append(mix32(v &* 0x9E37_79B1 ^ 0x5BD1_E995))
                continue
            }
            let isWordChar: Bool
            if v < 0x80 {
                isWordChar = (v >= 0x30 && v <= 0x39) || (v >= 0x61 && v <= 0x7A)
            } else if let s = Unicode.Scalar(v) {
                isWordChar = s.properties.isAlphabetic || s.properties.numericType != nil
            } else {
                isWordChar = false
            }
            if isWordChar {
                word = (word ^ v) &* 16_777_619
                inWord = true
            } else {
                endSegment()
            }
        }
        endSegment()
        return out
    }

    static func grams(_ text: String) -> Grams {
        var g = Grams()
        var whole: UInt64 = 0xCBF2_9CE4_8422_2325
        for seg in segments(text) {
            for (i, t) in seg.enumerated() {
                g.unigrams.append(t)
                whole = (whole ^ UInt64(t)) &* 0x0000_0100_0000_01B3
                if i > 0 { g.bigrams.append(mix32(seg[i - 1] &* 31 &+ t ^ 0x27D4_EB2F)) }
            }
            whole = (whole ^ 0xFF) &* 0x0000_0100_0000_01B3
        }
        g.bigrams = Array(Set(g.bigrams)).sorted()
        g.unigrams = Array(Set(g.unigrams)).sorted()
        g.whole = whole
        return g
    }

    /// Tokens of a spec string: its unigrams and bigrams together, sorted and unique.
    static func specTokens(_ spec: String?) -> [UInt32] {
        guard let spec, !spec.isEmpty else { return [] }
        let g = grams(spec)
        return Array(Set(g.unigrams + g.bigrams)).sorted()
    }

    /// Size of the intersection of two sorted unique arrays.
    @inline(__always) static func intersect(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Int {
        var i = 0, j = 0, n = 0
        while i < a.count && j < b.count {
            let x = a[i], y = b[j]
            if x == y { n += 1; i += 1; j += 1 } else if x < y { i += 1 } else { j += 1 }
        }
        return n
    }

    /// 0.6 × Dice + 0.4 × overlap coefficient.
    @inline(__always) static func blend(_ inter: Int, _ a: Int, _ b: Int) -> Double {
        guard inter > 0 else { return 0 }
        let dice = 2 * Double(inter) / Double(a + b)
        let overlap = Double(inter) / Double(Swift.min(a, b))
        return 0.6 * dice + 0.4 * overlap
    }

    /// Canonical unit and factor to it, e.g. 千克 → (吨, 0.001).
    static func unit(_ raw: String) -> (String, Double) {
        let u = raw.trimmingCharacters(in: .whitespaces)
        switch u.lowercased() {
        case "吨", "t", "公吨": return ("吨", 1)
        case "千克", "公斤", "kg": return ("吨", 0.001)
        case "克", "g": return ("吨", 0.000_001)
        case "万吨": return ("吨", 10_000)
        case "件", "个", "只", "pcs", "pc": return ("件", 1)
        case "万件", "万个", "万只": return ("件", 10_000)
        case "片": return ("片", 1)
        case "万片": return ("片", 10_000)
        case "台": return ("台", 1)
        case "套": return ("套", 1)
        case "千瓦时", "kwh", "度": return ("千瓦时", 1)
        case "万千瓦时", "万度": return ("千瓦时", 10_000)
        case "兆瓦时", "mwh": return ("千瓦时", 1000)
        case "吉瓦时", "gwh": return ("千瓦时", 1_000_000)
        case "瓦", "w": return ("瓦", 1)
        case "千瓦", "kw": return ("瓦", 1000)
        case "兆瓦", "mw": return ("瓦", 1_000_000)
        case "吉瓦", "gw": return ("瓦", 1_000_000_000)
        case "米", "m": return ("米", 1)
        case "千米", "公里", "km": return ("米", 1000)
        case "平方米", "㎡", "m2", "m²": return ("平方米", 1)
        case "立方米", "m3", "m³": return ("立方米", 1)
        case "升", "l": return ("升", 1)
        default: return (u, 1)
        }
    }

    /// A quantity without trailing zeros, e.g. 1200, 0.5, 12.35.
    static func quantity(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        var s = String(format: "%.2f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// Tenths as a Double with one decimal.
    @inline(__always) static func points(_ tenths: Int) -> Double { Double(tenths) / 10 }

    static let provinceNames: [Int32: String] = [
        11: "北京", 12: "天津", 13: "河北", 14: "山西", 15: "内蒙古", 21: "辽宁", 22: "吉林", 23: "黑龙江",
        31: "上海", 32: "江苏", 33: "浙江", 34: "安徽", 35: "福建", 36: "江西", 37: "山东", 41: "河南",
        42: "湖北", 43: "湖南", 44: "广东", 45: "广西", 46: "海南", 50: "重庆", 51: "四川", 52: "贵州",
        53: "云南", 54: "西藏", 61: "陕西", 62: "甘肃", 63: "青海", 64: "宁夏", 65: "新疆", 71: "台湾",
        81: "香港", 82: "澳门",
    ]

    static func province(_ code: Int32) -> String { provinceNames[code] ?? String(code) }

    /// A GB/T 2260 code as a 6-digit number (2- or 4-digit prefixes padded), or -1.
    static func region(_ raw: String) -> Int32 {
        let digits = raw.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 }
        guard digits.count == raw.unicodeScalars.count, [2, 4, 6].contains(digits.count) else { return -1 }
        var v: Int32 = 0
        for d in digits { v = v * 10 + Int32(d.value - 0x30) }
        for _ in 0..<(6 - digits.count) { v *= 10 }
        return v
    }

    /// `yyyy-MM-dd` as yyyyMMdd (the same order as comparing the strings), or `fallback`.
    static func day(_ raw: String, fallback: Int32) -> Int32 {
        var v: Int32 = 0, n = 0
        for s in raw.unicodeScalars where s.value >= 0x30 && s.value <= 0x39 {
            v = v * 10 + Int32(s.value - 0x30); n += 1
            if n == 8 { break }
        }
        return n == 8 ? v : fallback
    }

    /// The chain of a listing: its own field, or the link code up to its last `-`.
    static func chain(of l: MarketListing) -> String? {
        if let c = l.chain, !c.isEmpty { return c }
        guard let link = l.link, let dash = link.lastIndex(of: "-") else { return nil }
        return String(link[..<dash])
    }
}
