import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainData

/// Finding 2 of the hardening issue: an import checked only the new row's region, so a city official could pull another
/// city's firm into its scope, link its firms to another city's, or write another city's talent figures.
@Suite struct ImportScopeTests {
    let nanchang = ScopeRestriction.regions(Set(["360100"] + RegionCatalog.jiangxi.counties(within: "360100")))
    let county = ScopeRestriction.regions(["360121"])

    func seeded() async throws -> (Store, Importer, yichun: String, local: String) {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!)
        let yichun = code(1, region: "360902"), local = code(2, region: "360121")
        try await store.upsertEnterprises([
            Enterprise(uscc: yichun, name: "宜春锂业", region: "360902", zone: nil, industry: "3211", employees: 100, revenue: 5000),
            Enterprise(uscc: local, name: "南昌电子", region: "360121", zone: "Z360101", industry: "3211", employees: 100, revenue: 5000),
        ])
        return (store, importer, yichun, local)
    }

    @Test func aCityOfficialCannotMoveAnotherCitysFirmIntoItsScope() async throws {
        let (store, importer, yichun, _) = try await seeded()
        let csv = "uscc,name,region,industry,employees,revenue\n\(yichun),宜春锂业,360102,3211,100,5000\n"
        for scope in [nanchang, county] {
            let r = try await importer.importData(Data(csv.utf8), fileName: "move.csv", kind: .enterprises, actor: "nc", scope: scope)
            #expect(r.rowsAccepted == 0)
            #expect(r.problems.first?.row == 2 && r.problems.first?.field == "uscc", "\(r.problems)")
            #expect(r.problems.first?.reason.contains("outside your data scope") == true)
        }
        #expect(try await store.enterprise(yichun, scope: .all)?.region == "360902")
        await store.close()
    }

    @Test func movingAFirmInsideTheScopeIsStillAProvinceLevelAct() async throws {
        let (store, importer, _, local) = try await seeded()
        // From one 南昌 county to another, zone column absent (the stored zone stays).
        let csv = "uscc,name,region,industry,employees,revenue\n\(local),南昌电子,360102,3211,100,5000\n"
        let refused = try await importer.importData(Data(csv.utf8), fileName: "m.csv", kind: .enterprises, actor: "nc", scope: nanchang)
        #expect(refused.rowsAccepted == 0)
        #expect(refused.problems.first?.field == "region")
        #expect(refused.problems.first?.reason.contains("province-level") == true)
        #expect(try await store.enterprise(local, scope: .all)?.region == "360121")
        let moved = try await importer.importData(Data(csv.utf8), fileName: "m.csv", kind: .enterprises, actor: "prov", scope: .all, mayRelocate: true)
        #expect(moved.rowsAccepted == 1)
        #expect(moved.moves == [EnterpriseMove(uscc: local, row: 2, fromRegion: "360121", toRegion: "360102", fromZone: "Z360101", toZone: "Z360101")])
        let stored = try await store.enterprise(local, scope: .all)
        #expect(stored?.region == "360102" && stored?.zone == "Z360101", "a file without a zone column keeps the zone")
        // An update that keeps the place is an ordinary edit for the city.
        let edit = "uscc,name,region,industry,employees,revenue\n\(local),南昌电子改名,360102,3211,120,5000\n"
        #expect(try await importer.importData(Data(edit.utf8), fileName: "e.csv", kind: .enterprises, actor: "nc", scope: nanchang).rowsAccepted == 1)
        await store.close()
    }

    @Test func everySideOfASupplyLinkMustBeInScope() async throws {
        let (store, importer, yichun, local) = try await seeded()
        let csv = """
        supplier,customer,product,annual_value
        \(yichun),\(local),碳酸锂,3000
        \(local),\(yichun),芯片,3000
        """
        let r = try await importer.importData(Data(csv.utf8), fileName: "s.csv", kind: .supplyLinks, actor: "nc", scope: nanchang)
        #expect(r.rowsAccepted == 0)
        #expect(Dictionary(uniqueKeysWithValues: r.problems.map { ($0.row, $0.field) }) == [2: "supplier", 3: "customer"])
        #expect(try await store.supplyLinks(of: local).isEmpty)
        await store.close()
    }

    @Test func talentRowsOnlyForTheCallersCity() async throws {
        let (store, importer, _, _) = try await seeded()
        let csv = """
        city,occupation,period,supply,demand,median_salary,experience_years
        360900,电池工程师,2026-09,10,20,9000,3
        360100,电池工程师,2026-09,10,20,9000,3
        """
        let r = try await importer.importData(Data(csv.utf8), fileName: "t.csv", kind: .talent, actor: "nc", scope: nanchang)
        #expect(r.rowsAccepted == 1)
        #expect(r.problems.map(\.field) == ["city"] && r.problems.first?.row == 2)
        let countyOnly = try await importer.importData(Data(csv.utf8), fileName: "t2.csv", kind: .talent, actor: "xj", scope: county)
        #expect(countyOnly.rowsAccepted == 0)
        await store.close()
    }
}
