import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Logging

/// Turns events into deliveries and sends them. `publish` records an event; each `runOnce` (the server's delivery
/// worker calls it every second) fans pending events out to the active subscriptions whose owner may see them now
/// (deliveries of up to `batchSize` events for webhooks, e-mail and SMS; one inbox message per event), then sends the
/// deliveries that are due: a webhook is delivered only on a 2xx answer, else retried on the `RetrySchedule` until its
/// window ends and it goes to the dead-letter list.
public struct SubscriptionHub: Sendable {
    public let store: Store
    public let audience: SubscriptionAudience
    public let transport: any WebhookTransport
    public let notifier: any Notifier
    public let schedule: RetrySchedule
    /// The owner's current account as a principal; nil when it no longer exists or is disabled (nothing is sent).
    public let resolveOwner: @Sendable (String) async throws -> Principal?
    /// Prefix of the portal links in events (`BRAIN_PUBLIC_URL`, e.g. https://brain.example.gov.cn; empty: relative).
    public let linkBase: String
    public let clock: @Sendable () -> Date
    public var batchSize = 100
    public var concurrency = 32
    /// How long a claimed delivery is held by the sender before another worker may take it (above the HTTP timeout).
    public var lease: TimeInterval = 120
    /// Unread counts of the portal header, told of new inbox messages.
    public var unreadCounts: UnreadCounter?
    /// Decrypts webhook signing secrets stored encrypted.
    public var cipher: FieldCipher?
    let logger = Logger(label: "brain.subscriptions")

    public init(store: Store, catalog: RegionCatalog, transport: any WebhookTransport, notifier: any Notifier, schedule: RetrySchedule = .fromEnvironment(),
                linkBase: String = ProcessInfo.processInfo.environment["BRAIN_PUBLIC_URL"] ?? "",
                clock: @escaping @Sendable () -> Date = { Date() }, resolveOwner: @escaping @Sendable (String) async throws -> Principal?) {
        self.store = store; self.audience = SubscriptionAudience(catalog: catalog); self.transport = transport; self.notifier = notifier
        self.schedule = schedule; self.resolveOwner = resolveOwner; self.clock = clock
        self.linkBase = linkBase.hasSuffix("/") ? String(linkBase.dropLast()) : linkBase
    }

    /// Announces an event to subscribers (import completions from any path; warnings stored outside a scan).
    public func publish(_ event: PlatformEvent) async throws {
        switch event {
        case .importCompleted(let n):
            try await store.appendEvent(StoredEvent(kind: Self.importCompleted, payload: String(decoding: try JSONEncoder().encode(n), as: UTF8.self)))
        case .warningsRaised(let ids):
            guard !ids.isEmpty else { return }
            try await store.appendEvent(StoredEvent(kind: Store.warningsRaisedEvent, payload: String(decoding: try JSONEncoder().encode(["warningIDs": ids]), as: UTF8.self)))
        }
    }

    public static let importCompleted = "import.completed"

    /// What one round did.
    public struct Round: Sendable, Hashable {
        public var events = 0, deliveriesCreated = 0, messages = 0, attempted = 0, delivered = 0, failed = 0, dead = 0
    }

    /// Fans out pending events, then sends what is due (up to `limit` deliveries).
    @discardableResult
    public func runOnce(limit: Int = 500) async throws -> Round {
        var round = try await fanOut()
        let sent = try await sendDue(limit: limit)
        round.attempted = sent.attempted; round.delivered = sent.delivered; round.failed = sent.failed; round.dead = sent.dead
        return round
    }

    // MARK: fan-out

    /// Fans out up to 50 pending events in one transaction with what they become.
    public func fanOut() async throws -> Round {
        var round = Round()
        let events = try await store.pendingEvents(limit: 50)
        guard !events.isEmpty else { return round }
        let subs = try await store.subscriptions(state: "active")
        var owners: [String: Principal?] = [:]
        for owner in Set(subs.map(\.owner)) { owners[owner] = try await resolveOwner(owner) }
        // The notices each event carries, built once.
        var warnings: [(event: StoredEvent, record: WarningRecord)] = []
        var imports: [(event: StoredEvent, notice: ImportNotice)] = []
        for e in events {
            switch e.kind {
            case Store.warningsRaisedEvent:
                guard !subs.isEmpty, let ids = try? JSONDecoder().decode([String: [String]].self, from: Data(e.payload.utf8))["warningIDs"] else { continue }
                for id in ids { if let w = try await store.warning(id) { warnings.append((e, w)) } }
            case Self.importCompleted:
                if let n = try? JSONDecoder().decode(ImportNotice.self, from: Data(e.payload.utf8)) { imports.append((e, n)) }
            default:
                logger.warning("unknown event kind \(e.kind) (event \(e.id)) is skipped")
            }
        }
        var deliveries: [DeliveryRecord] = []
        var messages: [InboxMessage] = []
        let now = Timestamp.precise(clock())
        for s in subs {
            guard let owner = owners[s.owner] ?? nil, let channel = SubscriptionChannel(rawValue: s.channel) else { continue }
            var notices: [NoticeEvent] = []
            if s.topic == SubscriptionTopic.warnings.rawValue {
                for (e, w) in warnings where audience.receives(w, by: owner) && audience.passes(w, s) {
                    notices.append(NoticeEvent(id: "\(e.id):\(w.id)", type: "warning.raised", occurredAt: e.createdAt, warning: notice(w)))
                }
            } else {
                for (e, n) in imports where audience.receives(n, by: owner) && audience.passes(n, s) {
                    var n = n
                    n.link = linkBase + n.link
                    notices.append(NoticeEvent(id: "\(e.id):\(n.batch)", type: "import.completed", occurredAt: e.createdAt, import: n))
                }
            }
            guard !notices.isEmpty else { continue }
            if channel == .inbox {
                messages += notices.map { InboxMessage(username: s.owner, subscriptionId: s.id, kind: $0.type, title: Self.title($0), body: Self.text($0),
                                                       link: $0.warning?.link ?? $0.import?.link, createdAt: now) }
                continue
            }
            for start in stride(from: 0, to: notices.count, by: batchSize) {
                let part = Array(notices[start..<min(start + batchSize, notices.count)])
                let id = "dlv_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
                let body = DeliveryBody(deliveryId: id, subscriptionId: s.id, events: part)
                let enc = JSONEncoder()
                enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                deliveries.append(DeliveryRecord(id: id, subscriptionId: s.id, owner: s.owner, channel: s.channel, eventCount: part.count,
                                                 body: String(decoding: try enc.encode(body), as: UTF8.self), nextAttemptAt: now,
                                                 windowStartedAt: now, createdAt: now))
            }
        }
        guard try await store.completeFanOut(events: events.map(\.id), deliveries: deliveries, messages: messages) else { return round }
        for (user, n) in Dictionary(grouping: messages, by: \.username).mapValues(\.count) { unreadCounts?.add(user, n) }
        round.events = events.count; round.deliveriesCreated = deliveries.count; round.messages = messages.count
        return round
    }

    func notice(_ w: WarningRecord) -> WarningNotice {
        let catalog = audience.catalog
        return WarningNotice(id: w.id, level: w.level, levelName: WarningLevel(rawValue: w.level)?.nameZh ?? w.level, kind: w.kind,
                             kindName: WarningKind(rawValue: w.kind)?.nameZh ?? w.kind, subjectType: w.subjectType, subject: w.subject,
                             subjectName: w.subjectName, region: w.region, regionName: w.region.flatMap { catalog.region($0)?.name },
                             chain: w.chain, chainName: w.chain.flatMap { catalog.chains.chain($0)?.name }, period: w.period,
                             reasons: w.explanation, link: linkBase + "/warnings/" + (w.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? w.id))
    }

    static func title(_ e: NoticeEvent) -> String {
        if let w = e.warning { return "【\(w.levelName)预警】\(w.subjectName) · \(w.kindName)" }
        if let n = e.import { return "数据导入完成：\(n.kind) \(n.fileName)" }
        return e.type
    }

    static func text(_ e: NoticeEvent) -> String {
        if let w = e.warning { return "\(w.regionName ?? "")\(w.period)：\(w.reasons)" }
        if let n = e.import { return "\(n.actor) 导入 \(n.fileName)：接受 \(n.accepted) 行，拒绝 \(n.rejected) 行，变更 \(n.changed) 行" }
        return ""
    }

    // MARK: sending

    /// Sends up to `limit` due deliveries, `concurrency` at a time.
    public func sendDue(limit: Int = 500) async throws -> (attempted: Int, delivered: Int, failed: Int, dead: Int) {
        let now = clock()
        let due = try await store.claimDueDeliveries(now: Timestamp.precise(now), lease: Timestamp.precise(now.addingTimeInterval(lease)), limit: limit)
        guard !due.isEmpty else { return (0, 0, 0, 0) }
        var subs: [String: SubscriptionRecord] = [:]
        for id in Set(due.map(\.subscriptionId)) { subs[id] = try await store.subscription(id) }
        var totals = (attempted: 0, delivered: 0, failed: 0, dead: 0)
        try await withThrowingTaskGroup(of: String.self) { group in
            var iterator = due.makeIterator()
            func next() -> Bool {
                guard let d = iterator.next() else { return false }
                let sub = subs[d.subscriptionId]
                group.addTask { try await self.attempt(d, subscription: sub) }
                return true
            }
            for _ in 0..<concurrency where !next() { break }
            while let state = try await group.next() {
                totals.attempted += 1
                switch state {
                case "delivered": totals.delivered += 1
                case "dead": totals.dead += 1
                default: totals.failed += 1
                }
                _ = next()
            }
        }
        return totals
    }

    /// Seconds after which a paused subscription's held delivery is looked at again (resuming releases it at once).
    static let pausedRecheck: TimeInterval = 300

    /// One attempt; returns the state it leaves the delivery in.
    func attempt(_ d: DeliveryRecord, subscription s: SubscriptionRecord?) async throws -> String {
        guard let s else {
            try await store.recordAttempt(d.id, state: "cancelled", attempts: d.attempts, next: d.nextAttemptAt, error: "subscription deleted", deliveredAt: nil)
            return "cancelled"
        }
        if s.state == "paused" {
            // Held while paused: looked at again later, no attempt counted; resuming makes it due at once.
            try await store.recordAttempt(d.id, state: "pending", attempts: d.attempts, next: Timestamp.precise(clock().addingTimeInterval(Self.pausedRecheck)),
                                          error: "subscription paused", deliveredAt: nil)
            return "pending"
        }
        var failure: String?
        switch SubscriptionChannel(rawValue: d.channel) {
        case .webhook:
            let sentAt = clock()
            let ts = Int(sentAt.timeIntervalSince1970)
            let body = Data(d.body.utf8)
            var headers = ["Content-Type": "application/json; charset=utf-8", "User-Agent": "industry-brain-webhooks/1",
                           WebhookSignature.deliveryHeader: d.id, WebhookSignature.timestampHeader: String(ts),
                           WebhookSignature.eventHeader: s.topic == SubscriptionTopic.imports.rawValue ? "import.completed" : "warning.raised"]
            headers[WebhookSignature.signatureHeader] = WebhookSignature.sign(secret: (try? s.secret.map { try cipher?.decrypt($0) ?? $0 }) ?? s.secret ?? "", timestamp: ts, body: body)
            if let url = URL(string: s.target) {
                let outcome = await transport.post(url, headers: headers, body: body)
                failure = outcome.delivered ? nil : outcome.failure
            } else {
                failure = "stored URL does not parse"
            }
        case .email, .sms:
            do {
                let parsed = try JSONDecoder().decode(DeliveryBody.self, from: Data(d.body.utf8))
                let subject = parsed.events.count == 1 ? Self.title(parsed.events[0]) : "产业大脑：\(parsed.events.count) 条新消息"
                let text = parsed.events.map { e -> String in
                    let link: String = e.warning?.link ?? e.import?.link ?? ""
                    return Self.title(e) + "\n" + Self.text(e) + (link.isEmpty ? "" : "\n" + link)
                }.joined(separator: "\n\n")
                try await notifier.send(OutgoingMessage(channel: d.channel, to: s.target, subject: subject, text: text, deliveryId: d.id,
                                                        createdAt: Timestamp.precise(clock())))
            } catch { failure = "notifier: \(error)" }
        case .inbox, nil:
            failure = "channel \(d.channel) has no sender"
        }
        let attempts = d.attempts + 1
        let at = clock()
        guard let failure else {
            try await store.recordAttempt(d.id, state: "delivered", attempts: attempts, next: d.nextAttemptAt, error: nil, deliveredAt: Timestamp.precise(at))
            return "delivered"
        }
        let windowStart = Timestamp.date(d.windowStartedAt) ?? at
        if let next = schedule.nextAttempt(afterAttempt: attempts, at: at, windowStart: windowStart) {
            try await store.recordAttempt(d.id, state: "pending", attempts: attempts, next: Timestamp.precise(next), error: failure, deliveredAt: nil)
            return "pending"
        }
        logger.warning("delivery \(d.id) of subscription \(s.id) is dead after \(attempts) attempts: \(failure)")
        try await store.recordAttempt(d.id, state: "dead", attempts: attempts, next: Timestamp.precise(at), error: failure, deliveredAt: nil)
        return "dead"
    }
}
