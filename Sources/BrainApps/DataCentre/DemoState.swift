import BrainStore
import Synchronization

/// Whether the database holds the invented demo dataset (the demo seeder leaves its manifest in the settings): every
/// portal page of a demo database says 演示数据, and an import into it warns that real rows would mix with invented ones.
public final class DemoState: Sendable {
    private let demo = Mutex(false)

    public init() {}

    public var holdsDemoData: Bool { demo.withLock { $0 } }

    /// Reads the flag from the database (after seeding, before serving).
    public func load(from store: Store) async throws {
        let seeded = try await store.setting("demo.manifest") != nil
        demo.withLock { $0 = seeded }
    }

    /// What an import into a demo database is told.
    public static let importNote = "this database holds the invented demo dataset: imported rows are mixed with invented firms and figures; load real data into a database started with --demo none"
}
