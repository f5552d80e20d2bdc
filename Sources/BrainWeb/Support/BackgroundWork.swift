import BrainSecurity
import Foundation
import Logging
import ServiceLifecycle

/// Work `brain serve` repeats in the background, run as a ServiceLifecycle service next to the HTTP server: every
/// `interval` it runs `work` (optionally once at start), and on a graceful stop it finishes with `onStop` and says so,
/// instead of being cancelled halfway.
public struct PeriodicWork: Service {
    public let name: String
    public let interval: Duration
    public let runAtStart: Bool
    public let work: @Sendable () async -> Void
    public let onStop: (@Sendable () async -> Void)?

    public init(name: String, every interval: Duration, runAtStart: Bool = false, work: @escaping @Sendable () async -> Void,
                onStop: (@Sendable () async -> Void)? = nil) {
        self.name = name
        self.interval = interval
        self.runAtStart = runAtStart
        self.work = work
        self.onStop = onStop
    }

    public func run() async throws {
        let interval = self.interval
        if runAtStart { await work() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Only the sleep is cut short by a graceful stop; a round that has begun finishes.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            await work()
        }
        await onStop?()
    }
}
