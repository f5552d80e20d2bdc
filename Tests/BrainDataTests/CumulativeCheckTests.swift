import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainData

/// 1–N月累计 columns are checked against the months once a file is in: what adds up says nothing, a figure the months
/// do not reach and a year with a month missing are listed with their row; January folded into February (1–2月) is no
/// gap; a month stored by an earlier file counts; a bad cumulative cell rejects its row like any other field.
extension IndicatorMergeTests {
    @Test func cumulativeFiguresAreCheckedAgainstTheMonths() async throws {
        let (_, importer) = try await world()
        // An earlier file brought 2025-01 of firm b.
        _ = try await importer.importData(file("uscc,month,output_value", ["\(b),2025-01,90"]), fileName: "jan.csv", kind: .indicators, actor: "t")
        let r = try await importer.importData(file("统一社会信用代码,月份,工业总产值,工业总产值1-N月累计（元）,利润总额,利润总额1-N月累计", [
            "\(a),2026-02,200,2000000,-5,-5",          // 1–2月: January folded into February
            "\(a),2026-03,100,3000000,-3,-8",          // adds up: 300 万元 (given in 元), profit −8
            "\(b),2025-02,100,1900000,,",              // adds up with the earlier file's January (90 + 100)
            "\(b),2025-04,100,2900000,,",              // March is missing: listed
            "\(b),2026-03,100,4000000,,",              // the months stored give 100, the form says 400: listed
            "\(b),2026-02,100,abc,,",                  // a bad cumulative cell rejects the row
        ]), fileName: "forms.csv", kind: .indicators, actor: "t")
        #expect(r.rowsAccepted == 5 && r.rowsRejected == 1)
        #expect(r.problems.map { "\($0.row) \($0.field)" } == ["7 output_value_ytd"], "\(r.problems)")
        // Checked: a's 2026-03 (output and profit), b's 2025-04 and 2026-03 (output).
        #expect(r.cumulativeChecked == 4, "\(r.cumulativeMismatches)")
        #expect(r.cumulativeMismatchesTotal == 2)
        let missing = try #require(r.cumulativeMismatches.first { $0.month == "2025-04" })
        #expect(missing.row == 5 && missing.missingMonths == ["2025-03"] && missing.reported == 290 && missing.summed == 290)
        let off = try #require(r.cumulativeMismatches.first { $0.month == "2026-03" })
        #expect(off.row == 6 && off.uscc == b && off.indicator == "output_value" && off.reported == 400 && off.summed == 100 && off.missingMonths == ["2026-01", "2026-02"], "the rejected February row left February empty")
        #expect(r.notes.contains { $0.hasPrefix("1–N月累计: 2 of 4") })
        // A background job keeps the report without its problem rows (they are paged) and with everything else.
        let kept = r.withoutProblems
        #expect(kept.problems.isEmpty && kept.cumulativeMismatches == r.cumulativeMismatches && kept.cumulativeChecked == 4 && kept.notes == r.notes)
    }
}
