import Foundation
import SQLKit

/// A service client as stored (migration 25): a machine caller with a region and the datasets it writes. The services it
/// reads are its approved access in `hub_access` (migration 27), the one record of read access; the table's `reads`
/// column is no longer written (kept empty). The signing secret is stored as the caller gives it (encrypted by the use case when a data key exists).
public struct ServiceClientRecord: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var owner: String
    public var region: String
    public var writes: [String]
    public var description: String
    public var expiresAt: String?
    public var signingSecret: String?
    public var createdBy: String
    public var createdAt: String
    public var revokedAt: String?
    public var revokedBy: String?

    public init(id: String, name: String, owner: String, region: String, writes: [String], description: String,
                expiresAt: String?, signingSecret: String?, createdBy: String, createdAt: String, revokedAt: String? = nil, revokedBy: String? = nil) {
        self.id = id; self.name = name; self.owner = owner; self.region = region; self.writes = writes
        self.description = description; self.expiresAt = expiresAt; self.signingSecret = signingSecret
        self.createdBy = createdBy; self.createdAt = createdAt; self.revokedAt = revokedAt; self.revokedBy = revokedBy
    }
}

/// One API key of a service client as stored: its public id and the SHA-256 of its secret, never the secret.
public struct ClientKeyRecord: Sendable, Hashable, Codable {
    public var keyID: String
    public var clientID: String
    public var secretHash: String
    public var createdBy: String
    public var createdAt: String
    /// Set on rotation (the end of the overlap) or at creation; nil: valid while the client is.
    public var expiresAt: String?
    public var revokedAt: String?
    public var revokedBy: String?

    public init(keyID: String, clientID: String, secretHash: String, createdBy: String, createdAt: String, expiresAt: String?,
                revokedAt: String? = nil, revokedBy: String? = nil) {
        self.keyID = keyID; self.clientID = clientID; self.secretHash = secretHash; self.createdBy = createdBy
        self.createdAt = createdAt; self.expiresAt = expiresAt; self.revokedAt = revokedAt; self.revokedBy = revokedBy
    }
}

private struct ClientRow: Decodable {
    let id: String, name: String, owner: String, region: String, writes: String, description: String
    let expires_at: String?, signing_secret: String?, created_by: String, created_at: String, revoked_at: String?, revoked_by: String?
}

private struct KeyRow: Decodable {
    let key_id: String, client_id: String, secret_hash: String, created_by: String, created_at: String
    let expires_at: String?, revoked_at: String?, revoked_by: String?
}

extension Store {
    private static let clientColumns = ["id", "name", "owner", "region", "writes", "reads", "description", "expires_at", "signing_secret",
                                        "created_by", "created_at", "revoked_at", "revoked_by"]
    private static var readColumns: [String] { clientColumns.filter { $0 != "reads" } }
    private static let keyColumns = ["key_id", "client_id", "secret_hash", "created_by", "created_at", "expires_at", "revoked_at", "revoked_by"]

    private static func list(_ values: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(values.sorted())) ?? Data("[]".utf8), as: UTF8.self)
    }
    private static func unlist(_ text: String) -> [String] { (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? [] }

    /// Stores a new client together with its first key (one transaction).
    public func addServiceClient(_ c: ServiceClientRecord, key: ClientKeyRecord) async throws {
        try await transaction { db in
            try await db.insert(into: "service_clients").columns(Self.clientColumns).values(Self.binds(c)).run()
            try await db.insert(into: "client_keys").columns(Self.keyColumns).values(Self.binds(key)).run()
        }
    }

    /// Replaces a client's editable fields (name, scopes, description, expiry, signing secret, revocation).
    public func updateServiceClient(_ c: ServiceClientRecord) async throws {
        try await sql.update("service_clients")
            .set("name", to: SQLBind(c.name)).set("region", to: SQLBind(c.region)).set("writes", to: SQLBind(Self.list(c.writes)))
            .set("description", to: SQLBind(c.description))
            .set("expires_at", to: SQLBind(c.expiresAt)).set("signing_secret", to: SQLBind(c.signingSecret))
            .set("revoked_at", to: SQLBind(c.revokedAt)).set("revoked_by", to: SQLBind(c.revokedBy))
            .where("id", .equal, c.id).run()
    }

    /// Every client (owner filter optional), by id.
    public func serviceClients(owner: String? = nil) async throws -> [ServiceClientRecord] {
        var q = sql.select().columns(Self.readColumns.map { SQLColumn($0) }).from("service_clients")
        if let owner { q = q.where("owner", .equal, owner) }
        return try await q.orderBy("id").all(decoding: ClientRow.self).map(Self.client)
    }

    /// One client, or nil.
    public func serviceClient(_ id: String) async throws -> ServiceClientRecord? {
        try await sql.select().columns(Self.readColumns.map { SQLColumn($0) }).from("service_clients").where("id", .equal, id)
            .first(decoding: ClientRow.self).map(Self.client)
    }

    /// Adds a key; when `overlapEnds` is given, every other unrevoked key of the client without an earlier expiry
    /// expires then (rotation), in the same transaction.
    public func addClientKey(_ key: ClientKeyRecord, othersExpireAt overlapEnds: String?) async throws {
        try await transaction { db in
            if let overlapEnds {
                for row in try await db.select().columns(Self.keyColumns.map { SQLColumn($0) }).from("client_keys")
                    .where("client_id", .equal, key.clientID).all(decoding: KeyRow.self)
                    where row.revoked_at == nil && (row.expires_at == nil || row.expires_at! > overlapEnds) {
                    try await db.update("client_keys").set("expires_at", to: SQLBind(overlapEnds)).where("key_id", .equal, row.key_id).run()
                }
            }
            try await db.insert(into: "client_keys").columns(Self.keyColumns).values(Self.binds(key)).run()
        }
    }

    /// Marks a key revoked (it stays listed).
    public func revokeClientKey(_ keyID: String, at: String, by: String) async throws {
        try await sql.update("client_keys").set("revoked_at", to: SQLBind(at)).set("revoked_by", to: SQLBind(by))
            .where("key_id", .equal, keyID).where("revoked_at", .is, SQLLiteral.null).run()
    }

    /// Every key (of one client, or all), newest first.
    public func clientKeys(of clientID: String? = nil) async throws -> [ClientKeyRecord] {
        var q = sql.select().columns(Self.keyColumns.map { SQLColumn($0) }).from("client_keys")
        if let clientID { q = q.where("client_id", .equal, clientID) }
        return try await q.orderBy("created_at", .descending).orderBy("key_id").all(decoding: KeyRow.self).map {
            ClientKeyRecord(keyID: $0.key_id, clientID: $0.client_id, secretHash: $0.secret_hash, createdBy: $0.created_by, createdAt: $0.created_at,
                            expiresAt: $0.expires_at, revokedAt: $0.revoked_at, revokedBy: $0.revoked_by)
        }
    }

    private static func client(_ r: ClientRow) -> ServiceClientRecord {
        ServiceClientRecord(id: r.id, name: r.name, owner: r.owner, region: r.region, writes: unlist(r.writes),
                            description: r.description, expiresAt: r.expires_at, signingSecret: r.signing_secret, createdBy: r.created_by,
                            createdAt: r.created_at, revokedAt: r.revoked_at, revokedBy: r.revoked_by)
    }

    private static func binds(_ c: ServiceClientRecord) -> [any SQLExpression] {
        [SQLBind(c.id), SQLBind(c.name), SQLBind(c.owner), SQLBind(c.region), SQLBind(list(c.writes)), SQLBind("[]"), SQLBind(c.description),
         SQLBind(c.expiresAt), SQLBind(c.signingSecret), SQLBind(c.createdBy), SQLBind(c.createdAt), SQLBind(c.revokedAt), SQLBind(c.revokedBy)]
    }

    private static func binds(_ k: ClientKeyRecord) -> [any SQLExpression] {
        [SQLBind(k.keyID), SQLBind(k.clientID), SQLBind(k.secretHash), SQLBind(k.createdBy), SQLBind(k.createdAt), SQLBind(k.expiresAt),
         SQLBind(k.revokedAt), SQLBind(k.revokedBy)]
    }
}
