import BrainCore
import Foundation
import Testing
@testable import BrainStore

extension StoreSuite {
    /// Migration 18 and the policy table's version on both engines: 文号 and region scope stored, a policy the new
    /// version leaves out withdrawn in the same transaction (its award kept), one listed again standing again.
    @Test(arguments: Backend.available)
    func policyTableVersionsWithdrawAndKeepAwards(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        func policy(_ id: String) -> PolicyRecord {
            var p = PolicyRecord(id: id, name: id, issuer: "省工信厅", category: "奖励", summary: "", rule: "above_scale", formula: "1",
                                 autoGrant: true, validFrom: "2026-01", validUntil: "2026-12", createdBy: "t")
            p.documentNo = "赣工信字〔2026〕\(id.count)号"
            p.regions = ["360100", "360900"]
            return p
        }
        let first = try await store.replacePolicies([policy("A"), policy("B")], kind: "policies", actor: "admin", fileName: "v1.csv", rowCount: 2, content: "v1")
        #expect(first.version.version == 1 && first.withdrawn.isEmpty)
        #expect(try await store.policies().first?.documentNo == "赣工信字〔2026〕1号")
        #expect(try await store.policies().first?.regions == ["360100", "360900"])
        try await store.saveAwards([PolicyAward(id: "A-B-1", policyId: "B", uscc: "91360100MA00000001", route: "auto", state: "paid",
                                                amount: 1, basis: "[]", history: [])])
        let second = try await store.replacePolicies([policy("A")], kind: "policies", actor: "admin", fileName: "v2.csv", rowCount: 1, content: "v2")
        #expect(second.version.version == 2 && second.withdrawn == ["B"])
        let b = try #require(try await store.policies().first { $0.id == "B" })
        #expect(b.withdrawnAt != nil && b.withdrawnBy == "admin")
        #expect(try await store.awards(policy: "B").map(\.state) == ["paid"])
        _ = try await store.replacePolicies([policy("A"), policy("B")], kind: "policies", actor: "admin", fileName: "v3.csv", rowCount: 2, content: "v3")
        #expect(try await store.policies().allSatisfy { $0.withdrawnAt == nil })
        #expect(try await store.referenceContent(kind: "policies", version: 2)?.content == "v2")
        await store.close()
    }
}
