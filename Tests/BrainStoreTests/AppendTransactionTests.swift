import Foundation
import SQLKit
import Testing
@testable import BrainStore

/// `appendTransaction` on both engines: placeholders bound in order, rows read back by kind with NULL as nil, many
/// rows inserted in order (more than one PostgreSQL statement holds), a throwing body rolled back, and the SQLite
/// connection kept usable after a rollback.
extension StoreSuite {
    @Test(arguments: Backend.available)
    func appendTransactionsBindReadInsertAndRollBack(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        try await store.sql.raw("CREATE TABLE append_probe (n INTEGER PRIMARY KEY, t TEXT, k INTEGER)").run()
        let rows: [[AppendValue]] = (1...7_000).map { [.int($0), .text("t\($0) '\"?$1 中"), .int($0 * 3)] }
        try await store.appendTransaction { db in
            try await db.insert(into: "append_probe", columns: ["n", "t", "k"], rows: rows)
            try await db.run("INSERT INTO append_probe (n, t, k) VALUES (?, NULL, ?)", [.int(9_001), .int(-5)])
        }
        let read = try await store.appendTransaction { db in
            try await db.rows("SELECT n, t, k FROM append_probe WHERE n >= ? AND n <= ? ORDER BY n", [.int(6_999), .int(9_001)], columns: [.int, .text, .int])
        }
        #expect(read == [[.int(6_999), .text("t6999 '\"?$1 中"), .int(20_997)], [.int(7_000), .text("t7000 '\"?$1 中"), .int(21_000)],
                         [.int(9_001), nil, .int(-5)]])
        // A body that throws after writing leaves nothing behind, and the next transaction works.
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await store.appendTransaction { db in
                try await db.run("DELETE FROM append_probe WHERE n <= ?", [.int(100)])
                throw Stop()
            }
        }
        let count = try await store.appendTransaction { db in
            try await db.rows("SELECT COUNT(*) AS c FROM append_probe", [], columns: [.int]).first?[0]?.int
        }
        #expect(count == 7_001)
        // A statement error names the problem and rolls back too.
        await #expect(throws: (any Error).self) {
            try await store.appendTransaction { db in
                try await db.insert(into: "append_probe", columns: ["n", "t", "k"], rows: [[.int(9_002), .text("new"), .int(1)], [.int(1), .text("duplicate"), .int(1)]])
            }
        }
        #expect(try await store.sql.raw("SELECT COUNT(*) AS c FROM append_probe WHERE n = 9002").first()?.decode(column: "c", as: Int.self) == 0)
        await store.close()
    }
}
