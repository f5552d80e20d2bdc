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

    /// Creates an item: a draft, published now, or scheduled (`publishAt` in the future). Title and body are required.
    public func create(title: String?, body: String?, publishAt: String?, draft: Bool, author: String) async throws -> Announcement {
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
                             publishAt: draft ? nil : at, author: author, createdAt: now, updatedAt: now)
        try await save(a)
        return a
    }

    /// Publishes a draft now (or at `publishAt`).
    public func publish(_ id: String, at: String? = nil) async throws -> Announcement {
        guard var a = try await store.document(.announcements, key: id, as: Announcement.self) else { throw AppError.notFound("no announcement \(id)") }
        a.state = "published"
        a.publishAt = at ?? Timestamp.now()
        a.updatedAt = Timestamp.now()
        try await save(a)
        return a
    }

    func save(_ a: Announcement) async throws {
        try await store.putDocuments(.announcements, [DocumentRow(key: a.id, values: [a.publishAt, a.state], doc: a)])
    }

    /// Visible items newest first; with `includeUnpublished`, drafts and scheduled ones too.
    public func list(includeUnpublished: Bool, limit: Int = 50) async throws -> [Announcement] {
        let all = try await store.documents(.announcements, as: Announcement.self)
        let now = Timestamp.now()
        return all.filter { includeUnpublished || $0.isVisible(at: now) }
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
