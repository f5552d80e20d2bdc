import BrainSecurity
import BrainCore
import BrainStore
import Foundation

/// An account an enterprise may grant data to: a provider's account, with the provider and how many referrals link them.
public struct GranteeOption: Codable, Sendable, Hashable {
    public let username: String
    public let providerId: String
    public let providerName: String
    public let referrals: Int
}

/// 授权才可用 as an enterprise uses it, for the API and the portal alike: grants a user read access to some of its data for
/// a purpose until a date, and revokes it. Every refusal names the field; one message covers unknown, disabled and the
/// enterprise's own accounts, so the form does not tell which user names exist.
public struct GrantDesk: Sendable {
    public let store: Store
    public let grants: DataGrants
    /// The longest grant, in days.
    public static let maxDays = 366

    public init(store: Store, grants: DataGrants) {
        self.store = store
        self.grants = grants
    }

    /// Grants `grantee` read access to `datasets` of the caller's own enterprise until `expires`.
    public func grant(to grantee: String, datasets: [GrantDataset], purpose: String, expires: Date, by p: Principal, now: Date = Date()) async throws -> DataGrant {
        guard p.can(.grantData), p.role == .enterprise, let owner = p.scope else { throw AppError.forbidden("only an enterprise user grants access to its enterprise's data") }
        let name = grantee.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw AppError.bad("grantee", "required: the user name to grant access to") }
        // Only the accounts of providers the enterprise deals with (its consented referrals and connection requests).
        guard let user = try await store.user(name), !user.disabled, user.scope != owner,
              try await grantees(owner: owner).contains(where: { $0.username == user.username }) else {
            throw AppError.bad("grantee", "cannot grant to \(String(name.prefix(100))): choose an account of a service provider this enterprise deals with (GET /api/v1/enterprises/\(owner)/grantees)")
        }
        guard !datasets.isEmpty else {
            throw AppError.bad("datasets", "required: one or more of \(GrantDataset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let why = purpose.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty, why.count <= 200 else { throw AppError.bad("purpose", "required, at most 200 characters") }
        guard expires > now, expires < now.addingTimeInterval(Double(Self.maxDays + 1) * 86_400) else {
            throw AppError.bad("expiresAt", "must lie within the next \(Self.maxDays) days")
        }
        let g = DataGrant(id: "G-" + UUID().uuidString.prefix(8).lowercased(), owner: owner, grantee: user.username,
                          datasets: Array(Set(datasets)).sorted { $0.rawValue < $1.rawValue }, purpose: why, expiresAt: Timestamp.string(expires),
                          createdBy: p.username, createdAt: Timestamp.string(now), revokedAt: nil, revokedBy: nil)
        try await grants.create(g)
        return g
    }

    /// The accounts an enterprise may grant to: those of the providers it deals with, through referrals it agreed to or
    /// connections it asked for (not declined), by provider name then user name.
    public func grantees(owner: String) async throws -> [GranteeOption] {
        let referrals = try await CatalogueDesk(store: store).referrals(uscc: owner).filter { $0.isConsented && $0.state != "declined" }
        let providerIds = Set(referrals.map(\.providerId))
        guard !providerIds.isEmpty else { return [] }
        let names = Dictionary(try await store.documents(.providers, as: ServiceProvider.self).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var out: [GranteeOption] = []
        for a in try await store.providerAccounts(of: providerIds) {
            guard let u = try await store.user(a.username), !u.disabled, u.role == Role.provider.rawValue else { continue }
            out.append(GranteeOption(username: a.username, providerId: a.providerId, providerName: names[a.providerId] ?? a.providerId,
                                     referrals: referrals.filter { $0.providerId == a.providerId }.count))
        }
        return out.sorted { ($0.providerName, $0.username) < ($1.providerName, $1.username) }
    }

    /// The grantees for the caller's own enterprise.
    public func grantees(for p: Principal) async throws -> [GranteeOption] {
        guard p.can(.grantData), p.role == .enterprise, let owner = p.scope else { throw AppError.forbidden("only an enterprise user grants access to its enterprise's data") }
        return try await grantees(owner: owner)
    }

    /// Revokes a grant the caller's enterprise gave (administrators: any); another enterprise's grant answers as a missing
    /// one, and a grant revoked before is a conflict.
    public func revoke(_ id: String, by p: Principal) async throws -> DataGrant {
        guard let g = try await grants.grant(id), p.role == .admin || (p.role == .enterprise && p.scope == g.owner) else {
            throw AppError.notFound("no grant \(id)")
        }
        guard let (revoked, before) = try await grants.revoke(g.id, by: p.username) else { throw AppError.notFound("no grant \(id)") }
        if before { throw AppError.conflict("already_revoked", "grant \(id) was already revoked at \(revoked.revokedAt ?? "") by \(revoked.revokedBy ?? "")") }
        return revoked
    }
}
