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
