import BrainCore
import Foundation
import Synchronization
import Testing
@testable import BrainStore

/// The bulk path (row by row on a raw SQLite connection) and the set-based SQL (the store's own connection, both
/// engines) apply the same rules: the same random deliveries from several sources, with clears, repeats and firm-months
/// stored before sources were kept, leave the same values, sources, batches and history. Part of the serialized
/// `StoreSuite`: it uses the shared PostgreSQL test database.
private let openStores = Mutex<[Store]>([])
private let firms = (1...6).map { sampleEnterprise($0) }
private let months = ["2026-07", "2026-08", "2026-09"]
private let sources = ["statistics", "power", "self-report", "tax", "manual"]

extension StoreSuite {
    /// A reproducible sequence of batches: each one source's deliveries for random firm-months, random indicators given,
    /// cleared or left out, values from a small set so that repeats (no change) happen.
    func mergeBatches(seed: UInt64) -> [(source: String, batch: String, rows: [IndicatorDelivery])] {
        var rng = seed
        func next(_ n: Int) -> Int {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Int((rng >> 33) % UInt64(n))
        }
        return (0..<14).map { b in
            let source = sources[next(sources.count)]
            var rows: [IndicatorDelivery] = []
            var used = Set<String>()
            for _ in 0..<next(10) + 1 {
                let firm = firms[next(firms.count)].uscc, month = months[next(months.count)]
                guard used.insert(firm + month).inserted else { continue }
                var d = IndicatorDelivery(uscc: firm, month: Month(month)!)
                for ind in Indicator.allCases {
                    switch next(6) {
                    case 0, 1: d.values[ind] = Double([0, 10, 12.5, 300, 1e6][next(5)])
                    case 2: d.cleared.insert(ind)
                    default: break
                    }
                }
                if !d.isEmpty { rows.append(d) }
            }
            return (source, "B\(b)", rows)
        }
    }

    /// What a store holds, as comparable text: read values, source values with batches, the history.
    func mergeSnapshot(_ store: Store) async throws -> [String] {
        var out: [String] = []
        for f in firms {
            for r in try await store.reports(uscc: f.uscc) { out.append("read \(f.uscc) \(r.month) \(r.values)") }
            for m in months {
                let v = try await store.sourcedValues(uscc: f.uscc, month: Month(m)!)
                for k in v.keys.sorted() { out.append("src \(f.uscc) \(m) \(k) " + v[k]!.map { "\($0.source)=\(String(describing: $0.value))@\($0.batch)" }.joined(separator: ",")) }
            }
            out += try await store.indicatorChanges(uscc: f.uscc).map { "chg \($0.uscc) \($0.month) \($0.indicator) \($0.source) \(String(describing: $0.oldValue))→\(String(describing: $0.newValue)) \($0.batch)" }
                .sorted()
        }
        return out
    }

    func mergeWorld(_ backend: Backend) async throws -> Store {
        let store = try await backend.freshStore()
        openStores.withLock { $0.append(store) }
        try await store.upsertEnterprises(firms)
        // Firm-months stored before sources were kept.
        _ = try await store.upsertReports([report(firms[0].uscc, "2026-07", output: 300), report(firms[1].uscc, "2026-08", output: 12.5),
                                           report(firms[2].uscc, "2026-09", output: 1e6)])
        return store
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func bulkAndSetBasedMergesAgree(seed: UInt64) async throws {
        let plan = mergeBatches(seed: seed)
        var expected: [String]? = nil
        var outcomes: [String: [MergeOutcome]] = [:]
        for backend in Backend.available {
            let store = try await mergeWorld(backend)
            for step in plan {
                let o = try await store.transaction { db in
                    try await store.mergeDeliveries(step.rows, source: step.source, batch: step.batch, actor: "t", in: db)
                }
                outcomes["set-\(backend)", default: []].append(o)
            }
            let snap = try await mergeSnapshot(store)
            if let expected { #expect(snap == expected, "set-based on \(backend)") } else { expected = snap }
        }
        let bulk = try await mergeWorld(.sqlite)
        for step in plan {
            let o = try await bulk.bulkMerge(source: step.source, batch: step.batch, actor: "t") { session in
                _ = try await session.merge(step.rows.enumerated().map { StagedDelivery($0.element, line: $0.offset + 2) })
                return session.outcome
            }
            outcomes["bulk", default: []].append(o)
        }
        let snap = try await mergeSnapshot(bulk)
        #expect(snap.count > 20)
        let diff = zip(snap, expected ?? []).first { $0 != $1 }
        #expect(snap == expected, "first difference: \(String(describing: diff))")
        #expect(outcomes["bulk"] == outcomes["set-sqlite"])
    }

    @Test func repeatsAcrossPartsAreFoundAndAFailedFileLeavesNothing() async throws {
        let store = try await mergeWorld(.sqlite)
        let a = firms[3].uscc, m = Month("2026-08")!
        let dups = try await store.bulkMerge(source: "power", batch: "P1", actor: "t") { session in
            var found: [Int] = []
            found += try await session.merge([StagedDelivery(IndicatorDelivery(uscc: a, month: m, values: [.electricity: 5]), line: 2)]).map(\.earlier)
            found += try await session.merge([StagedDelivery(IndicatorDelivery(uscc: a, month: m, values: [.electricity: 9]), line: 7)]).map(\.line)
            return found
        }
        #expect(dups == [7])
        #expect(try await store.reports(uscc: a).first?[.electricity] == 5, "the first row wins")
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await store.bulkMerge(source: "power", batch: "P2", actor: "t") { session in
                _ = try await session.merge([StagedDelivery(IndicatorDelivery(uscc: a, month: m, values: [.electricity: 77]), line: 2)])
                throw Stop()
            }
        }
        #expect(try await store.reports(uscc: a).first?[.electricity] == 5, "a file that fails part-way changes nothing")
        #expect(try await store.changes(ofBatch: "P2").total == 0)
    }
}
