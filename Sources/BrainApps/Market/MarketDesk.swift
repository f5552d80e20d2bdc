import BrainCore
import BrainStore
import Foundation
import Synchronization

/// A listing as an enterprise posts it; validated whole before anything is saved.
public struct ListingDraft: Codable, Sendable {
    public var kind: String?
    public var product: String?
    public var spec: String?
    public var industry: String?
    public var link: String?
    public var quantity: Double?
    public var unit: String?
    public var region: String?
    public var validFrom: String?
    public var validUntil: String?

    public init(kind: String?, product: String?, spec: String? = nil, industry: String? = nil, link: String? = nil, quantity: Double?,
                unit: String?, region: String? = nil, validFrom: String? = nil, validUntil: String? = nil) {
        self.kind = kind; self.product = product; self.spec = spec; self.industry = industry; self.link = link; self.quantity = quantity
        self.unit = unit; self.region = region; self.validFrom = validFrom; self.validUntil = validUntil
    }

    static func isDay(_ s: String) -> Bool {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return s.count == 10 && f.date(from: s) != nil
    }

    /// The listing, or the first problem (field and reason) with the count of others.
    public func validated(for firm: Enterprise, id: String, by user: String, today: String, chains: ChainBook) throws -> MarketListing {
        var problems: [(String, String)] = []
        let k = kind.flatMap(ListingKind.init(rawValue:))
        if kind == nil { problems.append(("kind", "required: supply or demand")) } else if k == nil { problems.append(("kind", "must be supply or demand, got '\(kind!)'")) }
        let name = product?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if name.isEmpty { problems.append(("product", "required")) } else if name.count > 100 { problems.append(("product", "at most 100 characters")) }
        if let s = spec, s.count > 200 { problems.append(("spec", "at most 200 characters")) }
        if let q = quantity {
            if !q.isFinite || q <= 0 { problems.append(("quantity", "must be a positive number, got \(q)")) }
        } else { problems.append(("quantity", "required")) }
        let u = unit?.trimmingCharacters(in: .whitespaces) ?? ""
        if u.isEmpty { problems.append(("unit", "required, e.g. 吨, 件, 台, 套")) } else if u.count > 10 { problems.append(("unit", "at most 10 characters")) }
        var chain: String?
        if let l = link {
            if let c = chains.chain(ofLink: l) { chain = c.code }
            else { problems.append(("link", "\(l) is not a chain link code such as NEWENERGY-03")) }
        }
        if let i = industry, !IndustryCatalog.standard.isValid(i) { problems.append(("industry", "\(i) is not a GB/T 4754-2017 division or class")) }
        let place = region ?? firm.region
        if place.count != 6 || !place.allSatisfy(\.isNumber) { problems.append(("region", "must be a 6-digit GB/T 2260 code")) }
        let from = validFrom ?? today
        let until = validUntil ?? Self.plusDays(today, 90)
        if !Self.isDay(from) { problems.append(("validFrom", "must be a date yyyy-MM-dd")) }
        if !Self.isDay(until) { problems.append(("validUntil", "must be a date yyyy-MM-dd")) }
        else if until < from { problems.append(("validUntil", "\(until) is before validFrom \(from)")) }
        else if until < today { problems.append(("validUntil", "\(until) is already past")) }
        if let (field, reason) = problems.first {
            throw AppError.bad(field, problems.count == 1 ? reason
                               : reason + " (and: " + problems.dropFirst().map { "\($0.0): \($0.1)" }.joined(separator: "; ") + ")")
        }
        return MarketListing(id: id, uscc: firm.uscc, company: firm.name, kind: k!, product: name, spec: spec, industry: industry ?? firm.industry,
                             chain: chain ?? (link == nil ? firm.chains.first : nil), link: link ?? firm.chainLinks.first,
                             quantity: quantity!, unit: u, region: place, validFrom: from, validUntil: until, createdBy: user)
    }

    static func plusDays(_ day: String, _ n: Int) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        guard let d = f.date(from: day) else { return day }
        return f.string(from: d.addingTimeInterval(Double(n) * 86_400))
    }
}

/// 贸易撮合: keeps listings, and an in-memory match index rebuilt lazily after listings change.
public final class MarketDesk: Sendable {
    public let store: Store
    private let index = Mutex<MarketIndex?>(nil)
    private let relations = Mutex<Set<String>>([])
    /// The province's link adjacency and two-digit code.
    private let province: Mutex<(suppliers: [String: Set<String>], code: String)>

    /// Trade matching of `catalog`'s province: its chains' link adjacency, its neighbours.
    public init(store: Store, catalog: RegionCatalog) {
        self.store = store
        province = Mutex((Self.linkSuppliers(catalog.chains), catalog.provinceCode))
    }

    /// Today in Beijing time, yyyy-MM-dd.
    public static func today(_ now: Date = Date()) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return f.string(from: now)
    }

    /// Link → the links that feed it, over all chains of `book`.
    public static func linkSuppliers(_ book: ChainBook) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for c in book.chains { for l in c.links { out[l.code] = Set(c.suppliers(of: l.code).map(\.code)) } }
        return out
    }

    /// Sets the chains after an import of chain definitions, and drops the index.
    public func setLinkSuppliers(_ book: ChainBook) {
        province.withLock { $0.suppliers = Self.linkSuppliers(book) }
        index.withLock { $0 = nil }
    }

    /// Sets the trading relations already known (supplier|customer), e.g. from the supply network, and drops the index.
    public func setRelations(_ pairs: Set<String>) {
        relations.withLock { $0 = pairs }
        index.withLock { $0 = nil }
    }

    public func save(_ listings: [MarketListing]) async throws {
        try await store.putDocuments(.listings, listings.map { DocumentRow(key: $0.id, values: [$0.uscc, $0.kind.rawValue, $0.state], doc: $0) })
        index.withLock { $0 = nil }
    }

    public func listing(_ id: String) async throws -> MarketListing? { try await store.document(.listings, key: id, as: MarketListing.self) }

    /// Listings of one enterprise (read from the database), or all of them (from the document cache), optionally in one state.
    public func listings(uscc: String? = nil, state: String? = nil) async throws -> [MarketListing] {
        guard let uscc else {
            let all = try await store.allDocuments(.listings, as: MarketListing.self)
            return state.map { s in all.filter { $0.state == s } } ?? all
        }
        var filters: [(String, String)] = [("uscc", uscc)]
        if let state { filters.append(("state", state)) }
        return try await store.documents(.listings, as: MarketListing.self, where: filters)
    }

    /// Closes a listing; it no longer matches.
    public func close(_ id: String) async throws -> MarketListing {
        guard var l = try await listing(id) else { throw AppError.notFound("no listing \(id)") }
        l.state = "closed"
        try await save([l])
        return l
    }

    /// The match index over every open listing, built when missing.
    public func currentIndex() async throws -> MarketIndex {
        if let i = index.withLock({ $0 }) { return i }
        let open = try await listings(state: "open")
        let home = province.withLock { $0 }
        let built = MarketIndex(listings: open, context: MarketContext(linkSuppliers: home.suppliers, pastRelations: relations.withLock { $0 },
                                                                       homeProvince: home.code))
        index.withLock { $0 = built }
        return built
    }

    /// Top counterparts of a listing.
    public func matches(for listing: MarketListing, limit: Int) async throws -> [MarketMatch] {
        try await currentIndex().matches(for: listing, limit: limit, today: Self.today())
    }
}
