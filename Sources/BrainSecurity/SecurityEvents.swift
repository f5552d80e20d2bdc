import BrainStore
import Foundation
import Synchronization

/// A security event for the security administrator: what happened, how serious, who, from where, and the trace.
public struct SecurityEvent: Codable, Sendable, Hashable {
    public var id: String
    public var at: String
    /// `warning` or `critical`.
    public var level: String
    /// `login_burst`, `account_locked`, `access_denied_storm`, `bulk_read`, `ledger_verification_failed`.
    public var kind: String
    public var actor: String
    public var source: String
    public var summary: String
    /// What led to it: counts, the window, first and last time, sample actions.
    public var trace: [String: String]
    /// `open` or `acknowledged`.
    public var state: String
    public var handledBy: String?
    public var handledAt: String?
}

/// Watches audit traffic in sliding windows and raises security events: bursts of failed logins from one address,
/// lockouts, storms of refused requests, unusual volumes of enterprise-data reads, and ledger verification failures.
/// One event per kind and subject per window.
public final class SecurityMonitor: Sendable {
    public struct Thresholds: Sendable {
        public var window: TimeInterval = 300
        public var failedLoginsPerAddress = 10
        public var deniedPerSubject = 20
        public var sensitiveReadsPerUser = 300
        public var readWindow: TimeInterval = 600
        public init() {}
    }
    struct Window { var times: [Double] = []; var samples: [String] = []; var raisedAt: Double = -1e12 }
    let store: Store
    let thresholds: Thresholds
    private let windows = Mutex<[String: Window]>([:])

    public init(store: Store, thresholds: Thresholds = Thresholds()) {
        self.store = store
        self.thresholds = thresholds
    }

    /// Counts one occurrence; returns the window's count and samples when the threshold is crossed (once per window).
    func count(_ key: String, sample: String, window: TimeInterval, threshold: Int, now: Double) -> (Int, [String], Double)? {
        windows.withLock { all -> (Int, [String], Double)? in
            var w = all[key] ?? Window()
            w.times.append(now)
            w.samples.append(sample)
            while let first = w.times.first, now - first > window { w.times.removeFirst(); w.samples.removeFirst() }
            if w.samples.count > 50 { w.samples.removeFirst(w.samples.count - 50) }
            defer { all[key] = w }
            guard w.times.count >= threshold, now - w.raisedAt > window else { return nil }
            w.raisedAt = now
            return (w.times.count, Array(w.samples.suffix(5)), w.times.first ?? now)
        }
    }

    /// Feeds one audited request or login.
    public func observe(actor: String, source: String, action: String, target: String, outcome: String, sensitiveRead: Bool,
                        now: Date = Date()) async {
        let t = now.timeIntervalSince1970
        var raised: [SecurityEvent] = []
        func event(_ kind: String, _ level: String, _ actor: String, _ summary: String, _ n: Int, _ samples: [String], _ first: Double) -> SecurityEvent {
            SecurityEvent(id: "SE-\(UUID().uuidString.prefix(8).lowercased())", at: Timestamp.string(now), level: level, kind: kind, actor: actor, source: source,
                          summary: summary, trace: ["count": String(n), "from": Timestamp.string(Date(timeIntervalSince1970: first)), "to": Timestamp.string(now),
                                                    "samples": samples.joined(separator: " | ")], state: "open", handledBy: nil, handledAt: nil)
        }
        if action == "login", outcome == "denied" {
            if let (n, samples, first) = count("login:" + source, sample: target, window: thresholds.window, threshold: thresholds.failedLoginsPerAddress, now: t) {
                raised.append(event("login_burst", n >= thresholds.failedLoginsPerAddress * 3 ? "critical" : "warning", actor,
                                    "\(n) failed logins from \(source) within \(Int(thresholds.window / 60)) minutes", n, samples, first))
            }
        } else if outcome == "denied" {
            for subject in ["actor:" + actor, "source:" + source] {
                if let (n, samples, first) = count("denied:" + subject, sample: action + " " + target, window: thresholds.window, threshold: thresholds.deniedPerSubject, now: t) {
                    raised.append(event("access_denied_storm", "warning", actor, "\(n) refused requests (\(subject)) within \(Int(thresholds.window / 60)) minutes", n, samples, first))
                    break
                }
            }
        }
        if sensitiveRead, outcome == "ok",
           let (n, samples, first) = count("read:" + actor, sample: target, window: thresholds.readWindow, threshold: thresholds.sensitiveReadsPerUser, now: t) {
            raised.append(event("bulk_read", "warning", actor, "\(actor) read enterprise-level data \(n) times within \(Int(thresholds.readWindow / 60)) minutes", n, samples, first))
        }
        for e in raised { try? await record(e) }
    }

    /// Records an event directly (lockouts, ledger verification failures).
    public func record(_ e: SecurityEvent) async throws {
        try await store.putDocuments(.securityEvents, [DocumentRow(key: e.id, values: [e.at, e.level, e.kind, e.state], doc: e)])
    }

    public func raise(kind: String, level: String, actor: String, source: String, summary: String, trace: [String: String]) async throws {
        try await record(SecurityEvent(id: "SE-\(UUID().uuidString.prefix(8).lowercased())", at: Timestamp.now(), level: level, kind: kind, actor: actor,
                                       source: source, summary: summary, trace: trace, state: "open", handledBy: nil, handledAt: nil))
    }

    public func events(state: String? = nil, level: String? = nil, limit: Int = 200) async throws -> [SecurityEvent] {
        var filters: [(String, String)] = []
        if let state { filters.append(("state", state)) }
        if let level { filters.append(("level", level)) }
        return try await store.documents(.securityEvents, as: SecurityEvent.self, where: filters, orderBy: "at", descending: true, limit: limit)
    }

    public func acknowledge(_ id: String, by user: String) async throws -> SecurityEvent? {
        guard var e = try await store.document(.securityEvents, key: id, as: SecurityEvent.self) else { return nil }
        e.state = "acknowledged"
        e.handledBy = user
        e.handledAt = Timestamp.now()
        try await record(e)
        return e
    }
}
