import Foundation
import VaporCSQLite

/// An SQLite error from the C API, with the statement's message.
public struct RawSQLiteError: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var description: String { "SQLite error \(code): \(message)" }
}

/// A second connection to a store's SQLite file through SQLite's C API, for bulk writes: statements prepared once and
/// reused for every row, values bound without an intermediate representation (SQLiteNIO prepares per query and binds
/// through `SQLiteData`, which caps a million-row import at a fraction of the engine's speed). Used only inside the
/// store's write gate, one task at a time.
final class RawSQLite {
    private var db: OpaquePointer?
    private var cache: [String: RawStatement] = [:]

    /// Opens `path`; with `autocheckpoint` false the connection leaves checkpoints to `WALCheckpointer`.
    init(path: String, autocheckpoint: Bool = false) throws {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite_nio_sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite_nio_sqlite3_close_v2(db)
            throw RawSQLiteError(code: rc, message: "\(path): \(message)")
        }
        sqlite_nio_sqlite3_busy_timeout(db, 30_000)
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA temp_store = FILE", "PRAGMA cache_size = -131072"] {
            try exec(pragma)
        }
        if !autocheckpoint { try exec("PRAGMA wal_autocheckpoint = 0") }
        // After a checkpoint resets the log, its file is cut back to 64 MB (a million-row import leaves gigabytes).
        try exec("PRAGMA journal_size_limit = 67108864")
    }

    deinit {
        for s in cache.values { s.finalize() }
        sqlite_nio_sqlite3_close_v2(db)
    }

    /// Runs statements without parameters.
    func exec(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite_nio_sqlite3_exec(db, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "unknown"
            sqlite_nio_sqlite3_free(error)
            throw RawSQLiteError(code: rc, message: "\(message) in: \(sql.prefix(200))")
        }
    }

    /// A prepared statement, cached by its text.
    func statement(_ sql: String) throws -> RawStatement {
        if let s = cache[sql] {
            s.reset()
            return s
        }
        var stmt: OpaquePointer?
        let rc = sqlite_nio_sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw RawSQLiteError(code: rc, message: "\(String(cString: sqlite_nio_sqlite3_errmsg(db))) in: \(sql.prefix(200))")
        }
        let s = RawStatement(stmt, db: db)
        cache[sql] = s
        return s
    }

    /// Resets every cached statement, so that none holds a read of an old snapshot open (before a new transaction on a
    /// connection kept between merges).
    func resetAll() {
        for s in cache.values { s.reset() }
    }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite_nio_sqlite3_changes(db)) }

    /// How long a statement waits for another connection's lock before it fails with SQLITE_BUSY.
    func busyTimeout(milliseconds: Int32) { sqlite_nio_sqlite3_busy_timeout(db, milliseconds) }

    /// Runs a checkpoint in `mode` (`SQLITE_CHECKPOINT_PASSIVE`, `…_RESTART`). Answers whether it did all it was asked:
    /// false when a reader or writer kept it from copying every frame (PASSIVE) or from waiting until the log may start
    /// over (RESTART, after the busy timeout). Other errors throw.
    func checkpoint(_ mode: Int32) throws -> (complete: Bool, logFrames: Int, copied: Int) {
        var log: Int32 = 0, copied: Int32 = 0
        let rc = sqlite_nio_sqlite3_wal_checkpoint_v2(db, nil, mode, &log, &copied)
        if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { return (false, Int(log), Int(copied)) }
        guard rc == SQLITE_OK else {
            throw RawSQLiteError(code: rc, message: "checkpoint: \(String(cString: sqlite_nio_sqlite3_errmsg(db)))")
        }
        return (log == copied, Int(log), Int(copied))
    }
}

/// One prepared statement of a `RawSQLite` connection.
final class RawStatement {
    private let stmt: OpaquePointer
    private let db: OpaquePointer?
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ stmt: OpaquePointer, db: OpaquePointer?) {
        self.stmt = stmt
        self.db = db
    }

    func finalize() { sqlite_nio_sqlite3_finalize(stmt) }

    func reset() {
        sqlite_nio_sqlite3_reset(stmt)
        sqlite_nio_sqlite3_clear_bindings(stmt)
    }

    /// The 1-based index of a named parameter (`:batch`), or 0 when the statement has none of that name.
    func index(of name: String) -> Int32 { sqlite_nio_sqlite3_bind_parameter_index(stmt, name) }

    func bind(_ i: Int32, _ text: String) {
        var t = text
        t.withUTF8 { buf in
            _ = buf.withMemoryRebound(to: CChar.self) { sqlite_nio_sqlite3_bind_text(stmt, i, $0.baseAddress, Int32($0.count), Self.transient) }
        }
    }

    func bind(_ i: Int32, _ value: Double?) {
        if let value { sqlite_nio_sqlite3_bind_double(stmt, i, value) } else { sqlite_nio_sqlite3_bind_null(stmt, i) }
    }

    func bind(_ i: Int32, _ value: Int) { sqlite_nio_sqlite3_bind_int64(stmt, i, Int64(value)) }

    /// Runs the statement to its end, discarding rows; resets it for the next use.
    func run() throws {
        defer { sqlite_nio_sqlite3_reset(stmt) }
        var rc = sqlite_nio_sqlite3_step(stmt)
        while rc == SQLITE_ROW { rc = sqlite_nio_sqlite3_step(stmt) }
        guard rc == SQLITE_DONE else { throw RawSQLiteError(code: rc, message: String(cString: sqlite_nio_sqlite3_errmsg(db))) }
    }

    /// Steps once: true when a row is ready to read, false when the statement is done (then it is reset).
    func step() throws -> Bool {
        let rc = sqlite_nio_sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        sqlite_nio_sqlite3_reset(stmt)
        guard rc == SQLITE_DONE else { throw RawSQLiteError(code: rc, message: String(cString: sqlite_nio_sqlite3_errmsg(db))) }
        return false
    }

    /// Stops reading rows early.
    func finishRows() { sqlite_nio_sqlite3_reset(stmt) }

    func double(_ column: Int32) -> Double? {
        sqlite_nio_sqlite3_column_type(stmt, column) == SQLITE_NULL ? nil : sqlite_nio_sqlite3_column_double(stmt, column)
    }

    func isNull(_ column: Int32) -> Bool { sqlite_nio_sqlite3_column_type(stmt, column) == SQLITE_NULL }

    func int(_ column: Int32) -> Int { Int(sqlite_nio_sqlite3_column_int64(stmt, column)) }

    func text(_ column: Int32) -> String { sqlite_nio_sqlite3_column_text(stmt, column).map { String(cString: $0) } ?? "" }

    /// Runs the statement and returns every row's columns as text (NULL as nil).
    func rows() throws -> [[String?]] {
        defer { sqlite_nio_sqlite3_reset(stmt) }
        var out: [[String?]] = []
        let n = sqlite_nio_sqlite3_column_count(stmt)
        var rc = sqlite_nio_sqlite3_step(stmt)
        while rc == SQLITE_ROW {
            var row: [String?] = []
            for c in 0..<n {
                row.append(sqlite_nio_sqlite3_column_text(stmt, c).map { String(cString: $0) })
            }
            out.append(row)
            rc = sqlite_nio_sqlite3_step(stmt)
        }
        guard rc == SQLITE_DONE else { throw RawSQLiteError(code: rc, message: String(cString: sqlite_nio_sqlite3_errmsg(db))) }
        return out
    }
}
