import BrainCore
import Foundation
import Logging
import NIOPosix
import SQLKit
import Testing
@testable import BrainStore

/// SQLite under another writer (a second store on the same file, as a second process would be): a transaction waits for
/// the lock instead of failing at once, and when the wait runs out the error is recognised as contention (the web layer
/// answers 503 with Retry-After), with nothing written.
@Suite struct StoreContentionTests {
    @Test func aTransactionWaitsForAnotherWriterAndReportsContentionWhenTheWaitRunsOut() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("contention-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        let other = try await Store.openSQLite(path: dir + "/brain.sqlite")
        try await store.setSetting("contention.before", "1")

        // The other writer holds the write lock for 300 ms: the transaction, which reads first and writes later (a
        // deferred one failed here with SQLITE_BUSY_SNAPSHOT), waits and then succeeds.
        let (locked, lockedNow) = AsyncStream.makeStream(of: Void.self)
        async let held: Void = other.transaction { db in
            try await db.raw("INSERT INTO settings (key, value) VALUES ('contention.other', 'x')").run()
            lockedNow.yield()
            try await Task.sleep(for: .milliseconds(300))
        }
        for await _ in locked { break }
        try await store.transaction { db in
            _ = try await db.raw("SELECT COUNT(*) AS n FROM settings").all()
            try await db.raw("INSERT INTO settings (key, value) VALUES ('contention.waited', 'y')").run()
        }
        try await held
        let waited = try await store.setting("contention.waited"), theirs = try await store.setting("contention.other")
        #expect(waited == "y" && theirs == "x")

        // Held past the busy timeout (5 s): the error is contention, and the transaction wrote nothing.
        let (locked2, lockedNow2) = AsyncStream.makeStream(of: Void.self)
        async let heldLong: Void = other.transaction { db in
            try await db.raw("INSERT INTO settings (key, value) VALUES ('contention.long', 'x')").run()
            lockedNow2.yield()
            try await Task.sleep(for: .seconds(7))
        }
        for await _ in locked2 { break }
        let started = Date()
        do {
            try await store.transaction { db in try await db.raw("INSERT INTO settings (key, value) VALUES ('contention.lost', 'z')").run() }
            Issue.record("a transaction succeeded while another connection held the write lock")
        } catch {
            #expect(StoreContention.matches(error), "\(String(reflecting: error))")
            #expect(Date().timeIntervalSince(started) >= 4, "it waited for the lock before giving up")
        }
        try await heldLong
        let lost = try await store.setting("contention.lost")
        #expect(lost == nil)
        #expect(!StoreContention.matches(StoreError("unrelated")))
        #expect(StoreContention.matches(RawSQLiteError(code: 517, message: "database is locked")))  // SQLITE_BUSY_SNAPSHOT
        await other.close()
        await store.close()
    }

    /// The server's one connection is still reading (another request's query) when the bulk-merge connection commits: its
    /// snapshot is now stale, and `BEGIN IMMEDIATE` on it fails at once with SQLITE_BUSY_SNAPSHOT. The transaction waits
    /// for the read to end and then writes (it failed with 503 busy for 116 of 200 ingested batches in the bench before).
    @Test func aTransactionWaitsForAnOlderReadOnTheSameConnection() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        try await store.setSetting("snapshot.before", "1")
        // A read of about a second on the store's connection that returns many rows: between two rows it lets go of the
        // connection's mutex, so other statements run on it meanwhile (SQLiteNIO runs each query on a pool thread).
        let counted = RowCount()
        async let slowRead: Void = store.sql.raw("""
            WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000000) SELECT i FROM c, settings WHERE key = 'snapshot.before'
            """).run { _ in counted.add() }
        try await Task.sleep(for: .milliseconds(150))
        // Meanwhile another connection commits (as `bulkMerge`'s raw connection does).
        let raw = try RawSQLite(path: dir + "/brain.sqlite")
        try raw.exec("INSERT INTO settings (key, value) VALUES ('snapshot.raw', 'r')")
        let started = Date()
        var failure: String?
        do {
            try await store.transaction { db in try await db.raw("INSERT INTO settings (key, value) VALUES ('snapshot.after', 'a')").run() }
        } catch { failure = String(reflecting: error) }
        try await slowRead
        #expect(failure == nil, "the transaction failed instead of waiting for the read: \(failure ?? "")")
        #expect(counted.value == 2_000_000)
        let after = try await store.setting("snapshot.after"), fromRaw = try await store.setting("snapshot.raw")
        #expect(after == "a" && fromRaw == "r")
        #expect(Date().timeIntervalSince(started) < StoreContention.snapshotWait)
        #expect(StoreContention.isStaleSnapshot(RawSQLiteError(code: 517, message: "database is locked")))
        #expect(!StoreContention.isStaleSnapshot(RawSQLiteError(code: 5, message: "database is locked")))
        await store.close()
    }

    /// A view rebuild scans the indicators table for seconds. Held open on the server's connection, that read made every
    /// write transaction there wait (`BEGIN IMMEDIATE` fails with SQLITE_BUSY_SNAPSHOT once another connection commits,
    /// and is tried again until the read ends): the ingestion interface ran at 0.58× its speed with rebuilds on. The
    /// scan reads on a connection of its own, so a write meanwhile goes through at once.
    @Test func aScanOfTheReportsDoesNotHoldUpWritesOnTheServersConnection() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Its own pool threads: the held scan occupies one of them, which must not slow down the other suites' stores.
        let threads = NIOThreadPool(numberOfThreads: 3)
        threads.start()
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite", logger: Logger(label: "test"), threads: threads)
        let e = sampleEnterprise(1)
        try await store.upsertEnterprises([e])
        _ = try await store.upsertReports(["2026-07", "2026-08", "2026-09"].map { report(e.uscc, $0, output: 100) })
        let sink = HeldSink()
        let scan = Task { try await store.scanReports(into: sink) }
        var wroteWhileScanning = false
        var write: Task<Void, any Error>?
        do {
            // The scan has read its first row and waits (its read transaction stays open) until released.
            while !sink.started { try await Task.sleep(for: .milliseconds(5)) }
            // Another connection commits (as `bulkMerge`'s raw connection does), then the server's connection writes.
            let raw = try RawSQLite(path: dir + "/brain.sqlite")
            try raw.exec("INSERT INTO settings (key, value) VALUES ('scan.raw', 'r')")
            write = Task { try await store.transaction { db in try await db.raw("INSERT INTO settings (key, value) VALUES ('scan.after', 'a')").run() } }
            let deadline = Date().addingTimeInterval(20)
            while !wroteWhileScanning, Date() < deadline {
                try await Task.sleep(for: .milliseconds(10))
                wroteWhileScanning = try await store.setting("scan.after") == "a"
            }
        } catch {
            Issue.record(error)
        }
        sink.release()
        do {
            try await write?.value
            try await scan.value
        } catch {
            Issue.record(error)
        }
        #expect(wroteWhileScanning, "the write waited for the scan to end")
        #expect(sink.rows == 3)
        await store.close()
        try await threads.shutdownGracefully()
    }

    /// `Store.reading` runs reads on a connection of their own, one at a time: a write on the server's connection goes
    /// through while such a read runs, and a read started after another connection's commit sees it (reads overlapping
    /// on one connection would share the first one's snapshot: an ingest key just claimed "vanished" in the bench).
    @Test func readsOnTheReaderConnectionNeitherBlockWritesNorSeeOldSnapshots() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let threads = NIOThreadPool(numberOfThreads: 3)
        threads.start()
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite", logger: Logger(label: "test"), threads: threads)
        try await store.setSetting("reader.before", "1")
        let counted = RowCount()
        let long = Task {
            try await store.reading { db in
                try await db.raw("""
                    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000000) SELECT i FROM c, settings WHERE key = 'reader.before'
                    """).run { _ in counted.add() }
            }
            return Date()
        }
        while counted.value == 0 { try await Task.sleep(for: .milliseconds(2)) }
        let raw = try RawSQLite(path: dir + "/brain.sqlite")
        try raw.exec("INSERT INTO settings (key, value) VALUES ('reader.raw', 'r')")
        try await store.transaction { db in try await db.raw("INSERT INTO settings (key, value) VALUES ('reader.write', 'w')").run() }
        let wrote = Date()
        let seen = try await store.reading { db in
            try await db.raw("SELECT value FROM settings WHERE key = 'reader.raw'").first()?.decode(column: "value", as: String.self)
        }
        let longEnded = try await long.value
        #expect(wrote < longEnded, "the write waited for the read on the other connection")
        #expect(counted.value == 3_000_000)
        #expect(seen == "r", "a read after another connection's commit saw an older snapshot")
        await store.close()
        try await threads.shutdownGracefully()
    }
}

/// A report sink that stops at its first row until released (a long scan, held open).
private final class HeldSink: ReportSink, @unchecked Sendable {
    private let lock = NSLock()
    private let gate = DispatchSemaphore(value: 0)
    private var n = 0
    private var waiting = false
    var started: Bool { lock.lock(); defer { lock.unlock() }; return waiting }
    var rows: Int { lock.lock(); defer { lock.unlock() }; return n }
    func release() { gate.signal() }
    func receive(uscc: String, month: Month, values: UnsafeBufferPointer<Double>) {
        lock.lock(); n += 1; let first = n == 1; if first { waiting = true }; lock.unlock()
        if first { gate.wait() }
    }
}

/// Counts rows handed to a callback from another thread.
private final class RowCount: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
