import BrainCore
import Foundation
import Testing
@testable import BrainStore

extension StoreSuite {
    /// Migration 28 on both engines: subscriptions saved and listed; a scan's new warnings become one event; an event is
    /// fanned out once (a second claim writes nothing); due deliveries are claimed once under a lease; attempts, dead
    /// letters and redelivery; the inbox with unread counts and marking read only one's own messages.
    @Test(arguments: Backend.available)
    func subscriptionsEventsDeliveriesAndInbox(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let sub = SubscriptionRecord(id: "sub_a", owner: "nanchang", name: "南昌红色预警", topic: "warnings", channel: "webhook",
                                     target: "http://127.0.0.1:9/hook", secret: "whsec_x", regions: ["360100"], levels: ["red"])
        try await store.saveSubscription(sub)
        try await store.saveSubscription(SubscriptionRecord(id: "sub_b", owner: "yichun", name: "宜春", topic: "warnings", channel: "inbox", target: "", secret: nil, state: "paused"))
        #expect(try await store.subscription("sub_a") == sub)
        #expect(try await store.subscriptions(owner: "nanchang").map(\.id) == ["sub_a"])
        #expect(try await store.subscriptions(topic: "warnings", state: "active").map(\.id) == ["sub_a"])

        // A scan's new warnings: one event naming them; a repeat scan of the same warnings adds none.
        let w = WarningRecord(id: "W1", kind: "output-drop", level: "red", subjectType: "enterprise", subject: "X", subjectName: "甲", region: "360102",
                              zone: nil, chain: "NFM", period: "2026-10", rule: "r", inputs: [:], threshold: "t", explanation: "产值下降")
        try await store.recordScan([w], period: "2026-10")
        try await store.recordScan([w], period: "2026-10")
        let events = try await store.pendingEvents()
        #expect(events.map(\.kind) == [Store.warningsRaisedEvent])
        #expect(events[0].payload.contains("W1"))

        let now = "2026-11-01T00:00:00.000Z"
        let d = DeliveryRecord(id: "dlv_1", subscriptionId: "sub_a", owner: "nanchang", channel: "webhook", eventCount: 1, body: "{}",
                               nextAttemptAt: now, windowStartedAt: now, createdAt: now)
        let m = InboxMessage(id: "m1", username: "yichun", subscriptionId: "sub_b", kind: "warning.raised", title: "t", body: "b", link: "/warnings/W1", createdAt: now)
        #expect(try await store.completeFanOut(events: events.map(\.id), deliveries: [d], messages: [m]))
        #expect(try await store.completeFanOut(events: events.map(\.id), deliveries: [d], messages: [m]) == false)
        #expect(try await store.pendingEvents().isEmpty)

        let lease = "2026-11-01T00:02:00.000Z"
        #expect(try await store.claimDueDeliveries(now: "2026-10-31T23:59:59.000Z", lease: lease, limit: 10).isEmpty)
        #expect(try await store.claimDueDeliveries(now: now, lease: lease, limit: 10).map(\.id) == ["dlv_1"])
        #expect(try await store.claimDueDeliveries(now: now, lease: lease, limit: 10).isEmpty, "held under the lease")
        try await store.recordAttempt("dlv_1", state: "dead", attempts: 30, next: now, error: "receiver answered HTTP 503", deliveredAt: nil)
        #expect(try await store.deliveries(subscriptions: ["sub_a"], state: "dead").map(\.attempts) == [30])
        #expect(try await store.deliveryCounts(subscriptions: ["sub_a"]) == ["dead": 1])
        #expect(try await store.redeliver("dlv_1", at: "2026-11-02T00:00:00.000Z"))
        #expect(try await store.redeliver("dlv_1", at: "2026-11-02T00:00:00.000Z") == false, "pending already")
        let again = try #require(try await store.delivery("dlv_1"))
        #expect(again.state == "pending" && again.windowStartedAt == "2026-11-02T00:00:00.000Z" && again.lastError == "receiver answered HTTP 503")

        #expect(try await store.unreadCount("yichun") == 1)
        #expect(try await store.markRead("nanchang", ids: ["m1"]) == 0, "someone else's message")
        #expect(try await store.inbox("yichun", unreadOnly: true).total == 1)
        #expect(try await store.markRead("yichun", ids: nil) == 1)
        #expect(try await store.unreadCount("yichun") == 0)
        #expect(try await store.inbox("yichun").items.map(\.id) == ["m1"])

        // Deleting a subscription cancels what it had not delivered; the history stays.
        try await store.deleteSubscription("sub_a")
        #expect(try await store.subscription("sub_a") == nil)
        #expect(try await store.delivery("dlv_1")?.state == "cancelled")
        await store.close()
    }
}
