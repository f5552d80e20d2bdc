import BrainCore
import SQLiteKit
import SQLKit

extension Store {
    /// Loads many monthly reports into an empty or disjoint table as fast as the engine allows: on SQLite, multi-row
    /// statements bound directly with `SQLiteData` (no Codable round trip); on PostgreSQL, the regular upsert path.
    /// Existing rows with the same key are replaced. Runs in one transaction.
    public func bulkLoadReports(_ reports: [MonthlyReport], progress: (@Sendable (Int) -> Void)? = nil) async throws {
        guard let conn = sqlite else {
            var done = 0
            for part in reports.chunked(maxBinds: 1, dialect: .postgres).map(Array.init) {
                _ = try await upsertReports(part, compare: false)
                done += part.count
                progress?(done)
            }
            return
        }
        let columns = Store.indicatorColumns
        let rowsPerStatement = 32_000 / columns.count
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let head = "INSERT OR REPLACE INTO indicators (" + columns.joined(separator: ",") + ") VALUES "
        try await writeGate.run {
            try await conn.query("BEGIN", [])
            do {
                var start = 0
                while start < reports.count {
                    let end = min(start + rowsPerStatement, reports.count)
                    var binds: [SQLiteData] = []
                    binds.reserveCapacity((end - start) * columns.count)
                    for r in reports[start..<end] {
                        binds.append(.text(r.uscc))
                        binds.append(.text(r.month.description))
                        for v in r.values { binds.append(v.map { .float($0) } ?? .null) }
                    }
                    let sql = head + Array(repeating: placeholders, count: end - start).joined(separator: ",")
                    try await conn.query(sql, binds)
                    start = end
                    progress?(end)
                }
                try await conn.query("COMMIT", [])
                try await conn.query("PRAGMA wal_checkpoint(TRUNCATE)", [])
            } catch {
                _ = try? await conn.query("ROLLBACK", [])
                throw error
            }
        }
    }
}
