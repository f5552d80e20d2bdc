import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Synchronization
import Testing
@testable import BrainApps

/// A webhook receiver in memory: records every post and answers what `answer` says (the number of the post, from 1).
final class RecordingTransport: WebhookTransport {
    struct Post: Sendable { let url: URL; let headers: [String: String]; let body: Data }
    let posts = Mutex<[Post]>([])
    let answer: @Sendable (Int) -> WebhookOutcome
    init(answer: @escaping @Sendable (Int) -> WebhookOutcome = { _ in WebhookOutcome(status: 200) }) { self.answer = answer }
    func post(_ url: URL, headers: [String: String], body: Data) async -> WebhookOutcome {
        let n = posts.withLock { $0.append(Post(url: url, headers: headers, body: body)); return $0.count }
        return answer(n)
    }
    /// The warning ids received by posts to a URL, in order.
    func warningIDs(to url: String) -> [String] {
        posts.withLock { $0 }.filter { $0.url.absoluteString == url }.flatMap { p in
            (try? JSONDecoder().decode(DeliveryBody.self, from: p.body))?.events.compactMap { $0.warning?.id } ?? []
        }
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    func advance(_ s: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(s) } }
    var date: Date { now.withLock { $0 } }
}

@Suite struct SubscriptionTests {
    static let nanchang = Principal(username: "nanchang", role: .cityOfficial, scope: "360100")
    static let yichun = Principal(username: "yichun", role: .cityOfficial, scope: "360900")
    static let firm = Principal(username: "firm", role: .enterprise, scope: "91360100MA00000000")

    static func warning(_ id: String, region: String, level: String = "red", chain: String? = "NFM") -> WarningRecord {
        WarningRecord(id: id, kind: "output-drop", level: level, subjectType: "enterprise", subject: "X\(id)", subjectName: "企业\(id)", region: region,
                      zone: nil, chain: chain, period: "2026-10", rule: "r", inputs: [:], threshold: "t", explanation: "当月产值同比下降55%")
    }

    /// Stores stay open until the process ends (a SQLite connection may not be dropped unclosed; see SmallWorld).
    static let open = Mutex<[Store]>([])

    func store() async throws -> Store {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-subs-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/s.sqlite")
        Self.open.withLock { $0.append(store) }
        return store
    }

    func hub(_ store: Store, _ transport: any WebhookTransport, schedule: RetrySchedule = RetrySchedule(), clock: TestClock? = nil,
             owners: [Principal] = [nanchang, yichun]) -> SubscriptionHub {
        let known = Dictionary(uniqueKeysWithValues: owners.map { ($0.username, $0) })
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-notify-\(UUID().uuidString)")
        return SubscriptionHub(store: store, catalog: .jiangxi, transport: transport, notifier: FileNotifier(directory: dir), schedule: schedule,
                               linkBase: "https://brain.example", clock: { clock?.date ?? Date() }, resolveOwner: { known[$0] })
    }

    @Test func webhookAddressesAreCheckedAgainstTheSSRFPolicy() {
        let strict = AddressPolicy()
        func refused(_ url: String, _ policy: AddressPolicy = AddressPolicy()) -> String? {
            if case .failure(let e) = WebhookAddress.validate(url, policy: policy) { return e.message }
            return nil
        }
        #expect(refused("https://hooks.example.gov.cn/brain?x=1") == nil)
        #expect(refused("ftp://example.com/x")?.contains("only http and https") == true)
        #expect(refused("https://user:pw@example.com/x")?.contains("credentials") == true)
        #expect(refused("http://169.254.169.254/latest/meta-data")?.contains("link-local") == true)
        #expect(refused("http://metadata.google.internal/")?.contains("metadata") == true)
        #expect(refused("http://127.0.0.1:8080/hook")?.contains("BRAIN_WEBHOOK_ALLOW_LOOPBACK") == true)
        #expect(refused("http://localhost/hook")?.contains("loopback") == true)
        #expect(refused("http://[::1]/hook")?.contains("loopback") == true)
        #expect(refused("http://[fe80::1]/hook")?.contains("link-local") == true)
        #expect(refused("http://10.1.2.3/hook")?.contains("private") == true)
        #expect(refused("http://2130706433/hook") != nil, "a decimal IPv4 literal")
        #expect(refused("https://example.com/a#frag")?.contains("fragment") == true)
        #expect(refused("http://127.0.0.1:8080/hook", AddressPolicy(allowLoopback: true)) == nil)
        #expect(refused("http://10.1.2.3/hook", AddressPolicy(allowPrivate: true)) == nil)
        #expect(refused("http://169.254.169.254/", AddressPolicy(allowLoopback: true, allowPrivate: true)) != nil, "metadata is never allowed")
        #expect(strict.refusal(ip: "::ffff:169.254.169.254") != nil)
        #expect(strict.refusal(ip: "8.8.8.8") == nil)
    }

    /// A receiver's check: HMAC-SHA256 over "<timestamp>.<raw body>" with the secret, hex, prefixed v1=.
    @Test func signaturesVerifyAsAReceiverChecksThem() {
        let secret = WebhookSignature.newSecret()
        #expect(secret.hasPrefix("whsec_") && secret.count == 70)
        let body = Data(#"{"events":[]}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let sig = WebhookSignature.sign(secret: secret, timestamp: 1_800_000_000, body: body)
        #expect(sig.hasPrefix("v1=") && sig.count == 67)
        #expect(WebhookSignature.verify(secret: secret, timestamp: "1800000000", signature: sig, body: body, now: now))
        #expect(WebhookSignature.verify(secret: secret, timestamp: "1800000000", signature: "v1=00, " + sig, body: body, now: now), "one of several")
        #expect(!WebhookSignature.verify(secret: "whsec_other", timestamp: "1800000000", signature: sig, body: body, now: now))
        #expect(!WebhookSignature.verify(secret: secret, timestamp: "1800000000", signature: sig, body: Data(#"{"events":[1]}"#.utf8), now: now))
        #expect(!WebhookSignature.verify(secret: secret, timestamp: "1800000000", signature: sig, body: body, now: now.addingTimeInterval(301)), "replay window")
        // The value Python's hmac and `openssl dgst -sha256 -hmac` give for the example in docs/subscriptions.md.
        #expect(WebhookSignature.sign(secret: "whsec_test", timestamp: 1_700_000_000, body: Data("{}".utf8))
                == "v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91")
    }

    @Test func backoffDoublesUpToTheCapAndEndsAfterTheWindow() {
        let s = RetrySchedule()
        #expect((1...8).map { s.delay(afterAttempt: $0) } == [30, 60, 120, 240, 480, 960, 1920, 3600])
        #expect(s.delay(afterAttempt: 100) == 3600)
        let offsets = s.plannedOffsets()
        #expect(offsets.prefix(4) == [0, 30, 90, 210])
        #expect(offsets.last! <= 86_400 && offsets.last! + 3600 > 86_400)
        #expect(offsets.count == 30)
        let start = Date(timeIntervalSince1970: 0)
        #expect(s.nextAttempt(afterAttempt: 1, at: start, windowStart: start) == Date(timeIntervalSince1970: 30))
        #expect(s.nextAttempt(afterAttempt: 30, at: Date(timeIntervalSince1970: 86_000), windowStart: start) == nil)
        let env = RetrySchedule.fromEnvironment(["BRAIN_WEBHOOK_RETRY_BASE": "0.5", "BRAIN_WEBHOOK_RETRY_CAP": "4", "BRAIN_WEBHOOK_RETRY_WINDOW": "60"])
        #expect(env == RetrySchedule(base: 0.5, cap: 4, window: 60))
        #expect(RetrySchedule.fromEnvironment(["BRAIN_WEBHOOK_RETRY_BASE": "nan"]).base == 30)
    }

    /// A city subscriber never receives another city's warning, filters narrow what it gets, the scope is that of the
    /// owner's account at fan-out time, and an enterprise may not subscribe at all.
    @Test func fanOutKeepsToTheSubscribersScopeAndFilters() async throws {
        let store = try await store()
        let desk = SubscriptionDesk(store: store, catalog: .jiangxi, policy: AddressPolicy(allowLoopback: true))
        let all = try await desk.create(SubscriptionDraft(name: "南昌全部", topic: .warnings, channel: .webhook, target: "http://127.0.0.1:9/all"), by: Self.nanchang)
        _ = try await desk.create(SubscriptionDraft(name: "南昌红色有色", topic: .warnings, channel: .webhook, target: "http://127.0.0.1:9/red",
                                                    chains: ["NFM"], levels: ["red"]), by: Self.nanchang)
        _ = try await desk.create(SubscriptionDraft(name: "宜春消息", topic: .warnings, channel: .inbox), by: Self.yichun)
        #expect(all.secret?.hasPrefix("whsec_") == true)
        await #expect(throws: AppError.self) { try await desk.create(SubscriptionDraft(name: "x", topic: .warnings, channel: .inbox), by: Self.firm) }
        do {
            _ = try await desk.create(SubscriptionDraft(name: "x", topic: .warnings, channel: .inbox, regions: ["360900"]), by: Self.nanchang)
            Issue.record("a region outside the scope was accepted")
        } catch let e as AppError { #expect(e.parameter == "regions" && e.message.contains("360900")) }

        try await store.recordScan([Self.warning("N1", region: "360102"), Self.warning("N2", region: "360102", level: "yellow"),
                                    Self.warning("N3", region: "360102", chain: "ELEC"), Self.warning("Y1", region: "360902")], period: "2026-10")
        let transport = RecordingTransport()
        let round = try await hub(store, transport).runOnce()
        #expect(round.events == 1 && round.messages == 1 && round.delivered == 2)
        #expect(Set(transport.warningIDs(to: "http://127.0.0.1:9/all")) == ["N1", "N2", "N3"])
        #expect(transport.warningIDs(to: "http://127.0.0.1:9/red") == ["N1"])
        let inbox = try await desk.inbox(for: Self.yichun)
        #expect(inbox.items.map(\.title) == ["【红色预警】企业Y1 · \(WarningKind.outputDrop.nameZh)"])
        #expect(inbox.items[0].link == "https://brain.example/warnings/Y1")
        #expect(try await desk.inbox(for: Self.nanchang).total == 0)

        // The body carries what the receiver needs, in plain Chinese.
        let body = try JSONDecoder().decode(DeliveryBody.self, from: transport.posts.withLock { $0 }.first { $0.url.path == "/red" }!.body)
        let n1 = try #require(body.events.first?.warning)
        #expect(n1.levelName == "红色" && n1.regionName == "东湖区" && n1.reasons == "当月产值同比下降55%" && n1.link == "https://brain.example/warnings/N1")

        // Nanchang's official moved to 宜春: the next warnings are judged by the account as it is now.
        try await store.recordScan([Self.warning("N4", region: "360102"), Self.warning("Y2", region: "360902")], period: "2026-09")
        let moved = RecordingTransport()
        _ = try await hub(store, moved, owners: [Principal(username: "nanchang", role: .cityOfficial, scope: "360900"), Self.yichun]).runOnce()
        #expect(moved.warningIDs(to: "http://127.0.0.1:9/all") == ["Y2"])
        // A disabled owner (the resolver answers nil) receives nothing.
        try await store.recordScan([Self.warning("N5", region: "360102")], period: "2026-08")
        let gone = RecordingTransport()
        _ = try await hub(store, gone, owners: [Self.yichun]).runOnce()
        #expect(gone.posts.withLock { $0.isEmpty })
    }

    /// A client receives within its region: region and chain warnings always, warnings about single firms only with the
    /// approved access to a warning-list service; never another city's; it has no inbox.
    @Test func aClientReceivesWithinItsRegionAndItsReadScope() async throws {
        let store = try await store()
        let desk = SubscriptionDesk(store: store, catalog: .jiangxi, policy: AddressPolicy(allowLoopback: true))
        let plain = Principal.client(ClientGrant(id: "city-system", owner: "admin", writes: [], reads: []), region: "360100")
        let reader = Principal.client(ClientGrant(id: "city-reader", owner: "admin", writes: [], reads: ["warnings-list"], readSources: ["warnings"]), region: "360100")
        _ = try await desk.create(SubscriptionDraft(name: "a", topic: .warnings, channel: .webhook, target: "http://127.0.0.1:9/plain"), by: plain)
        _ = try await desk.create(SubscriptionDraft(name: "b", topic: .warnings, channel: .webhook, target: "http://127.0.0.1:9/reader"), by: reader)
        await #expect(throws: AppError.self) { _ = try await desk.create(SubscriptionDraft(name: "c", topic: .warnings, channel: .inbox), by: plain) }
        await #expect(throws: AppError.self) {
            _ = try await desk.create(SubscriptionDraft(name: "d", topic: .warnings, channel: .webhook, target: "http://127.0.0.1:9/x", regions: ["360900"]), by: plain)
        }
        var area = Self.warning("R1", region: "360102")
        area.subjectType = "region"
        try await store.recordScan([area, Self.warning("N1", region: "360102"), Self.warning("Y1", region: "360902")], period: "2026-10")
        let transport = RecordingTransport()
        _ = try await hub(store, transport, owners: [plain, reader]).runOnce()
        #expect(transport.warningIDs(to: "http://127.0.0.1:9/plain") == ["R1"])
        #expect(Set(transport.warningIDs(to: "http://127.0.0.1:9/reader")) == ["R1", "N1"])
    }

    /// A receiver that keeps failing: retried on the schedule until the window ends, then dead; redelivered by hand it
    /// arrives once, signed so that the receiver's own check passes; only a 2xx counts.
    @Test func deadLetterAfterTheWindowAndRedeliveryByHand() async throws {
        let store = try await store()
        let desk = SubscriptionDesk(store: store, catalog: .jiangxi, policy: AddressPolicy(allowLoopback: true))
        let created = try await desk.create(SubscriptionDraft(name: "南昌", topic: .warnings, channel: .webhook, target: "http://127.0.0.1:9/h"), by: Self.nanchang)
        let secret = try #require(created.secret)
        try await store.recordScan([Self.warning("N1", region: "360102")], period: "2026-10")
        let up = Mutex(false)
        let transport = RecordingTransport { _ in up.withLock { $0 } ? WebhookOutcome(status: 204) : WebhookOutcome(status: 302) }
        let clock = TestClock()
        let hub = hub(store, transport, schedule: RetrySchedule(base: 10, cap: 40, window: 200), clock: clock)
        var rounds = 0
        while try await desk.deliveries(subscription: nil, state: "dead", by: Self.nanchang).isEmpty {
            _ = try await hub.runOnce()
            clock.advance(50)
            rounds += 1
            try #require(rounds < 50)
        }
        let dead = try await desk.deliveries(subscription: nil, state: "dead", by: Self.nanchang)
        // Attempts at 0, 10, 30, 70, 110, 150, 190 (each wait 10·2ⁿ⁻¹ capped at 40, the clock moving 50 a round): the
        // next would fall after 200 s.
        #expect(dead.count == 1 && dead[0].lastError == "receiver answered HTTP 302" && dead[0].attempts >= 4)
        await #expect(throws: AppError.self) { _ = try await desk.redeliver(dead[0].id, by: Self.yichun) }
        up.withLock { $0 = true }
        let again = try await desk.redeliver(dead[0].id, by: Self.nanchang)
        #expect(again.state == "pending")
        let before = transport.posts.withLock { $0.count }
        let round = try await hub.runOnce()
        #expect(round.delivered == 1)
        #expect(try await desk.deliveries(subscription: nil, state: "delivered", by: Self.nanchang).map(\.id) == [dead[0].id])
        let last = try #require(transport.posts.withLock { $0.last })
        #expect(transport.posts.withLock { $0.count } == before + 1)
        #expect(last.headers[WebhookSignature.deliveryHeader] == dead[0].id)
        #expect(WebhookSignature.verify(secret: secret, timestamp: last.headers[WebhookSignature.timestampHeader] ?? "",
                                        signature: last.headers[WebhookSignature.signatureHeader] ?? "", body: last.body, now: clock.date))
        _ = try await hub.runOnce()
        #expect(transport.posts.withLock { $0.count } == before + 1, "delivered once")
    }

    /// A paused subscription holds its queued deliveries (not sent, no attempt used up, whatever the time); resumed, they
    /// are sent at once, once.
    @Test func pausingHoldsQueuedDeliveriesAndResumingSendsThem() async throws {
        let store = try await store()
        let desk = SubscriptionDesk(store: store, catalog: .jiangxi, policy: AddressPolicy(allowLoopback: true))
        let created = try await desk.create(SubscriptionDraft(name: "南昌", topic: .warnings, channel: .webhook, target: "http://127.0.0.1:9/p"), by: Self.nanchang)
        try await store.recordScan([Self.warning("P1", region: "360102")], period: "2026-10")
        let transport = RecordingTransport()
        let clock = TestClock()
        let hub = hub(store, transport, clock: clock)
        _ = try await hub.fanOut()
        let queued = try await desk.deliveries(subscription: created.subscription.id, state: "pending", by: Self.nanchang)
        #expect(queued.count == 1)
        _ = try await desk.setState(created.subscription.id, active: false, by: Self.nanchang)
        for _ in 0..<3 {
            _ = try await hub.sendDue()
            clock.advance(SubscriptionHub.pausedRecheck + 1)
        }
        #expect(transport.posts.withLock { $0.isEmpty }, "nothing is sent while paused")
        let held = try await desk.deliveries(subscription: created.subscription.id, state: "pending", by: Self.nanchang)
        #expect(held.map(\.id) == queued.map(\.id) && held[0].attempts == 0 && held[0].lastError == "subscription paused")
        _ = try await desk.setState(created.subscription.id, active: true, by: Self.nanchang)
        let sent = try await hub.sendDue()
        #expect(sent.delivered == 1 && transport.warningIDs(to: "http://127.0.0.1:9/p") == ["P1"])
        _ = try await hub.sendDue()
        #expect(transport.posts.withLock { $0.count } == 1, "sent once")
    }

    /// Import completions reach the importer (and administrators), not another official; e-mail goes to the file sink.
    @Test func importCompletionsReachWhoMaySeeTheBatch() async throws {
        let store = try await store()
        let desk = SubscriptionDesk(store: store, catalog: .jiangxi)
        let admin = Principal(username: "admin", role: .admin, scope: nil)
        _ = try await desk.create(SubscriptionDraft(name: "导入", topic: .imports, channel: .email, target: "ops@example.gov.cn", kinds: ["indicators"]), by: admin)
        _ = try await desk.create(SubscriptionDraft(name: "导入", topic: .imports, channel: .inbox), by: Self.yichun)
        await #expect(throws: AppError.self) { _ = try await desk.create(SubscriptionDraft(name: "x", topic: .imports, channel: .sms, target: "12345"), by: Self.nanchang) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-notify-\(UUID().uuidString)")
        let hub = SubscriptionHub(store: store, catalog: .jiangxi, transport: RecordingTransport(), notifier: FileNotifier(directory: dir),
                                  resolveOwner: { ["admin": admin, "yichun": Self.yichun, "nanchang": Self.nanchang][$0] })
        try await hub.publish(.importCompleted(ImportNotice(batch: "b1", kind: "indicators", fileName: "南昌10月.csv", actor: "nanchang", via: "api",
                                                            accepted: 10, rejected: 1, changed: 9, link: "/data/batches/b1")))
        let round = try await hub.runOnce()
        #expect(round.messages == 0 && round.delivered == 1)
        let lines = try String(contentsOf: dir.appendingPathComponent("email.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let mail = try JSONDecoder().decode(OutgoingMessage.self, from: Data(lines[0].utf8))
        #expect(mail.to == "ops@example.gov.cn" && mail.subject.contains("南昌10月.csv") && mail.text.contains("接受 10 行"))
    }
}
