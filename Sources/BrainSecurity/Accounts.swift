import BrainCore
import BrainStore
import Foundation

/// Account management and login over the store: creation with role/scope checks, password verification.
public struct Accounts: Sendable {
    public let store: Store
    public let catalog: RegionCatalog

    public init(store: Store, catalog: RegionCatalog) {
        self.store = store
        self.catalog = catalog
    }

    /// Why an account could not be created or a login failed.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
        public init(_ d: String) { description = d }
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

    /// Checks a name and password; the same message for an unknown name and a wrong password.
    public func login(username: String, password: String) async throws -> Principal {
        guard let user = try await store.user(username), !user.disabled, let role = Role(rawValue: user.role),
              Passwords.verify(password, hash: user.passwordHash) else {
            throw Problem("wrong user name or password")
        }
        return Principal(username: user.username, role: role, scope: user.scope)
    }
}
