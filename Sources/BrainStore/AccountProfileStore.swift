import BrainCore
import SQLKit

/// What an account carries beyond its credentials: a display name, the contact as stored (encrypted by the caller),
/// who created it and whether its next login may only change the password.
public struct AccountProfile: Sendable, Hashable {
    public var displayName: String?
    /// The contact (phone or e-mail) as stored: ciphertext when a field key is configured.
    public var contact: String?
    public var createdBy: String?
    public var mustChangePassword: Bool

    public init(displayName: String? = nil, contact: String? = nil, createdBy: String? = nil, mustChangePassword: Bool = false) {
        self.displayName = displayName
        self.contact = contact
        self.createdBy = createdBy
        self.mustChangePassword = mustChangePassword
    }
}

private struct ProfileRow: Decodable {
    let username: String, display_name: String?, contact: String?, created_by: String?, must_change_password: Int
}

extension Store {
    /// Creates an account with its profile in one statement; fails when the name is taken.
    public func addUser(_ user: UserRecord, profile: AccountProfile) async throws {
        if try await self.user(user.username) != nil { throw StoreError("user \(user.username) already exists") }
        try await transaction { db in
            try await db.insert(into: "users")
                .columns("username", "password_hash", "role", "scope", "created_at", "disabled", "display_name", "contact", "created_by", "must_change_password")
                .values(SQLBind(user.username), SQLBind(user.passwordHash), SQLBind(user.role), SQLBind(user.scope), SQLBind(user.createdAt),
                        SQLBind(user.disabled ? 1 : 0), SQLBind(profile.displayName), SQLBind(profile.contact), SQLBind(profile.createdBy),
                        SQLBind(profile.mustChangePassword ? 1 : 0)).run()
        }
    }

    /// One account's profile; nil when there is no such account.
    public func accountProfile(_ username: String) async throws -> AccountProfile? {
        try await sql.select().columns("username", "display_name", "contact", "created_by", "must_change_password").from("users")
            .where("username", .equal, username).first(decoding: ProfileRow.self).map(Self.profile)
    }

    /// Every account's profile by user name.
    public func accountProfiles() async throws -> [String: AccountProfile] {
        let rows = try await sql.select().columns("username", "display_name", "contact", "created_by", "must_change_password").from("users")
            .all(decoding: ProfileRow.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.username, Self.profile($0)) })
    }

    /// Sets or clears the flag that limits the account's next session to changing its password.
    public func setMustChangePassword(_ username: String, _ flag: Bool) async throws {
        try await transaction { db in
            try await db.update("users").set("must_change_password", to: flag ? 1 : 0).where("username", .equal, username).run()
        }
    }

    /// Replaces a stored contact (key rotation re-encrypts it).
    public func setAccountContact(_ username: String, contact: String?) async throws {
        try await transaction { db in
            try await db.update("users").set("contact", to: SQLBind(contact)).where("username", .equal, username).run()
        }
    }

    private static func profile(_ r: ProfileRow) -> AccountProfile {
        AccountProfile(displayName: r.display_name, contact: r.contact, createdBy: r.created_by, mustChangePassword: r.must_change_password != 0)
    }
}
