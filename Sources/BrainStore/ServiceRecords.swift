import Foundation

/// A service provider of the 服务资源目录: a government body, an industry organisation or a local firm offering
/// solutions (智能化改造, 共性技术, testing, finance …).
public struct ServiceProvider: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    /// `government` (政府资源), `industry` (行业资源) or `local` (本地服务商).
    public var kind: String
    /// GB/T 2260 code of the provider's seat (may be outside the province).
    public var region: String
    public var contact: String
    public var description: String
    public var createdAt: String

    public init(id: String, name: String, kind: String, region: String, contact: String, description: String,
                createdAt: String = Timestamp.now()) {
        self.id = id; self.name = name; self.kind = kind; self.region = region; self.contact = contact
        self.description = description; self.createdAt = createdAt
    }
}

/// A solution a provider offers, with what it addresses and what it costs.
public struct ServiceSolution: Codable, Sendable, Hashable {
    /// A reference case of the solution.
    public struct Case: Codable, Sendable, Hashable {
        public var client: String
        public var summary: String
        public var result: String
        public init(client: String, summary: String, result: String) { self.client = client; self.summary = summary; self.result = result }
    }
    public var id: String
    public var providerId: String
    public var title: String
    /// 智能化改造, 数字化转型, 工业互联网平台, 共性技术, 检验检测, 节能降碳, 金融服务, 人才培训 …
    public var category: String
    public var tags: [String]
    /// Codes of the chains the solution suits (empty: any chain).
    public var chains: [String]
    /// Diagnosis sub-areas the solution addresses, e.g. `operation.production` (see the questionnaire).
    public var areas: [String]
    /// Price range in 万元 (nil when priced on request).
    public var priceMin: Double?
    public var priceMax: Double?
    public var summary: String
    public var cases: [Case]
    public var createdAt: String
    /// When a new version of the catalogue table stopped listing the solution (nil while listed): it is no longer
    /// searched or recommended, and referrals to it keep their history.
    public var withdrawnAt: String? = nil

    public init(id: String, providerId: String, title: String, category: String, tags: [String], chains: [String], areas: [String],
                priceMin: Double?, priceMax: Double?, summary: String, cases: [Case], createdAt: String = Timestamp.now()) {
        self.id = id; self.providerId = providerId; self.title = title; self.category = category; self.tags = tags
        self.chains = chains; self.areas = areas; self.priceMin = priceMin; self.priceMax = priceMax; self.summary = summary
        self.cases = cases; self.createdAt = createdAt
    }
}

/// Whether a market listing offers goods or asks for them.
public enum ListingKind: String, Codable, Sendable, CaseIterable {
    case supply, demand
}

/// A 贸易撮合 listing: an enterprise offers (supply) or seeks (demand) a product.
public struct MarketListing: Codable, Sendable, Hashable {
    public var id: String
    public var uscc: String
    public var company: String
    public var kind: ListingKind
    public var product: String
    public var spec: String?
    /// GB/T 4754 class (4 digits) or division (2 digits) of the product's maker, if known.
    public var industry: String?
    public var chain: String?
    /// Chain link code (e.g. `NEWENERGY-03`): for a supply the product's link; for a demand, unless given, the buyer's own
    /// link (so that suppliers on the links feeding it rank high).
    public var link: String?
    public var quantity: Double
    public var unit: String
    /// GB/T 2260 code of where the goods are (any province).
    public var region: String
    /// yyyy-MM-dd.
    public var validFrom: String
    public var validUntil: String
    /// `open` or `closed`.
    public var state: String
    public var createdBy: String
    public var createdAt: String

    public init(id: String, uscc: String, company: String, kind: ListingKind, product: String, spec: String?, industry: String?,
                chain: String?, link: String?, quantity: Double, unit: String, region: String, validFrom: String, validUntil: String,
                state: String = "open", createdBy: String, createdAt: String = Timestamp.now()) {
        self.id = id; self.uscc = uscc; self.company = company; self.kind = kind; self.product = product; self.spec = spec
        self.industry = industry; self.chain = chain; self.link = link; self.quantity = quantity; self.unit = unit
        self.region = region; self.validFrom = validFrom; self.validUntil = validUntil; self.state = state
        self.createdBy = createdBy; self.createdAt = createdAt
    }
}
