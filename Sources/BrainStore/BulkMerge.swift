import BrainCore
import Foundation
import SQLKit

/// One file's indicator merge, fed part by part and committed once at the end: the whole file or, if anything fails or
/// the process dies, nothing of it. Memory stays bounded by one part: rows are merged as they arrive, and firm-months
/// already seen in earlier parts are found in a temporary table, not in memory.
public final class BulkMergeSession: @unchecked Sendable {
    let source: String
    let batch: String
    let actor: String
    let at: String
    let order: SourceOrder
    /// The delivery number the file's log rows carry (`indicator_deliveries`).
    let delivery: Int
    private let connection: any MergeConnection
    private var totals = MergeOutcome()

    /// Opens the file's delivery on `connection` (inside the caller's transaction).
    static func open(connection: any MergeConnection, source: String, batch: String, actor: String, order: SourceOrder) async throws -> BulkMergeSession {
        try await connection.startSeen()
        let at = Timestamp.precise()
        let delivery = try await connection.openDelivery(batch: batch, source: source, actor: actor, at: at)
        return BulkMergeSession(connection: connection, source: source, batch: batch, actor: actor, at: at, order: order, delivery: delivery)
    }

    private init(connection: any MergeConnection, source: String, batch: String, actor: String, at: String, order: SourceOrder, delivery: Int) {
        self.connection = connection
        self.source = source
        self.batch = batch
        self.actor = actor
        self.at = at
        self.order = order
        self.delivery = delivery
    }

    /// What the parts merged so far changed.
    public var outcome: MergeOutcome { totals }

    /// Merges one part. With `checkEarlierParts`, rows repeating a firm-month of an earlier part (as `remember`ed or merged
    /// with the check) are not merged; they come back as (line, earlier line). Without it the caller has checked.
    public func merge(_ part: [StagedDelivery], checkEarlierParts: Bool = true) async throws -> [(line: Int, earlier: Int)] {
        let result = try await connection.merge(part, source: source, delivery: delivery, order: order, dropDuplicatesOf: checkEarlierParts)
        totals.valuesChanged += result.outcome.valuesChanged
        totals.rowsChanged += result.outcome.rowsChanged
        return result.duplicates
    }

    /// Firm-months the caller has seen in earlier parts, with their lines, for the check of later parts.
    public func remember(_ seen: [(uscc: String, month: String, line: Int)]) async throws {
        try await connection.rememberSeen(seen)
    }

    /// Records the import batch in the same transaction (a replayed file updates its counts and time).
    public func record(_ b: ImportBatch) async throws {
        try await connection.run("""
                INSERT INTO import_batches (batch_key, kind, file_name, rows_total, rows_accepted, rows_rejected, rows_changed, actor, imported_at)
                VALUES ({key}, {kind}, {file}, {total}, {accepted}, {rejected}, {changed}, {actor}, {at})
                ON CONFLICT (batch_key) DO UPDATE SET rows_total = excluded.rows_total, rows_accepted = excluded.rows_accepted,
                  rows_rejected = excluded.rows_rejected, rows_changed = excluded.rows_changed, actor = excluded.actor, imported_at = excluded.imported_at
                """, ["key": .text(b.batchKey), "kind": .text(b.kind), "file": .text(b.fileName), "total": .int(b.rowsTotal),
                      "accepted": .int(b.rowsAccepted), "rejected": .int(b.rowsRejected), "changed": .int(b.rowsChanged),
                      "actor": .text(b.actor), "at": .text(b.importedAt)])
    }
}

extension Store {
    /// Runs one file's merge in a single transaction: `body` feeds it parts and records the batch; the transaction commits
    /// when `body` returns and rolls back when it throws. On SQLite the parts go through a second, raw connection with
    /// prepared statements (see `RawSQLite`; its calls are synchronous and run on the calling task's thread, one part
    /// at a time); on PostgreSQL through one pooled connection.
    public func bulkMerge<R: Sendable>(source: String, batch: String, actor: String, order: SourceOrder = .standard,
                                       _ body: @escaping @Sendable (BulkMergeSession) async throws -> R) async throws -> R {
        switch kind {
        case .postgres:
            let result = try await transaction { db in
                let conn = SQLKitMergeConnection(db: db, dialect: .postgres)
                return try await body(try await BulkMergeSession.open(connection: conn, source: source, batch: batch, actor: actor, order: order))
            }
            ownBatches.add()
            return result
        case .sqlite:
            let path = location
            return try await writeGate.run {
                // One raw connection is kept between merges (behind the gate, used by one merge at a time): its page cache
                // stays warm and its statements prepared, which a stream of small ingested batches needs. SQLite's
                // automatic checkpoint (at 1,000 WAL pages) runs on its commits.
                let raw = try self.mergeConnection.take(path: path)
                raw.resetAll()
                let conn = RawMergeConnection(conn: raw)
                try raw.exec("BEGIN IMMEDIATE")
                do {
                    let session = try await BulkMergeSession.open(connection: conn, source: source, batch: batch, actor: actor, order: order)
                    let result = try await body(session)
                    try raw.exec("COMMIT")
                    ownBatches.add()
                    self.mergeConnection.keep(raw)
                    return result
                } catch {
                    // A connection whose rollback failed is closed rather than kept.
                    if (try? raw.exec("ROLLBACK")) != nil { self.mergeConnection.keep(raw) }
                    throw error
                }
            }
        }
    }
}

/// The raw SQLite connection `bulkMerge` keeps between merges (taken and given back behind the store's write gate).
final class MergeConnectionHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: RawSQLite?

    /// The kept connection, or a new one.
    func take(path: String) throws -> RawSQLite {
        lock.lock()
        let conn = kept
        kept = nil
        lock.unlock()
        return try conn ?? RawSQLite(path: path)
    }

    /// Keeps `conn` for the next merge.
    func keep(_ conn: RawSQLite) {
        lock.lock()
        kept = conn
        lock.unlock()
    }

    /// Closes the kept connection (the store closes).
    func close() {
        lock.lock()
        kept = nil
        lock.unlock()
    }
}
