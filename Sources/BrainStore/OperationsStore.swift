import Foundation
import SQLKit

/// Counts the central console shows: warnings by level and state, import batches per dataset and day.
public struct WarningCount: Decodable, Sendable { public let level: String; public let state: String; public let n: Int }
/// Import batches of one dataset on one day.
public struct ImportDay: Decodable, Sendable { public let kind: String; public let day: String; public let n: Int; public let rows: Int?; public let rejected: Int?; public let last: String? }
/// Import batches of one dataset in all.
public struct ImportTotal: Decodable, Sendable { public let kind: String; public let n: Int; public let last: String?; public let rows: Int? }
/// Rows accepted for one dataset since a time.
public struct ImportRecent: Decodable, Sendable { public let kind: String; public let rows: Int? }

extension Store {
    /// Warnings of one period by level and state.
    public func warningCounts(period: String) async throws -> [WarningCount] {
        try await sql.raw("SELECT level, state, COUNT(*) AS n FROM warnings WHERE period = \(bind: period) GROUP BY level, state").all(decoding: WarningCount.self)
    }

    /// Import batches per dataset and day since a time.
    public func importDays(since: String) async throws -> [ImportDay] {
        try await sql.raw("""
            SELECT kind, SUBSTR(imported_at, 1, 10) AS day, COUNT(*) AS n, SUM(rows_accepted) AS rows, SUM(rows_rejected) AS rejected, MAX(imported_at) AS last
            FROM import_batches WHERE imported_at >= \(bind: since) GROUP BY kind, SUBSTR(imported_at, 1, 10)
            """).all(decoding: ImportDay.self)
    }

    /// Import batches per dataset, all time.
    public func importTotals() async throws -> [ImportTotal] {
        try await sql.raw("SELECT kind, COUNT(*) AS n, MAX(imported_at) AS last, SUM(rows_accepted) AS rows FROM import_batches GROUP BY kind ORDER BY kind")
            .all(decoding: ImportTotal.self)
    }

    /// Rows accepted per dataset since a time.
    public func importedRows(since: String) async throws -> [ImportRecent] {
        try await sql.raw("SELECT kind, SUM(rows_accepted) AS rows FROM import_batches WHERE imported_at >= \(bind: since) GROUP BY kind").all(decoding: ImportRecent.self)
    }
}
