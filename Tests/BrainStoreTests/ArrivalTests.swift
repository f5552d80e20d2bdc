import BrainCore
import Foundation
import Testing
@testable import BrainStore

/// When a firm's month arrived, for the timeliness of 数据质量: the first value from any source counts; values stored
/// before arrival times were kept and values a backfill of history brought are not judged.
extension StoreSuite {
    @Test(arguments: Backend.available)
    func firstArrivalsSkipLegacyValuesAndBackfills(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let (a, b, c, d) = (sampleEnterprise(1), sampleEnterprise(2), sampleEnterprise(3), sampleEnterprise(4))
        try await store.upsertEnterprises([a, b, c, d])
        _ = try await store.upsertReports([report(c.uscc, "2026-09", output: 5)])   // stored before arrival times were kept
        let m = Month("2026-09")!
        func deliver(_ firm: Enterprise, _ months: [String], _ batch: String, _ source: String = "statistics") async throws {
            _ = try await store.transaction { db in
                try await store.mergeDeliveries(months.map { IndicatorDelivery(uscc: firm.uscc, month: Month($0)!, values: [.outputValue: 10]) },
                                                source: source, batch: batch, actor: "t", in: db)
            }
        }
        try await deliver(a, ["2026-08", "2026-09"], "monthly")                       // a regular delivery (last month and this)
        try await deliver(a, ["2026-09"], "later", "power")                           // a later source does not move the arrival
        try await deliver(b, ["2026-03", "2026-06", "2026-09"], "history")            // history loaded with the month: not judged
        try await deliver(d, ["2026-09"], "late")
        try await deliver(c, ["2026-09"], "power-today", "power")                     // legacy values were there before: not judged
        let arrivals = try await store.firstArrivals(month: m)
        #expect(Set(arrivals.keys) == [a.uscc, d.uscc], "\(arrivals)")
        let log = try await store.changes(ofBatch: "monthly").items
        #expect(arrivals[a.uscc] == log.first { $0.month == "2026-09" }?.at)
        #expect(try await store.firstArrivals(month: Month("2026-06")!).isEmpty, "a month only a backfill brought")
        await store.close()
    }
}
