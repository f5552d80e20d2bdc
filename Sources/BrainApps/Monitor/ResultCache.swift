import BrainData
import Foundation
import Synchronization

/// Keeps computed answers that depend only on the current indicator cube (or another version token), so that the
/// officials who open the same dashboard get it without recomputing; entries of an older version are dropped.
public final class ResultCache<Value: Sendable>: Sendable {
    private let entries = Mutex<(version: String, values: [String: Value])>(("", [:]))
    let capacity: Int

    public init(capacity: Int = 512) { self.capacity = capacity }

    /// The cached value for `key` under `version`, or the computed one (stored).
    public func value(version: String, key: String, compute: () throws -> Value) rethrows -> Value {
        if let hit = entries.withLock({ $0.version == version ? $0.values[key] : nil }) { return hit }
        let fresh = try compute()
        entries.withLock { e in
            if e.version != version || e.values.count >= capacity { e = (version, [:]) }
            e.values[key] = fresh
        }
        return fresh
    }

    /// The cached value, if any (for answers computed asynchronously).
    public func lookup(version: String, key: String) -> Value? {
        entries.withLock { $0.version == version ? $0.values[key] : nil }
    }

    public func insert(version: String, key: String, _ value: Value) {
        entries.withLock { e in
            if e.version != version || e.values.count >= capacity { e = (version, [:]) }
            e.values[key] = value
        }
    }

    /// The version token of a cube: its identity and build time.
    public static func version(of cube: IndicatorCube) -> String { "\(ObjectIdentifier(cube).hashValue)@\(cube.builtAt.timeIntervalSince1970)" }
}
