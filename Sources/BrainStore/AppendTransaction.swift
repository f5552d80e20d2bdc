import Foundation
import SQLKit
import Synchronization

/// A value bound into an `AppendSession` statement's `?` placeholders, or read from one of its rows.
public enum AppendValue: Sendable, Equatable {
    case text(String)
    case int(Int)

    /// The integer, or nil for text.
    public var int: Int? { if case .int(let n) = self { n } else { nil } }
    /// The text, or nil for an integer.
    public var text: String? { if case .text(let t) = self { t } else { nil } }
}

/// The kind of a column an `AppendSession` query reads.
public enum AppendColumn: Sendable {
    case text
    case int
}

/// One write transaction on append-only tables (the audit ledger and its checkpoints): a few small queries and rows
/// inserted in order. On SQLite its statements are prepared once and kept on the raw connection bulk merges use (the
/// ledger is written on every service-client call, and SQLiteNIO prepared each statement anew and bound every value
/// through its own representation: about 20 µs an entry); on PostgreSQL it runs on the store's connection through SQLKit.
public protocol AppendSession {
    /// Rows of a query with `?` placeholders, each column read as `columns` says (NULL as nil).
    func rows(_ sql: String, _ binds: [AppendValue], columns: [AppendColumn]) async throws -> [[AppendValue?]]
    /// Runs a statement with `?` placeholders.
    func run(_ sql: String, _ binds: [AppendValue]) async throws
    /// Inserts rows, in order, into `table`'s `columns`.
    func insert(into table: String, columns: [String], rows: [[AppendValue]]) async throws
}

extension Store {
    /// Runs `body` in one write transaction behind the store's write gate: committed when it returns, rolled back when it
    /// throws. See `AppendSession` for what each engine runs it on.
    public func appendTransaction<R: Sendable>(_ body: @escaping @Sendable (any AppendSession) async throws -> R) async throws -> R {
        switch kind {
        case .postgres:
            return try await transaction { db in try await body(SQLKitAppendSession(db: db)) }
        case .sqlite:
            let path = location
            return try await writeGate.run {
                // The connection bulk merges keep (see `bulkMerge`): both run behind the gate, so never at once.
                let raw = try self.mergeConnection.take(path: path)
                raw.resetAll()
                try raw.exec("BEGIN IMMEDIATE")
                do {
                    let result = try await body(RawAppendSession(conn: raw))
                    try raw.exec("COMMIT")
                    self.mergeConnection.keep(raw)
                    return result
                } catch {
                    if (try? raw.exec("ROLLBACK")) != nil { self.mergeConnection.keep(raw) }
                    throw error
                }
            }
        }
    }
}

/// `AppendSession` on a raw SQLite connection: statements prepared once per text and kept.
struct RawAppendSession: AppendSession {
    let conn: RawSQLite

    private func prepared(_ sql: String, _ binds: [AppendValue]) throws -> RawStatement {
        let s = try conn.statement(sql)
        for (i, b) in binds.enumerated() { s.bind(Int32(i + 1), b) }
        return s
    }

    func rows(_ sql: String, _ binds: [AppendValue], columns: [AppendColumn]) async throws -> [[AppendValue?]] {
        let s = try prepared(sql, binds)
        var out: [[AppendValue?]] = []
        while try s.step() {
            out.append(columns.enumerated().map { i, kind in
                let c = Int32(i)
                guard !s.isNull(c) else { return nil }
                switch kind {
                case .int: return .int(s.int(c))
                case .text: return .text(s.text(c))
                }
            })
        }
        return out
    }

    func run(_ sql: String, _ binds: [AppendValue]) async throws {
        try prepared(sql, binds).run()
    }

    func insert(into table: String, columns: [String], rows: [[AppendValue]]) async throws {
        let s = try conn.statement("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))")
        for row in rows {
            for (i, b) in row.enumerated() { s.bind(Int32(i + 1), b) }
            try s.run()
        }
    }
}

extension RawStatement {
    func bind(_ i: Int32, _ value: AppendValue) {
        switch value {
        case .text(let t): bind(i, t)
        case .int(let n): bind(i, n)
        }
    }
}

/// `AppendSession` on the store's SQLKit connection (PostgreSQL): `?` placeholders become the engine's binds, and rows are
/// inserted in multi-row statements within the engine's bind limit.
struct SQLKitAppendSession: AppendSession {
    let db: any SQLDatabase

    /// `sql` with each `?` placeholder written as a bind in the engine's form (`$1`, `$2`, … on PostgreSQL).
    struct Placeholders: SQLExpression {
        let sql: String
        let binds: [AppendValue]

        func serialize(to serializer: inout SQLSerializer) {
            var next = 0
            for (i, piece) in sql.split(separator: "?", omittingEmptySubsequences: false).enumerated() {
                if i > 0 {
                    switch binds[next] {
                    case .text(let t): serializer.write(bind: t)
                    case .int(let n): serializer.write(bind: n)
                    }
                    next += 1
                }
                serializer.write(String(piece))
            }
        }
    }

    private func raw(_ sql: String, _ binds: [AppendValue]) -> Placeholders {
        precondition(sql.filter { $0 == "?" }.count == binds.count, "\(binds.count) binds for the placeholders of: \(sql)")
        return Placeholders(sql: sql, binds: binds)
    }

    func rows(_ sql: String, _ binds: [AppendValue], columns: [AppendColumn]) async throws -> [[AppendValue?]] {
        let out = Mutex<[[AppendValue?]]>([])
        try await db.execute(sql: raw(sql, binds)) { row in
            let names = row.allColumns
            let values: [AppendValue?] = columns.enumerated().map { i, kind in
                guard i < names.count, (try? row.decodeNil(column: names[i])) == false else { return nil }
                switch kind {
                case .int: return (try? row.decode(column: names[i], as: Int.self)).map { .int($0) }
                case .text: return (try? row.decode(column: names[i], as: String.self)).map { .text($0) }
                }
            }
            out.withLock { $0.append(values) }
        }
        return out.withLock { $0 }
    }

    func run(_ sql: String, _ binds: [AppendValue]) async throws {
        try await db.execute(sql: raw(sql, binds)) { _ in }
    }

    func insert(into table: String, columns: [String], rows: [[AppendValue]]) async throws {
        // PostgreSQL takes at most 65,535 binds a statement.
        let size = max(1, 60_000 / max(columns.count, 1))
        for start in stride(from: 0, to: rows.count, by: size) {
            let chunk = rows[start..<min(start + size, rows.count)]
            var insert = db.insert(into: table).columns(columns)
            for row in chunk {
                insert = insert.values(row.map { b -> any SQLExpression in
                    switch b {
                    case .text(let t): SQLBind(t)
                    case .int(let n): SQLBind(n)
                    }
                })
            }
            try await insert.run()
        }
    }
}
