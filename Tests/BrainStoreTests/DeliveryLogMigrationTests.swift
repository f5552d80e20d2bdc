import BrainCore
import SQLKit
import Testing
@testable import BrainStore

/// Migration 20 moves the batch, source, actor and time of each correction-log row into one row per delivery: a log
/// written in the old layout reads the same afterwards (history, a batch's changes, first arrivals), on both engines.
extension StoreSuite {
    @Test(arguments: Backend.available)
    func theDeliveryMigrationKeepsTheHistory(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let firms = (1...3).map { sampleEnterprise($0) }
        _ = try await store.upsertEnterprises(firms)
        func deliver(_ source: String, _ batch: String, _ actor: String, _ output: Double) async throws {
            let rows = firms.map { IndicatorDelivery(uscc: $0.uscc, month: Month("2026-09")!, values: [.outputValue: output, .electricity: output / 10]) }
            _ = try await store.transaction { db in try await store.mergeDeliveries(rows, source: source, batch: batch, actor: actor, in: db) }
        }
        try await deliver("statistics", "batch-a", "alice", 100)
        try await deliver("power", "batch-b", "bob", 120)
        try await deliver("statistics", "batch-c", "alice", 110)
        // The same file again by someone else later: a delivery of its own with the same batch key.
        try await deliver("statistics", "batch-a", "carol", 100)

        func snapshot() async throws -> ([IndicatorChange], Int, [IndicatorChange], [String: String]) {
            let history = try await store.indicatorChanges(uscc: firms[0].uscc)
            let (total, items) = try await store.changes(ofBatch: "batch-a")
            return (history, total, items, try await store.firstArrivals(month: Month("2026-09")!))
        }
        let before = try await snapshot()
        #expect(before.0.count == 8)          // two indicators × four deliveries that changed something
        #expect(before.1 == 12)               // batch-a: two deliveries × three firms × two indicators

        // Rewrite the log in the layout before migration 20, then migrate again.
        let ind = Store.indicatorNames
        let cols = (ind + ind.map { "was_" + $0 }).map { "l." + $0 }.joined(separator: ", ")
        for statement in [
            "CREATE TABLE indicator_log_old AS SELECT d.batch, l.uscc, l.month, d.source, l.mask, d.actor, d.at, \(cols) FROM indicator_log l JOIN indicator_deliveries d ON d.id = l.delivery",
            "DROP TABLE indicator_log", "DROP TABLE indicator_deliveries",
            "ALTER TABLE indicator_log_old RENAME TO indicator_log",
            "CREATE INDEX indicator_log_firm ON indicator_log (uscc, month)", "CREATE INDEX indicator_log_batch ON indicator_log (batch)",
            "DELETE FROM schema_migrations WHERE version = 20",
        ] { try await store.sql.raw(SQLQueryString(statement)).run() }
        try await store.migrate()
        let after = try await snapshot()
        #expect(after.0 == before.0)
        #expect(after.1 == before.1)
        #expect(after.2 == before.2)
        #expect(after.3 == before.3)
        let deliveries = try await store.sql.raw("SELECT COUNT(*) AS n, MAX(id) AS top FROM indicator_deliveries").first()
        #expect(try deliveries?.decode(column: "n", as: Int.self) == 4)
        #expect(try deliveries?.decode(column: "top", as: Int.self) == 4)

        // A delivery after the migration is numbered after the converted ones and reads with them.
        try await deliver("manual", "batch-d", "dave", 130)
        let history = try await store.indicatorChanges(uscc: firms[0].uscc)
        #expect(history.count == 10)
        #expect(history.last?.batch == "batch-d" && history.last?.actor == "dave" && history.last?.source == "manual")
        await store.close()
    }
}
