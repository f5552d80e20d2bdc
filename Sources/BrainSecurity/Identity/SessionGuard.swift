import BrainStore
import Synchronization

/// The ids of revoked, unexpired sessions, kept in memory so that every request can be checked without a query;
/// reloaded from the store periodically so that a revocation made by another server is honoured too.
public final class SessionGuard: Sendable {
    private let revoked = Mutex<Set<String>>([])

    public init() {}

    public func isRevoked(_ jti: String) -> Bool { revoked.withLock { $0.contains(jti) } }

    public func markRevoked(_ ids: [String]) { revoked.withLock { $0.formUnion(ids) } }

    public func reload(from store: Store) async throws {
        let fresh = try await store.revokedSessionIDs()
        revoked.withLock { $0 = fresh }
    }
}
