import Foundation
import SQLiteKit

/// Recognises a write refused because another writer held the database (SQLite's busy and locked codes, on the
/// server's connection or the bulk-merge connection): nothing was written and the same request may simply be sent again,
/// so the web layer answers 503 with Retry-After instead of 500.
public enum StoreContention {
    /// SQLite's primary result codes SQLITE_BUSY (5) and SQLITE_LOCKED (6); extended codes keep them in the low byte.
    static let codes: Set<Int32> = [5, 6]

    /// True when `error` (or the error it wraps) is lock contention.
    public static func matches(_ error: any Error) -> Bool {
        if let e = error as? SQLiteError {
            switch e.reason {
            case .busy, .busyInRecovery, .busyInSnapshot, .busyTimeout, .locked, .lockedBySharedCache, .lockedVirtualTable: return true
            default: return false
            }
        }
        if let e = error as? RawSQLiteError { return codes.contains(e.code & 0xFF) }
        return false
    }

    /// True for SQLITE_BUSY_SNAPSHOT: this connection's open read is older than another connection's commit.
    public static func isStaleSnapshot(_ error: any Error) -> Bool {
        if let e = error as? SQLiteError { return e.reason == .busyInSnapshot }
        if let e = error as? RawSQLiteError { return e.code == 517 }
        return false
    }

    /// Seconds a transaction waits for the server connection's older reads to end before it gives up (see `Store.begin`).
    public static let snapshotWait: TimeInterval = 30

    /// Seconds a client is told to wait before sending the request again.
    public static let retryAfterSeconds = 1
}
