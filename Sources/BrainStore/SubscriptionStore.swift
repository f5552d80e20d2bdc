import Foundation
import SQLKit

/// A subscription (migration 28): who wants which events (warnings or import completions), filtered how, through which
/// channel. The owner's role and scope are kept as they were when it subscribed; fan-out checks the owner's current
/// account again before anything is sent.
public struct SubscriptionRecord: Codable, Sendable, Hashable {
    public var id: String
    /// A user name, or `client:<id>` for a machine client.
    public var owner: String
    public var name: String
    /// `warnings` or `imports`.
    public var topic: String
    /// `webhook`, `inbox`, `email` or `sms`.
    public var channel: String
    /// The webhook URL, e-mail address or phone number; empty for the inbox.
    public var target: String
    /// The webhook signing secret (never shown after creation).
    public var secret: String?
    public var regions: [String]
    public var chains: [String]
    public var levels: [String]
    public var kinds: [String]
    /// `active` or `paused`.
    public var state: String
    public var createdAt: String

    public init(id: String, owner: String, name: String, topic: String, channel: String, target: String, secret: String?,
                regions: [String] = [], chains: [String] = [], levels: [String] = [], kinds: [String] = [], state: String = "active",
                createdAt: String = Timestamp.precise()) {
        self.id = id; self.owner = owner; self.name = name; self.topic = topic; self.channel = channel; self.target = target
        self.secret = secret; self.regions = regions; self.chains = chains; self.levels = levels; self.kinds = kinds
        self.state = state; self.createdAt = createdAt
    }
}

/// An event waiting to be fanned out to subscriptions: `warnings.raised` (payload `{"warningIDs":[…]}`) or
/// `import.completed` (payload: the completion's fields).
public struct StoredEvent: Codable, Sendable, Hashable {
    public var id: String
    public var kind: String
    public var payload: String
    public var createdAt: String
    public init(id: String = UUID().uuidString.lowercased(), kind: String, payload: String, createdAt: String = Timestamp.precise()) {
        self.id = id; self.kind = kind; self.payload = payload; self.createdAt = createdAt
    }
}

/// One message of the outbox: the body sent to one subscription (one or more events), its attempts and state
/// (`pending`, `delivered`, `dead`, `cancelled`).
public struct DeliveryRecord: Codable, Sendable, Hashable {
    public var id: String
    public var subscriptionId: String
    public var owner: String
    public var channel: String
    public var eventCount: Int
    public var body: String
    public var state: String
    public var attempts: Int
    public var nextAttemptAt: String
    /// When the current retry window began (creation, or the last redelivery by hand).
    public var windowStartedAt: String
    public var lastError: String?
    public var createdAt: String
    public var deliveredAt: String?

    public init(id: String = UUID().uuidString.lowercased(), subscriptionId: String, owner: String, channel: String, eventCount: Int,
                body: String, state: String = "pending", attempts: Int = 0, nextAttemptAt: String = Timestamp.precise(),
                windowStartedAt: String = Timestamp.precise(), lastError: String? = nil, createdAt: String = Timestamp.precise(),
                deliveredAt: String? = nil) {
        self.id = id; self.subscriptionId = subscriptionId; self.owner = owner; self.channel = channel; self.eventCount = eventCount
        self.body = body; self.state = state; self.attempts = attempts; self.nextAttemptAt = nextAttemptAt
        self.windowStartedAt = windowStartedAt; self.lastError = lastError; self.createdAt = createdAt; self.deliveredAt = deliveredAt
    }
}

/// A message in a user's portal inbox (消息).
public struct InboxMessage: Codable, Sendable, Hashable {
    public var id: String
    public var username: String
    public var subscriptionId: String
    public var kind: String
    public var title: String
    public var body: String
    public var link: String?
    public var createdAt: String
    public var readAt: String?
    public init(id: String = UUID().uuidString.lowercased(), username: String, subscriptionId: String, kind: String, title: String,
                body: String, link: String?, createdAt: String = Timestamp.precise(), readAt: String? = nil) {
        self.id = id; self.username = username; self.subscriptionId = subscriptionId; self.kind = kind; self.title = title
        self.body = body; self.link = link; self.createdAt = createdAt; self.readAt = readAt
    }
}

private struct DeliveryRow: Decodable {
    let id, subscription_id, owner, channel: String
    let event_count: Int
    let body, state: String
    let attempts: Int
    let next_attempt_at, window_started_at: String
    let last_error: String?
    let created_at: String
    let delivered_at: String?
    var record: DeliveryRecord {
        DeliveryRecord(id: id, subscriptionId: subscription_id, owner: owner, channel: channel, eventCount: event_count, body: body,
                       state: state, attempts: attempts, nextAttemptAt: next_attempt_at, windowStartedAt: window_started_at,
                       lastError: last_error, createdAt: created_at, deliveredAt: delivered_at)
    }
}

private struct InboxRow: Decodable {
    let id, username, subscription_id, kind, title, body: String
    let link: String?
    let created_at: String
    let read_at: String?
    var message: InboxMessage {
        InboxMessage(id: id, username: username, subscriptionId: subscription_id, kind: kind, title: title, body: body, link: link,
                     createdAt: created_at, readAt: read_at)
    }
}

extension Store {
    static let deliveryColumns = ["id", "subscription_id", "owner", "channel", "event_count", "body", "state", "attempts", "next_attempt_at",
                                  "window_started_at", "last_error", "created_at", "delivered_at"]
    static let inboxColumns = ["id", "username", "subscription_id", "kind", "title", "body", "link", "created_at", "read_at"]

    // MARK: subscriptions

    /// Stores a new subscription or replaces one with the same id.
    public func saveSubscription(_ s: SubscriptionRecord) async throws {
        let doc = String(decoding: try JSONEncoder().encode(s), as: UTF8.self)
        try await transaction { db in
            try await db.delete(from: "subscriptions").where("id", .equal, s.id).run()
            try await db.insert(into: "subscriptions").columns("id", "owner", "topic", "channel", "state", "created_at", "doc")
                .values(SQLBind(s.id), SQLBind(s.owner), SQLBind(s.topic), SQLBind(s.channel), SQLBind(s.state), SQLBind(s.createdAt), SQLBind(doc)).run()
        }
    }

    /// One subscription by id.
    public func subscription(_ id: String) async throws -> SubscriptionRecord? {
        try await sql.select().column("doc").from("subscriptions").where("id", .equal, id).first()
            .flatMap { Store.storedJSON(SubscriptionRecord.self, try $0.decode(column: "doc", as: String.self), what: "subscription \(id)") }
    }

    /// Subscriptions of one owner (all when nil), or of one topic in one state, oldest first.
    public func subscriptions(owner: String? = nil, topic: String? = nil, state: String? = nil) async throws -> [SubscriptionRecord] {
        var q = sql.select().columns("id", "doc").from("subscriptions")
        if let owner { q = q.where("owner", .equal, owner) }
        if let topic { q = q.where("topic", .equal, topic) }
        if let state { q = q.where("state", .equal, state) }
        return try await q.orderBy("created_at").orderBy("id").all().compactMap {
            Store.storedJSON(SubscriptionRecord.self, try $0.decode(column: "doc", as: String.self), what: "subscription \(try $0.decode(column: "id", as: String.self))")
        }
    }

    /// Removes a subscription; its deliveries not yet made are cancelled (those made stay as history).
    public func deleteSubscription(_ id: String) async throws {
        try await transaction { db in
            try await db.delete(from: "subscriptions").where("id", .equal, id).run()
            try await db.update("subscription_deliveries").set("state", to: "cancelled").set("last_error", to: "subscription deleted")
                .where("subscription_id", .equal, id).where("state", .in, ["pending", "dead"]).run()
        }
    }

    // MARK: events

    /// Appends an event for the delivery worker to fan out.
    public func appendEvent(_ e: StoredEvent) async throws {
        try await transaction { db in try await Self.insertEvent(db, e) }
    }

    /// Inserts an event inside a caller's transaction (the warning scan adds its new warnings' event with them).
    static func insertEvent(_ db: any SQLDatabase, _ e: StoredEvent) async throws {
        try await db.insert(into: "subscription_events").columns("id", "kind", "payload", "created_at", "fanned_out_at")
            .values(SQLBind(e.id), SQLBind(e.kind), SQLBind(e.payload), SQLBind(e.createdAt), SQLBind(String?.none)).run()
    }

    /// Events not fanned out yet, oldest first.
    public func pendingEvents(limit: Int = 100) async throws -> [StoredEvent] {
        try await sql.select().columns("id", "kind", "payload", "created_at").from("subscription_events").where("fanned_out_at", .is, SQLLiteral.null)
            .orderBy("created_at").orderBy("id").limit(limit).all().map {
                StoredEvent(id: try $0.decode(column: "id", as: String.self), kind: try $0.decode(column: "kind", as: String.self),
                            payload: try $0.decode(column: "payload", as: String.self), createdAt: try $0.decode(column: "created_at", as: String.self))
            }
    }

    /// Marks events fanned out and writes what they became (deliveries, inbox messages) in one transaction, so an event is
    /// fanned out once. Returns false, writing nothing, when another worker took one of the events first.
    @discardableResult
    public func completeFanOut(events ids: [String], deliveries: [DeliveryRecord], messages: [InboxMessage]) async throws -> Bool {
        struct Taken: Error {}
        let now = Timestamp.precise()
        do {
            return try await transaction { db in
                guard !ids.isEmpty else { return true }
                let claimed = try await db.update("subscription_events").set("fanned_out_at", to: now).where("id", .in, ids)
                    .where("fanned_out_at", .is, SQLLiteral.null).returning("id").all().count
                guard claimed == ids.count else { throw Taken() }
                for chunk in deliveries.chunked(maxBinds: Store.deliveryColumns.count, dialect: self.kind) {
                    var insert = db.insert(into: "subscription_deliveries").columns(Store.deliveryColumns)
                    for d in chunk {
                        insert = insert.values([SQLBind(d.id), SQLBind(d.subscriptionId), SQLBind(d.owner), SQLBind(d.channel), SQLBind(d.eventCount),
                                                SQLBind(d.body), SQLBind(d.state), SQLBind(d.attempts), SQLBind(d.nextAttemptAt), SQLBind(d.windowStartedAt),
                                                SQLBind(d.lastError), SQLBind(d.createdAt), SQLBind(d.deliveredAt)])
                    }
                    try await insert.run()
                }
                for chunk in messages.chunked(maxBinds: Store.inboxColumns.count, dialect: self.kind) {
                    var insert = db.insert(into: "inbox_messages").columns(Store.inboxColumns)
                    for m in chunk {
                        insert = insert.values([SQLBind(m.id), SQLBind(m.username), SQLBind(m.subscriptionId), SQLBind(m.kind), SQLBind(m.title),
                                                SQLBind(m.body), SQLBind(m.link), SQLBind(m.createdAt), SQLBind(m.readAt)])
                    }
                    try await insert.run()
                }
                return true
            }
        } catch is Taken { return false }
    }

    // MARK: deliveries

    /// Takes up to `limit` pending deliveries due at `now` and moves their next attempt to `lease` (so another worker does
    /// not take them while they are being sent). Oldest due first.
    public func claimDueDeliveries(now: String, lease: String, limit: Int) async throws -> [DeliveryRecord] {
        try await transaction { db in
            let due = try await db.select().columns(Store.deliveryColumns.map { SQLColumn($0) }).from("subscription_deliveries")
                .where("state", .equal, "pending").where("next_attempt_at", .lessThanOrEqual, now)
                .orderBy("next_attempt_at").orderBy("created_at").limit(limit).all(decoding: DeliveryRow.self).map(\.record)
            guard !due.isEmpty else { return [] }
            let taken = Set(try await db.update("subscription_deliveries").set("next_attempt_at", to: lease).where("id", .in, due.map(\.id))
                .where("state", .equal, "pending").where("next_attempt_at", .lessThanOrEqual, now).returning("id").all()
                .map { try $0.decode(column: "id", as: String.self) })
            return due.filter { taken.contains($0.id) }
        }
    }

    /// Records the outcome of an attempt: delivered, a retry at `next`, or dead.
    public func recordAttempt(_ id: String, state: String, attempts: Int, next: String, error: String?, deliveredAt: String?) async throws {
        try await transaction { db in
            try await db.update("subscription_deliveries").set("state", to: state).set("attempts", to: attempts).set("next_attempt_at", to: next)
                .set("last_error", to: error.map { String($0.prefix(500)) }).set("delivered_at", to: deliveredAt)
                .where("id", .equal, id).where("state", .equal, "pending").run()
        }
    }

    /// One delivery by id.
    public func delivery(_ id: String) async throws -> DeliveryRecord? {
        try await sql.select().columns(Store.deliveryColumns.map { SQLColumn($0) }).from("subscription_deliveries").where("id", .equal, id)
            .first(decoding: DeliveryRow.self)?.record
    }

    /// Deliveries of some subscriptions (newest first), optionally in one state (`dead`: the dead-letter list).
    public func deliveries(subscriptions ids: [String], state: String? = nil, limit: Int = 100) async throws -> [DeliveryRecord] {
        guard !ids.isEmpty else { return [] }
        var q = sql.select().columns(Store.deliveryColumns.map { SQLColumn($0) }).from("subscription_deliveries").where("subscription_id", .in, ids)
        if let state { q = q.where("state", .equal, state) }
        return try await q.orderBy("created_at", .descending).orderBy("id").limit(limit).all(decoding: DeliveryRow.self).map(\.record)
    }

    /// Counts of deliveries by state for some subscriptions.
    public func deliveryCounts(subscriptions ids: [String]) async throws -> [String: Int] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.select().column("state").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("subscription_deliveries")
            .where("subscription_id", .in, ids).groupBy("state").all()
        var out: [String: Int] = [:]
        for r in rows { out[try r.decode(column: "state", as: String.self)] = try r.decode(column: "n", as: Int.self) }
        return out
    }

    /// Sends a delivered or dead delivery again: pending now, with a new retry window. False when it is pending already.
    /// Makes a resumed subscription's held deliveries due now, each with a new retry window (the time paused does not
    /// count against it); returns how many.
    public func releaseHeldDeliveries(subscription id: String, at now: String) async throws -> Int {
        try await transaction { db in
            try await db.update("subscription_deliveries").set("next_attempt_at", to: now).set("window_started_at", to: now)
                .where("subscription_id", .equal, id).where("state", .equal, "pending").returning("id").all().count
        }
    }

    public func redeliver(_ id: String, at now: String) async throws -> Bool {
        try await transaction { db in
            try await db.update("subscription_deliveries").set("state", to: "pending").set("next_attempt_at", to: now)
                .set("window_started_at", to: now).set("delivered_at", to: String?.none)
                .where("id", .equal, id).where("state", .in, ["dead", "delivered"]).returning("id").all().count == 1
        }
    }

    // MARK: inbox

    /// A user's inbox messages, newest first.
    public func inbox(_ username: String, unreadOnly: Bool = false, limit: Int = 50, offset: Int = 0) async throws -> Page<InboxMessage> {
        func filtered(_ b: SQLSelectBuilder) -> SQLSelectBuilder {
            let b = b.where("username", .equal, username)
            return unreadOnly ? b.where("read_at", .is, SQLLiteral.null) : b
        }
        let total = try await filtered(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("inbox_messages")).first()?
            .decode(column: "n", as: Int.self) ?? 0
        let items = try await filtered(sql.select().columns(Store.inboxColumns.map { SQLColumn($0) }).from("inbox_messages"))
            .orderBy("created_at", .descending).orderBy("id").limit(limit).offset(offset).all(decoding: InboxRow.self).map(\.message)
        return Page(total: total, limit: limit, offset: offset, items: items)
    }

    /// How many of a user's messages are unread.
    public func unreadCount(_ username: String) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("inbox_messages").where("username", .equal, username)
            .where("read_at", .is, SQLLiteral.null).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Marks a user's messages read (the given ones, or all when nil); returns how many changed.
    @discardableResult
    public func markRead(_ username: String, ids: [String]?, at now: String = Timestamp.precise()) async throws -> Int {
        if let ids, ids.isEmpty { return 0 }
        return try await transaction { db in
            var u = db.update("inbox_messages").set("read_at", to: now).where("username", .equal, username).where("read_at", .is, SQLLiteral.null)
            if let ids { u = u.where("id", .in, ids) }
            return try await u.returning("id").all().count
        }
    }
}
