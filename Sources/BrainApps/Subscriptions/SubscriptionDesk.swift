import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Synchronization

/// Subscriptions as their owners create and manage them, their deliveries (with the dead-letter list and redelivery by
/// hand) and the portal inbox (消息). A subscription, delivery or message of someone else answers as missing
/// (administrators see every subscription and delivery).
public struct SubscriptionDesk: Sendable {
    public let store: Store
    public let audience: SubscriptionAudience
    public let policy: AddressPolicy
    /// Unread counts for the portal header (shared with the hub).
    public let unreadCounts: UnreadCounter
    /// Subscriptions one owner may hold.
    public static let maxPerOwner = 50
    /// Encrypts webhook signing secrets at rest (the sender decrypts them; HMAC needs the secret itself).
    public var cipher: FieldCipher?
    static let nameLimit = 80

    public init(store: Store, catalog: RegionCatalog, policy: AddressPolicy = .fromEnvironment(), unreadCounts: UnreadCounter = UnreadCounter()) {
        self.store = store; self.audience = SubscriptionAudience(catalog: catalog); self.policy = policy; self.unreadCounts = unreadCounts
    }

    /// Validates and stores a subscription of the caller; a webhook gets a signing secret, answered this once.
    public func create(_ d: SubscriptionDraft, by p: Principal) async throws -> CreatedSubscription {
        if let refusal = audience.refusal(p, topic: d.topic) { throw refusal }
        let name = d.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= Self.nameLimit else { throw AppError.bad("name", "name must be 1–\(Self.nameLimit) characters, got \(name.count)") }
        let target = try checkTarget(d, by: p)
        let regions = try checked("regions", d.regions) { r in
            audience.mayFilter(region: r, by: p) ? nil : (audience.catalog.region(r) == nil ? "unknown region code" : "outside your scope \(p.scope ?? "")")
        }
        let chains = try checked("chains", d.chains) { audience.catalog.chains.chain($0) == nil ? "unknown chain code" : nil }
        let levels = try checked("levels", d.levels) { WarningLevel(rawValue: $0) == nil ? "not one of red, orange, yellow" : nil }
        let kinds = try checked("kinds", d.kinds) { k in
            switch d.topic {
            case .warnings: return WarningKind(rawValue: k) == nil ? "not a warning kind (\(WarningKind.allCases.map(\.rawValue).joined(separator: ", ")))" : nil
            case .imports: return ImportKind(rawValue: k) == nil ? "not an import kind (\(ImportKind.allCases.map(\.rawValue).joined(separator: ", ")))" : nil
            }
        }
        if d.topic == .imports, !regions.isEmpty || !chains.isEmpty || !levels.isEmpty {
            throw AppError.bad("regions", "an import subscription filters by kinds only")
        }
        let existing = try await store.subscriptions(owner: p.username)
        guard existing.count < Self.maxPerOwner else {
            throw AppError.conflict("too_many_subscriptions", "\(p.username) holds \(existing.count) subscriptions, the most one owner may hold; delete one first")
        }
        let secret = d.channel == .webhook ? WebhookSignature.newSecret() : nil
        let record = SubscriptionRecord(id: "sub_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16),
                                        owner: p.username, name: name, topic: d.topic.rawValue, channel: d.channel.rawValue, target: target,
                                        secret: try secret.map { try cipher?.encrypt($0) ?? $0 }, regions: regions, chains: chains, levels: levels, kinds: kinds)
        try await store.saveSubscription(record)
        return CreatedSubscription(subscription: view(record, counts: [:]), secret: secret)
    }

    private func checkTarget(_ d: SubscriptionDraft, by p: Principal) throws -> String {
        let t = (d.target ?? "").trimmingCharacters(in: .whitespaces)
        switch d.channel {
        case .webhook:
            switch WebhookAddress.validate(t, policy: policy) {
            case .success(let url): return url.absoluteString
            case .failure(let e): throw e
            }
        case .inbox:
            guard t.isEmpty else { throw AppError.bad("target", "the inbox needs no target; leave it out") }
            guard !SubscriptionAudience.isClient(p) else { throw AppError.bad("channel", "a client has no portal inbox; use a webhook") }
            return ""
        case .email:
            let parts = t.split(separator: "@", omittingEmptySubsequences: false)
            guard t.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !t.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" }) else {
                throw AppError.bad("target", "\(String(t.prefix(100))) is not an e-mail address")
            }
            return t
        case .sms:
            guard t.count == 11, t.first == "1", t.allSatisfy({ $0.isASCII && $0.isNumber }), let second = t.dropFirst().first, ("3"..."9").contains(second) else {
                throw AppError.bad("target", "\(String(t.prefix(30))) is not a mainland mobile number (11 digits starting 13–19)")
            }
            return t
        }
    }

    /// Trims, removes repeats, and refuses the first value a check rejects, naming the field and the value.
    private func checked(_ field: String, _ values: [String]?, _ problem: (String) -> String?) throws -> [String] {
        var out: [String] = []
        for raw in values ?? [] {
            let v = raw.trimmingCharacters(in: .whitespaces)
            guard !v.isEmpty else { continue }
            if let why = problem(v) { throw AppError.bad(field, "\(field) value \(String(v.prefix(40))): \(why)") }
            if !out.contains(v) { out.append(v) }
        }
        guard out.count <= 50 else { throw AppError.bad(field, "at most 50 \(field), got \(out.count)") }
        return out
    }

    /// The caller's subscriptions (an administrator's: everyone's), with delivery counts.
    public func list(for p: Principal) async throws -> [SubscriptionView] {
        let subs = try await store.subscriptions(owner: mayManageAll(p) ? nil : p.username)
        var out: [SubscriptionView] = []
        for s in subs { out.append(view(s, counts: try await store.deliveryCounts(subscriptions: [s.id]))) }
        return out
    }

    /// One subscription of the caller.
    public func subscription(_ id: String, for p: Principal) async throws -> SubscriptionView {
        let s = try await owned(id, by: p)
        return view(s, counts: try await store.deliveryCounts(subscriptions: [s.id]))
    }

    /// Pauses a subscription (no new deliveries are made, and queued ones are held, not sent and not used up), or
    /// resumes it (the held deliveries are sent at once, each with a new 24-hour retry window).
    public func setState(_ id: String, active: Bool, by p: Principal) async throws -> SubscriptionView {
        var s = try await owned(id, by: p)
        let wasPaused = s.state == "paused"
        s.state = active ? "active" : "paused"
        try await store.saveSubscription(s)
        if active, wasPaused { _ = try await store.releaseHeldDeliveries(subscription: s.id, at: Timestamp.precise(Date())) }
        return view(s, counts: try await store.deliveryCounts(subscriptions: [s.id]))
    }

    /// Deletes a subscription; its deliveries not yet made are cancelled, the history stays.
    public func delete(_ id: String, by p: Principal) async throws {
        let s = try await owned(id, by: p)
        try await store.deleteSubscription(s.id)
    }

    /// Deliveries of one subscription of the caller, or of all of them; `state: "dead"` is the dead-letter list.
    public func deliveries(subscription id: String?, state: String?, by p: Principal, limit: Int = 100) async throws -> [DeliveryView] {
        if let state, !["pending", "delivered", "dead", "cancelled"].contains(state) {
            throw AppError.bad("state", "state \(String(state.prefix(20))) is not one of pending, delivered, dead, cancelled")
        }
        let ids: [String]
        if let id { ids = [try await owned(id, by: p).id] } else { ids = try await store.subscriptions(owner: mayManageAll(p) ? nil : p.username).map(\.id) }
        return try await store.deliveries(subscriptions: ids, state: state, limit: limit).map(DeliveryView.init)
    }

    /// Sends a dead (or delivered) delivery again now, with a fresh retry window. 409 while it is still pending.
    public func redeliver(_ deliveryID: String, by p: Principal) async throws -> DeliveryView {
        guard let d = try await store.delivery(deliveryID), d.owner == p.username || mayManageAll(p) else {
            throw AppError.notFound("no delivery \(String(deliveryID.prefix(60)))")
        }
        guard d.state != "cancelled" else { throw AppError.conflict("wrong_state", "delivery \(d.id) was cancelled with its subscription") }
        guard try await store.redeliver(d.id, at: Timestamp.precise()) else {
            throw AppError.conflict("wrong_state", "delivery \(d.id) is \(d.state); only a dead or delivered one is sent again by hand")
        }
        return DeliveryView(try await store.delivery(d.id) ?? d)
    }

    // MARK: inbox

    /// The caller's inbox, newest first.
    public func inbox(for p: Principal, unreadOnly: Bool = false, limit: Int = 50, offset: Int = 0) async throws -> Page<InboxMessage> {
        let page = try await store.inbox(p.username, unreadOnly: unreadOnly, limit: limit, offset: offset)
        unreadCounts.set(p.username, try await store.unreadCount(p.username))
        return page
    }

    /// How many of the caller's messages are unread.
    public func unread(for p: Principal) async throws -> Int {
        let n = try await store.unreadCount(p.username)
        unreadCounts.set(p.username, n)
        return n
    }

    /// Marks the caller's messages read (these, or all); other people's ids change nothing.
    @discardableResult
    public func markRead(_ ids: [String]?, by p: Principal) async throws -> Int {
        if let ids, ids.count > 500 { throw AppError.bad("ids", "at most 500 ids at once, got \(ids.count)") }
        let changed = try await store.markRead(p.username, ids: ids)
        unreadCounts.set(p.username, try await store.unreadCount(p.username))
        return changed
    }

    // MARK: helpers

    private func mayManageAll(_ p: Principal) -> Bool { !SubscriptionAudience.isClient(p) && p.can(.manageUsers) }

    private func owned(_ id: String, by p: Principal) async throws -> SubscriptionRecord {
        guard let s = try await store.subscription(id), s.owner == p.username || mayManageAll(p) else {
            throw AppError.notFound("no subscription \(String(id.prefix(60)))")
        }
        return s
    }

    func view(_ s: SubscriptionRecord, counts: [String: Int]) -> SubscriptionView {
        SubscriptionView(id: s.id, owner: s.owner, name: s.name, topic: SubscriptionTopic(rawValue: s.topic) ?? .warnings,
                         channel: SubscriptionChannel(rawValue: s.channel) ?? .webhook, target: s.target, regions: s.regions, chains: s.chains,
                         levels: s.levels, kinds: s.kinds, state: s.state, createdAt: s.createdAt, pending: counts["pending"] ?? 0,
                         delivered: counts["delivered"] ?? 0, dead: counts["dead"] ?? 0)
    }
}

/// Unread inbox counts kept in memory for the portal header (which renders without waiting on the database): the hub
/// adds what it fans out, the desk sets the count whenever it reads or changes a user's inbox; an entry older than 30 s
/// is refreshed in the background and shown meanwhile (another server's fan-out shows within that time).
public final class UnreadCounter: Sendable {
    private let counts = Mutex<[String: (count: Int, at: Date)]>([:])
    public static let freshFor: TimeInterval = 30
    public init() {}

    /// The last known count and whether it is fresh.
    public func lookup(_ username: String) -> (count: Int?, fresh: Bool) {
        counts.withLock { c in
            guard let e = c[username] else { return (nil, false) }
            return (e.count, Date().timeIntervalSince(e.at) < Self.freshFor)
        }
    }
    public func set(_ username: String, _ n: Int) { counts.withLock { $0[username] = (n, Date()) } }
    /// Adds to a known count (an unknown one is loaded when next asked).
    public func add(_ username: String, _ n: Int) {
        counts.withLock { c in if let e = c[username] { c[username] = (e.count + n, e.at) } }
    }
}

extension SubscriptionDesk {
    /// The unread count for the header without waiting: the last known one (nil when none yet), refreshed in the
    /// background when stale.
    public func unreadHint(for p: Principal) -> Int? {
        let known = unreadCounts.lookup(p.username)
        if !known.fresh {
            let store = self.store, counter = unreadCounts, user = p.username
            Task { if let n = try? await store.unreadCount(user) { counter.set(user, n) } }
        }
        return known.count
    }
}
