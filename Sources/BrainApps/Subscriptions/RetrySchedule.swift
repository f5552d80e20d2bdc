import Foundation

/// When a failed delivery is tried again: after attempt n the wait is `base × 2^(n−1)`, at most `cap`; once the next
/// attempt would fall after `window` (24 hours by default) from the start of the delivery's window, it goes to the
/// dead-letter list. Defaults 30 s, 1 h, 24 h: attempts at about 0 s, 30 s, 1.5 min, 3.5 min, … then hourly, 30 in all.
public struct RetrySchedule: Sendable, Hashable {
    public var base: TimeInterval
    public var cap: TimeInterval
    public var window: TimeInterval
    public init(base: TimeInterval = 30, cap: TimeInterval = 3600, window: TimeInterval = 86_400) {
        self.base = max(0.001, base); self.cap = max(self.base, cap); self.window = max(0, window)
    }

    /// From `BRAIN_WEBHOOK_RETRY_BASE`, `BRAIN_WEBHOOK_RETRY_CAP` and `BRAIN_WEBHOOK_RETRY_WINDOW` (seconds, decimals
    /// allowed; tests and the bench shorten them).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> RetrySchedule {
        func seconds(_ k: String, _ d: TimeInterval) -> TimeInterval {
            guard let v = env[k].flatMap(Double.init), v.isFinite, v >= 0 else { return d }
            return v
        }
        return RetrySchedule(base: seconds("BRAIN_WEBHOOK_RETRY_BASE", 30), cap: seconds("BRAIN_WEBHOOK_RETRY_CAP", 3600),
                             window: seconds("BRAIN_WEBHOOK_RETRY_WINDOW", 86_400))
    }

    /// The wait after the `attempts`-th failed attempt (1 → base).
    public func delay(afterAttempt attempts: Int) -> TimeInterval {
        let n = max(1, attempts)
        return n > 40 ? cap : min(cap, base * pow(2, Double(n - 1)))
    }

    /// The time of the next attempt after `attempts` failures at `now`, or nil when it would fall outside the window
    /// (the delivery is dead).
    public func nextAttempt(afterAttempt attempts: Int, at now: Date, windowStart: Date) -> Date? {
        let next = now.addingTimeInterval(delay(afterAttempt: attempts))
        return next.timeIntervalSince(windowStart) <= window ? next : nil
    }

    /// The offsets from the window's start of every attempt when each one fails at once (for docs and tests).
    public func plannedOffsets() -> [TimeInterval] {
        var at: TimeInterval = 0
        var out = [at]
        var n = 1
        while true {
            let next = at + delay(afterAttempt: n)
            guard next <= window else { return out }
            out.append(next); at = next; n += 1
        }
    }
}
