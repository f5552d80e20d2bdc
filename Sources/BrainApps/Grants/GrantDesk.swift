import BrainSecurity
import BrainStore
import Foundation

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
        guard let user = try await store.user(name), !user.disabled, user.scope != owner else {
            throw AppError.bad("grantee", "cannot grant to \(String(name.prefix(100))): give the user name of an active account outside this enterprise")
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
