import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird
import Synchronization
import Testing
@testable import BrainWeb

/// A real HTTP receiver on 127.0.0.1: records every post (delivery id, warning ids, whether the signature verified);
/// answers 503 to the first `refuse` posts, then 200. Started on a given port (0: any).
final class WebhookReceiver: Sendable {
    struct Got: Sendable { let delivery: String; let warnings: [String]; let signed: Bool }
    let got = Mutex<[Got]>([])
    let refused = Mutex(0)
    let refuse: Int
    let secret: String
    init(secret: String, refuse: Int) { self.secret = secret; self.refuse = refuse }

    func start(port: Int) async throws -> (port: Int, task: Task<Void, any Error>) {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = Data(buffer: try await request.body.collect(upTo: 4 << 20))
            let turnedAway = self.refused.withLock { n -> Bool in
                guard n < self.refuse else { return false }
                n += 1
                return true
            }
            if turnedAway { return Response(status: .serviceUnavailable) }
            func h(_ name: String) -> String? { request.headers.first { $0.name.rawName.lowercased() == name.lowercased() }?.value }
            let signed = WebhookSignature.verify(secret: self.secret, timestamp: h(WebhookSignature.timestampHeader) ?? "",
                                                 signature: h(WebhookSignature.signatureHeader) ?? "", body: body)
            let parsed = try JSONDecoder().decode(DeliveryBody.self, from: body)
            self.got.withLock {
                $0.append(Got(delivery: h(WebhookSignature.deliveryHeader) ?? "", warnings: parsed.events.compactMap { $0.warning?.id }, signed: signed))
            }
            return Response(status: .ok)
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? port) })
        let task = Task { try await app.run() }
        var bound = 0
        for await p in stream { bound = p; break }
        return (bound, task)
    }
}

@Suite struct SubscriptionAPITests {
    /// The API as an official and an enterprise use it: create (the secret answered once), refusals that name their
    /// reason, another city's subscription answering as missing, pause, the dead-letter list and the inbox.
    @Test func subscriptionsThroughTheAPI() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let nanchang = try await s.login("nanchang", "Nanchang#2026")
        let yichun = try await s.login("yichun", "Yichun#20262026")
        let firm = try await s.login("firm", "Firm#20262026")
        func body(_ o: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: o) }

        let created = try await s.request("POST", "/api/v1/subscriptions", token: nanchang,
                                          body: try body(["name": "南昌红色预警", "topic": "warnings", "channel": "webhook",
                                                          "target": "https://hooks.example.gov.cn/brain", "levels": ["red"]]))
        #expect(created.status == 201)
        let secret = created.object["secret"] as? String
        #expect(secret?.hasPrefix("whsec_") == true)
        let id = try #require((created.object["subscription"] as? [String: Any])?["id"] as? String)

        let refusedRole = try await s.request("POST", "/api/v1/subscriptions", token: firm, body: try body(["name": "x", "topic": "warnings", "channel": "inbox"]))
        #expect(refusedRole.status == 403 && refusedRole.errorMessage.contains("statistics:read"))
        let metadata = try await s.request("POST", "/api/v1/subscriptions", token: nanchang,
                                           body: try body(["name": "x", "topic": "warnings", "channel": "webhook", "target": "http://169.254.169.254/latest"]))
        #expect(metadata.status == 400 && metadata.errorMessage.contains("169.254.169.254"))
        let otherCity = try await s.request("POST", "/api/v1/subscriptions", token: nanchang,
                                            body: try body(["name": "x", "topic": "warnings", "channel": "inbox", "regions": ["360900"]]))
        #expect(otherCity.status == 400 && otherCity.errorMessage.contains("360900"))

        let list = try await s.get("/api/v1/subscriptions", token: nanchang)
        let items = list.object["items"] as? [[String: Any]] ?? []
        #expect(items.count == 1 && items[0]["secret"] == nil && items[0]["levels"] as? [String] == ["red"])
        #expect(try await s.get("/api/v1/subscriptions/\(id)", token: yichun).status == 404)
        #expect(try await s.request("POST", "/api/v1/subscriptions/\(id)/pause", token: yichun).status == 404)
        let paused = try await s.request("POST", "/api/v1/subscriptions/\(id)/pause", token: nanchang)
        #expect(paused.object["state"] as? String == "paused")
        #expect((try await s.get("/api/v1/deliveries?state=dead", token: nanchang)).object["items"] as? [Any] != nil)
        #expect(try await s.get("/api/v1/deliveries?state=lost", token: nanchang).status == 400)
        #expect(try await s.get("/api/v1/inbox?colour=red", token: nanchang).status == 400)

        // The inbox: an inbox subscription, a warning of Nanchang raised, the worker's round, then read.
        _ = try await s.request("POST", "/api/v1/subscriptions", token: nanchang, body: try body(["name": "消息", "topic": "warnings", "channel": "inbox"]))
        try await s.services.store.recordScan([WarningRecord(id: "T-N1", kind: "output-drop", level: "red", subjectType: "enterprise", subject: "X",
                                                             subjectName: "测试企业", region: "360102", zone: nil, chain: nil, period: "2099-01", rule: "r",
                                                             inputs: [:], threshold: "t", explanation: "当月产值同比下降55%")], period: "2099-01")
        _ = try await s.services.subscriptionHub.fanOut()
        let inbox = try await s.get("/api/v1/inbox?unread=true", token: nanchang)
        #expect(inbox.object["total"] as? Int == 1)
        #expect(try await s.get("/api/v1/inbox", token: yichun).object["total"] as? Int == 0)
        let read = try await s.request("POST", "/api/v1/inbox/read", token: nanchang, body: try body([:]))
        #expect(read.object["count"] as? Int == 1)
        #expect(try await s.get("/api/v1/inbox?unread=true", token: nanchang).object["total"] as? Int == 0)
        #expect(try await s.request("POST", "/api/v1/subscriptions/\(id)/delete", token: nanchang).status == 200)
        #expect(try await s.get("/api/v1/subscriptions/\(id)", token: nanchang).status == 404)
    }

    /// A receiver that is down (connection refused), then comes back answering 503 twice, then 200: every warning arrives
    /// exactly once, each delivery once, every signature verifies. Short backoff (10–50 ms) instead of minutes.
    @Test func aReceiverDownForAWhileGetsEveryWarningOnce() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let store = s.services.store
        let policy = AddressPolicy(allowLoopback: true)
        let desk = SubscriptionDesk(store: store, catalog: s.services.catalog, policy: policy)
        let official = Principal(username: "nanchang", role: .cityOfficial, scope: "360100")
        // Reserve a port, then stop listening on it: the receiver is down.
        let probe = WebhookReceiver(secret: "", refuse: 0)
        let (port, first) = try await probe.start(port: 0)
        first.cancel(); _ = await first.result
        let created = try await desk.create(SubscriptionDraft(name: "南昌", topic: .warnings, channel: .webhook, target: "http://127.0.0.1:\(port)/hook"), by: official)
        let hub = SubscriptionHub(store: store, catalog: s.services.catalog, transport: URLSessionWebhookTransport(policy: policy, timeout: 5),
                                  notifier: FileNotifier(directory: FileManager.default.temporaryDirectory.appendingPathComponent("n-\(UUID().uuidString)")),
                                  schedule: RetrySchedule(base: 0.01, cap: 0.05, window: 3600),
                                  resolveOwner: { $0 == "nanchang" ? official : nil })
        let ids = (1...250).map { "T-OUT-\($0)" }
        try await store.recordScan(ids.map { WarningRecord(id: $0, kind: "output-drop", level: "red", subjectType: "enterprise", subject: $0, subjectName: $0,
                                                          region: "360102", zone: nil, chain: nil, period: "2099-02", rule: "r", inputs: [:], threshold: "t",
                                                          explanation: "x") }, period: "2099-02")
        var failed = 0
        for _ in 0..<5 {
            let r = try await hub.runOnce()
            failed += r.failed
            try await Task.sleep(for: .milliseconds(60))
        }
        #expect(failed >= 5, "refused while down")
        let receiver = WebhookReceiver(secret: try #require(created.secret), refuse: 2)
        let (_, task) = try await receiver.start(port: port)
        var rounds = 0
        while receiver.got.withLock({ $0.flatMap(\.warnings).count }) < ids.count {
            _ = try await hub.runOnce()
            try await Task.sleep(for: .milliseconds(60))
            rounds += 1
            try #require(rounds < 200)
        }
        for _ in 0..<3 { _ = try await hub.runOnce(); try await Task.sleep(for: .milliseconds(60)) }
        let got = receiver.got.withLock { $0 }
        #expect(got.flatMap(\.warnings).sorted() == ids.sorted(), "every warning exactly once")
        #expect(Set(got.map(\.delivery)).count == got.count, "no delivery twice")
        #expect(got.allSatisfy { $0.signed })
        #expect(receiver.refused.withLock { $0 } == 2)
        #expect(try await desk.deliveries(subscription: created.subscription.id, state: "delivered", by: official).count == 3, "250 events in bodies of ≤ 100")
        task.cancel(); _ = await task.result
    }
}
