import BrainStore
import Foundation
import Synchronization

/// Beijing calendar days for metering: a quota is per Beijing day and resets at Beijing midnight.
public enum BeijingDay {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// The Beijing day of an instant, `YYYY-MM-DD`.
    public static func of(_ date: Date) -> String {
        // Beijing has no daylight saving: shifting by 8 hours and reading the UTC day is exact and cheap.
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + 8 * 3600
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        if let hit = last.withLock({ $0.days == days ? $0.text : nil }) { return hit }
        let text = civil(days)
        last.withLock { $0 = (days, text) }
        return text
    }

    /// The day last asked for (the call path asks for today thousands of times a second).
    private static let last = Mutex<(days: Int, text: String)>((Int.min, ""))

    /// Whole seconds from `date` to the next Beijing midnight (at least 1).
    public static func secondsToMidnight(_ date: Date) -> Int {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + 8 * 3600
        let into = ((seconds % 86_400) + 86_400) % 86_400
        return max(1, 86_400 - into)
    }

    /// The day `n` days before `day` (`YYYY-MM-DD`), or nil when `day` is not a date.
    public static func minus(_ n: Int, from day: String) -> String? {
        guard let d = daysSinceEpoch(day) else { return nil }
        return civil(d - n)
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` that exists in the calendar.
    public static func daysSinceEpoch(_ day: String) -> Int? {
        let parts = day.split(separator: "-")
        guard day.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= lengths[m - 1] else { return nil }
        // Howard Hinnant's days_from_civil.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(_ days: Int) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}

/// A call refused past a daily quota: which quota, and the seconds until it resets (the next Beijing midnight).
public struct QuotaExceeded: Error, CustomStringConvertible, Sendable {
    public let service: String
    public let consumer: String
    /// `calls` or `rows`.
    public let quota: String
    public let limit: Int
    public let retryAfter: Int
    /// True for the first refusal of this consumer, service and day (the one written to the audit ledger one by one).
    public let firstToday: Bool
    public var description: String {
        "daily quota of service \(service) exceeded: \(limit) \(quota) per Beijing day for \(consumer); it resets at Beijing midnight, in \(retryAfter) s"
    }
}

/// Counts calls, rows and bytes per consumer, service and Beijing day in memory and adds them to the store in batches
/// (`flush`, every few seconds and when many calls are pending): the call path never writes. Quotas are checked against
/// the stored total of the day (read once per key, refreshed at each flush, so calls through other servers count within
/// one flush interval) plus what this server counted since.
public final class ServiceMeter: Sendable {
    struct Key: Hashable { let day: String, service: String, consumer: String }
    struct Entry {
        var stored = ServiceUsage(day: "", serviceId: "", consumer: "")
        var pending = ServiceUsage(day: "", serviceId: "", consumer: "")
        var loaded = false
        var refusalAudited = false
    }
    private let entries = Mutex<[Key: Entry]>([:])
    private let pendingCalls = Mutex(0)
    private let flushing = Mutex(false)
    let store: Store
    /// Pending calls that start a flush from the call path.
    public let flushAfterCalls: Int

    public init(store: Store, flushAfterCalls: Int = 20_000) {
        self.store = store
        self.flushAfterCalls = flushAfterCalls
    }

    /// Admits one call within the service's quotas, counting it; throws `QuotaExceeded` (the refusal is counted too).
    public func admit(service: PublishedService, consumer: String, now: Date = Date()) async throws {
        let key = Key(day: BeijingDay.of(now), service: service.id, consumer: consumer)
        if service.dailyCalls != nil || service.dailyRows != nil, entries.withLock({ $0[key]?.loaded != true }) {
            let stored = try await store.serviceUsage(from: key.day, to: key.day, services: [key.service], consumer: key.consumer).first
            entries.withLock { e in
                var entry = e[key] ?? Entry()
                if !entry.loaded {
                    entry.stored = stored ?? ServiceUsage(day: key.day, serviceId: key.service, consumer: key.consumer)
                    entry.loaded = true
                }
                e[key] = entry
            }
        }
        let refusal: QuotaExceeded? = entries.withLock { e in
            var entry = e[key] ?? Entry()
            if entry.pending.day.isEmpty { entry.pending = ServiceUsage(day: key.day, serviceId: key.service, consumer: key.consumer) }
            defer { e[key] = entry }
            let calls = entry.stored.calls + entry.pending.calls, rows = entry.stored.rows + entry.pending.rows
            var over: (String, Int)?
            if let limit = service.dailyCalls, calls >= limit { over = ("calls", limit) } else if let limit = service.dailyRows, rows >= limit { over = ("rows", limit) }
            guard let over else {
                entry.pending.calls += 1
                return nil
            }
            let (quota, limit) = over
            entry.pending.refused += 1
            let first = !entry.refusalAudited
            entry.refusalAudited = true
            return QuotaExceeded(service: key.service, consumer: key.consumer, quota: quota, limit: limit,
                                 retryAfter: BeijingDay.secondsToMidnight(now), firstToday: first)
        }
        if let refusal { throw refusal }
        let n = pendingCalls.withLock { n -> Int in n += 1; return n }
        if n >= flushAfterCalls, flushing.withLock({ f -> Bool in defer { f = true }; return !f }) {
            Task { [self] in
                _ = try? await self.flush()
            }
        }
    }

    /// Takes back a call admitted but not answered (the underlying use case refused its parameters).
    public func cancel(service: String, consumer: String, now: Date = Date()) {
        let key = Key(day: BeijingDay.of(now), service: service, consumer: consumer)
        entries.withLock { e in if e[key]?.pending.calls ?? 0 > 0 { e[key]?.pending.calls -= 1 } }
    }

    /// Adds the rows and bytes of an answered call.
    public func record(service: String, consumer: String, rows: Int, bytes: Int, now: Date = Date()) {
        let key = Key(day: BeijingDay.of(now), service: service, consumer: consumer)
        entries.withLock { e in
            var entry = e[key] ?? Entry()
            if entry.pending.day.isEmpty { entry.pending = ServiceUsage(day: key.day, serviceId: key.service, consumer: key.consumer) }
            entry.pending.rows += rows
            entry.pending.bytes += bytes
            e[key] = entry
        }
    }

    /// Writes every pending count to the store in one transaction, then reloads the day's stored totals of the keys it
    /// holds (so quotas see calls made through other servers). Returns how many rows it added to. On a failure the
    /// counts stay pending for the next flush.
    @discardableResult
    public func flush(now: Date = Date()) async throws -> Int {
        defer { flushing.withLock { $0 = false } }
        let deltas: [ServiceUsage] = entries.withLock { e in
            var out: [ServiceUsage] = []
            for (k, var entry) in e where entry.pending.calls + entry.pending.rows + entry.pending.bytes + entry.pending.refused > 0 {
                out.append(entry.pending)
                entry.stored.calls += entry.pending.calls; entry.stored.rows += entry.pending.rows
                entry.stored.bytes += entry.pending.bytes; entry.stored.refused += entry.pending.refused
                entry.pending = ServiceUsage(day: k.day, serviceId: k.service, consumer: k.consumer)
                e[k] = entry
            }
            return out
        }
        pendingCalls.withLock { $0 = 0 }
        do {
            try await store.addServiceUsage(deltas)
        } catch {
            entries.withLock { e in
                for d in deltas {
                    let k = Key(day: d.day, service: d.serviceId, consumer: d.consumer)
                    guard var entry = e[k] else { continue }
                    entry.stored.calls -= d.calls; entry.stored.rows -= d.rows; entry.stored.bytes -= d.bytes; entry.stored.refused -= d.refused
                    entry.pending.calls += d.calls; entry.pending.rows += d.rows; entry.pending.bytes += d.bytes; entry.pending.refused += d.refused
                    e[k] = entry
                }
            }
            throw error
        }
        // Drop past days; reload today's totals written by every server.
        let today = BeijingDay.of(now)
        let fresh = try await store.serviceUsage(from: today, to: today)
        entries.withLock { e in
            e = e.filter { $0.key.day >= today }
            for u in fresh {
                let k = Key(day: u.day, service: u.serviceId, consumer: u.consumer)
                guard var entry = e[k], entry.loaded else { continue }
                entry.stored = u
                e[k] = entry
            }
        }
        return deltas.count
    }

    /// What is counted but not yet written, per key (for tests and the usage page's "not yet flushed").
    public func pending() -> [ServiceUsage] {
        entries.withLock { e in e.values.map(\.pending).filter { $0.calls + $0.rows + $0.bytes + $0.refused > 0 } }
    }
}
