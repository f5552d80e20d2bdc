import BrainStore
import Logging
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

        /// The defaults, with `BRAIN_MONITOR_WINDOW` (seconds, 1…86400) replacing the 5-minute window of logins and
        /// refusals; the read window stays twice as long.
        public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Thresholds {
            var t = Thresholds()
            if let raw = env["BRAIN_MONITOR_WINDOW"], let s = Double(raw), s.isFinite, (1...86_400).contains(s) {
                t.window = s
                t.readWindow = 2 * s
            }
            return t
        }
    }

    /// Occurrences of one key within its window, counted per whole second so that memory stays bounded whatever the
    /// rate, with the latest samples (each with its own time) for the event's trace.
    struct Window {
        var buckets: [(second: Int64, n: Int)] = []
        var samples: [(at: Double, text: String)] = []
        var raisedAt: Double = -1e12
        var lastSeen: Double = 0
        static let maxSamples = 50

        var count: Int { buckets.reduce(0) { $0 + $1.n } }

        mutating func add(_ at: Double, _ sample: String) {
            let second = Int64(at.rounded(.down))
            if let last = buckets.last, last.second == second { buckets[buckets.count - 1].n += 1 } else { buckets.append((second, 1)) }
            samples.append((at, sample))
            if samples.count > Self.maxSamples { samples.removeFirst(samples.count - Self.maxSamples) }
            lastSeen = max(lastSeen, at)
        }

        /// Drops what lies outside the window ending at `now`; times and samples are pruned each by their own clock.
        mutating func prune(now: Double, window: Double) {
            let cut = buckets.firstIndex { now - Double($0.second) <= window } ?? buckets.count
            if cut > 0 { buckets.removeFirst(cut) }
            let keep = samples.firstIndex { now - $0.at <= window } ?? samples.count
            if keep > 0 { samples.removeFirst(keep) }
        }

        var first: Double? { buckets.first.map { Double($0.second) } }
    }
    let store: Store
    let thresholds: Thresholds
    static let logger = Logger(label: "brain.security")
    private let windows = Mutex<(all: [String: Window], calls: Int)>(([:], 0))
    /// Keys not seen for this long are forgotten on the next sweep, so arbitrary actors or sources cannot grow memory.
    static let sweepEvery = 4096

    public init(store: Store, thresholds: Thresholds = .fromEnvironment()) {
        self.store = store
        self.thresholds = thresholds
    }

    /// Counts one occurrence; returns the window's count, latest samples and first time when the threshold is crossed
    /// (once per window).
    func count(_ key: String, sample: String, window: TimeInterval, threshold: Int, now: Double) -> (Int, [String], Double)? {
        windows.withLock { state -> (Int, [String], Double)? in
            state.calls += 1
            if state.calls % Self.sweepEvery == 0 {
                let horizon = 2 * max(thresholds.window, thresholds.readWindow)
                state.all = state.all.filter { now - $0.value.lastSeen <= horizon }
            }
            var w = state.all[key] ?? Window()
            w.add(now, String(sample.prefix(200)))
            w.prune(now: now, window: window)
            defer { state.all[key] = w }
            let n = w.count
            guard n >= threshold, now - w.raisedAt > window else { return nil }
            w.raisedAt = now
            return (n, w.samples.suffix(5).map(\.text), w.first ?? now)
        }
    }

    /// How many keys the monitor holds (for tests of its memory bound).
    var trackedKeys: Int { windows.withLock { $0.all.count } }

    /// Whether `observe` would count anything for such a request: refusals, and successful reads of enterprise-level data.
    /// A caller on a hot path checks this first and skips the call (an async call costs a task switch even when it
    /// returns at once).
    public static func counts(outcome: String, sensitiveRead: Bool) -> Bool {
        outcome == "denied" || (sensitiveRead && outcome == "ok")
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
        for e in raised {
            do { try await record(e) } catch {
                // The event is lost to the console: the operator must at least see it in the log.
                Self.logger.error("could not save security event \(e.kind) (\(e.level)) for \(e.actor) from \(e.source): \(error); summary: \(e.summary)")
            }
        }
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
