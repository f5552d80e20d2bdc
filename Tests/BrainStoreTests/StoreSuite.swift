import BrainCore
import Foundation
import SQLKit
import Testing
@testable import BrainStore

/// The database engines the suite runs on: SQLite always, PostgreSQL when BRAIN_TEST_POSTGRES_URL is set.
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static var available: [Backend] {
        ProcessInfo.processInfo.environment["BRAIN_TEST_POSTGRES_URL"].map { !$0.isEmpty } == true ? [.sqlite, .postgres] : [.sqlite]
    }

    /// A fresh, empty store: a new SQLite file, or the PostgreSQL test database with every table dropped.
    func freshStore() async throws -> Store {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-store-\(UUID().uuidString)").path
            return try await Store.openSQLite(path: dir + "/brain.sqlite")
        case .postgres:
            let url = ProcessInfo.processInfo.environment["BRAIN_TEST_POSTGRES_URL"]!
            let s = try await Store.openPostgres(url: url)
            let tables = try await s.sql.raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").all()
                .map { try $0.decode(column: "tablename", as: String.self) }
            for t in tables { try await s.sql.raw("DROP TABLE IF EXISTS \(ident: t) CASCADE").run() }
            await s.close()
            return try await Store.openPostgres(url: url)
        }
    }
}

func sampleEnterprise(_ n: Int, region: String = "360681", zone: String? = nil, revenue: Double = 5_000, links: [String] = ["NFM-04"]) -> Enterprise {
    let body = String(format: "%08d", n)
    let code = CreditCode.make(region: region, body: body)!.value
    return Enterprise(uscc: code, name: "测试企业\(n)有限公司", region: region, zone: zone, industry: "3211", employees: 120 + n,
                      revenue: revenue, chainLinks: links, founded: 2001)
}

func report(_ uscc: String, _ month: String, output: Double) -> MonthlyReport {
    var values = [Double?](repeating: nil, count: Indicator.allCases.count)
    values[Indicator.outputValue.index] = output
    values[Indicator.revenue.index] = output * 0.95
    values[Indicator.profit.index] = -12.5
    return MonthlyReport(uscc: uscc, month: Month(month)!, values: values)
}

/// One store suite that must pass on both engines.
@Suite(.serialized) struct StoreSuite {
    @Test(arguments: Backend.available)
    func migrationsApplyOnceAndRecordTheirVersion(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        #expect(try await store.schemaVersion() == Migrations.all.last!.version)
        try await store.migrate()
        #expect(try await store.schemaVersion() == Migrations.all.last!.version)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func enterprisesUpsertOnlyWhatChanged(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let firms = (1...30).map { sampleEnterprise($0, revenue: Double($0) * 1_000) }
        #expect(try await store.upsertEnterprises(firms) == 30)
        #expect(try await store.upsertEnterprises(firms) == 0)
        var changed = firms[3]
        changed.name = "改名后的企业有限公司"
        #expect(try await store.upsertEnterprises([changed]) == 1)
        let back = try await store.enterprise(changed.uscc, scope: .all)
        #expect(back == changed)
        #expect(try await store.enterpriseCount() == 30)
        #expect(try await store.enterpriseCount(aboveScaleOnly: true) == 29)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func listingFiltersPagesAndRespectsScope(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        var firms = (1...12).map { sampleEnterprise($0, region: "360681", revenue: Double($0) * 1_000) }
        firms += (13...20).map { sampleEnterprise($0, region: "360111", zone: "Z360001", revenue: Double($0) * 1_000, links: ["ELEC-03"]) }
        try await store.upsertEnterprises(firms)
        var q = EnterpriseQuery()
        q.limit = 5
        let page = try await store.enterprises(q, scope: .all)
        #expect(page.total == 20)
        #expect(page.items.count == 5)
        #expect(page.items.first?.revenue == 20_000)
        q.chain = "NFM"
        #expect(try await store.enterprises(q, scope: .all).total == 12)
        q.chain = nil
        q.link = "ELEC-03"
        #expect(try await store.enterprises(q, scope: .all).total == 8)
        q.link = nil
        let city = try await store.enterprises(q, scope: .regions(["360600", "360681"]))
        #expect(city.total == 12)
        #expect(city.items.allSatisfy { $0.region == "360681" })
        #expect(try await store.enterprises(q, scope: .zone("Z360001")).total == 8)
        #expect(try await store.enterprises(q, scope: .enterprise(firms[0].uscc)).total == 1)
        #expect(try await store.enterprises(q, scope: .nothing).total == 0)
        q.text = "企业1"
        #expect(try await store.enterprises(q, scope: .all).total == 11) // 1, 10–19
        q.text = firms[4].uscc.lowercased()
        #expect(try await store.enterprises(q, scope: .all).items.map(\.uscc) == [firms[4].uscc])
        #expect(try await store.enterprise(firms[0].uscc, scope: .zone("Z360001")) == nil)
        #expect(try await store.enterpriseExists(firms[0].uscc))
        await store.close()
    }

    @Test(arguments: Backend.available)
    func reportsRoundTripAndReplayChangesNothing(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let e = sampleEnterprise(1)
        try await store.upsertEnterprises([e])
        let rows = ["2025-02", "2025-03", "2025-04"].enumerated().map { report(e.uscc, $1, output: Double($0 + 1) * 100) }
        #expect(try await store.upsertReports(rows) == 3)
        #expect(try await store.upsertReports(rows) == 0)
        let back = try await store.reports(uscc: e.uscc)
        #expect(back == rows)
        #expect(back[0][.employees] == nil)
        #expect(back[0][.profit] == -12.5)
        #expect(try await store.reports(uscc: e.uscc, from: Month("2025-03")).count == 2)
        #expect(try await store.latestReportedMonth()?.description == "2025-04")
        try await store.bulkLoadReports([report(e.uscc, "2025-05", output: 7)])
        #expect(try await store.reportCount() == 4)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func failedTransactionLeavesNothingBehind(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let firms = (1...3).map { sampleEnterprise($0) }
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await store.transaction { db in
                try await store.upsertEnterprises(firms, in: db)
                throw Boom()
            }
        }
        #expect(try await store.enterpriseCount() == 0)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func supplyLinksUsersSettingsAndBatches(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let a = sampleEnterprise(1), b = sampleEnterprise(2)
        try await store.upsertEnterprises([a, b])
        let link = SupplyLink(supplier: a.uscc, supplierName: a.name, supplierRegion: a.region, customer: b.uscc, product: "阴极铜",
                              chain: "NFM", link: "NFM-04", annualValue: 1234.5)
        #expect(try await store.upsertSupplyLinks([link]) == 1)
        #expect(try await store.upsertSupplyLinks([link]) == 0)
        #expect(try await store.supplyLinks(of: b.uscc) == [link])
        try await store.addUser(UserRecord(username: "nc", passwordHash: "x", role: "city-official", scope: "360100"))
        await #expect(throws: StoreError.self) { try await store.addUser(UserRecord(username: "nc", passwordHash: "y", role: "admin", scope: nil)) }
        #expect(try await store.user("nc")?.scope == "360100")
        #expect(try await store.settingIfAbsent("k", "first") == "first")
        #expect(try await store.settingIfAbsent("k", "second") == "first")
        try await store.transaction { db in
            try await store.recordBatch(ImportBatch(batchKey: "abc", kind: "enterprises", fileName: "f.csv", rowsTotal: 3, rowsAccepted: 2,
                                                    rowsRejected: 1, rowsChanged: 2, actor: "t"), in: db)
        }
        #expect(try await store.batch("abc")?.rowsRejected == 1)
        try await store.upsertTalent([TalentRecord(city: "360100", occupation: "电工", chain: nil, period: "2026-09", supply: 10, demand: 12, medianSalary: 6000)])
        #expect(try await store.talent(cities: ["360100"]).count == 1)
        #expect(try await store.sizeInBytes() > 0)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func documentsRoundTripFilterAndReplace(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let a = MarketListing(id: "L1", uscc: "U1", company: "甲公司", kind: .supply, product: "电池级碳酸锂", spec: "Li2CO3≥99.5%", industry: "2613",
                              chain: "NEWENERGY", link: "NEWENERGY-02", quantity: 120.5, unit: "吨", region: "360902",
                              validFrom: "2026-11-01", validUntil: "2027-01-31", createdBy: "u1")
        var b = a
        b.id = "L2"; b.uscc = "U2"; b.kind = .demand; b.spec = nil
        try await store.putDocuments(.listings, [a, b].map { DocumentRow(key: $0.id, values: [$0.uscc, $0.kind.rawValue, $0.state], doc: $0) })
        #expect(try await store.documentCount(.listings) == 2)
        #expect(try await store.document(.listings, key: "L1", as: MarketListing.self) == a)
        #expect(try await store.documents(.listings, as: MarketListing.self, where: [("uscc", "U2")]) == [b])
        // Replacing by key updates the document and the plain columns.
        b.state = "closed"
        try await store.putDocuments(.listings, [DocumentRow(key: b.id, values: [b.uscc, b.kind.rawValue, b.state], doc: b)])
        #expect(try await store.documents(.listings, as: MarketListing.self, where: [("state", "open")]).map(\.id) == ["L1"])
        #expect(try await store.documentCount(.listings) == 2)
        // Numeric plain columns (diagnoses: total and level) and ordering by them.
        struct Doc: Codable, Sendable, Equatable { let n: Int }
        try await store.putDocuments(.diagnoses, (1...3).map { DocumentRow(key: "D\($0)", values: ["U1", "2026-0\($0)", Double($0) * 10.5, $0], doc: Doc(n: $0)) })
        #expect(try await store.documents(.diagnoses, as: Doc.self, orderBy: "total", descending: true).map(\.n) == [3, 2, 1])
        #expect(try await store.document(.diagnoses, key: "nope", as: Doc.self) == nil)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func awardTotalsFollowTheScope(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let a = sampleEnterprise(1, region: "360102"), b = sampleEnterprise(2, region: "360902")
        try await store.upsertEnterprises([a, b])
        func award(_ id: String, _ policy: String, _ uscc: String, _ state: String, _ amount: Double) -> PolicyAward {
            PolicyAward(id: id, policyId: policy, uscc: uscc, route: "auto", state: state, amount: amount, basis: "[]", history: [])
        }
        try await store.saveAwards([award("1", "P", a.uscc, "granted", 10), award("2", "P", b.uscc, "paid", 5.5), award("3", "P", b.uscc, "applied", 99),
                                    award("4", "Q", a.uscc, "approved", 1)])
        let all = try await store.awardTotals(states: ["granted", "approved", "paid"], scope: .all)
        #expect(all["P"]?.count == 2 && all["P"]?.amount == 15.5 && all["Q"]?.count == 1)
        let nanchang = try await store.awardTotals(states: ["granted", "approved", "paid"], scope: .regions(["360100", "360102"]))
        #expect(nanchang["P"]?.count == 1 && nanchang["P"]?.amount == 10)
        #expect(try await store.awardTotals(states: ["granted"], scope: .enterprise(b.uscc)).isEmpty)
        await store.close()
    }

    /// Values merge by source on both engines: precedence, a clear falling to the next source, legacy rows, history.
    @Test(arguments: Backend.available)
    func indicatorValuesMergeBySource(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let a = sampleEnterprise(1)
        try await store.upsertEnterprises([a])
        _ = try await store.upsertReports([report(a.uscc, "2026-08", output: 1_000)])
        let m = Month("2026-08")!
        func merge(_ d: IndicatorDelivery, _ source: String, _ batch: String) async throws -> MergeOutcome {
            try await store.transaction { db in try await store.mergeDeliveries([d], source: source, batch: batch, actor: "t", in: db) }
        }
        // The enterprise's own output differs: kept, not read.
        let own = try await merge(IndicatorDelivery(uscc: a.uscc, month: m, values: [.outputValue: 1_400, .electricity: 70]), "self-report", "B1")
        #expect(own.valuesChanged == 2 && own.rowsChanged == 1, "electricity is new (no other source has it); output is only kept")
        var row = try #require(try await store.reports(uscc: a.uscc).first)
        #expect(row[.outputValue] == 1_000 && row[.electricity] == 70 && row[.profit] == -12.5)
        // 统计局 withdraws its output: the enterprise's figure is what remains.
        _ = try await merge(IndicatorDelivery(uscc: a.uscc, month: m, cleared: [.outputValue]), "statistics", "B2")
        row = try #require(try await store.reports(uscc: a.uscc).first)
        #expect(row[.outputValue] == 1_400)
        let values = try await store.sourcedValues(uscc: a.uscc, month: m)
        #expect(values["output_value"]?.map(\.source) == ["statistics", "self-report"])
        #expect(values["output_value"]?.first?.value == nil && values["output_value"]?.first?.batch == "B2")
        let history = try await store.indicatorChanges(uscc: a.uscc, month: m)
        #expect(history.map(\.batch) == ["B1", "B1", "B2"] && history.last?.oldValue == 1_000 && history.last?.newValue == nil)
        // The same delivery again changes nothing; a disagreement needs two values.
        #expect(try await merge(IndicatorDelivery(uscc: a.uscc, month: m, cleared: [.outputValue]), "statistics", "B3") == MergeOutcome())
        #expect(try await store.disagreements().isEmpty)
        _ = try await merge(IndicatorDelivery(uscc: a.uscc, month: m, values: [.electricity: 100]), "power", "B4")
        let d = try await store.disagreements(month: m, tolerance: 0.2)
        #expect(d.count == 1 && d[0].chosenSource == "power" && d[0].values.map(\.source) == ["power", "self-report"])
        #expect(try await store.disagreements(month: m, tolerance: 0.5).isEmpty)
        await store.close()
    }
}
