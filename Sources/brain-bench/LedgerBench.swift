import BrainCore
import BrainSecurity
import BrainStore
import Foundation

/// `brain-bench ledger [--entries 100000] [--concurrency 256]`: the audit ledger's cost per entry, the part of a metered
/// read that every service-client call pays. Three measures on a fresh SQLite store (or `BRAIN_DATABASE`):
/// the entry hashes alone (no database, no content hash), `append` in groups of 64, and `recordGrouped` from many tasks at once (the
/// middleware's path: each caller waits for the group commit that stores its entry). Prints entries/s and the process's
/// CPU microseconds per entry for each, then verifies the chain.
enum LedgerBench {
    static func run(entries: Int, concurrency: Int, database: String?) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-ledger-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try await Store.open(database: database, dataDirectory: dir.path)
        let ledger = AuditLedger(store: store)
        let events = (0..<entries).map { event($0) }

        try measure("entry hashes only (no database)", entries) {
            var prev = String(repeating: "0", count: 64)
            let content = String(repeating: "a", count: 64)
            for (i, e) in events.enumerated() {
                prev = AuditEntry.hash(seq: i + 1, at: "2026-12-02T00:00:00Z", actor: e.actor, action: e.action, target: e.target, source: e.source,
                                       outcome: e.outcome, contentHash: content, prevHash: prev)
            }
        }
        try await measureAsync("append, groups of 64", entries) {
            var i = 0
            while i < events.count {
                try await ledger.append(Array(events[i..<min(events.count, i + 64)]))
                i += 64
            }
        }
        try await measureAsync("recordGrouped, \(concurrency) tasks", entries) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for t in 0..<concurrency {
                    group.addTask {
                        var i = t
                        while i < events.count {
                            try await ledger.recordGrouped(events[i])
                            i += concurrency
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let t0 = ContinuousClock.now
        let v = try await ledger.verify()
        print("verify: \(v) in \(ContinuousClock.now - t0)")
        await store.close()
    }

    /// A metered read's entry, as the audit middleware writes it.
    static func event(_ i: Int) -> AuditEvent {
        AuditEvent(actor: "client:bench-client", action: "GET /api/v1/hub/services/{id}/data", target: "/api/v1/hub/services/bench-overview/data",
                   source: "127.0.0.1", outcome: "ok",
                   detail: "{\"requestId\":\"\(Hex.random(bytes: 8))\",\"method\":\"GET\",\"path\":\"/api/v1/hub/services/bench-overview/data\",\"status\":200}")
    }

    /// The process's user and system CPU time in seconds.
    static func cpu() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    static func report(_ name: String, _ n: Int, wall: Duration, cpu: Double) {
        let s = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        print(String(format: "%@: %d entries in %.2f s, %.0f entries/s, %.1f µs CPU per entry", name, n, s, Double(n) / s, cpu / Double(n) * 1e6))
    }

    static func measure(_ name: String, _ n: Int, _ body: () throws -> Void) throws {
        let c0 = cpu(), t0 = ContinuousClock.now
        try body()
        report(name, n, wall: ContinuousClock.now - t0, cpu: cpu() - c0)
    }

    static func measureAsync(_ name: String, _ n: Int, _ body: () async throws -> Void) async throws {
        let c0 = cpu(), t0 = ContinuousClock.now
        try await body()
        report(name, n, wall: ContinuousClock.now - t0, cpu: cpu() - c0)
    }
}
