import BrainSecurity
import BrainStore

/// The import batches a caller may see: administrators every user's, others their own.
public struct ImportDesk: Sendable {
    public let store: Store
    public init(store: Store) { self.store = store }

    public func recent(for p: Principal, limit: Int = 50) async throws -> [ImportBatch] {
        try await store.recentBatches(actor: p.can(.manageUsers) ? nil : p.username, limit: limit)
    }
}
