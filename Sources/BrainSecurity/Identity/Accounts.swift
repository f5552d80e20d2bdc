import Synchronization
import BrainCore
import BrainStore
import Crypto
import Foundation
import Logging

/// Whether administrators and officials must use a second factor (`BRAIN_MFA=optional` relaxes it for demos and tests).
public enum MFAPolicy: String, Sendable {
    case required, optional

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> MFAPolicy {
        env["BRAIN_MFA"]?.lowercased() == "optional" ? .optional : .required
    }

    /// Roles that must log in with a second factor under the required policy.
    public static func roleNeedsSecondFactor(_ role: Role) -> Bool {
        switch role {
        case .admin, .provinceOfficial, .cityOfficial, .countyOfficial, .zoneManager: return true
        case .enterprise, .provider, .expert, .client: return false
        }
    }
}

/// A successful login: who, with which factors, and whether the account must enrol a second factor before anything else.
public struct LoginResult: Sendable {
    public let principal: Principal
    /// `password`, `password+totp` or `password+recovery`.
    public let factors: String
    public let enrolmentRequired: Bool
    /// True when the account must change its password first: the session may do nothing else.
    public let passwordChangeRequired: Bool

    public init(principal: Principal, factors: String, enrolmentRequired: Bool, passwordChangeRequired: Bool = false) {
        self.principal = principal
        self.factors = factors
        self.enrolmentRequired = enrolmentRequired
        self.passwordChangeRequired = passwordChangeRequired
    }
}

/// Account management and login over the store: creation with role/scope checks, the password rule with no reuse of
/// the last five, lockout after five failures, TOTP second factor with recovery codes.
public struct Accounts: Sendable {
    static let problems = Logger(label: "brain.accounts")
    public let store: Store
    public let catalog: RegionCatalog
    public let cipher: FieldCipher?
    public let mfaPolicy: MFAPolicy
    public static let lockAfter = 5
    public static let lockSeconds: TimeInterval = 15 * 60
    public static let historyDepth = 5

    public init(store: Store, catalog: RegionCatalog, cipher: FieldCipher? = nil, mfaPolicy: MFAPolicy = .fromEnvironment()) {
        self.store = store
        self.catalog = catalog
        self.cipher = cipher
        self.mfaPolicy = mfaPolicy
    }

    /// Why an account could not be created or a login failed; `code` is the API's error code.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
        public let code: String
        /// The request field at fault, when one is.
        public let field: String?
        public init(_ d: String, code: String = "invalid", field: String? = nil) { description = d; self.code = code; self.field = field }
    }

    /// Creates an account after checking the name, the password rule and that the scope fits the role.
    public func add(username: String, password: String, role: Role, scope: String?, cost: UInt8 = Passwords.cost) async throws -> Principal {
        let name = username.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) }) else {
            throw Problem("user name must be 1–64 letters, digits or . _ - @")
        }
        if let weak = Passwords.weakness(password) { throw Problem(weak) }
        let resolved: String?
        switch ScopeValidator.validate(role: role, scope: scope, catalog: catalog) {
        case .success(let s): resolved = s
        case .failure(let p): throw Problem(p.description)
        }
        if role == .enterprise, let code = resolved, try await !store.enterpriseExists(code) {
            throw Problem("no enterprise with credit code \(code) is registered; import it first")
        }
        if try await store.user(name) != nil { throw Problem("user \(name) already exists") }
        try await store.addUser(UserRecord(username: name, passwordHash: Passwords.hash(password, cost: cost), role: role.rawValue, scope: resolved))
        return Principal(username: name, role: role, scope: resolved)
    }

    /// Checks a name, password and (when enrolled) second factor. Five wrong passwords or codes lock the account for 15
    /// minutes; a locked account is refused even with the right password. The same message for an unknown name and a
    /// wrong password.
    public func login(username: String, password: String, secondFactor: String? = nil, now: Date = Date()) async throws -> LoginResult {
        guard let user = try await store.user(username), !user.disabled, let role = Role(rawValue: user.role),
              let security = try await store.userSecurity(username) else {
            // An unknown (or disabled) name costs the same bcrypt work and locks after the same failures as a real one, so
            // neither the time nor the message tells whether an account exists.
            _ = Passwords.verify(password, hash: Self.decoyHash)
            try unknownNameFailure(String(username.prefix(200)), now: now)
        }
        if let until = security.lockedUntil, let date = try? Date(until, strategy: .iso8601), date > now {
            _ = Passwords.verify(password, hash: Self.decoyHash)
            throw Problem(Self.lockedMessage(until), code: "account_locked")
        }
        guard Passwords.verify(password, hash: user.passwordHash) else {
            try await fail(username, now: now, "wrong user name or password")
        }
        let principal = Principal(username: user.username, role: role, scope: user.scope)
        let mustChange = try await store.accountProfile(username)?.mustChangePassword ?? false
        if security.mfaEnabled {
            guard let code = secondFactor?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
                throw Problem("this account uses a second factor: send the 6-digit code from the authenticator app (or a recovery code) as \"otp\"", code: "mfa_required")
            }
            let factor = try await checkSecondFactor(username, security: security, code: code, now: now)
            guard let factor else { try await fail(username, now: now, "wrong second-factor code") }
            try await store.clearLoginFailures(username)
            return LoginResult(principal: principal, factors: "password+" + factor, enrolmentRequired: false, passwordChangeRequired: mustChange)
        }
        try await store.clearLoginFailures(username)
        // A forced password change comes first; the enrolment of a second factor follows at the next login.
        let mustEnrol = !mustChange && mfaPolicy == .required && MFAPolicy.roleNeedsSecondFactor(role)
        return LoginResult(principal: principal, factors: "password", enrolmentRequired: mustEnrol, passwordChangeRequired: mustChange)
    }

    private func fail(_ username: String, now: Date, _ message: String) async throws -> Never {
        let until = Timestamp.string(now.addingTimeInterval(Self.lockSeconds))
        let n = try await store.recordLoginFailure(username, lockAfter: Self.lockAfter, lockUntil: until)
        if n >= Self.lockAfter {
            throw Problem(Self.lockedMessage(until), code: "account_locked")
        }
        throw Problem(message, code: "unauthorized")
    }

    /// The one message of a locked account, the same for every name.
    static func lockedMessage(_ until: String) -> String {
        "wrong user name or password; after \(lockAfter) failed logins the account is locked until \(until); wait or ask an administrator to unlock it"
    }

    /// A bcrypt hash of nothing anyone knows, checked for unknown names so that they take as long as real ones.
    static let decoyHash = Passwords.hash(UUID().uuidString + UUID().uuidString)

    /// Failures of names that are not accounts, kept in memory (at most 10,000 names) so that they lock like real ones.
    private static let unknownFailures = Mutex<[String: (count: Int, lockedUntil: Date?)]>([:])

    private func unknownNameFailure(_ name: String, now: Date) throws -> Never {
        let (locked, until): (Bool, Date?) = Self.unknownFailures.withLock { all in
            if all.count > 10_000 { all.removeAll() }
            var entry = all[name] ?? (0, nil)
            if let u = entry.lockedUntil, u > now { return (true, u) }
            if let u = entry.lockedUntil, u <= now { entry = (0, nil) }
            entry.count += 1
            if entry.count >= Self.lockAfter { entry.lockedUntil = now.addingTimeInterval(Self.lockSeconds) }
            all[name] = entry
            return (entry.count >= Self.lockAfter, entry.lockedUntil)
        }
        if locked, let until { throw Problem(Self.lockedMessage(Timestamp.string(until)), code: "account_locked") }
        throw Problem("wrong user name or password", code: "unauthorized")
    }

    /// `totp` or `recovery` when the code is right (a TOTP step is used once), nil otherwise.
    func checkSecondFactor(_ username: String, security: UserSecurity, code: String, now: Date) async throws -> String? {
        var secret: [UInt8]? = nil
        if let stored = security.mfaSecret {
            do { secret = try decryptSecret(stored) } catch {
                // Every enrolled user would be refused: the operator must learn that the field key is wrong or missing.
                Self.problems.error("the second-factor secret of \(username) cannot be decrypted (is BRAIN_DATA_KEY the key it was sealed with?): \(error)")
            }
        }
        if let secret, let step = TOTP.matchingStep(code, secret: secret, at: now), step > UInt64(max(0, security.mfaLastStep)) {
            try await store.setMFALastStep(username, step: Int(step))
            return "totp"
        }
        let normalised = code.uppercased().filter { $0.isLetter || $0.isNumber }
        if normalised.count == 10, try await store.useRecoveryCode(username, hash: Self.recoveryHash(username, normalised)) { return "recovery" }
        return nil
    }

    func decryptSecret(_ stored: String) throws -> [UInt8] {
        let text = try cipher?.decrypt(stored) ?? stored
        guard let bytes = Base32.decode(text) else { throw Problem("stored second-factor secret is unreadable") }
        return bytes
    }

    static func recoveryHash(_ username: String, _ code: String) -> String {
        Hex.encode(SHA256.hash(data: Data("\(username)\u{0}\(code)".utf8)))
    }

    /// Starts TOTP enrolment: a new secret (stored encrypted, not yet in force) and the `otpauth://` URI.
    public func startEnrolment(_ username: String) async throws -> (secret: String, uri: String) {
        guard let security = try await store.userSecurity(username) else { throw Problem("no user \(username)", code: "not_found") }
        guard !security.mfaEnabled else { throw Problem("a second factor is already enrolled; an administrator can reset it", code: "conflict") }
        let secret = TOTP.newSecret()
        let text = Base32.encode(secret)
        try await store.setMFA(username, secret: try cipher?.encrypt(text) ?? text, enabled: false)
        return (text, TOTP.uri(secret: secret, account: username))
    }

    /// Confirms enrolment with a current code; returns ten one-time recovery codes (shown once, stored hashed).
    public func confirmEnrolment(_ username: String, code: String, now: Date = Date()) async throws -> [String] {
        guard let security = try await store.userSecurity(username), let stored = security.mfaSecret else {
            throw Problem("start enrolment first (POST /api/v1/me/mfa/enrol)", code: "conflict")
        }
        guard !security.mfaEnabled else { throw Problem("a second factor is already enrolled", code: "conflict") }
        guard let step = TOTP.matchingStep(code, secret: try decryptSecret(stored), at: now) else {
            throw Problem("otp: the code does not match; check the authenticator app's clock", code: "bad_parameter")
        }
        try await store.setMFA(username, secret: stored, enabled: true)
        try await store.setMFALastStep(username, step: Int(step))
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var g = SystemRandomNumberGenerator()
        let codes = (0..<10).map { _ in String((0..<10).map { _ in alphabet.randomElement(using: &g)! }) }
        try await store.setRecoveryCodes(username, hashes: codes.map { Self.recoveryHash(username, $0) })
        return codes.map { String($0.prefix(5)) + "-" + String($0.suffix(5)) }
    }

    /// Removes a second factor (an administrator's action, e.g. after a lost phone).
    public func resetSecondFactor(_ username: String) async throws {
        guard try await store.user(username) != nil else { throw Problem("no user \(username)", code: "not_found") }
        try await store.setMFA(username, secret: nil, enabled: false)
    }

    /// Changes a password: the current one must be right, the new one must meet the rule and differ from the last five.
    public func changePassword(_ username: String, current: String, new: String, cost: UInt8 = Passwords.cost) async throws {
        guard let user = try await store.user(username) else { throw Problem("currentPassword: wrong password", code: "bad_parameter") }
        guard Passwords.verify(current, hash: user.passwordHash) else {
            // A wrong current password counts toward the lockout like a failed login (a stolen session cannot guess it).
            let until = Timestamp.string(Date().addingTimeInterval(Self.lockSeconds))
            let n = try await store.recordLoginFailure(username, lockAfter: Self.lockAfter, lockUntil: until)
            if n >= Self.lockAfter { throw Problem("currentPassword: wrong password; " + Self.lockedMessage(until), code: "account_locked") }
            throw Problem("currentPassword: wrong password", code: "bad_parameter")
        }
        try await replacePassword(username, new, mustChange: false, cost: cost)
    }

    /// Sets a new password (no current password: the administrator's reset), refusing the last five. An administrator's
    /// reset forces the user to choose a new password at the next login unless `forceChange` is false.
    public func setPassword(_ username: String, _ new: String, forceChange: Bool = true, cost: UInt8 = Passwords.cost) async throws {
        try await replacePassword(username, new, mustChange: forceChange, cost: cost)
    }

    private func replacePassword(_ username: String, _ new: String, mustChange: Bool, cost: UInt8) async throws {
        guard let user = try await store.user(username) else { throw Problem("no user \(username)", code: "not_found") }
        if let weak = Passwords.weakness(new) { throw Problem("newPassword: \(weak)", code: "bad_parameter") }
        let recent = [user.passwordHash] + (try await store.passwordHistory(username, limit: Self.historyDepth - 1))
        if recent.contains(where: { Passwords.verify(new, hash: $0) }) {
            throw Problem("newPassword: must differ from the last \(Self.historyDepth) passwords", code: "bad_parameter")
        }
        try await store.changePassword(username, newHash: Passwords.hash(new, cost: cost), oldHash: user.passwordHash, keep: Self.historyDepth - 1,
                                       mustChange: mustChange)
    }
}
