import BrainCore
import Foundation
import SQLKit
import Testing
@testable import BrainStore

extension StoreSuite {
    /// Many parts merged in one transaction (a file's parts, or one pooled connection's batches) leave the staging table
    /// holding one part, not every part before it: on PostgreSQL a DELETE left the earlier parts as dead tuples that each
    /// later statement scanned (autovacuum never visits temporary tables), so a 1,000,000-row file slowed to a stop.
    @Test(arguments: Backend.available)
    func stagingHoldsOnePartHoweverManyWereMerged(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        defer { Task { await store.close() } }
        let partRows = 2_000
        @Sendable func part(_ p: Int) -> [StagedDelivery] {
            (0..<partRows).map { i in
                let uscc = CreditCode.make(region: "360681", body: String(format: "%08d", p * partRows + i))!.value
                return StagedDelivery(IndicatorDelivery(uscc: uscc, month: Month("2026-08")!, values: [.outputValue: Double(i + 1)]), line: i + 2)
            }
        }
        @Sendable func stagingSize(_ db: any SQLDatabase) async throws -> Int {
            switch backend {
            case .postgres:
                return try await db.raw("SELECT pg_relation_size('merge_in') AS n").first()!.decode(column: "n", as: Int.self)
            case .sqlite:
                return try await db.raw("SELECT COUNT(*) AS n FROM merge_in").first()!.decode(column: "n", as: Int.self)
            }
        }
        let sizes = try await store.transaction { db in
            let conn = SQLKitMergeConnection(db: db, dialect: backend == .postgres ? .postgres : .sqlite)
            let delivery = try await conn.openDelivery(batch: "S1", source: "power", actor: "t", at: Timestamp.precise())
            var sizes: [Int] = []
            for p in 0..<6 {
                let result = try await conn.merge(part(p), source: "power", delivery: delivery, order: .standard, dropDuplicatesOf: false)
                #expect(result.outcome.rowsChanged == partRows, "part \(p) writes each of its firm-months")
                sizes.append(try await stagingSize(db))
            }
            return sizes
        }
        let first = try #require(sizes.first)
        #expect(first > 0)
        // The first part's size, give or take the pages the changed-column update writes; six parts' worth before the fix.
        #expect(sizes.allSatisfy { $0 <= first * 2 }, "staging sizes per part: \(sizes)")
        #expect(try await store.reportCount() == 6 * partRows)
    }
}
