import BrainCore
import BrainSecurity
import BrainStore
import Foundation

/// A news item or announcement of the portal: a draft, scheduled for a time, or published.
public struct Announcement: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    public var body: String
    /// `draft` or `published` (a published item with a future `publishAt` is scheduled).
    public var state: String
    /// ISO 8601; when the item becomes visible.
    public var publishAt: String?
    public var author: String
    /// The region or zone the item is for: the author's scope (a city's news reaches that city); nil for the whole province.
    public var audience: String?
    public var createdAt: String
    public var updatedAt: String

    public func isVisible(at now: String = Timestamp.now()) -> Bool { state == "published" && (publishAt ?? "") <= now }

    /// 草稿, 定时发布 or 已发布.
    public var stateName: String { state == "draft" ? "草稿" : isVisible() ? "已发布" : "定时发布" }
}

/// Keeps the portal's news and announcements: drafts, scheduled publishing, publishing.
public struct AnnouncementDesk: Sendable {
    public let store: Store
    public init(store: Store) { self.store = store }

    /// The audience an author writes for: its region or zone, or the whole province (nil) for administrators and
    /// province officials.
    public static func audience(of author: Principal) -> String? {
        switch author.role {
        case .admin, .provinceOfficial: return nil
        case .cityOfficial, .countyOfficial, .zoneManager: return author.scope
        case .enterprise, .provider, .expert, .client: return author.scope ?? "none"
        }
    }

    /// The audiences whose items a reader sees: the province's items and those of every region or zone the reader lies
    /// in (a county official reads its city's news too; an enterprise its county's and city's); province-level readers
    /// see every item. `firmPlace` is the reader's enterprise region and zone, when the reader is an enterprise.
    public static func reads(_ audience: String?, reader: Principal, catalog: RegionCatalog, firmPlace: (region: String, zone: String?)? = nil) -> Bool {
        guard let audience else { return true }
        switch reader.role {
        case .admin, .provinceOfficial: return true
        case .cityOfficial: return audience == reader.scope || catalog.counties(within: reader.scope ?? "").contains(audience)
        case .countyOfficial, .zoneManager:
            guard let scope = reader.scope else { return false }
            if audience == scope { return true }
            let counties = reader.role == .zoneManager ? (catalog.zone(scope)?.counties ?? []) : [scope]
            return counties.contains(audience) || counties.contains { catalog.city(of: $0) == audience }
        case .enterprise:
            guard let place = firmPlace else { return false }
            return audience == place.region || audience == catalog.city(of: place.region) || (place.zone != nil && audience == place.zone)
        case .provider, .expert, .client: return false
        }
    }

    /// May this publisher change or publish an item for that audience? Its own audience, or anything at province level.
    public static func manages(_ audience: String?, publisher: Principal) -> Bool {
        guard publisher.can(.publishNews) else { return false }
        let mine = Self.audience(of: publisher)
        return mine == nil || mine == audience
    }

    /// Creates an item for the author's audience: a draft, published now, or scheduled (`publishAt` in the future). Title
    /// and body are required.
    public func create(title: String?, body: String?, publishAt: String?, draft: Bool, author: Principal) async throws -> Announcement {
        let t = title?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", b = body?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !t.isEmpty, t.count <= 120 else { throw AppError.bad("title", "required, at most 120 characters") }
        guard !b.isEmpty, b.count <= 20_000 else { throw AppError.bad("body", "required, at most 20,000 characters") }
        var at = Timestamp.now()
        if let p = publishAt?.trimmingCharacters(in: .whitespaces), !p.isEmpty {
            guard let d = Self.parse(p) else { throw AppError.bad("publishAt", "must be a time like 2026-12-01T09:00 (Beijing time) or ISO 8601") }
            at = Timestamp.string(d)
        }
        let now = Timestamp.now()
        let a = Announcement(id: "N-" + UUID().uuidString.prefix(8).lowercased(), title: t, body: b, state: draft ? "draft" : "published",
                             publishAt: draft ? nil : at, author: author.username, audience: Self.audience(of: author), createdAt: now, updatedAt: now)
        try await save(a)
        return a
    }

    /// Publishes a draft now (or at `publishAt`); only a publisher of the item's audience may. An item the publisher may
    /// not manage answers as a missing one.
    public func publish(_ id: String, by publisher: Principal, at: String? = nil) async throws -> Announcement {
        guard var a = try await store.document(.announcements, key: id, as: Announcement.self), Self.manages(a.audience, publisher: publisher) else {
            throw AppError.notFound("no announcement \(id)")
        }
        a.state = "published"
        a.publishAt = at ?? Timestamp.now()
        a.updatedAt = Timestamp.now()
        try await save(a)
        return a
    }

    func save(_ a: Announcement) async throws {
        try await store.putDocuments(.announcements, [DocumentRow(key: a.id, values: [a.publishAt, a.state], doc: a)])
    }

    /// The items a reader sees, newest first: published ones of its audiences; for a publisher also the drafts and
    /// scheduled items it manages.
    public func list(for reader: Principal, catalog: RegionCatalog, firmPlace: (region: String, zone: String?)? = nil, limit: Int = 50) async throws -> [Announcement] {
        let all = try await store.documents(.announcements, as: Announcement.self)
        let now = Timestamp.now()
        return all.filter { a in
            if a.isVisible(at: now) { return Self.reads(a.audience, reader: reader, catalog: catalog, firmPlace: firmPlace) }
            return Self.manages(a.audience, publisher: reader)
        }
        .sorted { ($0.publishAt ?? $0.updatedAt, $0.id) > ($1.publishAt ?? $1.updatedAt, $1.id) }.prefix(limit).map { $0 }
    }

    static func parse(_ text: String) -> Date? {
        if let d = try? Date(text, strategy: .iso8601) { return d }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"] {
            f.dateFormat = format
            if let d = f.date(from: text) { return d }
        }
        return nil
    }
}
