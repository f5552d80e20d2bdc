import BrainCore
import SQLKit

/// A stored account: name, bcrypt hash, role and data scope code.
public struct UserRecord: Codable, Sendable, Hashable {
    public var username: String
    public var passwordHash: String
    public var role: String
    public var scope: String?
    public var createdAt: String
    public var disabled: Bool

    public init(username: String, passwordHash: String, role: String, scope: String?, createdAt: String = Timestamp.now(), disabled: Bool = false) {
        self.username = username
        self.passwordHash = passwordHash
        self.role = role
        self.scope = scope
        self.createdAt = createdAt
        self.disabled = disabled
    }
}

private struct UserRow: Decodable {
    let username: String, password_hash: String, role: String, scope: String?, created_at: String, disabled: Int
}

extension Store {
    /// Creates an account; fails when the name is taken.
    public func addUser(_ user: UserRecord) async throws {
        if try await self.user(user.username) != nil { throw StoreError("user \(user.username) already exists") }
        try await transaction { db in
            try await db.insert(into: "users").columns("username", "password_hash", "role", "scope", "created_at", "disabled")
                .values(SQLBind(user.username), SQLBind(user.passwordHash), SQLBind(user.role), SQLBind(user.scope),
                        SQLBind(user.createdAt), SQLBind(user.disabled ? 1 : 0)).run()
        }
    }

    /// Replaces an account's password hash.
    public func setPassword(username: String, hash: String) async throws {
        try await transaction { db in
            try await db.update("users").set("password_hash", to: hash).where("username", .equal, username).run()
        }
    }

    public func user(_ username: String) async throws -> UserRecord? {
        try await sql.select().columns("username", "password_hash", "role", "scope", "created_at", "disabled").from("users")
            .where("username", .equal, username).first(decoding: UserRow.self).map {
                UserRecord(username: $0.username, passwordHash: $0.password_hash, role: $0.role, scope: $0.scope,
                           createdAt: $0.created_at, disabled: $0.disabled != 0)
            }
    }

    public func users() async throws -> [UserRecord] {
        try await sql.select().columns("username", "password_hash", "role", "scope", "created_at", "disabled").from("users")
            .orderBy("username").all(decoding: UserRow.self).map {
                UserRecord(username: $0.username, passwordHash: $0.password_hash, role: $0.role, scope: $0.scope,
                           createdAt: $0.created_at, disabled: $0.disabled != 0)
            }
    }
}
