import Logging
import NIOPosix
import BrainCore
import SQLiteKit
import SQLKit

/// Receives every stored report row while the store scans the indicators table.
/// The scan calls it from one thread at a time, in order; the receiver is read only after the scan returns.
public protocol ReportSink: AnyObject, Sendable {
    /// One row: credit code, month, and the ten values in `Indicator.allCases` order (NaN = not reported).
    func receive(uscc: String, month: Month, values: UnsafeBufferPointer<Double>)
}

extension Store {
    /// Streams the indicators table of a SQLite connection to `sink` straight from the driver's row values.
    private func scan(_ conn: SQLiteConnection, _ columns: String, into sink: some ReportSink) async throws {
        try await conn.query("SELECT \(columns) FROM indicators", []) { row in
            let cols = row.columns
            guard cols.count == Store.indicatorColumns.count, case .text(let uscc) = cols[0].data,
                  case .text(let monthText) = cols[1].data, let month = Month(monthText) else { return }
            withUnsafeTemporaryAllocation(of: Double.self, capacity: Indicator.allCases.count) { buf in
                for k in 0..<Indicator.allCases.count {
                    switch cols[k + 2].data {
                    case .float(let d): buf[k] = d
                    case .integer(let n): buf[k] = Double(n)
                    default: buf[k] = .nan
                    }
                }
                sink.receive(uscc: uscc, month: month, values: UnsafeBufferPointer(buf))
            }
        }
    }

    /// Streams every report to `sink` as fast as the engine allows: on SQLite straight from the driver's row values,
    /// on PostgreSQL through SQLKit's decoding.
    public func scanReports(into sink: some ReportSink) async throws {
        let columns = Store.indicatorColumns.joined(separator: ",")
        if let server = sqlite {
            // On a connection of its own: the scan reads for seconds on a large database, and a read open on the server's
            // connection makes every write transaction there (an ingested batch's key, its audit entry) fail with
            // SQLITE_BUSY_SNAPSHOT and wait once another connection has committed, so a view rebuild stalled the
            // ingestion interface. Readers on other connections do not hold up writers in WAL mode.
            let own = location == ":memory:" ? nil : try await SQLiteConnection.open(storage: .file(path: location), threadPool: sqliteThreads, logger: Store.problems, on: MultiThreadedEventLoopGroup.singleton.any())
            let conn = own ?? server
            do {
                if own != nil { _ = try await conn.query("PRAGMA busy_timeout = 5000", []) }
                try await scan(conn, columns, into: sink)
            } catch {
                if let own { try? await own.close() }
                throw error
            }
            if let own { try? await own.close() }
            return
        }
        try await sql.raw(SQLQueryString("SELECT \(columns) FROM indicators")).run { row in
            let r: MonthlyReport
            do { r = try Store.decodeReport(row) } catch {
                // A row that cannot be read is left out of the analyses; the log says which and why.
                Store.problems.error("indicator row left out of the scan: \(error)")
                return
            }
            let values = r.values.map { $0 ?? .nan }
            values.withUnsafeBufferPointer { sink.receive(uscc: r.uscc, month: r.month, values: $0) }
        }
    }
}
