import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import BrainWeb

/// Background work stops gracefully: the sleep is cut short, the stop handler runs (the ledger is sealed there).
@Suite struct BackgroundWorkTests {
    @Test func aGracefulStopRunsTheStopHandlerOnce() async throws {
        let runs = Mutex(0), stops = Mutex(0)
        let work = PeriodicWork(name: "t", every: .seconds(3600), runAtStart: true, work: { runs.withLock { $0 += 1 } },
                                onStop: { stops.withLock { $0 += 1 } })
        let group = ServiceGroup(services: [work], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        for _ in 0..<100 where runs.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let started = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(runs.withLock { $0 } == 1, "ran once at start, never again during the hour-long sleep")
        #expect(stops.withLock { $0 } == 1)
        #expect(ContinuousClock.now - started < .seconds(5), "the sleep was cut short")
    }
}
