import Foundation

/// What a service client (a machine caller with API keys) may do beyond `catalog:read`: the datasets it may write
/// through the ingestion interface and the published services it may read. Its region is the `Principal.scope`.
public struct ClientGrant: Sendable, Hashable, Codable {
    /// The client's id (lower-case letters, digits and dashes); the ledger's actor is `client:<id>`.
    public let id: String
    /// The username of the person who owns the client (an administrator or a provider).
    public let owner: String
    /// Dataset ids the client may write (`monthly-indicators`, `enterprises`, …).
    public let writes: Set<String>
    /// Published service ids the client may read: its approved access (`hub_access`) to services still published.
    public let reads: Set<String>
    /// The sources of those services (`overview`, `warnings`, …): a client approved for a warning-list service may also
    /// subscribe to warnings about single firms.
    public let readSources: Set<String>

    public init(id: String, owner: String, writes: Set<String>, reads: Set<String>, readSources: Set<String> = []) {
        self.id = id
        self.owner = owner
        self.writes = writes
        self.reads = reads
        self.readSources = readSources
    }

    /// The ledger actor and `Principal.username` of a client.
    public static func actor(_ id: String) -> String { "client:\(id)" }
}
