import BrainSecurity
import Foundation
import Testing
@testable import BrainStore

/// The audit ledger on both engines (its appends run as `appendTransaction`s): entries chained and sealed in blocks,
/// grouped records from many tasks kept whole, the partial block sealed on demand, and an edited entry named by the verifier.
extension StoreSuite {
    @Test(arguments: Backend.available)
    func theLedgerChainsSealsAndVerifiesOnEveryEngine(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let ledger = AuditLedger(store: store, blockSize: 64)
        for n in stride(from: 0, to: 150, by: 50) {
            try await ledger.append((n..<(n + 50)).map { AuditEvent(actor: "u\($0)", action: "GET /x", target: "t\($0)", source: "127.0.0.1", detail: "{\"n\":\($0)}") })
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 150..<200 {
                group.addTask { try await ledger.recordGrouped(AuditEvent(actor: "u\(n)", action: "GET /x", target: "t\(n)", source: "127.0.0.1", detail: "{\"n\":\(n)}")) }
            }
            try await group.waitForAll()
        }
        #expect(try await ledger.checkpoints().map(\.lastSeq) == [64, 128, 192])
        let entries = try await ledger.entries(limit: 1_000)
        #expect(entries.map(\.seq) == Array(1...200))
        #expect(Set(entries.map(\.actor)) == Set((0..<200).map { "u\($0)" }))
        var v = try await ledger.verify()
        #expect(v.ok && v.entries == 200 && v.checkpoints == 3, "\(v)")
        #expect(try await ledger.checkpoint().map(\.lastSeq) == [200])
        v = try await ledger.verify()
        #expect(v.ok && v.checkpoints == 4, "\(v)")
        // An edited entry is still caught.
        try await store.sql.raw("UPDATE audit_ledger SET actor = 'someone-else' WHERE seq = 101").run()
        #expect(try await ledger.verify().firstBadEntry == 101)
        await store.close()
    }
}
