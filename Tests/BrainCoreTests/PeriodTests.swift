import Testing
@testable import BrainCore

@Suite struct PeriodTests {
    @Test func monthsParseAndPrint() throws {
        #expect(Month("2026-03")?.description == "2026-03")
        #expect(Month("2026/3")?.description == "2026-03")
        #expect(Month("202603")?.description == "2026-03")
        #expect(Month("2026-13") == nil)
        #expect(Month("2026-00") == nil)
        #expect(Month("march") == nil)
        #expect(Month("2026-01")!.sameMonthLastYear.description == "2025-01")
        #expect(Month("2026-01")!.previous.description == "2025-12")
    }

    @Test func januaryIsFoldedIntoFebruary() throws {
        #expect(throws: ReportingPeriod.Problem.self) { try ReportingPeriod(Month("2026-01")!) }
        let feb = try ReportingPeriod(Month("2026-02")!)
        #expect(feb.currentMonths.map(\.description) == ["2026-01", "2026-02"])
        #expect(feb.label == "2026年1-2月")
        #expect(feb.previous.end.description == "2025-12")
        let mar = try ReportingPeriod(Month("2026-03")!)
        #expect(mar.previous.end.description == "2026-02")
        #expect(mar.cumulativeMonths.count == 3)
        #expect(mar.sameLastYear.end.description == "2025-03")
        #expect(mar.cumulativeLabel == "2026年1-3月")
    }

    @Test func latestCompleteSkipsJanuary() {
        #expect(ReportingPeriod.latestComplete(today: Month("2026-11")!).end.description == "2026-10")
        #expect(ReportingPeriod.latestComplete(today: Month("2026-02")!).end.description == "2025-12")
        #expect(ReportingPeriod.latestComplete(today: Month("2026-03")!).end.description == "2026-02")
    }
}
