import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Synchronization
import Testing
@testable import BrainApps

/// A policy's validity months and its withdrawal are enforced: an expired, not yet valid or withdrawn 免申即享 policy
/// grants nothing, and an enterprise cannot apply for it; awards made before stay.
@Suite struct PolicyValidityTests {
    private static let open = Mutex<[Store]>([])

    static func policy(_ id: String, from: String, until: String, auto: Bool = true) -> PolicyRecord {
        PolicyRecord(id: id, name: id, issuer: "省", category: "奖励", summary: "", rule: "revenue_last_year >= 0", formula: "1",
                     autoGrant: auto, validFrom: from, validUntil: until, createdBy: "t")
    }

    @Test func statusFollowsTheMonthsAndTheWithdrawal() {
        let p = Self.policy("P", from: "2026-03", until: "2026-09-30")
        #expect(p.status(in: Month("2026-02")!) == .notYet && p.status(in: Month("2026-03")!) == .inForce)
        #expect(p.status(in: Month("2026-09")!) == .inForce && p.status(in: Month("2026-10")!) == .expired, "a date counts its whole month")
        var w = p
        w.withdrawnAt = "2026-05-01T00:00:00Z"
        #expect(w.status(in: Month("2026-05")!) == .withdrawn && w.notInForceReason(in: Month("2026-05")!)?.contains("withdrawn") == true)
        #expect(Self.policy("Q", from: "", until: "").status(in: Month("2030-01")!) == .inForce, "no bound given: open on that side")
    }

    @Test func onlyPoliciesInForceGrantAndTakeApplications() async throws {
        let f = try await Fixture.load()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-validity-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/v.sqlite")
        Self.open.withLock { $0.append(store) }
        let firms = Array(f.cube.firms.prefix(20))
        try await store.upsertEnterprises(firms)
        for e in firms { _ = try await store.upsertReports(try await f.store.reports(uscc: e.uscc)) }
        let cube = try await CubeBuilder.build(from: store, catalog: .jiangxi)
        let last = cube.lastMonth
        try await store.upsertPolicies([
            Self.policy("NOW", from: last.adding(months: -3).description, until: last.adding(months: 3).description),
            Self.policy("OLD", from: last.adding(months: -24).description, until: last.adding(months: -1).description),
            Self.policy("SOON", from: last.adding(months: 1).description, until: last.adding(months: 12).description),
            Self.policy("ASK", from: last.adding(months: -24).description, until: last.adding(months: -1).description, auto: false),
        ])
        let matcher = PolicyMatcher(store: store)
        let (_, granted) = try await matcher.refresh(cube: cube)
        let awards = try await store.awards()
        #expect(granted > 0 && granted == awards.count && Set(awards.map(\.policyId)) == ["NOW"], "only the policy in force grants (\(granted))")
        let firm = cube.firms[0].uscc
        let mine = Dictionary(uniqueKeysWithValues: try await matcher.matches(for: firm, cube: cube).map { ($0.policyId, $0) })
        #expect(mine["OLD"]?.status == .expired && mine["SOON"]?.status == .notYet && mine["ASK"]?.canApply == false)
        await #expect(throws: PolicyProblem.self) { _ = try await matcher.apply(policy: "ASK", uscc: firm, by: "firm", note: nil, cube: cube) }
        // Withdrawal: nothing more is granted, the awards made stay; withdrawing twice is a conflict.
        let desk = PolicyDesk(desk: matcher, store: store, catalog: .jiangxi)
        let admin = Principal(username: "admin", role: .admin, scope: nil)
        let withdrawn = try await desk.withdraw(policy: "NOW", by: admin, cube: cube)
        #expect(withdrawn.withdrawnBy == "admin" && withdrawn.status(in: last) == .withdrawn)
        #expect(try await store.awards().count == awards.count)
        do { _ = try await desk.withdraw(policy: "NOW", by: admin, cube: cube); Issue.record("withdrawn twice") } catch let e as AppError {
            #expect(e.kind == .conflict)
        }
        await #expect(throws: AppError.self) { _ = try await desk.withdraw(policy: "NOW", by: Principal(username: "f", role: .enterprise, scope: firm), cube: cube) }
    }
}
