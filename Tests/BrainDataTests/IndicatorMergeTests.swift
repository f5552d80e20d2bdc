import BrainCore
import BrainStore
import Foundation
import Synchronization
import Testing
@testable import BrainData

/// Indicator files merge by source: a file changes only the columns it carries and the cells it fills, each source's
/// values are kept beside the others, the applications read the first source in the order that has a value, and every
/// change is in the correction history.
@Suite struct IndicatorMergeTests {
    static let month = Month("2026-09")!
    /// Stores stay open until the process ends: a test that stops at a failed `#require` must not drop an open SQLite
    /// connection (which traps in debug builds).
    private static let open = Mutex<[Store]>([])

    func tempStore() async throws -> Store {
        let store = try await BrainDataTests.tempStore()
        Self.open.withLock { $0.append(store) }
        return store
    }
    let a = code(1), b = code(2)

    /// Two registered firms with a statistics-bureau month on file (stored the old way, before sources were kept).
    func world() async throws -> (Store, Importer) {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!)
        let firms = "统一社会信用代码,企业名称,行政区划代码,行业代码,从业人员,营业收入\n\(a),甲公司,360681,3211,120,5000\n\(b),乙公司,360681,3211,80,3000\n"
        _ = try await importer.importData(Data(firms.utf8), fileName: "firms.csv", kind: .enterprises, actor: "test")
        var ra = MonthlyReport(uscc: a, month: Self.month, values: Array(repeating: nil, count: Indicator.allCases.count))
        ra[.outputValue] = 1_000; ra[.profit] = 40; ra[.electricity] = 80
        var rb = MonthlyReport(uscc: b, month: Self.month, values: Array(repeating: nil, count: Indicator.allCases.count))
        rb[.outputValue] = 500; rb[.profit] = 10
        _ = try await store.upsertReports([ra, rb])
        return (store, importer)
    }

    func row(_ store: Store, _ uscc: String) async throws -> MonthlyReport {
        try #require(try await store.reports(uscc: uscc).first { $0.month == Self.month })
    }

    func file(_ header: String, _ lines: [String]) -> Data { Data(([header] + lines).joined(separator: "\n").utf8) }

    @Test func anElectricityOnlyFileChangesOnlyElectricity() async throws {
        let (store, importer) = try await world()
        let report = try await importer.importData(file("统一社会信用代码,月份,用电量", ["\(a),2026-09,95", "\(b),2026-09,42"]),
                                                   fileName: "power.csv", kind: .indicators, actor: "power-co", source: .power)
        #expect(report.rowsAccepted == 2 && report.source == "power")
        let ra = try await row(store, a), rb = try await row(store, b)
        #expect(ra[.outputValue] == 1_000 && ra[.profit] == 40, "the other indicators are as they were")
        #expect(ra[.electricity] == 80, "统计局's electricity comes before the power company's")
        #expect(rb[.electricity] == 42 && rb[.outputValue] == 500, "where 统计局 has none, the power company's value is read")
        let sources = try await store.sourcedValues(uscc: a, month: Self.month)["electricity"]?.map(\.source)
        #expect(sources == ["statistics", "power"], "both values are kept, in the order of precedence")
        let d = try await store.disagreements(month: Self.month)
        #expect(d.map(\.uscc) == [a] && d[0].chosenSource == "statistics" && abs(d[0].spread - 15.0 / 95) < 1e-9)
    }

    @Test func aSelfReportThatDiffersChangesNothingTheApplicationsRead() async throws {
        let (store, importer) = try await world()
        _ = try await importer.importData(file("统一社会信用代码,月份,工业总产值,利润总额", ["\(a),2026-09,1300,55"]),
                                          fileName: "self.csv", kind: .indicators, actor: "firm", source: .selfReport)
        let ra = try await row(store, a)
        #expect(ra[.outputValue] == 1_000 && ra[.profit] == 40)
        #expect(Set(try await store.disagreements(month: Self.month).map(\.indicator)) == ["output_value", "profit"])
    }

    @Test func anEmptyCellNeverErasesAndTheClearMarkerDoesWithHistory() async throws {
        let (store, importer) = try await world()
        // 乙's statistics file leaves profit empty: nothing happens to it. 甲's clears profit explicitly.
        let report = try await importer.importData(file("统一社会信用代码,月份,工业总产值,利润总额", ["\(b),2026-09,510,", "\(a),2026-09,1000,清除"]),
                                                   fileName: "stats.csv", kind: .indicators, actor: "nbs")
        #expect(report.rowsRejected == 0)
        #expect(try await row(store, b)[.profit] == 10)
        #expect(try await row(store, b)[.outputValue] == 510)
        #expect(try await row(store, a)[.profit] == nil, "cleared, and no other source has a profit")
        let history = try await store.indicatorChanges(uscc: a, month: Self.month)
        #expect(history.map { "\($0.indicator):\($0.oldValue.map { String($0) } ?? "-")→\($0.newValue.map { String($0) } ?? "-")" } == ["profit:40.0→-"],
                "the unchanged output is not a change; the clear is, with its old value")
        #expect(history.first?.batch == report.batchKey && history.first?.actor == "nbs")
    }

    @Test func aClearedValueFallsToTheNextSource() async throws {
        let (store, importer) = try await world()
        _ = try await importer.importData(file("统一社会信用代码,月份,利润总额", ["\(a),2026-09,52"]), fileName: "self.csv", kind: .indicators,
                                          actor: "firm", source: .selfReport)
        #expect(try await row(store, a)[.profit] == 40)
        _ = try await importer.importData(file("统一社会信用代码,月份,利润总额", ["\(a),2026-09,<CLEAR>"]), fileName: "fix.csv", kind: .indicators, actor: "nbs")
        #expect(try await row(store, a)[.profit] == 52, "统计局 withdrew its figure; the enterprise's own is what remains")
    }

    @Test func replayingAFileChangesNothingAndACorrectionIsHistory() async throws {
        let (store, importer) = try await world()
        let first = file("统一社会信用代码,月份,工业总产值", ["\(a),2026-09,1100"])
        let r1 = try await importer.importData(first, fileName: "s.csv", kind: .indicators, actor: "nbs")
        let r2 = try await importer.importData(first, fileName: "s.csv", kind: .indicators, actor: "nbs")
        #expect(r1.rowsChanged == 1 && r2.rowsChanged == 0 && r2.seenBefore)
        _ = try await importer.importData(file("统一社会信用代码,月份,工业总产值", ["\(a),2026-09,1150"]), fileName: "s2.csv", kind: .indicators, actor: "nbs")
        let history = try await store.indicatorChanges(uscc: a, month: Self.month).filter { $0.indicator == "output_value" }
        #expect(history.map(\.oldValue) == [1_000, 1_100] && history.map(\.newValue) == [1_100, 1_150])
        #expect(try await row(store, a)[.outputValue] == 1_150)
    }

    /// Cases built to fool the merge: a zero is a value, not an empty cell; a column that is present but empty in every
    /// row changes nothing; a row that only clears is a row.
    @Test func zerosAreValuesAndEmptyColumnsAreNothing() async throws {
        let (store, importer) = try await world()
        _ = try await importer.importData(file("统一社会信用代码,月份,工业总产值,利润总额,用电量", ["\(a),2026-09,,0,"]), fileName: "z.csv",
                                          kind: .indicators, actor: "nbs")
        let ra = try await row(store, a)
        #expect(ra[.profit] == 0 && ra[.outputValue] == 1_000 && ra[.electricity] == 80)
        let empty = try await importer.importData(file("统一社会信用代码,月份,利润总额", ["\(b),2026-09,"]), fileName: "e.csv", kind: .indicators, actor: "nbs")
        #expect(empty.rowsRejected == 1 && empty.problems.first?.reason.contains("no indicator") == true)
        #expect(try await store.indicatorChanges(uscc: b).isEmpty)
    }
}

extension IndicatorMergeTests {
    /// A register without the chain-link or founding-year column (or with those cells empty) keeps what is stored.
    @Test func aRegisterWithoutLinksKeepsThem() async throws {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!)
        let header = "统一社会信用代码,企业名称,行政区划代码,行业代码,从业人员,营业收入"
        _ = try await importer.importData(Data("\(header),产业链环节,成立年份\n\(a),甲公司,360681,3211,120,5000,NFM-04;NFM-07,2001\n\(b),乙公司,360681,3211,80,3000,NFM-04,1999\n".utf8),
                                          fileName: "full.csv", kind: .enterprises, actor: "test")
        let r = try await importer.importData(Data("\(header),产业链环节\n\(a),甲公司（更名）,360681,3211,130,5200,\n".utf8), fileName: "slim.csv", kind: .enterprises, actor: "test")
        #expect(r.rowsAccepted == 1)
        let e = try #require(try await store.enterprise(a, scope: .all))
        #expect(e.name == "甲公司（更名）" && e.employees == 130)
        #expect(e.chainLinks == ["NFM-04", "NFM-07"] && e.founded == 2001)
        #expect(try await store.enterprise(b, scope: .all)?.chainLinks == ["NFM-04"], "a firm not in the file is untouched")
    }
}

extension IndicatorMergeTests {
    @Test func theClearMarkerEmptiesLinksOnPurpose() async throws {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!)
        let header = "统一社会信用代码,企业名称,行政区划代码,行业代码,从业人员,营业收入,产业链环节"
        _ = try await importer.importData(Data("\(header)\n\(a),甲公司,360681,3211,120,5000,NFM-04\n".utf8), fileName: "a.csv", kind: .enterprises, actor: "test")
        _ = try await importer.importData(Data("\(header)\n\(a),甲公司,360681,3211,120,5000,清除\n".utf8), fileName: "b.csv", kind: .enterprises, actor: "test")
        #expect(try await store.enterprise(a, scope: .all)?.chainLinks == [])
    }
}
