import BrainCore
import BrainData
import BrainStore
import Foundation
import Testing
@testable import BrainApps

@Suite(.serialized) struct PolicyTests {
    @Test func seededPoliciesParseAndGrantWithoutApplication() async throws {
        let f = try await Fixture.load()
        let desk = PolicyMatcher(store: f.store)
        let (matches, _) = try await desk.refresh(cube: f.cube)
        #expect(matches.policies.count >= 10)
        #expect(matches.policies.count == (try PolicyTable.demo(year: 2026)).count)
        // A firm with 高新技术企业 has the 免申即享 grant without applying.
        let q = try await f.store.qualifications()
        let hnte = try #require(q.first { $0.value.contains("高新技术企业") }?.key)
        let mine = try await desk.matches(for: hnte, cube: f.cube)
        let reward = try #require(mine.first { $0.policyId == "HNTE-REWARD" })
        #expect(reward.outcome == .eligible)
        #expect(reward.award?.route == "auto")
        #expect(reward.award?.state == "pending", "免申即享 waits for review, 公示 and payment")
        #expect(reward.amount == 20)
        #expect(!reward.canApply)
        // Running again grants nothing twice.
        #expect(try await desk.refresh(cube: f.cube).newGrants == 0)
    }

    /// A stored policy that no longer parses is left out of matching and reported, not silently dropped.
    @Test func anUnparsableStoredPolicyIsReported() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-policy-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/p.sqlite")
        try await store.upsertPolicies([
            PolicyRecord(id: "GOOD", name: "好", issuer: "省", category: "奖励", summary: "", rule: "revenue_last_year >= 0", formula: "1",
                         autoGrant: false, validFrom: "2026-01", validUntil: "2026-12", createdBy: "t"),
            PolicyRecord(id: "BROKEN", name: "坏", issuer: "省", category: "奖励", summary: "", rule: "revenue_last_year >=", formula: "1",
                         autoGrant: false, validFrom: "2026-01", validUntil: "2026-12", createdBy: "t"),
        ])
        let desk = PolicyMatcher(store: store)
        let (matches, _) = try await desk.refresh(cube: try await CubeBuilder.build(from: store, catalog: .jiangxi))
        #expect(matches.policies.map(\.record.id) == ["GOOD"])
        #expect(desk.unparsablePolicies.map(\.id) == ["BROKEN"])
        #expect(desk.unparsablePolicies.first?.problem.isEmpty == false)
        await store.close()
    }

    @Test func unmetCriterionIsNamedAndTheFirmCanApply() async throws {
        let f = try await Fixture.load()
        let desk = PolicyMatcher(store: f.store)
        try await desk.refresh(cube: f.cube)
        let q = try await f.store.qualifications()
        let plain = try #require(f.cube.firms.first { $0.aboveScale && !(q[$0.uscc] ?? []).contains("高新技术企业") }?.uscc)
        let m = try #require(try await desk.matches(for: plain, cube: f.cube).first { $0.policyId == "HNTE-REWARD" })
        #expect(m.outcome == .ineligible)
        #expect(m.criteria.count == 1)
        #expect(m.criteria[0].state == .unmet)
        #expect(m.criteria[0].reason.contains("资质"))
        #expect(!m.canApply && m.applyNote?.contains("免申即享") == true, "no application for 免申即享")
        await #expect(throws: PolicyProblem.self) { try await desk.apply(policy: "HNTE-REWARD", uscc: plain, by: "firm-user", note: nil, cube: f.cube) }
        // A policy by application takes one, met or not; the official sees its basis.
        let smart = try #require(try await desk.matches(for: plain, cube: f.cube).first { $0.policyId == "SMART-SUBSIDY" })
        #expect(smart.canApply && smart.applyNote == nil)
        let award = try await desk.apply(policy: "SMART-SUBSIDY", uscc: plain, by: "firm-user", note: "设备已投用", cube: f.cube)
        #expect(award.state == "pending" && award.route == "application")
        await #expect(throws: PolicyProblem.self) { try await desk.apply(policy: "SMART-SUBSIDY", uscc: plain, by: "firm-user", note: nil, cube: f.cube) }
        // Rejected, it may be applied for again: the same award reopens with its history.
        let rejected = try AwardFlow.step(award, .reject, by: "official", note: "投资额不足")
        try await f.store.saveAwards([rejected])
        #expect(try await desk.matches(for: plain, cube: f.cube).first { $0.policyId == "SMART-SUBSIDY" }?.canApply == true)
        let again = try await desk.apply(policy: "SMART-SUBSIDY", uscc: plain, by: "firm-user", note: "补充材料", cube: f.cube)
        #expect(again.id == award.id && again.history.map(\.state) == ["pending", "rejected", "pending"])
    }

    @Test func missingDataReadsUnknown() async throws {
        let f = try await Fixture.load()
        let desk = PolicyMatcher(store: f.store)
        try await desk.refresh(cube: f.cube)
        // No firm has a diagnosis yet, so 数字化水平 is unknown for a small or medium firm.
        let sme = try #require(f.cube.firms.first { $0.sizeClass == .small || $0.sizeClass == .medium }?.uscc)
        let demo = try #require(try await desk.matches(for: sme, cube: f.cube).first { $0.policyId == "DIGITAL-DEMO" })
        #expect(demo.outcome == .incomplete)
        #expect(demo.criteria.contains { $0.state == .unknown && $0.reason.contains("缺少数据") })
        #expect(demo.award == nil)
    }

    @Test func badRulesAreRefusedWithLineAndColumn() {
        let bad = PolicyRecord(id: "X", name: "x", issuer: "x", category: "x", summary: "x", rule: "above_scale = true\nrevnue_last_year >= 10",
                               formula: "10", autoGrant: true, validFrom: "2026-01", validUntil: "2026-12", createdBy: "t")
        #expect(throws: PolicyProblem.self) { try ParsedPolicy.parse(bad) }
        do { _ = try ParsedPolicy.parse(bad) } catch let e as PolicyProblem {
            #expect(e.field == "rule")
            #expect(e.description.contains("line 2"))
        } catch {}
    }
}
