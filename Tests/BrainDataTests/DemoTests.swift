import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainData

@Suite struct DemoTests {
    static let seeder = DemoSeeder(scale: .small, seed: 7, lastMonth: Month("2026-10")!)
    static let data = seeder.generate()

    @Test func sameSeedSameData() {
        let again = Self.seeder.generate()
        #expect(again.enterprises == Self.data.enterprises)
        #expect(again.reports.count == Self.data.reports.count)
        #expect(again.reports.prefix(500) == Self.data.reports.prefix(500))
        #expect(again.manifest.distressed == Self.data.manifest.distressed)
        let other = DemoSeeder(scale: .small, seed: 8, lastMonth: Month("2026-10")!).generate()
        #expect(other.enterprises.map(\.uscc) != Self.data.enterprises.map(\.uscc))
    }

    @Test func firmsAreValidAndSpreadAcrossCities() {
        let d = Self.data
        #expect(d.enterprises.count == 500)
        #expect(d.enterprises.filter(\.aboveScale).count == 380)
        let catalog = RegionCatalog.jiangxi
        for e in d.enterprises {
            #expect((try? CreditCode(e.uscc)) != nil)
            #expect(catalog.region(e.region)?.level == .county)
            if let z = e.zone { #expect(catalog.zone(z)?.counties.contains(e.region) == true) }
            #expect(IndustryCatalog.standard.isValid(e.industry))
        }
        #expect(Set(d.enterprises.compactMap { catalog.city(of: $0.region) }).count == 11)
        #expect(Set(d.enterprises.map(\.name)).count == d.enterprises.count)
    }

    @Test func fortyEightMonthsWithJanuaryFoldedIntoFebruary() {
        let months = Set(Self.data.reports.map(\.month))
        #expect(months.allSatisfy { $0.month != 1 })
        #expect(months.min()?.description == "2022-11")
        #expect(months.max()?.description == "2026-10")
        #expect(months.count == 44)
        // Jan–Feb together exceed a normal month but are well under two (the Spring Festival dip).
        let febs = Self.data.reports.filter { $0.month.description == "2026-02" }.compactMap { $0[.outputValue] }.reduce(0, +)
        let mars = Self.data.reports.filter { $0.month.description == "2026-03" }.compactMap { $0[.outputValue] }.reduce(0, +)
        #expect(febs > mars * 1.2 && febs < mars * 1.8)
    }

    @Test func provinceGrowthIsNearThePublishedRate() {
        func total(_ y: Int) -> Double {
            Self.data.reports.filter { $0.month.year == y && $0.month.month <= 10 }.compactMap { $0[.revenue] }.reduce(0, +)
        }
        let growth = total(2026) / total(2025) - 1
        #expect(growth > 0.03 && growth < 0.16, "growth \(growth)")
    }

    @Test func plantedTruthsAreInTheManifestAndInTheData() throws {
        let m = Self.data.manifest
        #expect(Set(m.distressed.map(\.kind)) == Set(DistressKind.allCases))
        #expect(!m.gapLinks.isEmpty)
        let byFirm = Dictionary(grouping: Self.data.reports, by: \.uscc)
        let collapse = try #require(m.distressed.first { $0.kind == .outputCollapse })
        let rows = byFirm[collapse.uscc]!.sorted { $0.month < $1.month }
        let last = rows.last!, lastYear = rows.first { $0.month == last.month.sameMonthLastYear }!
        #expect(last[.outputValue]! < lastYear[.outputValue]! * 0.7)
        let losses = try #require(m.distressed.first { $0.kind == .consecutiveLosses })
        #expect(byFirm[losses.uscc]!.sorted { $0.month < $1.month }.suffix(3).allSatisfy { $0[.profit]! < 0 })
        let gapLinks = Set(m.gapLinks.map(\.link))
        #expect(Self.data.enterprises.allSatisfy { Set($0.chainLinks).isDisjoint(with: gapLinks) })
        // No healthy firm loses money three months running.
        let distressed = Set(m.distressed.map(\.uscc))
        for (uscc, series) in byFirm where !distressed.contains(uscc) {
            let profits = series.sorted { $0.month < $1.month }.map { $0[.profit] ?? 0 }
            for i in 2..<max(2, profits.count) { #expect(!(profits[i] < 0 && profits[i - 1] < 0 && profits[i - 2] < 0)) }
        }
    }

    @Test func supplyLinksMostlyInsideTheProvince() {
        let links = Self.data.supplyLinks
        #expect(links.count > 300)
        let inside = links.filter { $0.supplierRegion.hasPrefix("36") }.count
        #expect(Double(inside) / Double(links.count) > 0.5)
        #expect(inside < links.count)
    }

    @Test func seedingWritesStoreAndManifest() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-demo-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        let manifest = try await Self.seeder.seed(into: store, dataDirectory: dir)
        #expect(try await store.enterpriseCount() == 500)
        #expect(try await store.reportCount() == manifest.monthlyReports)
        #expect(try await store.supplyLinkCount() == manifest.supplyLinks)
        let file = try Data(contentsOf: URL(fileURLWithPath: dir + "/demo-manifest.json"))
        let back = try JSONDecoder().decode(DemoManifest.self, from: file)
        #expect(back.distressed.count == manifest.distressed.count)
        await store.close()
    }
}
