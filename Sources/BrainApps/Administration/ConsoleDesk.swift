import BrainSecurity
import BrainStore
import Foundation

/// What the central console (中控台) shows of the data side, gathered for an administrator: the database's answer time
/// and schema, warnings by level and state, the ledger head, accounts and sessions by role, and import volumes.
public struct ConsoleFigures: Sendable {
    public let database: String
    public let schemaVersion: Int
    public let answerMilliseconds: Double
    public let warnings: [WarningCount]
    public let ledgerHead: (seq: Int, hash: String)
    public let usersByRole: [String: Int]
    public let sessionsByRole: [String: Int]
    public let importDays: [ImportDay]
    public let importTotals: [ImportTotal]
    public let importedLastDay: [ImportRecent]
}

/// The console's figures as one use case (`users:manage`).
public struct ConsoleDesk: Sendable {
    public let store: Store
    public init(store: Store) { self.store = store }

    public func figures(for p: Principal, period: String, now: Date = Date()) async throws -> ConsoleFigures {
        try p.require(.manageUsers)
        let clock = ContinuousClock()
        let t0 = clock.now
        let version = try await store.schemaVersion()
        let answer = clock.now - t0
        var users: [String: Int] = [:], sessions: [String: Int] = [:]
        for u in try await store.users() { users[u.role, default: 0] += 1 }
        for s in try await store.sessions() { sessions[s.role, default: 0] += 1 }
        return ConsoleFigures(database: store.kind.rawValue, schemaVersion: version,
                              answerMilliseconds: Double(answer.components.seconds) * 1000 + Double(answer.components.attoseconds) / 1e15,
                              warnings: try await store.warningCounts(period: period), ledgerHead: try await store.ledgerHead(),
                              usersByRole: users, sessionsByRole: sessions,
                              importDays: try await store.importDays(since: Timestamp.string(now.addingTimeInterval(-14 * 86_400))),
                              importTotals: try await store.importTotals(),
                              importedLastDay: try await store.importedRows(since: Timestamp.string(now.addingTimeInterval(-86_400))))
    }
}
