import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// The province's chain definitions as data: only administrators import them, each import is a version, the chains in
/// force change for every desk at once, and the cube places firms on links by class while explicit links win.
@Suite struct ReferenceDeskTests {
    static let table = """
        chain_code,chain_name,cluster,link_code,link_name,stage,feeds,products,industries
        EI,电子信息,,EI-01,电子专用材料,上游,EI-02,电子化学品,3985
        EI,电子信息,,EI-02,整机,下游,,手机,3922

        """
    static let admin = Principal(username: "admin", role: .admin, scope: nil)

    func store() async throws -> Store {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-ref-\(UUID().uuidString)").path
        return try await Store.openSQLite(path: dir + "/brain.sqlite")
    }

    @Test func onlyAdministratorsImportAndEachImportIsAVersion() async throws {
        let db = try await store()
        #expect(try await db.settleProvince(requested: "44") == "44")
        let catalog = try await ReferenceDesk.catalog(for: db, province: "44")
        #expect(catalog.chains.chains.isEmpty && catalog.provinceCode == "44")
        let desk = ReferenceDesk(store: db, catalog: catalog)
        for role in Role.allCases where role != .admin {
            let p = Principal(username: "x", role: role, scope: role == .provinceOfficial ? "440000" : nil)
            await #expect(throws: AppError.self, "\(role)") { try await desk.importChains(Data(Self.table.utf8), fileName: "c.csv", by: p) }
        }
        let first = try await desk.importChains(Data(Self.table.utf8), fileName: "c.csv", by: Self.admin)
        #expect(first.version == 1 && first.rows == 2 && first.entries == 1 && first.links == 2 && first.actor == "admin")
        #expect(catalog.chains.codes == ["EI"], "every copy of the catalogue sees the new chains")
        let copy = catalog
        #expect(copy.chains.chain("EI")?.links.count == 2)
        let second = try await desk.importChains(Data(Self.table.replacingOccurrences(of: "整机", with: "终端").utf8), fileName: "d.csv", by: Self.admin)
        #expect(second.version == 2)
        let list = try await desk.versions(.chains, by: Self.admin)
        #expect(list.versions.map(\.version) == [2, 1] && list.inForce == "imported version 2" && list.province == "44")
        #expect(try desk.exportChains(by: Self.admin).contains("EI-02,终端,downstream"))
        #expect(try await desk.exportChains(version: 1, by: Self.admin).contains("EI-02,整机,downstream"))
        await #expect(throws: AppError.self) { try await desk.exportChains(version: 7, by: Self.admin) }
        // A bad table changes nothing.
        await #expect(throws: ChainTableError.self) {
            try await desk.importChains(Data(Self.table.replacingOccurrences(of: "上游", with: "源头").utf8), fileName: "e.csv", by: Self.admin)
        }
        #expect(try await db.referenceVersions(kind: "chains").count == 2 && catalog.chains.origin == "imported version 2")
        // A restart reads the newest version back.
        #expect(try await ReferenceDesk.catalog(for: db, province: "44").chains.chain("EI")?.link("EI-02")?.name == "终端")
        await db.close()
    }

    @Test func jiangxiStartsWithItsBundledChainsAndOthersWithNone() async throws {
        let db = try await store()
        #expect(try await ReferenceDesk.chains(in: db, province: "36") == .jiangxi)
        #expect(try await ReferenceDesk.chains(in: db, province: "50") == .empty)
        await db.close()
    }

    @Test func theCubePlacesFirmsByClassAndExplicitLinksWin() async throws {
        let db = try await store()
        let catalog = try RegionCatalog.province("44", chains: try ChainTable.read(csv: Self.table, origin: "t").book)
        func firm(_ n: Int, industry: String, links: [String]) -> Enterprise {
            Enterprise(uscc: CreditCode.make(region: "440106", body: String(format: "GD%06d", n))!.value, name: "广州\(n)", region: "440106",
                       zone: nil, industry: industry, employees: 300, revenue: 30_000, chainLinks: links)
        }
        let derived = firm(1, industry: "3985", links: []), explicit = firm(2, industry: "3985", links: ["EI-02"]), outside = firm(3, industry: "1311", links: [])
        _ = try await db.upsertEnterprises([derived, explicit, outside])
        let cube = try await CubeBuilder.build(from: db, catalog: catalog)
        func at(_ e: Enterprise) -> Int { cube.firmIndex[e.uscc]! }
        #expect(cube.firms[at(derived)].chainLinks == ["EI-01"])
        #expect(cube.placements[at(derived)].links == [PlacedLink(link: "EI-01", chain: "EI", basis: "industry",
                                                                   reason: "行业代码 3985（电子专用材料制造）属于 电子信息·电子专用材料 环节")])
        #expect(cube.firms[at(explicit)].chainLinks == ["EI-02"], "explicit links win over the class")
        #expect(cube.placements[at(explicit)].links.map(\.basis) == ["explicit"])
        #expect(cube.firms[at(outside)].chainLinks.isEmpty)
        #expect(cube.chains == ["EI"] && cube.chainMask[at(derived)] == 1)
        #expect(try await db.enterprise(derived.uscc, scope: .all)?.chainLinks == [], "the register keeps no derived link")
        await db.close()
    }
}

/// The province's development zones as a versioned table: checked against the province's counties and chains.
@Suite struct ZoneTableTests {
    static let header = "code,name,short_name,level,kind,region,chains\n"

    func catalog() throws -> RegionCatalog {
        try RegionCatalog.province("44", chains: try ChainTable.read(csv: ReferenceDeskTests.table, origin: "t").book)
    }

    @Test func aGoodTableReadsIntoZonesAndExportsTheSame() throws {
        let text = Self.header + "Z440101,广州经济技术开发区,广州开发区,国家级,国家级经开区,440112,EI\nZ440102,广州某工业园,,省级,,440113;440114,\n"
        let (zones, rows) = try ZoneTable.read(csv: text, catalog: try catalog())
        #expect(rows == 2 && zones.map(\.code) == ["Z440101", "Z440102"])
        #expect(zones[0].kind == .nationalEconomic && zones[0].shortName == "广州开发区" && zones[0].chains == ["EI"] && zones[0].cities == ["440100"])
        #expect(zones[1].kind == .provincial && zones[1].shortName == "广州某工业园" && zones[1].counties == ["440113", "440114"])
        let again = try ZoneTable.read(csv: ZoneTable.csv(zones), catalog: try catalog()).zones
        #expect(again == zones)
        // Jiangxi's bundled zones go through the table unchanged.
        let jx = try RegionCatalog.province("36")
        #expect(try ZoneTable.read(csv: ZoneTable.csv(jx.zones), catalog: jx).zones == jx.zones)
    }

    @Test func everyProblemIsNamedByRowAndColumn() throws {
        let text = Self.header + """
            Z360101,外省园区,,省级,,360102,
            Z440101,广州开发区,,国家级,,440112,
            Z440102,广州园区,,市级,,440100,
            Z440103,广州园区二,,省级,国家级高新区,440113,NOPE
            Z440103,重复,,省级,,440113,

            """
        do {
            _ = try ZoneTable.read(csv: text, catalog: try catalog())
            Issue.record("expected problems")
        } catch let e as ChainTableError {
            let p = e.problems
            #expect(p.contains { $0.row == 2 && $0.column == "code" && $0.reason.contains("must start with Z44") })
            #expect(p.contains { $0.row == 2 && $0.column == "region" && $0.reason == "东湖区 is a region of 江西省, not of 广东省 (province 44)" })
            #expect(p.contains { $0.row == 3 && $0.column == "kind" && $0.reason.contains("a 国家级 zone needs its kind") })
            #expect(p.contains { $0.row == 4 && $0.column == "level" && $0.value == "市级" })
            #expect(p.contains { $0.row == 4 && $0.column == "region" && $0.reason.contains("not a city") })
            #expect(p.contains { $0.row == 5 && $0.column == "kind" && $0.reason.contains("does not agree with level") })
            #expect(p.contains { $0.row == 5 && $0.column == "chains" && $0.value == "NOPE" })
            #expect(p.contains { $0.row == 6 && $0.column == "code" && $0.reason == "is already defined in row 5" })
            #expect(e.description.hasPrefix("the zone table has"))
        }
    }

    @Test func anImportIsAVersionInForceAtOnceAndAfterARestart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-zones-\(UUID().uuidString)").path
        let db = try await Store.openSQLite(path: dir + "/brain.sqlite")
        _ = try await db.settleProvince(requested: "44")
        let catalog = try await ReferenceDesk.catalog(for: db, province: "44")
        #expect(catalog.zones.isEmpty && catalog.zoneShelf.origin == "none")
        let desk = ReferenceDesk(store: db, catalog: catalog)
        let text = Self.header + "Z440101,广州经济技术开发区,广州开发区,国家级,国家级经开区,440112,\n"
        await #expect(throws: AppError.self) {
            try await desk.importZones(Data(text.utf8), fileName: "z.csv", by: Principal(username: "p", role: .provinceOfficial, scope: "440000"))
        }
        let result = try await desk.importZones(Data(text.utf8), fileName: "z.csv", by: ReferenceDeskTests.admin)
        #expect(result.version == 1 && result.entries == 1 && result.kind == "zones")
        #expect(catalog.zone("Z440101")?.shortName == "广州开发区" && catalog.zones(within: "440100").count == 1)
        #expect(try await desk.versions(.zones, by: ReferenceDeskTests.admin).inForce == "imported version 1")
        #expect(try desk.exportZones(by: ReferenceDeskTests.admin).contains("Z440101,广州经济技术开发区"))
        #expect(try await ReferenceDesk.catalog(for: db, province: "44").zone("Z440101") != nil, "read back at the next start")
        await db.close()
    }
}

/// Trade matching's "neighbouring provinces" come from the national adjacency, for any home province.
@Suite struct MarketNeighbourTests {
    @Test func theHomeProvincesNeighboursComeFromTheNationalAdjacency() {
        #expect(MarketContext(linkSuppliers: [:], pastRelations: [], homeProvince: "44").neighbourProvinces == ["35", "36", "43", "45"])
        #expect(MarketContext(linkSuppliers: [:], pastRelations: [], homeProvince: "36").neighbourProvinces == ["33", "34", "35", "42", "43", "44"])
        #expect(MarketContext(linkSuppliers: [:], pastRelations: [], homeProvince: "50").neighbourProvinces == ["42", "43", "51", "52", "61"])
        #expect(MarketContext(linkSuppliers: [:], pastRelations: [], homeProvince: "46").neighbourProvinces.isEmpty)
    }
}
