import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `brain-bench webhooks --receiver URL [--warnings 1000] [--subscribers 50]`: 1,000 new warnings fanned out to 50
/// webhook subscriptions (each its own URL `<receiver>/hook/<n>`) and delivered, timed from the scan's insert of the
/// warnings to the last 2xx. The receiver (scripts/webhook-receiver.py) counts bodies and events and is asked at the end.
enum WebhookBench {
    static func run(receiver: String, warnings: Int, subscribers: Int, database: String?) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-webhook-bench-\(UUID().uuidString)")
        let store = try await Store.open(database: database, dataDirectory: dir.path)
        let catalog = RegionCatalog.jiangxi
        let policy = AddressPolicy(allowLoopback: true, allowPrivate: true)
        let desk = SubscriptionDesk(store: store, catalog: catalog, policy: policy)
        let official = Principal(username: "bench-province", role: .provinceOfficial, scope: "360000")
        for n in 0..<subscribers {
            _ = try await desk.create(SubscriptionDraft(name: "bench \(n)", topic: .warnings, channel: .webhook, target: "\(receiver)/hook/\(n)"), by: official)
        }
        let hub = SubscriptionHub(store: store, catalog: catalog, transport: URLSessionWebhookTransport(policy: policy),
                                  notifier: FileNotifier(directory: dir.appendingPathComponent("notifications")),
                                  resolveOwner: { $0 == official.username ? official : nil })
        let cities = catalog.counties.map(\.code)
        let records = (0..<warnings).map { i in
            WarningRecord(id: "bench-\(i)", kind: "output-drop", level: ["red", "orange", "yellow"][i % 3], subjectType: "enterprise",
                          subject: "BENCH\(i)", subjectName: "基准企业\(i)", region: cities[i % cities.count], zone: nil, chain: "NFM",
                          period: "2099-01", rule: "bench", inputs: ["yoy": -0.55], threshold: "30%", explanation: "当月产值同比下降55.0%（阈值30%）")
        }
        let clock = ContinuousClock()
        let t0 = clock.now
        try await store.recordScan(records, period: "2099-01")
        var rounds = 0, delivered = 0, attempted = 0, created = 0
        let fanned = try await hub.fanOut()
        created += fanned.deliveriesCreated
        let fanOutTime = clock.now - t0
        print("fan-out (scan event → \(fanned.deliveriesCreated) deliveries in the outbox): \(fanOutTime)")
        while true {
            let r = try await hub.runOnce(limit: 1000)
            rounds += 1; delivered += r.delivered; attempted += r.attempted; created += r.deliveriesCreated
            if r.events == 0 && r.attempted == 0 { break }
        }
        let elapsed = clock.now - t0
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "%d warnings × %d webhook subscribers: %d deliveries (%d events each at most), %d attempts, %d delivered in %.2f s (%d rounds, %@)",
                     warnings, subscribers, created, hub.batchSize, attempted, delivered, secs, rounds, store.kind.rawValue))
        if let url = URL(string: receiver + "/count"), let (data, _) = try? await URLSession.shared.data(from: url),
           let text = String(data: data, encoding: .utf8) {
            print("receiver: \(text.trimmingCharacters(in: .whitespacesAndNewlines)) (expected events \(warnings * subscribers))")
        }
        await store.close()
    }
}
