import BrainStore

/// What `/healthz` reports about the data side: the database engine, its schema version and how many enterprises it holds.
public struct StatusDesk: Sendable {
    public let store: Store
    public init(store: Store) { self.store = store }

    /// Asks the database; throws when it does not answer.
    public func check() async throws -> (database: String, schemaVersion: Int, enterprises: Int) {
        (store.kind.rawValue, try await store.schemaVersion(), try await store.enterpriseCount())
    }
}
