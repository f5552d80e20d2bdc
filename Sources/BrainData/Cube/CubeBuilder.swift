import BrainCore
import BrainStore
import Foundation
import Synchronization

/// Builds an `IndicatorCube` from the store in one scan of the indicators table.
public enum CubeBuilder {
    /// Builds the cube of `catalog`'s province. A firm without its own chain link codes is placed on the links of the
    /// chains in force whose industry classes hold its class (`ChainPlacement`); the register itself is not changed.
    public static func build(from store: Store, catalog: RegionCatalog) async throws -> IndicatorCube {
        let firms = try await store.allEnterprises()
        let range = try await store.reportMonthRange()
        let first = range?.lowerBound ?? Month(year: 2000, month: 1)!
        let last = range?.upperBound ?? first
        let months = last.ordinal - first.ordinal + 1
        let sink = CubeSink(firms: firms, first: first, months: months)
        if range != nil { try await store.scanReports(into: sink) }
        var skipped = sink.skipped
        let book = catalog.chains
        let placements = firms.map { ChainPlacement.place(industry: $0.industry, explicitLinks: $0.chainLinks, book: book) }
        let clean = zip(firms, placements).map { e, placed -> Enterprise in
            // The registry's own figures decide size and 规上: an implausible one is read as unknown (0) and counted.
            var e = e
            if e.chainLinks.isEmpty { e.chainLinks = placed.linkCodes }
            if !(e.revenue.isFinite && DataDictionary.range("enterprise", "revenue").contains(e.revenue)) { e.revenue = 0; skipped += 1 }
            if !DataDictionary.range("enterprise", "employees").contains(Double(e.employees)) { e.employees = 0; skipped += 1 }
            return e
        }
        return IndicatorCube(firstMonth: first, lastMonth: last, firms: clean, catalog: catalog, values: sink.take(), reportCount: sink.rows,
                             skippedValues: skipped, placements: placements)
    }
}

/// Collects scanned rows into the cube's columns.
final class CubeSink: ReportSink, @unchecked Sendable {
    // Written only by the store's scan, which calls `receive` from one thread at a time and returns before
    // `take()` is called; nothing else touches these arrays.
    private var values: [[Double]]
    private let index: [String: Int]
    private let first: Int
    private let months: Int
    private let n: Int
    private(set) var rows = 0
    private(set) var skipped = 0
    static let indicators = Indicator.allCases

    init(firms: [Enterprise], first: Month, months: Int) {
        n = firms.count
        index = Dictionary(firms.enumerated().map { ($1.uscc, $0) }, uniquingKeysWith: { a, _ in a })
        self.first = first.ordinal
        self.months = months
        values = Array(repeating: Array(repeating: .nan, count: max(1, firms.count * months)), count: Indicator.allCases.count)
    }

    func receive(uscc: String, month: Month, values row: UnsafeBufferPointer<Double>) {
        guard let i = index[uscc] else { return }
        let m = month.ordinal - first
        guard m >= 0 && m < months else { return }
        let slot = m * n + i
        for k in 0..<row.count {
            // A stored value that is not finite or outside the plausible range (written before the checks existed, or
            // straight into the database) is skipped and counted, so no analysis can overflow on it.
            let raw = row[k]
            let v = k < Self.indicators.count ? Self.indicators[k].sanitized(raw) : raw
            if v.isNaN && !raw.isNaN { skipped += 1 }
            values[k][slot] = v
        }
        rows += 1
    }

    func take() -> [[Double]] { values }
}

/// Holds the current cube and swaps in a new one after imports; readers always see a whole cube.
public final class CubeHolder: Sendable {
    private let current: Mutex<IndicatorCube>
    private let version: Mutex<Int>

    public init(_ cube: IndicatorCube) {
        current = Mutex(cube)
        version = Mutex(0)
    }

    /// The cube to read from now.
    public var cube: IndicatorCube { current.withLock { $0 } }

    /// Rebuilds from the store and swaps the new cube in.
    public func refresh(from store: Store, catalog: RegionCatalog) async throws {
        let fresh = try await CubeBuilder.build(from: store, catalog: catalog)
        current.withLock { $0 = fresh }
        version.withLock { $0 += 1 }
    }

    /// How many times the cube was rebuilt since start.
    public var refreshes: Int { version.withLock { $0 } }
}
