import BrainCore
import Foundation
import Logging
import NIOCore
import NIOPosix
@preconcurrency import PostgresKit
import SQLiteKit
import SQLKit

/// Which database engine a store runs on.
public enum DatabaseKind: String, Sendable {
    case sqlite, postgres
}

/// Errors from opening or using the store, worded for the person at the terminal.
public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The data centre's persistent store: one implementation over SQLKit for SQLite (embedded) and PostgreSQL.
public final class Store: Sendable {
    public let kind: DatabaseKind
    /// Dialect-neutral database handle; for SQLite a single serialized connection, for PostgreSQL a pool.
    public let sql: any SQLDatabase
    /// Human-readable location (file path or URL without password).
    public let location: String
    let sqlite: SQLiteConnection?
    /// A second SQLite connection for reads that may run while the server's connection writes (nil on PostgreSQL).
    let sqliteReader: SQLiteConnection?
    /// The threads SQLite's connections run their statements on (NIO's shared pool unless a test gives its own).
    let sqliteThreads: NIOThreadPool
    let pool: PoolBox?
    /// Every writer of the store passes it (one at a time): transactions, bulk merges and loads, the log's restart.
    let writeGate: AsyncGate
    /// One read at a time on `sqliteReader` (see `reading`).
    let readGate = AsyncGate()
    /// Checkpoints the SQLite log in the background (nil on PostgreSQL).
    let checkpointer: WALCheckpointer?
    /// The raw connection bulk merges write through on SQLite, kept between merges.
    let mergeConnection = MergeConnectionHolder()
    /// Import batches this process has committed (see `BatchTally`).
    public let ownBatches = BatchTally()
    /// Decoded document tables kept in memory between writes.
    public let documentCache = DocumentCache()

    private init(kind: DatabaseKind, sql: any SQLDatabase, location: String, sqlite: SQLiteConnection?,
                 pool: PoolBox?, checkpointer: WALCheckpointer? = nil, sqliteThreads: NIOThreadPool = .singleton,
                 sqliteReader: SQLiteConnection? = nil, writeGate: AsyncGate = AsyncGate()) {
        self.writeGate = writeGate
        self.sqliteThreads = sqliteThreads
        self.sqliteReader = sqliteReader
        self.checkpointer = checkpointer
        self.kind = kind
        self.sql = sql
        self.location = location
        self.sqlite = sqlite
        self.pool = pool
    }

    /// Opens a SQLite file (created when missing) and applies pending migrations.
    /// Where the store reports data it had to leave out (rows that no longer decode).
    static let problems = Logger(label: "brain.store")

    /// Decodes a JSON column; a value that does not decode is logged as an error naming the record (the record is still
    /// shown, without that part) instead of vanishing silently.
    static func storedJSON<T: Decodable>(_ type: T.Type, _ text: String, what: String) -> T? {
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            problems.error("stored \(what) is not valid JSON and is left out: \(error)")
            return nil
        }
    }

    public static func openSQLite(path: String, logger: Logger = Logger(label: "brain.store")) async throws -> Store {
        try await openSQLite(path: path, logger: logger, threads: .singleton)
    }

    /// Opens a SQLite file whose connections run their statements on `threads`.
    static func openSQLite(path: String, logger: Logger, threads: NIOThreadPool,
                           checkpointThreshold: Int64 = WALCheckpointer.threshold,
                           checkpointInterval: Duration = WALCheckpointer.interval) async throws -> Store {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let conn = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
                       "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -65536", "PRAGMA busy_timeout = 5000",
                       "PRAGMA wal_autocheckpoint = 0", "PRAGMA journal_size_limit = 67108864"] {
            try await conn.query(pragma, [])
        }
        let gate = AsyncGate()
        let store = Store(kind: .sqlite, sql: conn.sql(queryLogLevel: nil), location: path, sqlite: conn, pool: nil,
                          checkpointer: WALCheckpointer(path: path, logger: logger, gate: gate, threshold: checkpointThreshold,
                                                          interval: checkpointInterval),
                          sqliteThreads: threads,
                          sqliteReader: try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger,
                                                                        on: MultiThreadedEventLoopGroup.singleton.any()),
                          writeGate: gate)
        _ = try await store.sqliteReader?.query("PRAGMA busy_timeout = 5000", [])
        try await store.migrate()
        return store
    }

    /// Opens a PostgreSQL database from a `postgres://user:pass@host:port/db` URL and applies pending migrations.
    public static func openPostgres(url: String, logger: Logger = Logger(label: "brain.store")) async throws -> Store {
        let config: SQLPostgresConfiguration
        do {
            config = try SQLPostgresConfiguration(url: url)
        } catch {
            throw StoreError("cannot read database URL (expected postgres://user:password@host:5432/dbname): \(error)")
        }
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: config),
            maxConnectionsPerEventLoop: 4,
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton)
        let store = Store(kind: .postgres, sql: pool.database(logger: logger).sql(queryLogLevel: nil),
                          location: redact(url), sqlite: nil, pool: PoolBox(pool: pool))
        do {
            try await store.migrate()
        } catch {
            try? await pool.shutdownAsync()
            throw StoreError("cannot use PostgreSQL at \(redact(url)): \(String(reflecting: error))")
        }
        return store
    }

    /// Opens `--database URL` when given (postgres:// or sqlite:PATH), else `DATA/brain.sqlite`.
    public static func open(database: String?, dataDirectory: String) async throws -> Store {
        if let database, !database.isEmpty {
            if database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") {
                return try await openPostgres(url: database)
            }
            if database.hasPrefix("sqlite:") {
                return try await openSQLite(path: String(database.dropFirst("sqlite:".count)))
            }
            throw StoreError("--database must be a postgres://… URL or sqlite:PATH, got \(redact(database))")
        }
        return try await openSQLite(path: (dataDirectory as NSString).appendingPathComponent("brain.sqlite"))
    }

    /// Closes connections; the store is unusable afterwards.
    public func close() async {
        checkpointer?.stop()
        mergeConnection.close()
        if let sqlite { try? await sqlite.close() }
        if let sqliteReader { try? await sqliteReader.close() }
        if let pool { try? await pool.pool.shutdownAsync() }
    }

    /// Runs reads that may meet a batch being written, outside any transaction: on SQLite on a connection of its own, one
    /// read at a time. A read open on the server's connection while the bulk-merge connection commits leaves it on an old
    /// snapshot, and the next `BEGIN IMMEDIATE` there fails with SQLITE_BUSY_SNAPSHOT and waits (holding the write gate)
    /// until the read ends; readers on another connection never hold up writers in WAL mode. One at a time, because
    /// statements overlapping on one connection share its snapshot: each read starts a new one and sees every commit made
    /// before it began.
    public func reading<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard let reader = sqliteReader else { return try await body(sql) }
        return try await readGate.run { try await body(reader.sql(queryLogLevel: nil)) }
    }

    /// Runs `body` inside one transaction; everything it wrote is rolled back when it throws.
    /// Writers are serialized so that SQLite's single connection never mixes two transactions. On SQLite the transaction
    /// takes the write lock at its start (`BEGIN IMMEDIATE`, waiting up to the busy timeout): a deferred one that read
    /// first and wrote later failed at once with SQLITE_BUSY_SNAPSHOT when another connection (another process, or a
    /// checkpoint after the bulk-merge connection's commit) had written in between.
    public func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let begin: SQLQueryString = kind == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        return try await writeGate.run {
            try await self.sql.withSession { db in
                try await self.begin(db, begin)
                do {
                    let result = try await body(db)
                    try await db.raw("COMMIT").run()
                    return result
                } catch {
                    try? await db.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
    }

    /// Starts a transaction. On SQLite, `BEGIN IMMEDIATE` fails at once with SQLITE_BUSY_SNAPSHOT (the busy timeout does
    /// not apply) while another statement on the server's connection is still reading a snapshot older than the bulk-merge
    /// connection's last commit; nothing is written yet, so it is tried again, 1 ms to 50 ms apart, until that read has
    /// ended (at most `StoreContention.snapshotWait` seconds, then the error goes up as contention: 503 busy).
    func begin(_ db: any SQLDatabase, _ statement: SQLQueryString) async throws {
        let deadline = Date().addingTimeInterval(StoreContention.snapshotWait)
        var pause: UInt64 = 1_000_000
        while true {
            do {
                try await db.raw(statement).run()
                return
            } catch where StoreContention.isStaleSnapshot(error) && Date() < deadline {
                try await Task.sleep(nanoseconds: pause)
                pause = min(pause * 2, 50_000_000)
            }
        }
    }

    /// Size of the database in bytes (file size with WAL for SQLite, pg_database_size for PostgreSQL).
    public func sizeInBytes() async throws -> Int64 {
        switch kind {
        case .sqlite:
            let fm = FileManager.default
            var total: Int64 = 0
            for suffix in ["", "-wal"] {
                if let attrs = try? fm.attributesOfItem(atPath: location + suffix), let n = attrs[.size] as? NSNumber {
                    total += n.int64Value
                }
            }
            return total
        case .postgres:
            let row = try await sql.raw("SELECT pg_database_size(current_database()) AS n").first()
            return try row?.decode(column: "n", as: Int64.self) ?? 0
        }
    }

    static func redact(_ url: String) -> String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://") else { return url }
        let creds = url[scheme.upperBound..<at]
        guard let colon = creds.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}

/// A FIFO async mutex: one holder at a time, waiters resume in order.
actor AsyncGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<R: Sendable>(_ body: @Sendable () async throws -> R) async throws -> R {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// Holds the PostgreSQL pool. AsyncKit's pool is not marked `Sendable`, but it is documented thread-safe: every
/// method hops to the pool's event loops and guards its state with locks, so sharing it across tasks is safe.
final class PoolBox: @unchecked Sendable {
    let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    init(pool: EventLoopGroupConnectionPool<PostgresConnectionSource>) { self.pool = pool }
}

/// The database handle passed into transactions, so callers need not import SQLKit.
public typealias DatabaseHandle = any SQLDatabase
