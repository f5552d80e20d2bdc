import Foundation
import Synchronization

/// Whole document tables decoded once and kept in memory. An entry is dropped when this process writes to its table
/// (`putDocuments` bumps the table's generation) or after `maxAge`, so that writes by another server on the same
/// database show within seconds.
public final class DocumentCache: Sendable {
    struct Entry: Sendable {
        let generation: Int
        let loadedAt: ContinuousClock.Instant
        let value: any Sendable
    }
    private let state = Mutex<(generations: [String: Int], entries: [String: Entry])>(([:], [:]))
    /// How long a table stays cached without a local write.
    public let maxAge: Duration

    public init(maxAge: Duration = .seconds(5)) { self.maxAge = maxAge }

    /// The current generation of a table (changes with every local write).
    func generation(_ table: String) -> Int { state.withLock { $0.generations[table, default: 0] } }

    /// Marks a table written: its cached documents are stale.
    func bump(_ table: String) {
        state.withLock { s in
            s.generations[table, default: 0] += 1
            s.entries = s.entries.filter { !$0.key.hasPrefix(table + "|") }
        }
    }

    func lookup<T: Sendable>(_ table: String, as type: T.Type) -> T? {
        let key = table + "|" + String(reflecting: type)
        return state.withLock { s -> T? in
            guard let e = s.entries[key], e.generation == s.generations[table, default: 0], ContinuousClock.now - e.loadedAt < maxAge else { return nil }
            return e.value as? T
        }
    }

    func insert<T: Sendable>(_ table: String, _ value: T, generation: Int, loadedAt: ContinuousClock.Instant) {
        let key = table + "|" + String(reflecting: T.self)
        state.withLock { s in
            guard generation == s.generations[table, default: 0] else { return }
            s.entries[key] = Entry(generation: generation, loadedAt: loadedAt, value: value)
        }
    }
}

extension Store {
    /// Every document of a table in key order, decoded once and then served from memory (see `DocumentCache`).
    public func allDocuments<T: Decodable & Sendable>(_ table: DocumentTable, as type: T.Type) async throws -> [T] {
        if let hit = documentCache.lookup(table.name, as: [T].self) { return hit }
        let generation = documentCache.generation(table.name), started = ContinuousClock.now
        let fresh = try await documents(table, as: type)
        documentCache.insert(table.name, fresh, generation: generation, loadedAt: started)
        return fresh
    }
}
