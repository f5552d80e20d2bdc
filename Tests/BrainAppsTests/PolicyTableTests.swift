import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// The policy table (政策表) as reference data: read with every problem named by row and column, written back unchanged,
/// imported as a version that withdraws (never deletes) what it no longer lists; the example policies are demo content.
@Suite(.serialized) struct PolicyTableTests {
    static let header = "id,name,issuer,document_no,kind,category,summary,amount,valid_from,valid_until,regions,criteria\n"

    static func emptyStore() async throws -> Store {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-policytable-\(UUID().uuidString)").path
        return try await Store.openSQLite(path: dir + "/p.sqlite")
    }

    @Test func everyProblemIsNamedByRowAndColumn() throws {
        let text = Self.header
            + "A-1,好政策,省工信厅,赣工信字〔2026〕1号,免申即享,奖励,,10,2026-01,2026-12,360100,above_scale\n"
            + "B-2,坏方式,省工信厅,,自动发放,奖励,,10,,,,above_scale\n"
            + "C 3,坏规则,省工信厅,,申报,奖励,,\"min(revenue_last_year, \",2026-13,2026-01,440100,\"above_scale\nrevenue_last_year >=\"\n"
            + "A-1,重复,省工信厅,,申报,奖励,,1,,,,above_scale\n"
        do {
            _ = try PolicyTable.read(csv: text, catalog: .jiangxi, createdBy: "t")
            Issue.record("a table with problems was taken")
        } catch let e as ChainTableError {
            let named = e.problems.map { "\($0.row):\($0.column)" }
            #expect(named.contains("3:kind"))
            #expect(named.contains("4:id"))
            #expect(named.contains("4:amount"))
            #expect(named.contains("4:valid_from"))
            #expect(named.contains("4:regions"))
            #expect(named.contains("4:criteria"))
            #expect(named.contains("6:id"))
            #expect(!named.contains { $0.hasPrefix("2:") })
            // The rule parser's own message, with its line and column inside the cell.
            let rule = try #require(e.problems.first { $0.column == "criteria" })
            #expect(rule.reason.contains("line 2, column"))
            #expect(rule.value == "revenue_last_year >=")
            #expect(e.problems.first { $0.column == "regions" }?.reason.contains("广东") == true)
            #expect(e.what == "policy table")
        }
    }

    @Test func chineseHeadersAndRegionScopeRead() throws {
        let text = "政策编号,政策名称,发文单位,文号,兑现方式,政策类别,政策内容,金额公式,生效月份,截止月份,适用地区,条件\n"
            + "P1,宜春配套奖,宜春市工信局,宜工信〔2026〕3号,申报,产业链,说明,5,2026-01,2027-12,360900,\"above_scale\nrevenue_last_year >= 100\"\n"
        let read = try PolicyTable.read(csv: text, catalog: .jiangxi, createdBy: "t")
        let p = try #require(read.policies.first)
        #expect(p.documentNo == "宜工信〔2026〕3号")
        #expect(p.regions == ["360900"])
        #expect(!p.autoGrant)
        let parsed = try ParsedPolicy.parse(p)
        #expect(parsed.rule.criteria.count == 3)
        #expect(parsed.rule.criteria.last == "region has any [\"360900\"]")
    }

    @Test func theExportReadsBackUnchanged() throws {
        let demo = try PolicyTable.demo(year: 2026)
        #expect(demo.count == 12)
        let first = PolicyTable.csv(demo)
        let again = try PolicyTable.read(csv: first, catalog: .jiangxi, createdBy: "t")
        #expect(again.policies.map(\.id) == demo.map(\.id))
        #expect(PolicyTable.csv(again.policies) == first)
        // Every example's rule still parses.
        for p in demo { _ = try ParsedPolicy.parse(p) }
    }

    @Test func aPolicyLeftOutIsWithdrawnAndKeepsItsAwards() async throws {
        let store = try await Self.emptyStore()
        let desk = ReferenceDesk(store: store, catalog: .jiangxi)
        let two = try PolicyTable.read(csv: Self.header
            + "KEEP,留下,省,,申报,奖励,,1,2026-01,2026-12,,above_scale\n"
            + "GONE,撤掉,省,,免申即享,奖励,,2,2026-01,2026-12,,above_scale\n", catalog: .jiangxi, createdBy: "t")
        let v1 = try await desk.store(policies: two.policies, rows: two.rows, fileName: "v1.csv", actor: "admin")
        #expect(v1.version == 1)
        #expect(v1.added?.sorted() == ["GONE", "KEEP"])
        try await store.saveAwards([PolicyAward(id: "A-GONE-1", policyId: "GONE", uscc: "91360100MA00000001", route: "auto", state: "granted",
                                                amount: 2, basis: "[]", history: [.init(state: "granted", by: "system", note: nil)])])
        let one = try PolicyTable.read(csv: Self.header + "KEEP,留下,省,,申报,奖励,,1,2026-01,2026-12,,above_scale\n", catalog: .jiangxi, createdBy: "t")
        let v2 = try await desk.store(policies: one.policies, rows: one.rows, fileName: "v2.csv", actor: "admin")
        #expect(v2.version == 2)
        #expect(v2.withdrawn == ["GONE"])
        let stored = try await store.policies()
        #expect(stored.count == 2)
        #expect(stored.first { $0.id == "GONE" }?.withdrawnAt != nil)
        #expect(stored.first { $0.id == "GONE" }?.withdrawnBy == "admin")
        #expect(stored.first { $0.id == "KEEP" }?.withdrawnAt == nil)
        #expect(try await store.awards().map(\.id) == ["A-GONE-1"])
        // Listed again, it stands again; the award is still there.
        let v3 = try await desk.store(policies: two.policies, rows: two.rows, fileName: "v1.csv", actor: "admin")
        #expect(v3.reinstated == ["GONE"])
        #expect(v3.withdrawn == [])
        #expect(try await store.policies().allSatisfy { $0.withdrawnAt == nil })
        #expect(try await store.awards().count == 1)
        // Every version is kept and readable as it was imported.
        #expect(try await store.referenceVersions(kind: "policies").map(\.version) == [3, 2, 1])
        let second = try #require(try await store.referenceContent(kind: "policies", version: 2))
        #expect(!second.content.contains("GONE"))
        await store.close()
    }

    @Test func aDatabaseWithoutTheDemoDatasetStartsWithNoPolicies() async throws {
        let store = try await Self.emptyStore()
        let matcher = PolicyMatcher(store: store)
        let (matches, _) = try await matcher.refresh(cube: try await CubeBuilder.build(from: store, catalog: .jiangxi))
        #expect(matches.policies.isEmpty)
        #expect(try await store.policies().isEmpty)
        #expect(try await ReferenceDesk(store: store, catalog: .jiangxi).inForce(.policies) == "none")
        await store.close()
    }

    @Test func theDemoDatabaseGetsTheExamplesOnce() async throws {
        let f = try await Fixture.load()
        let matcher = PolicyMatcher(store: f.store)
        try await matcher.refresh(cube: f.cube)
        #expect(try await f.store.setting(PolicyMatcher.demoPoliciesKey) == PolicyTable.demoFile)
        #expect(try await f.store.policies().count >= 12)
    }
}
