import SQLKit

/// Which catalogue provider a `provider` account answers for (migration 24): the provider's staff see the referrals
/// and connection requests addressed to it, and enterprises that deal with it may grant data to its accounts.
public struct ProviderAccount: Sendable, Hashable, Codable {
    public let username: String
    public let providerId: String
    public let linkedBy: String
    public let linkedAt: String
    public init(username: String, providerId: String, linkedBy: String, linkedAt: String) {
        self.username = username; self.providerId = providerId; self.linkedBy = linkedBy; self.linkedAt = linkedAt
    }
}

private struct ProviderAccountRow: Decodable {
    let username: String, provider_id: String, linked_by: String, linked_at: String
}

extension DocumentTable {
    /// 贸易撮合 contact exchanges between two firms' listings (migration 24).
    public static let marketContacts = DocumentTable(name: "market_contacts", key: "id", columns: ["from_uscc", "to_uscc", "state"])
}

extension Store {
    /// Links an account to a catalogue provider, replacing an earlier link of the same account.
    public func linkProviderAccount(_ link: ProviderAccount) async throws {
        try await transaction { db in
            try await db.delete(from: "provider_accounts").where("username", .equal, link.username).run()
            try await db.insert(into: "provider_accounts").columns("username", "provider_id", "linked_by", "linked_at")
                .values(SQLBind(link.username), SQLBind(link.providerId), SQLBind(link.linkedBy), SQLBind(link.linkedAt)).run()
        }
    }

    /// The provider an account answers for; nil when it is not linked.
    public func providerAccount(_ username: String) async throws -> ProviderAccount? {
        try await sql.select().columns("username", "provider_id", "linked_by", "linked_at").from("provider_accounts")
            .where("username", .equal, username).first(decoding: ProviderAccountRow.self).map(Self.providerAccount)
    }

    /// The accounts of some providers (all when `providers` is nil), by user name.
    public func providerAccounts(of providers: Set<String>? = nil) async throws -> [ProviderAccount] {
        var q = sql.select().columns("username", "provider_id", "linked_by", "linked_at").from("provider_accounts")
        if let providers { q = q.where("provider_id", .in, SQLBind.group(Array(providers).sorted())) }
        if providers?.isEmpty == true { return [] }
        return try await q.orderBy("username").all(decoding: ProviderAccountRow.self).map(Self.providerAccount)
    }

    private static func providerAccount(_ r: ProviderAccountRow) -> ProviderAccount {
        ProviderAccount(username: r.username, providerId: r.provider_id, linkedBy: r.linked_by, linkedAt: r.linked_at)
    }
}
