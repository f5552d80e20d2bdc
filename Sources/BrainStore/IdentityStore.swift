import Foundation
import SQLKit

/// An account's security state: failed logins, lockout, second factor and password age.
public struct UserSecurity: Sendable {
    public var failedLogins: Int
    public var lockedUntil: String?
    /// The TOTP secret as stored (encrypted), set once enrolment starts.
    public var mfaSecret: String?
    public var mfaEnabled: Bool
    public var mfaLastStep: Int
    public var passwordChangedAt: String?
}

/// A login session: one issued token, until it expires or is revoked.
public struct SessionRecord: Codable, Sendable, Hashable {
    public var jti: String
    public var username: String
    public var role: String
    public var createdAt: String
    public var expiresAt: String
    public var revokedAt: String?
    public var revokedBy: String?
    public var source: String
    public var agent: String
    /// `password` or `password+totp` (or `password+recovery`).
    public var factors: String

    public init(jti: String, username: String, role: String, createdAt: String, expiresAt: String, revokedAt: String? = nil, revokedBy: String? = nil,
                source: String, agent: String, factors: String) {
        self.jti = jti; self.username = username; self.role = role; self.createdAt = createdAt; self.expiresAt = expiresAt
        self.revokedAt = revokedAt; self.revokedBy = revokedBy; self.source = source; self.agent = agent; self.factors = factors
    }
}

private struct SecurityRow: Decodable {
    let failed_logins: Int
    let locked_until: String?
    let mfa_secret: String?
    let mfa_enabled: Int
    let mfa_last_step: Int
    let password_changed_at: String?
}

private struct SessionRow: Decodable {
    let jti, username, role, created_at, expires_at: String
    let revoked_at, revoked_by: String?
    let source, agent, factors: String
    var record: SessionRecord {
        SessionRecord(jti: jti, username: username, role: role, createdAt: created_at, expiresAt: expires_at, revokedAt: revoked_at,
                      revokedBy: revoked_by, source: source, agent: agent, factors: factors)
    }
}

extension Store {
    public func userSecurity(_ username: String) async throws -> UserSecurity? {
        try await sql.select().columns("failed_logins", "locked_until", "mfa_secret", "mfa_enabled", "mfa_last_step", "password_changed_at")
            .from("users").where("username", .equal, username).first(decoding: SecurityRow.self).map {
                UserSecurity(failedLogins: $0.failed_logins, lockedUntil: $0.locked_until, mfaSecret: $0.mfa_secret, mfaEnabled: $0.mfa_enabled != 0,
                             mfaLastStep: $0.mfa_last_step, passwordChangedAt: $0.password_changed_at)
            }
    }

    /// Counts a failed login; at `lockAfter` failures the account is locked until `lockUntil`. Returns the new count.
    @discardableResult
    public func recordLoginFailure(_ username: String, lockAfter: Int, lockUntil: String) async throws -> Int {
        try await transaction { db in
            let row = try await db.select().column("failed_logins").from("users").where("username", .equal, username).first()
            guard let failed = try row?.decode(column: "failed_logins", as: Int.self) else { return 0 }
            let n = failed + 1
            if n >= lockAfter {
                try await db.update("users").set("failed_logins", to: 0).set("locked_until", to: lockUntil).where("username", .equal, username).run()
            } else {
                try await db.update("users").set("failed_logins", to: n).where("username", .equal, username).run()
            }
            return n
        }
    }

    /// Clears failed logins and any lock.
    public func clearLoginFailures(_ username: String) async throws {
        try await transaction { db in
            try await db.update("users").set("failed_logins", to: 0).set("locked_until", to: SQLLiteral.null).where("username", .equal, username).run()
        }
    }

    public func setMFA(_ username: String, secret: String?, enabled: Bool) async throws {
        try await transaction { db in
            try await db.update("users").set("mfa_secret", to: secret).set("mfa_enabled", to: enabled ? 1 : 0).set("mfa_last_step", to: 0)
                .where("username", .equal, username).run()
            if !enabled { try await db.delete(from: "recovery_codes").where("username", .equal, username).run() }
        }
    }

    /// Disables or re-enables an account (a disabled account cannot log in).
    public func setDisabled(_ username: String, _ disabled: Bool) async throws {
        try await transaction { db in
            try await db.update("users").set("disabled", to: disabled ? 1 : 0).where("username", .equal, username).run()
        }
    }

    /// Replaces the stored second-factor secret without changing whether it is in force (key rotation).
    public func setMFASecret(_ username: String, secret: String) async throws {
        try await transaction { db in
            try await db.update("users").set("mfa_secret", to: secret).where("username", .equal, username).run()
        }
    }

    /// Records the last TOTP step used (codes of that step or earlier are refused afterwards).
    public func setMFALastStep(_ username: String, step: Int) async throws {
        try await transaction { db in
            try await db.update("users").set("mfa_last_step", to: step).where("username", .equal, username).run()
        }
    }

    /// Password hashes used before, newest first.
    public func passwordHistory(_ username: String, limit: Int) async throws -> [String] {
        try await sql.select().column("password_hash").from("password_history").where("username", .equal, username)
            .orderBy("changed_at", .descending).limit(limit).all().map { try $0.decode(column: "password_hash", as: String.self) }
    }

    /// Replaces the password hash, remembering the old one (at most `keep` kept).
    public func changePassword(_ username: String, newHash: String, oldHash: String, keep: Int, mustChange: Bool = false,
                               at time: String = Timestamp.precise()) async throws {
        try await transaction { db in
            try await db.insert(into: "password_history").columns("username", "password_hash", "changed_at")
                .values(SQLBind(username), SQLBind(oldHash), SQLBind(time)).run()
            try await db.update("users").set("password_hash", to: newHash).set("password_changed_at", to: time)
                .set("must_change_password", to: mustChange ? 1 : 0).where("username", .equal, username).run()
            let older = try await db.select().column("password_hash").from("password_history").where("username", .equal, username)
                .orderBy("changed_at", .descending).all().map { try $0.decode(column: "password_hash", as: String.self) }
            for h in older.dropFirst(keep) {
                try await db.delete(from: "password_history").where("username", .equal, username).where("password_hash", .equal, h).run()
            }
        }
    }

    public func setRecoveryCodes(_ username: String, hashes: [String]) async throws {
        try await transaction { db in
            try await db.delete(from: "recovery_codes").where("username", .equal, username).run()
            for h in hashes {
                try await db.insert(into: "recovery_codes").columns("username", "code_hash").values(SQLBind(username), SQLBind(h)).run()
            }
        }
    }

    /// Marks an unused recovery code used; false when there is no such unused code.
    public func useRecoveryCode(_ username: String, hash: String) async throws -> Bool {
        try await transaction { db in
            let row = try await db.select().column("code_hash").from("recovery_codes").where("username", .equal, username)
                .where("code_hash", .equal, hash).where("used_at", .is, SQLLiteral.null).first()
            guard row != nil else { return false }
            try await db.update("recovery_codes").set("used_at", to: Timestamp.now()).where("username", .equal, username).where("code_hash", .equal, hash).run()
            return true
        }
    }

    public func unusedRecoveryCodes(_ username: String) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("recovery_codes").where("username", .equal, username)
            .where("used_at", .is, SQLLiteral.null).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    static let sessionColumns = ["jti", "username", "role", "created_at", "expires_at", "revoked_at", "revoked_by", "source", "agent", "factors"]

    public func addSession(_ s: SessionRecord) async throws {
        try await transaction { db in
            try await db.insert(into: "sessions").columns(Store.sessionColumns)
                .values(SQLBind(s.jti), SQLBind(s.username), SQLBind(s.role), SQLBind(s.createdAt), SQLBind(s.expiresAt), SQLBind(s.revokedAt),
                        SQLBind(s.revokedBy), SQLBind(s.source), SQLBind(s.agent), SQLBind(s.factors)).run()
        }
    }

    /// Sessions not expired (and not revoked unless asked), of one user or everyone, newest first.
    public func sessions(username: String? = nil, includeRevoked: Bool = false, now: String = Timestamp.now()) async throws -> [SessionRecord] {
        var q = sql.select().columns(Store.sessionColumns.map { SQLColumn($0) }).from("sessions").where("expires_at", .greaterThan, now)
        if let username { q = q.where("username", .equal, username) }
        if !includeRevoked { q = q.where("revoked_at", .is, SQLLiteral.null) }
        return try await q.orderBy("created_at", .descending).all(decoding: SessionRow.self).map(\.record)
    }

    public func session(_ jti: String) async throws -> SessionRecord? {
        try await sql.select().columns(Store.sessionColumns.map { SQLColumn($0) }).from("sessions").where("jti", .equal, jti).first(decoding: SessionRow.self)?.record
    }

    /// Revokes one session, or every session of a user when `jti` is nil; returns how many were revoked.
    @discardableResult
    public func revokeSessions(username: String, jti: String? = nil, by: String, at time: String = Timestamp.now()) async throws -> Int {
        let open = try await sessions(username: username).filter { jti == nil || $0.jti == jti }
        guard !open.isEmpty else { return 0 }
        try await transaction { db in
            for s in open {
                try await db.update("sessions").set("revoked_at", to: time).set("revoked_by", to: by).where("jti", .equal, s.jti).run()
            }
        }
        return open.count
    }

    /// Ids of revoked sessions that have not expired yet (the tokens the server must refuse).
    public func revokedSessionIDs(now: String = Timestamp.now()) async throws -> Set<String> {
        Set(try await sql.select().column("jti").from("sessions").where("expires_at", .greaterThan, now).where("revoked_at", .isNot, SQLLiteral.null)
            .all().map { try $0.decode(column: "jti", as: String.self) })
    }
}
