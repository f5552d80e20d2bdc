import Foundation
import SQLKit

/// One idempotency key of the ingestion interface (migration 26): who sent it, for which dataset, the hash of the
/// request it was first used with, and, once answered, the answer.
public struct IngestRequestRecord: Sendable, Hashable {
    public let caller: String
    public let requestKey: String
    public let dataset: String
    public let bodyHash: String
    /// Random per request: the request that claimed the key holds it, a concurrent one with the same key does not.
    public let token: String
    /// `pending` while the first request runs, `done` once it answered.
    public let state: String
    public let status: Int
    public let response: String
    public let createdAt: String
    public let expiresAt: String
}

private struct IngestRequestRow: Decodable {
    let caller: String, request_key: String, dataset: String, body_hash: String, token: String, state: String, status: Int,
        response: String, created_at: String, expires_at: String
}

extension Store {
    /// Claims `key` for `caller` unless it is held: keys past their expiry are dropped first, then the key is inserted
    /// as pending if absent. Answers the record now stored: the caller holds the key when its token is the one given.
    public func claimIngestKey(caller: String, key: String, dataset: String, bodyHash: String, token: String,
                               now: Date = Date(), keep: TimeInterval) async throws -> IngestRequestRecord {
        let at = Timestamp.precise(now)
        // Through the write gate: on SQLite a bulk merge holds the write lock on its own connection meanwhile.
        try await gatedWrite { db in
            try await db.delete(from: "ingest_requests").where("expires_at", .lessThan, at).run()
            try await db.insert(into: "ingest_requests")
                .columns("caller", "request_key", "dataset", "body_hash", "token", "state", "status", "response", "created_at", "expires_at")
                .values(SQLBind(caller), SQLBind(key), SQLBind(dataset), SQLBind(bodyHash), SQLBind(token), SQLBind("pending"), SQLBind(0),
                        SQLBind(""), SQLBind(at), SQLBind(Timestamp.precise(now.addingTimeInterval(keep))))
                .ignoringConflicts(with: ["caller", "request_key"]).run()
        }
        guard let record = try await ingestKey(caller: caller, key: key) else {
            throw StoreError("idempotency key \(key) vanished while it was claimed")
        }
        return record
    }

    /// One stored key of a caller.
    public func ingestKey(caller: String, key: String) async throws -> IngestRequestRecord? {
        try await sql.select().columns("*").from("ingest_requests").where("caller", .equal, caller).where("request_key", .equal, key)
            .first(decoding: IngestRequestRow.self).map { r in
                IngestRequestRecord(caller: r.caller, requestKey: r.request_key, dataset: r.dataset, bodyHash: r.body_hash, token: r.token,
                                    state: r.state, status: r.status, response: r.response, createdAt: r.created_at, expiresAt: r.expires_at)
            }
    }

    /// Stores the answer of the request holding the key.
    public func completeIngestKey(caller: String, key: String, token: String, status: Int, response: String) async throws {
        try await gatedWrite { db in
            try await db.update("ingest_requests").set("state", to: "done").set("status", to: status).set("response", to: response)
                .where("caller", .equal, caller).where("request_key", .equal, key).where("token", .equal, token).run()
        }
    }

    /// Lets the key go (the request failed before it answered): the same key may be sent again.
    public func releaseIngestKey(caller: String, key: String, token: String) async throws {
        try await gatedWrite { db in
            try await db.delete(from: "ingest_requests").where("caller", .equal, caller).where("request_key", .equal, key)
                .where("token", .equal, token).run()
        }
    }

    /// Runs small writes in one transaction behind the store's write gate, so that they wait for a bulk merge instead of
    /// meeting SQLite's lock (and wait out a stale read on the server's connection, see `Store.begin`).
    func gatedWrite(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        try await transaction { db in try await body(db) }
    }
}

extension Store {
    /// Where some firms are registered (region and zone), for the firms that are; the others are absent.
    public func registeredPlaces(of usccs: Set<String>) async throws -> [String: (region: String, zone: String?)] {
        let chunks = Array(usccs).chunked(maxBinds: 1, dialect: kind).map { Array($0) }
        return try await reading { db in
            var out: [String: (region: String, zone: String?)] = [:]
            for chunk in chunks {
                // Read column by column: decoding a model per row took a twentieth of an ingested batch's time.
                let rows = try await db.select().columns("uscc", "region", "zone").from("enterprises")
                    .where("uscc", .in, SQLBind.group(chunk)).all()
                for r in rows {
                    out[try r.decode(column: "uscc", as: String.self)] = (try r.decode(column: "region", as: String.self),
                                                                          try r.decode(column: "zone", as: String?.self))
                }
            }
            return out
        }
    }
}
