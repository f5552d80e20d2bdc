import BrainCore
import BrainStore
import Crypto
import Foundation
import SQLKit
import Testing
@testable import BrainSecurity

@Suite struct MerkleTests {
    @Test func everyLeafOfEveryTreeSizeProvesAndATamperedPathFails() {
        for size in 1...33 {
            let values = (0..<size).map { Array(SHA256.hash(data: Data("leaf \($0)".utf8))) }
            let root = MerkleTree.root(values)
            for i in 0..<size {
                let path = MerkleTree.inclusionPath(index: i, values: values)
                #expect(MerkleTree.verify(value: values[i], index: i, size: size, path: path, root: root), "size \(size) index \(i)")
                if !path.isEmpty {
                    var bad = path
                    bad[0][0] ^= 1
                    #expect(!MerkleTree.verify(value: values[i], index: i, size: size, path: bad, root: root))
                }
                #expect(!MerkleTree.verify(value: values[(i + 1) % size] + [1], index: i, size: size, path: path, root: root))
            }
        }
    }

    @Test func rootFollowsRFC6962() {
        // Two leaves: H(0x01 ‖ H(0x00 ‖ a) ‖ H(0x00 ‖ b)).
        let a: [UInt8] = [1, 2, 3], b: [UInt8] = [4, 5]
        let expected = Array(SHA256.hash(data: [0x01] + Array(SHA256.hash(data: [0x00] + a)) + Array(SHA256.hash(data: [0x00] + b))))
        #expect(MerkleTree.root([a, b]) == expected)
        #expect(MerkleTree.root([a]) == Array(SHA256.hash(data: [0x00] + a)))
    }
}

@Suite(.serialized) struct AuditLedgerTests {
    func ledger(entries: Int) async throws -> (Store, AuditLedger) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-audit-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        let ledger = AuditLedger(store: store, blockSize: 64)
        var events: [AuditEvent] = []
        for k in 1...entries {
            events.append(AuditEvent(actor: k % 3 == 0 ? "nanchang" : "admin", action: "POST /api/v1/x", target: "/api/v1/x/\(k)",
                                     source: "127.0.0.1", outcome: "ok", detail: "{\"n\":\(k)}"))
            if events.count == 50 { try await ledger.append(events); events = [] }
        }
        try await ledger.append(events)
        return (store, ledger)
    }

    @Test func appendChainsAndChecksFullBlocks() async throws {
        let (store, ledger) = try await ledger(entries: 200)
        let cps = try await ledger.checkpoints()
        #expect(cps.map(\.lastSeq) == [64, 128, 192])
        let v = try await ledger.verify()
        #expect(v.ok, "\(v)")
        #expect(v.entries == 200 && v.checkpoints == 3)
        // Sealing the rest makes a partial block.
        #expect(try await ledger.checkpoint().map(\.lastSeq) == [200])
        #expect(try await ledger.verify().ok)
        await store.close()
    }

    @Test func anEditedContentIsNamed() async throws {
        let (store, ledger) = try await ledger(entries: 150)
        try await store.sql.raw("UPDATE audit_ledger SET detail = '{\"n\":999}' WHERE seq = 77").run()
        let v = try await ledger.verify()
        #expect(!v.ok)
        #expect(v.firstBadEntry == 77)
        #expect(v.problem?.contains("entry 77") == true)
        await store.close()
    }

    @Test func anEditedFieldADeletionAndAReorderAreNamed() async throws {
        do {
            let (store, ledger) = try await ledger(entries: 100)
            try await store.sql.raw("UPDATE audit_ledger SET actor = 'someone-else' WHERE seq = 10").run()
            #expect(try await ledger.verify().firstBadEntry == 10)
            await store.close()
        }
        do {
            let (store, ledger) = try await ledger(entries: 100)
            try await store.sql.raw("DELETE FROM audit_ledger WHERE seq = 50").run()
            let v = try await ledger.verify()
            #expect(v.firstBadEntry == 50)
            #expect(v.problem?.contains("missing") == true)
            await store.close()
        }
        do {
            // Swap the contents of entries 20 and 21 (their sequence numbers stay).
            let (store, ledger) = try await ledger(entries: 100)
            try await store.sql.raw("UPDATE audit_ledger SET seq = -20 WHERE seq = 20").run()
            try await store.sql.raw("UPDATE audit_ledger SET seq = 20 WHERE seq = 21").run()
            try await store.sql.raw("UPDATE audit_ledger SET seq = 21 WHERE seq = -20").run()
            #expect(try await ledger.verify().firstBadEntry == 20)
            await store.close()
        }
        do {
            // Deleting the newest entries is caught by the checkpoint that covered them.
            let (store, ledger) = try await ledger(entries: 130)
            try await store.sql.raw("DELETE FROM audit_ledger WHERE seq > 100").run()
            let v = try await ledger.verify()
            #expect(!v.ok)
            #expect(v.problem?.contains("checkpoint 2") == true)
            await store.close()
        }
    }

    @Test func aRewrittenChainIsCaughtByItsCheckpoint() async throws {
        let (store, ledger) = try await ledger(entries: 100)
        // Change entry 5 and recompute every hash after it, as a careful forger would; the checkpoint root still differs.
        var entries = try await ledger.entries()
        var prev = entries[3].entryHash
        for k in 4..<entries.count {
            let e = entries[k]
            let detail = k == 4 ? "{\"n\":-5}" : e.detail
            let content = Hex.encode(SHA256.hash(data: Data(detail.utf8)))
            let hash = AuditEntry.hash(seq: e.seq, at: e.at, actor: e.actor, action: e.action, target: e.target, source: e.source, outcome: e.outcome,
                                       contentHash: content, prevHash: prev)
            try await store.sql.raw("UPDATE audit_ledger SET detail = \(bind: detail), content_hash = \(bind: content), prev_hash = \(bind: prev), entry_hash = \(bind: hash) WHERE seq = \(bind: e.seq)").run()
            prev = hash
            entries[k] = e
        }
        let v = try await ledger.verify()
        #expect(!v.ok)
        #expect(v.problem?.contains("Merkle root") == true)
        #expect(v.firstBadEntry == 1)
        await store.close()
    }

    @Test func aProofChecksWithTheDocsScript() async throws {
        let (store, ledger) = try await ledger(entries: 100)
        try await ledger.checkpoint()
        let proof = try #require(try await ledger.proof(seq: 70))
        #expect(proof.checkpoint.firstSeq == 65 && proof.checkpoint.lastSeq == 100)
        let values = try await ledger.entries(after: 64, limit: 36).map { Hex.decode($0.entryHash)! }
        #expect(MerkleTree.verify(value: Hex.decode(proof.entry.entryHash)!, index: proof.leafIndex, size: proof.treeSize,
                                  path: proof.path.map { Hex.decode($0)! }, root: Hex.decode(proof.checkpoint.root)!))
        #expect(values.count == 36)
        await store.close()
        // The script in docs/ checks it with Python's hashlib only (skipped when python3 is not installed).
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/security/verify_proof.py").path
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("proof-\(UUID().uuidString).json")
        try JSONEncoder().encode(proof).write(to: file)
        #expect(try run(python, [script, file.path, proof.checkpoint.checkpointHash]) == 0)
        // A proof whose entry was altered fails.
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var entry = try #require(json["entry"] as? [String: Any])
        entry["actor"] = "mallory"
        json["entry"] = entry
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        #expect(try run(python, [script, file.path]) == 1)
    }

    func run(_ exe: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}

@Suite struct BackupTests {
    @Test func aBackupRestoresWithTheSameCountsAndLedgerHead() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-bk-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        let ledger = AuditLedger(store: store, blockSize: 16)
        _ = try await Accounts(store: store, catalog: .jiangxi, mfaPolicy: .optional).add(username: "nc", password: "Nanchang#2026", role: .cityOfficial, scope: "360100", cost: 4)
        for k in 0..<40 { try await ledger.record(AuditEvent(actor: "nc", action: "GET /x", target: "/x/\(k)", source: "127.0.0.1")) }
        // Writes keep coming while the snapshot is taken; the copy is consistent with itself.
        async let writer: Void = {
            for k in 40..<80 { try await ledger.record(AuditEvent(actor: "nc", action: "GET /x", target: "/x/\(k)", source: "127.0.0.1")) }
        }()
        let file = dir + "/backup/brain.sqlite"
        try FileManager.default.createDirectory(atPath: dir + "/backup", withIntermediateDirectories: true)
        try await store.backupSQLite(to: file)
        try await writer
        await #expect(throws: StoreError.self) { try await store.backupSQLite(to: file) }
        let copy = try await Store.openSQLite(path: file)
        let counts = try await copy.tableCounts()
        #expect(counts["users"] == 1)
        let head = try await copy.ledgerHead()
        #expect(head.seq >= 40 && head.seq <= 80)
        #expect(counts["audit_ledger"] == head.seq)
        #expect(try await AuditLedger(store: copy, blockSize: 16).verify().ok)
        // The source went on; its head is at least the copy's, and the copy's head entry is the same entry.
        #expect(try await store.ledgerHead().seq == 80)
        let same = try await ledger.entries(after: head.seq - 1, limit: 1).first?.entryHash
        #expect(same == head.hash)
        await copy.close()
        await store.close()
    }
}
