import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// 服务资源目录 (issue 15, part 3): who may publish what, the request → approve / refuse / revoke cycle, withdrawal,
/// daily quotas and metering, and that a call answers within the consumer's region only.
@Suite(.serialized) struct HubDeskTests {
    static let admin = Principal(username: "hub-admin", role: .admin, scope: nil)
    static let provider = Principal(username: "hub-provider", role: .provider, scope: nil)
    static let nanchang = Principal(username: "hub-nanchang", role: .cityOfficial, scope: "360100")

    static func desk(_ store: Store, cube: IndicatorCube, network: SupplyNetwork) async throws -> HubDesk {
        let cubes = CubeHolder(cube), networks = SupplyNetworkHolder(network)
        let diagnoses = DiagnosisDesk(store: store), programmes = ProgrammeDesk(store: store, catalog: .jiangxi)
        let matcher = PolicyMatcher(store: store)
        try await matcher.refresh(cube: cube)
        return HubDesk(store: store, catalog: .jiangxi, cubes: cubes,
                       analyses: AnalysisDesk(cubes: cubes, networks: networks, catalog: .jiangxi, diagnoses: diagnoses, programmes: programmes),
                       warnings: WarningDesk(store: store, catalog: .jiangxi), policies: PolicyDesk(desk: matcher, store: store, catalog: .jiangxi),
                       enterprises: EnterpriseDesk(store: store, catalog: .jiangxi, industries: .standard, grants: DataGrants(store: store)),
                       ledger: AuditLedger(store: store))
    }

    static func client(_ id: String, region: String) -> Principal {
        .client(ClientGrant(id: id, owner: "hub-admin", writes: [], reads: []), region: region)
    }

    @Test func beijingDaysAndMidnight() {
        let at = { (s: String) in ISO8601DateFormatter().date(from: s)! }
        #expect(BeijingDay.of(at("2026-12-01T15:59:59Z")) == "2026-12-01")
        #expect(BeijingDay.of(at("2026-12-01T16:00:00Z")) == "2026-12-02")
        #expect(BeijingDay.of(at("2024-02-28T16:00:00Z")) == "2024-02-29")
        #expect(BeijingDay.secondsToMidnight(at("2026-12-01T15:59:00Z")) == 60)
        #expect(BeijingDay.secondsToMidnight(at("2026-12-01T16:00:00Z")) == 86_400)
        #expect(BeijingDay.minus(1, from: "2026-03-01") == "2026-02-28")
        #expect(BeijingDay.daysSinceEpoch("2026-02-29") == nil)
    }

    @Test func publishingIsCheckedFieldByFieldAndLimitedToWhatThePublisherReads() async throws {
        let f = try await ServiceFixture.load()
        let hub = try await Self.desk(f.store, cube: f.cube, network: f.network)
        let ok = ServiceDraft(id: "hub-t-overview", title: "总览测试", description: "测试用总览", source: "overview", dailyCalls: 5)
        let s = try await hub.publish(ok, by: Self.admin)
        #expect(s.scopes == ["service:hub-t-overview", "statistics:read"] && s.parameters == ServiceSource.overview.parameters && s.priceNote == "免费")
        await #expect(throws: AppError.self) { try await hub.publish(ok, by: Self.admin) }  // the id is taken
        func refusal(_ d: ServiceDraft, by p: Principal = Self.admin) async -> AppError? {
            do { _ = try await hub.publish(d, by: p); return nil } catch let e as AppError { return e } catch { return nil }
        }
        var bad = ok; bad.id = "Bad Id"
        #expect(await refusal(bad)?.parameter == "id")
        bad = ok; bad.id = "hub-t-2"; bad.source = "everything"
        #expect(await refusal(bad)?.parameter == "source")
        bad = ok; bad.id = "hub-t-3"; bad.presets = [ServicePreset(name: "colour", value: "red")]
        #expect(await refusal(bad)?.parameter == "presets[0].name")
        bad = ok; bad.id = "hub-t-4"; bad.dailyCalls = 0
        #expect(await refusal(bad)?.parameter == "dailyCalls")
        bad = ok; bad.id = "hub-t-5"; bad.source = "chain-analysis"; bad.parameters = ["region"]
        #expect(await refusal(bad)?.message.contains("needs 'chain'") == true)
        // A provider reads no regional statistics: it may publish the registry, not an overview; an official publishes nothing.
        #expect(await refusal(ServiceDraft(id: "hub-t-6", title: "总览", description: "x", source: "overview"), by: Self.provider)?.kind == .forbidden)
        #expect(try await hub.publish(ServiceDraft(id: "hub-t-registry", title: "名录", description: "x", source: "enterprises"), by: Self.provider).owner == "hub-provider")
        #expect(await refusal(ServiceDraft(id: "hub-t-7", title: "名录", description: "x", source: "enterprises"), by: Self.nanchang)?.kind == .forbidden)
        // Only the owner (or an administrator) edits and withdraws.
        await #expect(throws: AppError.self) { try await hub.withdraw("hub-t-overview", by: Self.provider) }
        var edited = ok; edited.title = "改名后的总览"
        #expect(try await hub.edit("hub-t-overview", edited, by: Self.admin).title == "改名后的总览")
    }

    @Test func requestApproveRefuseRevokeAndWithdraw() async throws {
        let f = try await ServiceFixture.load()
        let hub = try await Self.desk(f.store, cube: f.cube, network: f.network)
        _ = try await hub.publish(ServiceDraft(id: "hub-t-cycle", title: "名录", description: "名录", source: "enterprises", parameters: ["limit"]), by: Self.admin)
        let stats = Self.client("stats", region: "360100")
        // No access before approval; the refusal names the consumer and the service.
        await #expect { try await hub.call("hub-t-cycle", query: [], by: stats) } throws: { ($0 as? AppError)?.message.contains("client:stats has no approved access to service hub-t-cycle") == true }
        await #expect(throws: AppError.self) { try await hub.requestAccess("hub-t-cycle", reason: "短", by: stats) }
        let asked = try await hub.requestAccess("hub-t-cycle", reason: "统计局系统读取名录", by: stats)
        #expect(asked.state == "pending" && asked.consumer == "client:stats")
        #expect(try await hub.requestAccess("hub-t-cycle", reason: "再问一次也是同一条", by: stats).id == asked.id)
        // Someone else's owner cannot decide; a refusal can be asked again and keeps the step.
        await #expect(throws: AppError.self) { try await hub.decide(asked.id, .approve, note: nil, by: Self.provider) }
        let refused = try await hub.decide(asked.id, .refuse, note: "请说明用途", by: Self.admin)
        #expect(refused.state == "refused" && refused.decidedBy == "hub-admin")
        await #expect(throws: AppError.self) { try await hub.decide(asked.id, .approve, note: nil, by: Self.admin) }
        let again = try await hub.requestAccess("hub-t-cycle", reason: "用于全市企业名录比对", by: stats)
        #expect(again.state == "pending" && again.history.count == 1 && again.history[0].contains("refused by hub-admin: 请说明用途"))
        #expect(try await hub.requests(for: Self.admin).incoming.contains { $0.id == again.id })
        #expect(try await hub.requests(for: stats).mine.map(\.id) == [again.id])
        _ = try await hub.decide(again.id, .approve, note: nil, by: Self.admin)
        #expect(try await f.store.approvedServices(of: "client:stats").contains("hub-t-cycle"))
        let answer = try await hub.call("hub-t-cycle", query: [("limit", "5")], by: stats)
        #expect(answer.rows == 5)
        // Unknown parameters are refused by name.
        await #expect { try await hub.call("hub-t-cycle", query: [("region", "360900")], by: stats) } throws: { ($0 as? AppError)?.parameter == "region" }
        // Revoked: refused at once; withdrawn: the service is gone for consumers.
        _ = try await hub.decide(again.id, .revoke, note: nil, by: Self.admin)
        await #expect(throws: AppError.self) { try await hub.call("hub-t-cycle", query: [], by: stats) }
        _ = try await hub.withdraw("hub-t-cycle", by: Self.admin)
        await #expect { try await hub.call("hub-t-cycle", query: [], by: Self.admin) } throws: { ($0 as? AppError)?.kind == .notFound }
        #expect(try await hub.catalogue(for: stats).contains { $0.service.id == "hub-t-cycle" } == false)
        #expect(try await hub.catalogue(for: Self.admin).first { $0.service.id == "hub-t-cycle" }?.service.state == "withdrawn")
    }

    @Test func quotasRefuseWithTheTimeToMidnightAndMeteringAddsUp() async throws {
        let f = try await ServiceFixture.load()
        let hub = try await Self.desk(f.store, cube: f.cube, network: f.network)
        _ = try await hub.publish(ServiceDraft(id: "hub-t-quota", title: "总览", description: "配额测试", source: "overview", dailyCalls: 3), by: Self.admin)
        let me = Self.client("quota", region: "360100")
        let a = try await hub.requestAccess("hub-t-quota", reason: "配额测试用", by: me)
        _ = try await hub.decide(a.id, .approve, note: nil, by: Self.admin)
        let now = ISO8601DateFormatter().date(from: "2026-12-01T15:00:00Z")!
        // A call refused by its parameters does not use the quota.
        await #expect(throws: AppError.self) { try await hub.call("hub-t-quota", query: [("period", "not-a-month")], by: me, now: now) }
        var bytes = 0
        for _ in 0..<3 { bytes += try await hub.call("hub-t-quota", query: [], by: me, now: now).body.count }
        do {
            _ = try await hub.call("hub-t-quota", query: [], by: me, now: now)
            Issue.record("the fourth call passed a quota of 3")
        } catch let q as QuotaExceeded {
            #expect(q.quota == "calls" && q.limit == 3 && q.retryAfter == 3_600 && q.firstToday)
            #expect(q.description.contains("3 calls per Beijing day"))
        }
        await #expect(throws: QuotaExceeded.self) { try await hub.call("hub-t-quota", query: [], by: me, now: now) }
        #expect(try await f.store.serviceUsage(from: "2026-12-01", to: "2026-12-01", services: ["hub-t-quota"]).isEmpty)  // nothing written per call
        try await hub.meter.flush(now: now)
        let used = try #require(try await f.store.serviceUsage(from: "2026-12-01", to: "2026-12-01", services: ["hub-t-quota"]).first)
        #expect(used.consumer == "client:quota" && used.calls == 3 && used.rows == 3 && used.bytes == bytes && used.refused == 2)
        // Another server (a fresh desk) reads the stored total and refuses too; the next Beijing day starts afresh.
        let other = try await Self.desk(f.store, cube: f.cube, network: f.network)
        await #expect(throws: QuotaExceeded.self) { try await other.call("hub-t-quota", query: [], by: me, now: now) }
        _ = try await other.call("hub-t-quota", query: [], by: me, now: now.addingTimeInterval(3_600))
        // The owner sees its consumer's usage; the consumer sees its own; a third party sees none of it.
        #expect(try await hub.usage(for: Self.admin, from: "2026-12-01", to: "2026-12-01", now: now).items.contains { $0.consumer == "client:quota" })
        #expect(try await hub.usage(for: me, from: "2026-12-01", to: "2026-12-01", now: now).items.map(\.serviceId) == ["hub-t-quota"])
        #expect(try await hub.usage(for: Self.nanchang, from: "2026-12-01", to: "2026-12-01", now: now).items.isEmpty)
        await #expect(throws: AppError.self) { try await hub.usage(for: me, from: "2026-12-01", to: "2026-01-01", now: now) }
    }

    @Test func callsAnswerWithinTheConsumersRegion() async throws {
        let f = try await ServiceFixture.load()
        let hub = try await Self.desk(f.store, cube: f.cube, network: f.network)
        _ = try await hub.publish(ServiceDraft(id: "hub-t-registry2", title: "名录", description: "名录", source: "enterprises"), by: Self.admin)
        _ = try await hub.publish(ServiceDraft(id: "hub-t-overview2", title: "总览", description: "总览", source: "overview"), by: Self.admin)
        _ = try await hub.publish(ServiceDraft(id: "hub-t-chain", title: "产业链", description: "链", source: "chain-analysis", presets: [ServicePreset(name: "chain", value: "NFM")]), by: Self.admin)
        let nanchangClient = Self.client("nc", region: "360100")
        for id in ["hub-t-registry2", "hub-t-overview2", "hub-t-chain"] {
            let a = try await hub.requestAccess(id, reason: "南昌市系统读取", by: nanchangClient)
            _ = try await hub.decide(a.id, .approve, note: nil, by: Self.admin)
        }
        let nanchangCounties = Set(["360100"] + RegionCatalog.jiangxi.counties(within: "360100"))
        let page = try JSONDecoder().decode(Page<Enterprise>.self, from: try await hub.call("hub-t-registry2", query: [("limit", "500")], by: nanchangClient).body)
        #expect(!page.items.isEmpty && page.items.allSatisfy { nanchangCounties.contains($0.region) })
        #expect(page.total < f.cube.firmCount)
        let overview = try JSONSerialization.jsonObject(with: try await hub.call("hub-t-overview2", query: [], by: nanchangClient).body) as? [String: Any]
        #expect((overview?["scope"] as? [String: Any])?["region"] as? String == "360100")
        // Another city is outside the client's region; the chain is fixed by the publisher.
        await #expect { try await hub.call("hub-t-overview2", query: [("region", "360900")], by: nanchangClient) } throws: { ($0 as? AppError)?.kind == .forbidden }
        await #expect { try await hub.call("hub-t-chain", query: [("chain", "NEWENERGY")], by: nanchangClient) } throws: { ($0 as? AppError)?.parameter == "chain" }
        let chain = try JSONSerialization.jsonObject(with: try await hub.call("hub-t-chain", query: [], by: nanchangClient).body) as? [String: Any]
        #expect(chain?["chain"] as? String == "NFM" && chain?["region"] as? String == "360100")
    }
}
