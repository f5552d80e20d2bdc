import BrainSecurity
import BrainStore
import Foundation

/// An account as administrators see it: display name, role, scope, lock state, second factor and whether its next login
/// must change the password.
public struct AccountRow: Codable, Sendable {
    public let username, role: String
    public let name: String?
    public let scope: String?
    public let createdAt: String
    public let disabled: Bool
    public let lockedUntil: String?
    public let secondFactor: Bool
    public let mustChangePassword: Bool
    public let createdBy: String?
}

/// The caller's second factor: enrolled or not, recovery codes left, whether the role requires it.
public struct SecondFactorState: Codable, Sendable {
    public let enrolled: Bool
    public let recoveryCodesLeft: Int
    public let required: Bool
    public let policy: String
}

/// What an administrator can do to an account.
public enum AccountAction: String, Sendable, CaseIterable {
    case unlock, resetMFA = "reset-mfa", disable, enable

    public var summary: String {
        switch self {
        case .unlock: return "Lift a lockout (administrators)"
        case .resetMFA: return "Remove a user's second factor so they can enrol again (administrators)"
        case .disable: return "Disable an account and end its sessions (administrators; not one's own)"
        case .enable: return "Enable a disabled account (administrators)"
        }
    }
}

/// Accounts, sessions and security events as the API and the portal use them: one's own second factor and sessions for
/// everyone, every account, session and security event for `users:manage`. Returns what changed; the in-memory session
/// guard is told by the caller (the revoked ids are returned).
public struct AccountDesk: Sendable {
    public let store: Store
    public let accounts: Accounts
    public let monitor: SecurityMonitor
    public let mfaPolicy: MFAPolicy

    public init(store: Store, accounts: Accounts, monitor: SecurityMonitor, mfaPolicy: MFAPolicy) {
        self.store = store
        self.accounts = accounts
        self.monitor = monitor
        self.mfaPolicy = mfaPolicy
    }

    func requireAdministrator(_ p: Principal) throws {
        try p.require(.manageUsers)
    }

    public func secondFactor(of p: Principal) async throws -> SecondFactorState {
        let security = try await store.userSecurity(p.username)
        return SecondFactorState(enrolled: security?.mfaEnabled ?? false, recoveryCodesLeft: try await store.unusedRecoveryCodes(p.username),
                                 required: mfaPolicy == .required && MFAPolicy.roleNeedsSecondFactor(p.role), policy: mfaPolicy.rawValue)
    }

    /// Records the session a sign-in opened.
    public func recordSession(_ session: SessionRecord) async throws { try await store.addSession(session) }

    /// The session of a token, if it is still active (the enrolment pages work from a pending session).
    public func session(_ jti: String) async throws -> SessionRecord? { try await store.session(jti) }

    /// Ends the session used to enrol a second factor (the user signs in again with it).
    public func endEnrolmentSession(_ jti: String, of username: String) async throws -> [String] {
        try await store.revokeSessions(username: username, jti: jti, by: username)
        return [jti]
    }

    /// The caller's active sessions.
    public func sessions(of p: Principal) async throws -> [SessionRecord] { try await store.sessions(username: p.username) }

    /// Ends one of the caller's sessions; returns the ended session ids.
    public func endOwnSession(_ jti: String, by p: Principal) async throws -> [String] {
        let n = try await store.revokeSessions(username: p.username, jti: jti, by: p.username)
        guard n > 0 else { throw AppError.notFound("no active session \(jti) of yours") }
        return [jti]
    }

    /// Ends the caller's other sessions (after a password change); returns their ids.
    public func endOtherSessions(of p: Principal, keeping current: String?) async throws -> [String] {
        let others = try await store.sessions(username: p.username).filter { $0.jti != current }.map(\.jti)
        for jti in others { try await store.revokeSessions(username: p.username, jti: jti, by: p.username) }
        return others
    }

    /// Ends a user's sessions after a password change, all or all but `current`; returns their ids.
    public func endSessions(of username: String, keeping current: String?) async throws -> [String] {
        let ended = try await store.sessions(username: username).filter { $0.jti != current }.map(\.jti)
        for jti in ended { try await store.revokeSessions(username: username, jti: jti, by: username) }
        return ended
    }

    /// Every active session, or one user's (administrators).
    public func allSessions(username: String?, by p: Principal) async throws -> [SessionRecord] {
        try requireAdministrator(p)
        return try await store.sessions(username: username)
    }

    /// Ends any session (administrators); returns the ended session ids.
    public func endSession(_ jti: String, by p: Principal) async throws -> [String] {
        try requireAdministrator(p)
        guard let s = try await store.session(jti) else { throw AppError.notFound("no session \(jti)") }
        try await store.revokeSessions(username: s.username, jti: jti, by: p.username)
        return [jti]
    }

    /// Every account with its lock state and second factor (administrators).
    public func accountsList(by p: Principal, now: Date = Date()) async throws -> [AccountRow] {
        try requireAdministrator(p)
        return try await accountsRows(now: now)
    }

    func accountsRows(now: Date = Date()) async throws -> [AccountRow] {
        var rows: [AccountRow] = []
        let profiles = try await store.accountProfiles()
        for u in try await store.users() {
            let s = try await store.userSecurity(u.username)
            let locked = s?.lockedUntil.flatMap { until -> String? in
                guard let d = try? Date(until, strategy: .iso8601) else { return until }
                return d > now ? until : nil
            }
            let profile = profiles[u.username]
            rows.append(AccountRow(username: u.username, role: u.role, name: profile?.displayName, scope: u.scope, createdAt: u.createdAt, disabled: u.disabled,
                                   lockedUntil: locked, secondFactor: s?.mfaEnabled ?? false, mustChangePassword: profile?.mustChangePassword ?? false,
                                   createdBy: profile?.createdBy))
        }
        return rows
    }

    /// Unlocks, resets the second factor of, disables (ending its sessions) or enables an account (administrators; an
    /// administrator cannot disable its own account). Returns the session ids that were ended.
    public func administer(_ action: AccountAction, _ username: String, by p: Principal) async throws -> [String] {
        try requireAdministrator(p)
        guard try await store.user(username) != nil else { throw AppError.notFound("no user \(username)") }
        switch action {
        case .unlock: try await store.clearLoginFailures(username)
        case .resetMFA: try await accounts.resetSecondFactor(username)
        case .disable:
            guard username != p.username else { throw AppError.bad("username", "you cannot disable your own account") }
            try await store.setDisabled(username, true)
            let ended = try await store.sessions(username: username).map(\.jti)
            try await store.revokeSessions(username: username, by: p.username)
            return ended
        case .enable: try await store.setDisabled(username, false)
        }
        return []
    }

    /// Security events, newest first (administrators).
    public func securityEvents(state: String?, level: String?, by p: Principal) async throws -> [SecurityEvent] {
        try requireAdministrator(p)
        if let state, !["open", "acknowledged"].contains(state) { throw AppError.bad("state", "must be open or acknowledged") }
        if let level, !["warning", "critical"].contains(level) { throw AppError.bad("level", "must be warning or critical") }
        return try await monitor.events(state: state, level: level)
    }

    /// Acknowledges a security event (administrators).
    public func acknowledgeEvent(_ id: String, by p: Principal) async throws -> SecurityEvent {
        try requireAdministrator(p)
        guard let e = try await monitor.acknowledge(id, by: p.username) else { throw AppError.notFound("no security event \(id)") }
        return e
    }
}
