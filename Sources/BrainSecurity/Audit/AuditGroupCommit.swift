import Foundation
import Synchronization

/// The queue behind `AuditLedger.recordGrouped`: callers wait on a continuation; one of them drains the queue in batches
/// (at most `limit` events an append) until it is empty, and resumes every waiter of a batch when the batch is stored.
final class AuditGroupCommit: Sendable {
    typealias Waiter = (event: AuditEvent, done: CheckedContinuation<Void, any Error>)
    struct State: Sendable {
        var pending: [Waiter] = []
        var draining = false
    }
    private let state = Mutex(State())
    let limit = 2_000

    func submit(_ event: AuditEvent, append: @escaping @Sendable ([AuditEvent]) async throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let drains = state.withLock { s -> Bool in
                s.pending.append((event, done))
                if s.draining { return false }
                s.draining = true
                return true
            }
            if drains { Task { await self.drain(append) } }
        }
    }

    private func drain(_ append: @Sendable ([AuditEvent]) async throws -> Void) async {
        while true {
            let batch = state.withLock { s -> [Waiter] in
                guard !s.pending.isEmpty else { s.draining = false; return [] }
                let n = min(limit, s.pending.count)
                let b = Array(s.pending.prefix(n))
                s.pending.removeFirst(n)
                return b
            }
            if batch.isEmpty { return }
            do {
                try await append(batch.map(\.event))
                for w in batch { w.done.resume() }
            } catch {
                for w in batch { w.done.resume(throwing: error) }
            }
        }
    }
}
