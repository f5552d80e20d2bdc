import BrainCore
import BrainData
import BrainStore
import Foundation
import Synchronization
import Testing
@testable import BrainApps

/// Any figure can be read as of a time: the values by source as they stood then, rebuilt from the correction history.
@Suite struct AsOfTests {
    private static let open = Mutex<[Store]>([])

    @Test func valuesAsTheyStoodAtEachMoment() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-asof-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/a.sqlite")
        Self.open.withLock { $0.append(store) }
        let importer = Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!)
        let uscc = CreditCode.make(region: "360681", body: "00000001")!.value
        _ = try await importer.importData(Data("统一社会信用代码,企业名称,行政区划代码,行业代码,从业人员,营业收入\n\(uscc),甲,360681,3211,120,5000\n".utf8),
                                          fileName: "f.csv", kind: .enterprises, actor: "t")
        var legacy = MonthlyReport(uscc: uscc, month: Month("2026-09")!, values: Array(repeating: nil, count: Indicator.allCases.count))
        legacy[.outputValue] = 1_000
        _ = try await store.upsertReports([legacy])
        func deliver(_ csv: String, _ source: DataSource) async throws -> Date {
            try await Task.sleep(for: .milliseconds(20))
            let before = Date()
            try await Task.sleep(for: .milliseconds(20))
            _ = try await importer.importData(Data(csv.utf8), fileName: "\(UUID()).csv", kind: .indicators, actor: "t", source: source)
            return before
        }
        let t1 = try await deliver("uscc,month,output_value\n\(uscc),2026-09,1100\n", .statistics)
        let t2 = try await deliver("uscc,month,output_value\n\(uscc),2026-09,1300\n", .selfReport)
        let t3 = try await deliver("uscc,month,output_value\n\(uscc),2026-09,清除\n", .statistics)
        let desk = SourceDesk(store: store)
        func read(_ t: Date?) async throws -> (chosen: String?, values: [String: Double?]) {
            let r = try await desk.firmMonth(admitted: uscc, month: Month("2026-09")!, asOf: t)
            return (r.chosen["output_value"], Dictionary(uniqueKeysWithValues: (r.values["output_value"] ?? []).map { ($0.source, $0.value) }))
        }
        let before = try await read(t1)
        #expect(before.chosen == "statistics" && before.values == ["statistics": 1_000], "before the first delivery: the legacy value")
        let afterFirst = try await read(t2)
        #expect(afterFirst.values == ["statistics": 1_100])
        let afterSecond = try await read(t3)
        #expect(afterSecond.values == ["statistics": 1_100, "self-report": 1_300] && afterSecond.chosen == "statistics")
        let now = try await read(nil)
        #expect(now.chosen == "self-report" && now.values["statistics"] == .some(nil), "统计局 withdrew its figure; the enterprise's is read")
        #expect(try await desk.firmMonth(admitted: uscc, month: Month("2026-09")!, asOf: t2).history.count == 1)
    }
}
