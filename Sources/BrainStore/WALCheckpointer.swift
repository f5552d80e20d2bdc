import Foundation
import Logging
import VaporCSQLite

/// Copies SQLite's write-ahead log into the database file off the request path, and lets the log start over. The
/// store's connections do not checkpoint when they commit (`PRAGMA wal_autocheckpoint = 0`): with SQLite's default every
/// commit that found more than 1,000 pages in the log checkpointed (and synced the file) inside the write lock, once per
/// ingested batch. This task looks at the log every `interval` and, past `threshold` bytes, checkpoints it on its own
/// connection in two steps:
/// 1. PASSIVE, outside the store's write gate: copies the bulk of the log while writers go on, again until what is left
///    is small (`catchUp`).
/// 2. RESTART, inside the write gate: copies what was committed during step 1 (no writer can add more meanwhile) and
///    waits, at most `readerWait`, for readers of older snapshots to end, so that the next commit writes the log from its
///    start again.
/// Without step 2 a steady stream of ingested batches never let a checkpoint finish: every batch committed more frames
/// while the last ones were copied, the log was never restarted and grew by every batch (1.3 GB during a million-row
/// run), each new frame landed on freshly allocated file blocks (which the kernel zeroes first: 12 % of the server's CPU)
/// and every page lookup searched a longer log index.
final class WALCheckpointer: @unchecked Sendable {
    /// The log's size that starts a checkpoint (SQLite's default is 1,000 pages, about 4 MB).
    static let threshold: Int64 = 16 << 20
    /// How often the log's size is looked at.
    static let interval: Duration = .milliseconds(250)
    /// How long step 2 waits, holding the write gate, for readers of an older snapshot (a view rebuild's scan reads for
    /// seconds: then the restart is left to a later round).
    static let readerWait: Int32 = 100

    private let lock = NSLock()
    private var task: Task<Void, Never>?
    /// Rounds whose RESTART step completed (the log starts over at the next commit), for tests.
    private var restarts = 0

    /// Watches `path`'s log; step 2 runs inside `gate`, the gate every writer of the store passes.
    init(path: String, logger: Logger, gate: AsyncGate, threshold: Int64 = WALCheckpointer.threshold,
         interval: Duration = WALCheckpointer.interval) {
        task = Task.detached(priority: .utility) { [weak self] in
            var conn: RawSQLite?
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)??.int64Value ?? 0
                guard size > threshold else { continue }
                do {
                    if conn == nil {
                        conn = try RawSQLite(path: path, autocheckpoint: false)
                        conn?.busyTimeout(milliseconds: Self.readerWait)
                    }
                    guard let c = conn else { continue }
                    guard try Self.catchUp(c) else { continue }
                    let held = Held(c)
                    let restarted = try await gate.run { try held.conn.checkpoint(SQLITE_CHECKPOINT_RESTART).complete }
                    if restarted { self?.countRestart() }
                } catch {
                    logger.warning("checkpointing \(path)-wal failed (tried again later): \(error)")
                    conn = nil
                }
            }
        }
    }

    /// Step 1: PASSIVE checkpoints, each copying what was committed during the one before, until little is left to copy
    /// (then step 2 holds the gate only briefly). False when a reader of an old snapshot holds the copy back (a pass made
    /// no progress): step 2 would then only wait for that reader while holding the gate, so the round ends here.
    static func catchUp(_ c: RawSQLite) throws -> Bool {
        var copied = -1
        for _ in 0..<4 {
            let pass = try c.checkpoint(SQLITE_CHECKPOINT_PASSIVE)
            if pass.logFrames - pass.copied <= catchUpFrames { return true }
            if pass.copied <= copied { return false }
            copied = pass.copied
        }
        return false
    }

    /// What step 1 may leave for step 2 to copy inside the gate: 512 frames (2 MB).
    static let catchUpFrames = 512

    /// The checkpoint connection handed into the write gate's closure (used by this task alone, one call at a time).
    private struct Held: @unchecked Sendable {
        let conn: RawSQLite
        init(_ conn: RawSQLite) { self.conn = conn }
    }

    private func countRestart() {
        lock.lock()
        restarts += 1
        lock.unlock()
    }

    /// How many rounds let the log start over so far.
    var restartCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return restarts
    }

    /// Stops looking (the store closes; SQLite checkpoints as the last connection closes).
    func stop() {
        lock.lock()
        task?.cancel()
        task = nil
        lock.unlock()
    }
}
