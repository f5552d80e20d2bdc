import Foundation
import BrainCore
import SQLKit

/// A record of one import run: what file, how many rows were accepted, rejected and actually changed.
public struct ImportBatch: Codable, Sendable, Hashable {
    /// SHA-256 of the file's bytes plus the import kind: the idempotency key.
    public var batchKey: String
    public var kind: String
    public var fileName: String
    public var rowsTotal: Int
    public var rowsAccepted: Int
    public var rowsRejected: Int
    public var rowsChanged: Int
    public var actor: String
    public var importedAt: String

    public init(batchKey: String, kind: String, fileName: String, rowsTotal: Int, rowsAccepted: Int, rowsRejected: Int,
                rowsChanged: Int, actor: String, importedAt: String = Timestamp.now()) {
        self.batchKey = batchKey
        self.kind = kind
        self.fileName = fileName
        self.rowsTotal = rowsTotal
        self.rowsAccepted = rowsAccepted
        self.rowsRejected = rowsRejected
        self.rowsChanged = rowsChanged
        self.actor = actor
        self.importedAt = importedAt
    }
}

private struct BatchRow: Decodable {
    let batch_key: String, kind: String, file_name: String
    let rows_total: Int, rows_accepted: Int, rows_rejected: Int, rows_changed: Int
    let actor: String, imported_at: String
}

extension Store {
    /// Records an import batch (a replayed batch updates its counts and time).
    public func recordBatch(_ b: ImportBatch, in db: any SQLDatabase) async throws {
        try await db.insert(into: "import_batches")
            .columns("batch_key", "kind", "file_name", "rows_total", "rows_accepted", "rows_rejected", "rows_changed", "actor", "imported_at")
            .values(SQLBind(b.batchKey), SQLBind(b.kind), SQLBind(b.fileName), SQLBind(b.rowsTotal), SQLBind(b.rowsAccepted),
                    SQLBind(b.rowsRejected), SQLBind(b.rowsChanged), SQLBind(b.actor), SQLBind(b.importedAt))
            .onConflict(with: ["batch_key"]) { c in
                c.set(excludedValueOf: "rows_changed").set(excludedValueOf: "imported_at").set(excludedValueOf: "actor")
            }.run()
    }

    /// The earlier batch with the same key, if this exact file was imported before.
    /// The latest import batches, newest first; only one actor's when `actor` is given.
    public func recentBatches(actor: String?, limit: Int = 50) async throws -> [ImportBatch] {
        var q = sql.select().columns("batch_key", "kind", "file_name", "rows_total", "rows_accepted", "rows_rejected", "rows_changed", "actor", "imported_at")
            .from("import_batches")
        if let actor { q = q.where("actor", .equal, actor) }
        return try await q.orderBy("imported_at", .descending).limit(limit).all(decoding: BatchRow.self).map {
            ImportBatch(batchKey: $0.batch_key, kind: $0.kind, fileName: $0.file_name, rowsTotal: $0.rows_total, rowsAccepted: $0.rows_accepted,
                        rowsRejected: $0.rows_rejected, rowsChanged: $0.rows_changed, actor: $0.actor, importedAt: $0.imported_at)
        }
    }

    public func batch(_ key: String) async throws -> ImportBatch? {
        try await sql.select().columns("batch_key", "kind", "file_name", "rows_total", "rows_accepted", "rows_rejected",
                                        "rows_changed", "actor", "imported_at")
            .from("import_batches").where("batch_key", .equal, key).first(decoding: BatchRow.self).map {
                ImportBatch(batchKey: $0.batch_key, kind: $0.kind, fileName: $0.file_name, rowsTotal: $0.rows_total,
                            rowsAccepted: $0.rows_accepted, rowsRejected: $0.rows_rejected, rowsChanged: $0.rows_changed,
                            actor: $0.actor, importedAt: $0.imported_at)
            }
    }

    /// Reads a setting.
    public func setting(_ key: String) async throws -> String? {
        try await sql.select().column("value").from("settings").where("key", .equal, key).first()?.decode(column: "value", as: String.self)
    }

    /// Writes a setting only if it is not set yet; returns the value in force (so concurrent servers agree).
    public func settingIfAbsent(_ key: String, _ value: String) async throws -> String {
        try await transaction { db in
            try await db.insert(into: "settings").columns("key", "value").values(SQLBind(key), SQLBind(value))
                .ignoringConflicts(with: ["key"]).run()
        }
        return try await setting(key) ?? value
    }

    /// Writes a setting.
    public func setSetting(_ key: String, _ value: String) async throws {
        try await transaction { db in
            try await db.insert(into: "settings").columns("key", "value").values(SQLBind(key), SQLBind(value))
                .onConflict(with: ["key"]) { $0.set(excludedValueOf: "value") }.run()
        }
    }
}

extension Store {
    /// A token that changes whenever any import batch is recorded, by this process or another one (the CLI, a second
    /// server on the same PostgreSQL database).
    public func importVersion() async throws -> String {
        let mark = try await importMark()
        return "\(mark.batches)@\(mark.latest)"
    }
}

/// How many import batches this process has written (committed) since it opened the store: the server's watcher for
/// imports made elsewhere (`brain import`, another server) tells them from its own, which rebuild their views themselves.
public final class BatchTally: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0

    /// Counts one batch written by this process.
    public func add() { lock.lock(); n += 1; lock.unlock() }

    /// Batches written so far.
    public var count: Int { lock.lock(); defer { lock.unlock() }; return n }
}

extension Store {
    /// The number of import batches recorded and the latest import time (every process's).
    public func importMark() async throws -> (batches: Int, latest: String) {
        let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLFunction("MAX", args: SQLColumn("imported_at")), as: "t").from("import_batches").first()
        return (try row?.decode(column: "n", as: Int.self) ?? 0, try row?.decode(column: "t", as: String?.self) ?? "")
    }
}
