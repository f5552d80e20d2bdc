import Foundation
import Testing
@testable import BrainStore

extension StoreSuite {
    static func hubService(_ id: String, owner: String = "admin", state: String = "published") -> PublishedService {
        PublishedService(id: id, title: "服务 \(id)", description: "说明", source: "overview", scopes: ["service:\(id)", "statistics:read"],
                         parameters: ["period"], presets: [ServicePreset(name: "chain", value: "NFM")], dailyCalls: 10, dailyRows: nil,
                         priceNote: "免费", owner: owner, state: state, createdAt: "2026-12-01T00:00:00Z", updatedAt: "2026-12-01T00:00:00Z")
    }

    /// Published services, access records and metering (migration 27) on both engines: records round-trip, filters
    /// answer only what they name, and usage deltas add up per day, service and consumer instead of replacing.
    @Test(arguments: Backend.available)
    func publishedServicesAccessAndUsageAddUp(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        try await store.putPublishedService(Self.hubService("overview-a"))
        try await store.putPublishedService(Self.hubService("registry-b", owner: "provider"))
        var withdrawn = Self.hubService("overview-a")
        withdrawn.state = "withdrawn"; withdrawn.withdrawnAt = "2026-12-01T01:00:00Z"
        try await store.putPublishedService(withdrawn)
        #expect(try await store.publishedService("overview-a") == withdrawn)
        #expect(try await store.publishedServices().map(\.id) == ["overview-a", "registry-b"])
        #expect(try await store.publishedService("missing") == nil)

        let a = ServiceAccess(id: "A1", serviceId: "registry-b", consumer: "client:stats", reason: "统计局系统读取", state: "pending", requestedAt: "2026-12-01T02:00:00Z")
        let b = ServiceAccess(id: "A2", serviceId: "overview-a", consumer: "client:stats", reason: "看总览", state: "approved", requestedAt: "2026-12-01T02:00:00Z",
                              decidedBy: "admin", decidedAt: "2026-12-01T03:00:00Z")
        let c = ServiceAccess(id: "A3", serviceId: "registry-b", consumer: "nanchang", reason: "读取名录", state: "approved", requestedAt: "2026-12-01T02:00:00Z")
        for r in [a, b, c] { try await store.putServiceAccess(r) }
        #expect(try await store.serviceAccess(id: "A1") == a)
        #expect(try await store.serviceAccess(service: "registry-b", consumer: "nanchang") == c)
        #expect(try await store.serviceAccesses(service: "registry-b").map(\.id) == ["A1", "A3"])
        #expect(try await store.serviceAccesses(consumer: "client:stats", state: "approved").map(\.id) == ["A2"])
        #expect(try await store.approvedServices(of: "client:stats") == ["overview-a"])
        var approved = a
        approved.state = "approved"
        try await store.putServiceAccess(approved)
        #expect(try await store.approvedServices(of: "client:stats") == ["overview-a", "registry-b"])

        // Deltas add to the day's totals; another day and another consumer stay apart.
        try await store.addServiceUsage([ServiceUsage(day: "2026-12-01", serviceId: "overview-a", consumer: "client:stats", calls: 3, rows: 3, bytes: 300),
                                         ServiceUsage(day: "2026-12-01", serviceId: "overview-a", consumer: "nanchang", calls: 1, rows: 1, bytes: 100)])
        try await store.addServiceUsage([ServiceUsage(day: "2026-12-01", serviceId: "overview-a", consumer: "client:stats", calls: 2, rows: 2, bytes: 5_000_000_000, refused: 4),
                                         ServiceUsage(day: "2026-12-02", serviceId: "overview-a", consumer: "client:stats", calls: 7)])
        try await store.addServiceUsage([])
        let day1 = try await store.serviceUsage(from: "2026-12-01", to: "2026-12-01")
        #expect(day1 == [ServiceUsage(day: "2026-12-01", serviceId: "overview-a", consumer: "client:stats", calls: 5, rows: 5, bytes: 5_000_000_300, refused: 4),
                         ServiceUsage(day: "2026-12-01", serviceId: "overview-a", consumer: "nanchang", calls: 1, rows: 1, bytes: 100)])
        #expect(try await store.serviceUsage(from: "2026-11-01", to: "2026-12-31", consumer: "client:stats").map(\.calls) == [5, 7])
        #expect(try await store.serviceUsage(from: "2026-11-01", to: "2026-12-31", services: ["registry-b"]).isEmpty)
        #expect(try await store.serviceUsage(from: "2026-11-01", to: "2026-12-31", services: []).isEmpty)
        await store.close()
    }
}
