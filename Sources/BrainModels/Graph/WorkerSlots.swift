import Foundation

/// One result slot per parallel worker, filled concurrently and read back in worker order.
///
/// `@unchecked Sendable` is safe here: the only stored mutable state, `slots`, is read and written exclusively while
/// holding `lock`, and the values stored are themselves `Sendable`.
final class WorkerSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// Records worker `index`'s result.
    func store(_ value: Value, at index: Int) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
    }

    /// All results in worker order; every worker must have stored one.
    func values() -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { slot in
            guard let slot else { preconditionFailure("a worker stored no result") }
            return slot
        }
    }
}
