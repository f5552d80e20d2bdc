import BrainCore
import BrainStore
import Foundation

/// Delegated administration (分级授权): who may create which account. Administrators create any account; an official or
/// zone manager only roles below its own level, with a scope inside its own — a province official city, county and
/// zone accounts and enterprise users; a city official county officials and zone managers of zones lying wholly in its
/// city and enterprise users; county officials and zone managers enterprise users only. Enterprise users must belong to
/// a firm registered inside the creator's scope (checked against the store by `Accounts.create`). Never an
/// administrator, a province official, a provider or an expert.
public enum AccountDelegation {
    /// The roles a creator may give.
    public static func creatable(by creator: Role) -> [Role] {
        switch creator {
        case .admin: return Role.people
        case .provinceOfficial: return [.cityOfficial, .countyOfficial, .zoneManager, .enterprise]
        case .cityOfficial: return [.countyOfficial, .zoneManager, .enterprise]
        case .countyOfficial, .zoneManager: return [.enterprise]
        case .enterprise, .provider, .expert, .client: return []
        }
    }

    /// Why the creator may not give this role and (already validated) region or zone scope, or nil when it may. An
    /// enterprise scope passes here; its firm's place is checked against the store.
    public static func refusal(role: Role, scope: String?, by creator: Principal, catalog: RegionCatalog) -> Accounts.Problem? {
        guard creator.role != .admin else { return nil }
        guard creatable(by: creator.role).contains(role) else {
            return Accounts.Problem("role: a \(creator.role.rawValue) may not create \(role.rawValue) accounts (allowed: \(creatable(by: creator.role).map(\.rawValue).joined(separator: ", ")))",
                                    code: "forbidden", field: "role")
        }
        guard let code = scope, role != .enterprise else { return nil }
        guard let mine = creator.scope else { return Accounts.Problem("scope: your account has no data scope", code: "forbidden", field: "scope") }
        let inside: Bool
        switch creator.role {
        case .provinceOfficial:
            inside = catalog.region(code) != nil || catalog.zone(code) != nil
        case .cityOfficial:
            if let zone = catalog.zone(code) {
                inside = zone.cities == [mine]
            } else {
                inside = catalog.city(of: code) == mine && code != mine
            }
        default:
            inside = false
        }
        return inside ? nil : Accounts.Problem("scope: \(code) lies outside your scope \(mine)", code: "forbidden", field: "scope")
    }
}

/// A request to create an account: the password is generated when none is given.
public struct AccountRequest: Sendable {
    public var username: String
    public var displayName: String?
    public var role: Role
    public var scope: String?
    /// A phone number or e-mail address (personal data: stored encrypted, never logged).
    public var contact: String?
    public var password: String?
    public var mustChangePassword: Bool

    public init(username: String, displayName: String? = nil, role: Role, scope: String? = nil, contact: String? = nil, password: String? = nil,
                mustChangePassword: Bool = true) {
        self.username = username
        self.displayName = displayName
        self.role = role
        self.scope = scope
        self.contact = contact
        self.password = password
        self.mustChangePassword = mustChangePassword
    }
}

/// A created account; `initialPassword` is the generated one, shown only in this answer (nil when the request gave one).
public struct CreatedAccount: Codable, Sendable {
    public let username: String
    public let name: String?
    public let role: String
    public let scope: String?
    public let initialPassword: String?
    public let mustChangePassword: Bool
}

extension Accounts {
    /// Creates an account for a creator under the delegation rule, with a display name and an encrypted contact; the
    /// password is the request's (when it passes the rule) or a generated one returned once. Problems name their field.
    public func create(_ request: AccountRequest, by creator: Principal?, cost: UInt8 = Passwords.cost) async throws -> CreatedAccount {
        let name = request.username.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) }) else {
            throw Problem("username: must be 1–64 letters, digits or . _ - @", field: "username")
        }
        let displayName = try Self.text(request.displayName, field: "name", limit: 100)
        let contact = try Self.contact(request.contact)
        if let given = request.password, let weak = Passwords.weakness(given) { throw Problem("password: \(weak)", field: "password") }
        let scope: String?
        switch ScopeValidator.validate(role: request.role, scope: request.scope, catalog: catalog) {
        case .success(let s): scope = s
        case .failure(let p): throw Problem("scope: \(p.description)", field: "scope")
        }
        if let creator {
            if let refusal = AccountDelegation.refusal(role: request.role, scope: scope, by: creator, catalog: catalog) { throw refusal }
        }
        if request.role == .enterprise, let code = scope {
            let restriction = creator?.enterpriseScope(in: catalog) ?? .all
            if try await store.enterprise(code, scope: restriction) == nil {
                if restriction != .all, try await store.enterpriseExists(code) {
                    throw Problem("scope: the enterprise \(code) is not registered in your scope", code: "forbidden", field: "scope")
                }
                throw Problem("scope: no enterprise with credit code \(code) is registered; import it first", field: "scope")
            }
        }
        if try await store.user(name) != nil { throw Problem("username: user \(name) already exists", code: "conflict", field: "username") }
        let password = request.password ?? Passwords.initial()
        let stored = try contact.map { try cipher?.encrypt($0) ?? $0 }
        try await store.addUser(UserRecord(username: name, passwordHash: Passwords.hash(password, cost: cost), role: request.role.rawValue, scope: scope),
                                profile: AccountProfile(displayName: displayName, contact: stored, createdBy: creator?.username,
                                                        mustChangePassword: request.mustChangePassword))
        return CreatedAccount(username: name, name: displayName, role: request.role.rawValue, scope: scope,
                              initialPassword: request.password == nil ? password : nil, mustChangePassword: request.mustChangePassword)
    }

    /// The decrypted contact of an account (for its administrators).
    public func contact(of username: String) async throws -> String? {
        guard let stored = try await store.accountProfile(username)?.contact else { return nil }
        return try cipher?.decrypt(stored) ?? stored
    }

    static func text(_ value: String?, field: String, limit: Int) throws -> String? {
        guard let v = value?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        guard v.count <= limit else { throw Problem("\(field): at most \(limit) characters", field: field) }
        guard !v.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }) else {
            throw Problem("\(field): control or bidirectional characters are not allowed", field: field)
        }
        return v
    }

    /// A phone number (digits, spaces, + - and parentheses, 5–20 digits) or an e-mail address.
    static func contact(_ value: String?) throws -> String? {
        guard let v = try text(value, field: "contact", limit: 100) else { return nil }
        if v.contains("@") {
            let parts = v.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !v.contains(" ") else {
                throw Problem("contact: the e-mail address is malformed", field: "contact")
            }
            return v
        }
        let digits = v.filter(\.isNumber).count
        guard v.allSatisfy({ $0.isASCII && ($0.isNumber || " +-()".contains($0)) }), (5...20).contains(digits) else {
            throw Problem("contact: give a phone number (5–20 digits) or an e-mail address", field: "contact")
        }
        return v
    }
}
