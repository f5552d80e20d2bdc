import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainData

/// Which months a file may carry: monthly figures up to the last complete month (a month is reported in the first days
/// of the next, and a month in progress stored as a monthly value would read as a collapse to the warnings); daily
/// readings up to the month in progress.
@Suite struct ReportableMonthTests {
    /// The month in progress in Beijing time, as the importer reads the clock.
    static func monthInProgress() -> Month {
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Shanghai")!, from: Date())
        return Month(year: now.year!, month: now.month!)!
    }

    @Test func monthlyFiguresStopAtTheLastCompleteMonth() async throws {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi)
        let current = Self.monthInProgress()
        #expect(importer.latestMonth == current.previous)
        try await store.upsertEnterprises([Enterprise(uscc: code(1), name: "甲", region: "360681", zone: nil, industry: "3211", employees: 100, revenue: 5000)])
        let csv = """
        uscc,month,output_value,electricity
        \(code(1)),\(current.previous),1000,55
        \(code(1)),\(current),300,12
        """
        let r = try await importer.importData(Data(csv.utf8), fileName: "ind.csv", kind: .indicators, actor: "t")
        #expect(r.rowsAccepted == 1 && r.rowsRejected == 1)
        let problem = try #require(r.problems.first)
        #expect(problem.row == 3 && problem.field == "month")
        #expect(problem.reason == "month is after \(current.previous), the last month that can have been reported")
        #expect(try await store.reports(uscc: code(1)).map(\.month) == [current.previous], "the partial month is not stored")
        await store.close()
    }

    @Test func dailyReadingsMayFallInTheMonthInProgress() async throws {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi)
        let current = Self.monthInProgress()
        try await store.upsertEnterprises([Enterprise(uscc: code(1), name: "甲", region: "360681", zone: nil, industry: "3211", employees: 100, revenue: 5000)])
        let csv = """
        uscc,date,electricity
        \(code(1)),\(CalendarDay(month: current, day: 1)!),2.5
        \(code(1)),\(CalendarDay(month: current.next, day: 1)!),2.5
        """
        let r = try await importer.importData(Data(csv.utf8), fileName: "daily.csv", kind: .dailyElectricity, actor: "t")
        #expect(r.rowsAccepted == 1 && r.rowsRejected == 1)
        #expect(r.problems.first?.row == 3 && r.problems.first?.field == "date")
        await store.close()
    }
}
