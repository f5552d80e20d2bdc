import Foundation
import Logging
import NIOPosix
import SQLKit
import Testing
@testable import BrainStore

/// The SQLite log under a steady stream of writes (the ingestion interface's pattern: a writer always waiting at the
/// gate, reads in between): the background checkpointer must still let the log start over, so its file stays near the
/// threshold instead of growing by every commit.
@Suite struct WALRestartTests {
    @Test func theLogStartsOverWhileWritersNeverPause() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wal-restart-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let threshold: Int64 = 512 << 10
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite", logger: Logger(label: "test"), threads: .singleton,
                                               checkpointThreshold: threshold, checkpointInterval: .milliseconds(10))
        let wal = dir + "/brain.sqlite-wal"
        func walSize() -> Int64 { (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? NSNumber)??.int64Value ?? 0 }

        // Four writers back to back, each transaction rewriting 64 values of 4 kB (about 70 pages, 280 kB of log), 60
        // transactions each (about 70 MB in all, 130 times the threshold), and a reader on the reader connection meanwhile.
        // Counted, not timed: on a loaded machine it takes longer and proves the same.
        let value = String(repeating: "x", count: 4_000)
        let commits = Counter()
        let done = Counter()
        var largest: Int64 = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<4 {
                group.addTask {
                    for round in 1...60 {
                        let stamp = "\(w)-\(round)"
                        try await store.transaction { db in
                            for k in 0..<64 {
                                try await db.raw("INSERT INTO settings (key, value) VALUES (\(bind: "wal.\(w).\(k)"), \(bind: stamp + value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run()
                            }
                        }
                        commits.add()
                    }
                    done.add()
                }
            }
            group.addTask {
                while done.value < 4 {
                    _ = try await store.reading { db in try await db.raw("SELECT COUNT(*) AS n FROM settings").all() }
                }
            }
            while done.value < 4 {
                largest = max(largest, walSize())
                try await Task.sleep(for: .milliseconds(20))
            }
            try await group.waitForAll()
        }
        let written = Int64(commits.value) * 70 * 4_096
        // Without the restart the log held everything written (285 MB of 284 MB written in a 4-second variant of this
        // test); with it, a few megabytes. The bound leaves room for a checkpointer slowed down by a loaded machine.
        #expect(largest < written / 4, "the log grew to \(largest) bytes of \(written) written (threshold \(threshold))")
        let restarts = store.checkpointer?.restartCount ?? 0
        #expect(restarts >= 3, "the log started over \(restarts) times")
        await store.close()
    }
}

/// A count shared by the test's tasks.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
