import BrainCore
import SQLKit
import Testing
@testable import BrainStore

/// Awards on both engines: the 公示 dates round-trip, the scoped list keeps to the registry's regions and zones, and
/// migration 22 sends awards granted or applied for before review existed to review.
extension StoreSuite {
    @Test(arguments: Backend.available)
    func awardsListByScopeAndKeepTheirPublicity(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let a = sampleEnterprise(1, region: "360102"), b = sampleEnterprise(2, region: "360902"), z = sampleEnterprise(3, region: "360111", zone: "Z360001")
        _ = try await store.upsertEnterprises([a, b, z])
        func award(_ id: String, _ uscc: String, _ state: String, policy: String = "P") -> PolicyAward {
            PolicyAward(id: id, policyId: policy, uscc: uscc, route: "auto", state: state, amount: 10, basis: "[]", history: [.init(state: state, by: "system", note: nil)])
        }
        var published = award("1", a.uscc, "publicized")
        published.publicityFrom = "2026-12-01"
        published.publicityUntil = "2026-12-07"
        try await store.saveAwards([published, award("2", b.uscc, "pending"), award("3", z.uscc, "approved", policy: "Q"), award("4", "91360100MA0000GONE", "pending")])
        let back = try #require(try await store.award("1"))
        #expect(back.publicityFrom == "2026-12-01" && back.publicityUntil == "2026-12-07" && back.state == "publicized")
        #expect(try await store.awards(scope: .all).map(\.id).sorted() == ["1", "2", "3", "4"])
        #expect(try await store.awards(scope: .regions(["360102", "360111"])).map(\.id).sorted() == ["1", "3"])
        #expect(try await store.awards(scope: .zone("Z360001")).map(\.id) == ["3"])
        #expect(try await store.awards(scope: .enterprise(b.uscc)).map(\.id) == ["2"])
        #expect(try await store.awards(scope: .nothing).isEmpty)
        #expect(try await store.awards(scope: .all, policy: "Q").map(\.id) == ["3"])
        #expect(try await store.awards(scope: .all, states: ["pending"]).map(\.id).sorted() == ["2", "4"])
        // Saving again keeps the dates unless changed.
        var paid = back
        paid.state = "paid"
        try await store.saveAwards([paid])
        #expect(try await store.award("1")?.publicityUntil == "2026-12-07")

        // Migration 22 again over awards in the states before review existed.
        try await store.sql.raw("UPDATE policy_awards SET state = 'granted' WHERE id = '2'").run()
        try await store.sql.raw("UPDATE policy_awards SET state = 'applied' WHERE id = '4'").run()
        for statement in ["ALTER TABLE policy_awards DROP COLUMN publicity_from", "ALTER TABLE policy_awards DROP COLUMN publicity_until",
                          "DELETE FROM schema_migrations WHERE version = 22"] { try await store.sql.raw(SQLQueryString(statement)).run() }
        try await store.migrate()
        let states = [try await store.award("2")?.state, try await store.award("4")?.state, try await store.award("1")?.state]
        #expect(states == ["pending", "pending", "paid"])
        #expect(try await store.award("1")?.publicityUntil == nil, "the dropped column came back empty")
        await store.close()
    }
}
