import Foundation
import Logging

/// Copies SQLite's write-ahead log into the database file off the request path. The store's connections do not
/// checkpoint when they commit (`PRAGMA wal_autocheckpoint = 0`): with SQLite's default every commit that found more than
/// 1,000 pages in the log checkpointed (and synced the file) inside the write lock, once per ingested batch. This task
/// looks at the log every `interval` and, past `threshold` bytes, checkpoints it on its own connection (PASSIVE: writers
/// and readers go on meanwhile), so a stream of batches pays for one checkpoint every few batches and never waits for it.
final class WALCheckpointer: @unchecked Sendable {
    /// The log's size that starts a checkpoint (SQLite's default is 1,000 pages, about 4 MB).
    static let threshold: Int64 = 16 << 20
    /// How often the log's size is looked at.
    static let interval: Duration = .milliseconds(250)

    private let lock = NSLock()
    private var task: Task<Void, Never>?

    init(path: String, logger: Logger) {
        task = Task.detached(priority: .utility) {
            var conn: RawSQLite?
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)??.int64Value ?? 0
                guard size > Self.threshold else { continue }
                do {
                    if conn == nil { conn = try RawSQLite(path: path, autocheckpoint: false) }
                    try conn?.exec("PRAGMA wal_checkpoint(PASSIVE)")
                } catch {
                    logger.warning("checkpointing \(path)-wal failed (tried again later): \(error)")
                    conn = nil
                }
            }
        }
    }

    /// Stops looking (the store closes; SQLite checkpoints as the last connection closes).
    func stop() {
        lock.lock()
        task?.cancel()
        task = nil
        lock.unlock()
    }
}
