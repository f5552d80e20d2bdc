import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainData

func tempStore() async throws -> Store {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-data-\(UUID().uuidString)").path
    return try await Store.openSQLite(path: dir + "/brain.sqlite")
}

func code(_ n: Int, region: String = "360681") -> String {
    CreditCode.make(region: region, body: String(format: "%08d", n))!.value
}

@Suite struct ImporterTests {
    /// 10,000 rows, 100 of them broken in different ways at known rows.
    static func enterprisesFile() -> (csv: String, broken: Set<Int>) {
        var lines = ["统一社会信用代码,企业名称,行政区划代码,行业代码,从业人员,营业收入"]
        var broken = Set<Int>()
        let counties = RegionCatalog.jiangxi.counties.map(\.code)
        for i in 1...10_000 {
            let row = i + 1
            let county = counties[i % counties.count]
            var fields = [code(i, region: county), "测试\(i)实业有限公司", county, "3211", "\(50 + i % 900)", "\(1500 + i)"]
            if i % 100 == 0 {
                broken.insert(row)
                switch (i / 100) % 6 {
                case 0: fields[0] = String(fields[0].dropLast()) + (fields[0].last == "0" ? "1" : "0")
                case 1: fields[2] = "990000"
                case 2: fields[3] = "0111"
                case 3: fields[4] = "-5"
                case 4: fields[5] = "一千万"
                default: fields[1] = ""
                }
            }
            lines.append(fields.joined(separator: ","))
        }
        return (lines.joined(separator: "\r\n") + "\r\n", broken)
    }

    @Test func tenThousandRowsWithHundredBrokenKeeps9900AndReplayChangesNothing() async throws {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!)
        let (csv, broken) = Self.enterprisesFile()
        let data = Data([0xEF, 0xBB, 0xBF]) + Data(csv.utf8)
        let first = try await importer.importData(data, fileName: "firms.csv", kind: .enterprises, actor: "test")
        #expect(first.rowsTotal == 10_000)
        #expect(first.rowsAccepted == 9_900)
        #expect(first.rowsRejected == 100)
        #expect(Set(first.problems.map(\.row)) == broken)
        #expect(first.problems.allSatisfy { !$0.reason.isEmpty && !$0.field.isEmpty })
        #expect(first.rowsChanged == 9_900)
        #expect(!first.seenBefore)
        #expect(try await store.enterpriseCount() == 9_900)
        let second = try await importer.importData(data, fileName: "firms.csv", kind: .enterprises, actor: "test")
        #expect(second.rowsChanged == 0)
        #expect(second.seenBefore)
        #expect(second.rowsRejected == 100)
        #expect(try await store.enterpriseCount() == 9_900)
        await store.close()
    }

    @Test func englishHeadersAliasesAndReasons() async throws {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!)
        let csv = """
        uscc,name,region,industry,employees,revenue,zone,chain_links,notes
        \(code(1).lowercased()),一号公司,360681,3211,300,52000,Z360602,NFM-04,x
        \(code(2)),二号公司,360681,3211,12.5,800,,,y
        \(code(3)),三号公司,360681,3211,40,900,Z360101,,z
        \(code(4)),四号公司,360681,3211,40,900,,NFM-99,z
        \(code(1)),重复公司,360681,3211,40,900,,,z
        """
        let r = try await importer.importData(Data(csv.utf8), fileName: "en.csv", kind: .enterprises, actor: "test")
        #expect(r.rowsAccepted == 1)
        #expect(r.ignoredColumns == ["notes"])
        let reasons = Dictionary(grouping: r.problems, by: \.row)
        #expect(reasons[3]?.first?.field == "employees")
        #expect(reasons[4]?.first?.field == "zone")
        #expect(reasons[5]?.first?.field == "chain_links")
        #expect(reasons[6]?.first?.reason.contains("row 2") == true)
        let stored = try #require(try await store.enterprise(code(1), scope: .all))
        #expect(stored.sizeClass == .large || stored.sizeClass == .medium)
        #expect(stored.aboveScale)
        #expect(stored.zone == "Z360602")
        await store.close()
    }

    @Test func missingRequiredColumnRefusesTheFile() async throws {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi)
        await #expect(throws: ImportFileError.self) {
            try await importer.importData(Data("uscc,name\nx,y\n".utf8), fileName: "bad.csv", kind: .enterprises, actor: "t")
        }
        await store.close()
    }

    @Test func indicatorsValidateMonthsNumbersAndRegistration() async throws {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!)
        try await store.upsertEnterprises([Enterprise(uscc: code(1), name: "甲", region: "360681", zone: nil, industry: "3211", employees: 100, revenue: 5000)])
        let csv = """
        统一社会信用代码,月份,工业总产值,营业收入,利润总额,用电量,税收,从业人员,出口交货值,研发费用,应收账款,产成品存货
        \(code(1)),2026-02,1000,950,-20,55,30,100,,12,800,300
        \(code(1)),2026-03,1100,1000,30,60,31,101,0,13,810,310
        \(code(1)),2026-13,1100,1000,30,60,31,101,0,13,810,310
        \(code(1)),2027-01,1100,1000,30,60,31,101,0,13,810,310
        \(code(1)),2026-04,abc,1000,30,60,31,101,0,13,810,310
        \(code(1)),2026-05,1100,1000,30,-60,31,101,0,13,810,310
        \(code(2)),2026-05,1100,1000,30,60,31,101,0,13,810,310
        \(code(1)),2026-03,1,1,1,1,1,1,1,1,1,1
        """
        let r = try await importer.importData(Data(csv.utf8), fileName: "ind.csv", kind: .indicators, actor: "t")
        #expect(r.rowsAccepted == 2)
        #expect(r.rowsRejected == 6)
        let fields = Dictionary(uniqueKeysWithValues: r.problems.map { ($0.row, $0.field) })
        #expect(fields[4] == "month")
        #expect(fields[5] == "month")
        #expect(fields[6] == "output_value")
        #expect(fields[7] == "electricity")
        #expect(fields[8] == "uscc")
        #expect(fields[9] == "month")
        let stored = try await store.reports(uscc: code(1))
        #expect(stored.count == 2)
        #expect(stored[0][.exportValue] == nil)
        #expect(stored[0][.profit] == -20)
        await store.close()
    }

    @Test func supplyLinksAcceptOutsideSuppliers() async throws {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!)
        try await store.upsertEnterprises([Enterprise(uscc: code(1), name: "甲", region: "360681", zone: nil, industry: "3211", employees: 100, revenue: 5000)])
        let outside = CreditCode.make(region: "440300", body: "ABCDEFGH")!.value
        let csv = """
        supplier,supplier_name,supplier_region,customer,product,link,annual_value
        \(outside),深圳某公司,440300,\(code(1)),铜精矿,NFM-01,3000
        \(outside),深圳某公司,999999,\(code(1)),铜精矿2,,3000
        \(outside),深圳某公司,,\(code(9)),铜精矿,,3000
        """
        let r = try await importer.importData(Data(csv.utf8), fileName: "s.csv", kind: .supplyLinks, actor: "t")
        #expect(r.rowsAccepted == 1)
        #expect(r.problems.map(\.field).sorted() == ["customer", "supplier_region"])
        let links = try await store.supplyLinks(of: code(1))
        #expect(links.first?.chain == "NFM")
        await store.close()
    }
}
