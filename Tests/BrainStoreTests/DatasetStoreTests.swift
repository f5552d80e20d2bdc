import BrainCore
import Foundation
import Testing
@testable import BrainStore

/// The tables of migration 17 — investment projects, land use, daily electricity — on both engines.
extension StoreSuite {
    @Test(arguments: Backend.available)
    func projectsAndLandAreReplacedByTheirKeys(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let a = sampleEnterprise(1).uscc, b = sampleEnterprise(2).uscc
        var p1v = InvestmentProject(code: "P-1", uscc: a, name: "技改项目", kind: "技术改造", planned: 2000, completed: 800, startMonth: "2025-03",
                                   endMonth: "2026-06", status: "在建", region: "360681", batch: "b1")
        let p2 = InvestmentProject(code: "P-2", uscc: b, name: "新厂房", kind: nil, planned: nil, completed: nil, startMonth: nil, endMonth: nil,
                                   status: nil, region: "360681", batch: "b1")
        let first = p1v
        try await store.transaction { db in try await store.upsertInvestmentProjects([first, p2], in: db) }
        p1v.completed = 1200
        p1v.batch = "b2"
        let p1 = p1v
        try await store.transaction { db in try await store.upsertInvestmentProjects([p1], in: db) }
        #expect(try await store.investmentProjects() == [p1, p2])
        #expect(try await store.investmentProjects(uscc: b) == [p2], "absent values come back as nil")
        #expect(try await store.rowCount(of: .investmentProjects) == 2)

        let l1 = LandUseRecord(uscc: a, year: 2025, area: 120.5, tax: 1800, output: nil, batch: "b1")
        let l2 = LandUseRecord(uscc: a, year: 2024, area: 120.5, tax: nil, output: nil, batch: "b1")
        try await store.transaction { db in try await store.upsertLandUse([l1, l2], in: db) }
        let l1b = LandUseRecord(uscc: a, year: 2025, area: 100, tax: 1800, output: 9000, batch: "b2")
        try await store.transaction { db in try await store.upsertLandUse([l1b], in: db) }
        #expect(try await store.landUse(uscc: a) == [l2, l1b])
        #expect(try await store.landUse(uscc: b).isEmpty)
        #expect(try await store.rowCount(of: .landUse) == 2)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func dailyElectricityReplacesADayAndCountsOnlyChanges(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let a = sampleEnterprise(1).uscc, b = sampleEnterprise(2).uscc
        let october = Month("2026-10")!
        let rows = (1...31).flatMap { d in
            [DailyElectricity(uscc: a, day: CalendarDay(month: october, day: d)!.description, electricity: 1.5),
             DailyElectricity(uscc: b, day: CalendarDay(month: october, day: d)!.description, electricity: 2)]
        } + [DailyElectricity(uscc: a, day: "2026-11-01", electricity: 4)]
        #expect(try await store.transaction { db in try await store.upsertDailyElectricity(rows, in: db) } == 63)
        #expect(try await store.transaction { db in try await store.upsertDailyElectricity(rows, in: db) } == 0, "the same values again change nothing")
        let fix = [DailyElectricity(uscc: a, day: "2026-10-05", electricity: 3), DailyElectricity(uscc: a, day: "2026-10-06", electricity: 1.5)]
        #expect(try await store.transaction { db in try await store.upsertDailyElectricity(fix, in: db) } == 1, "one day replaced, one the same")
        let days = try await store.dailyElectricity(uscc: a, from: "2026-10-01", to: "2026-10-31")
        #expect(days.count == 31 && days.first?.day == "2026-10-01" && days[4].electricity == 3)
        let totals = try await store.dailyMonthTotals(october)
        #expect(totals.map(\.uscc) == [a, b].sorted())
        let mine = try #require(totals.first { $0.uscc == a })
        #expect(mine.days == 31 && mine.total == 1.5 * 30 + 3)
        #expect(try await store.latestDailyMonth() == Month("2026-11"))
        #expect(try await store.rowCount(of: .dailyElectricity) == 63)
        await store.close()
    }
}
