import Foundation
import SQLKit

/// What a backup holds, written next to it as `backup-manifest.json` and checked on restore.
public struct BackupManifest: Codable, Sendable {
    public var createdAt: String
    public var engine: String
    public var schemaVersion: Int
    /// Rows per table at the moment of the snapshot.
    public var counts: [String: Int]
    public var ledgerHeadSeq: Int
    public var ledgerHeadHash: String
    /// SHA-256 of the database file (SQLite) or dump (PostgreSQL).
    public var fileSHA256: String
    public var file: String

    public init(createdAt: String, engine: String, schemaVersion: Int, counts: [String: Int], ledgerHeadSeq: Int, ledgerHeadHash: String,
                fileSHA256: String, file: String) {
        self.createdAt = createdAt; self.engine = engine; self.schemaVersion = schemaVersion; self.counts = counts
        self.ledgerHeadSeq = ledgerHeadSeq; self.ledgerHeadHash = ledgerHeadHash; self.fileSHA256 = fileSHA256; self.file = file
    }
}

extension Store {
    /// The tables counted in backups and restores.
    public static let backupTables = ["enterprises", "indicators", "supply_links", "talent", "users", "warnings", "policies", "policy_awards",
                                      "diagnoses", "market_listings", "service_solutions", "data_grants", "sessions", "audit_ledger", "audit_checkpoints"]

    public func tableCounts() async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for t in Store.backupTables {
            out[t] = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(t).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return out
    }

    /// The newest ledger entry (0 and the genesis hash when empty).
    public func ledgerHead() async throws -> (seq: Int, hash: String) {
        let row = try await sql.select().columns("seq", "entry_hash").from("audit_ledger").orderBy("seq", .descending).limit(1).first()
        return (try row?.decode(column: "seq", as: Int.self) ?? 0, try row?.decode(column: "entry_hash", as: String.self) ?? String(repeating: "0", count: 64))
    }

    /// A consistent snapshot of a SQLite store taken while it serves (`VACUUM INTO` reads one snapshot of the
    /// database, whatever other connections write meanwhile). Count the copy, not the source, to describe it.
    public func backupSQLite(to file: String) async throws {
        guard kind == .sqlite else { throw StoreError("backupSQLite needs a SQLite store; use pg_dump for PostgreSQL (brain backup does)") }
        guard !FileManager.default.fileExists(atPath: file) else { throw StoreError("\(file) already exists; choose a new file") }
        try await writeGate.run { try await self.sql.raw("VACUUM INTO \(bind: file)").run() }
    }
}
