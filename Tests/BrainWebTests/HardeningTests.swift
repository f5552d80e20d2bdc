import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainWeb

/// The hardening issue's findings over HTTP, each replayed as the probe did it.
@Suite(.serialized) struct HardeningTests {
    @Test func findings() async throws {
        let s = try await TestServer.start()
        try await poisonedNumbersAreRefused(s)
        try await poisonedStoredValuesAreSkipped(s)
        try await importsCannotEscalateScope(s)
        await s.stop()
    }

    func csv(_ text: String) -> Data { Data(text.utf8) }

    func firm(_ s: TestServer, city: String) throws -> Enterprise {
        try #require(s.services.cubes.cube.firms.first { RegionCatalog.jiangxi.city(of: $0.region) == city && $0.aboveScale })
    }

    /// Finding 3: 1e308 and friends enter nowhere.
    func poisonedNumbersAreRefused(_ s: TestServer) async throws {
        let nc = try await s.login("nanchang", "Nanchang#2026")
        let admin = try await s.login("admin", "Admin#20262026")
        let local = try firm(s, city: "360100")
        for bad in ["1e308", "inf", "NaN", "-5", "1e15"] {
            let r = try await s.request("POST", "/api/v1/imports/indicators", token: nc,
                                        body: csv("uscc,month,output_value,revenue\n\(local.uscc),2026-09,\(bad),100\n"), contentType: "text/csv")
            #expect(r.status == 200, "\(bad): \(r.status) \(r.errorMessage)")
            let problems = r.object["problems"] as? [[String: Any]] ?? []
            #expect(r.object["rowsAccepted"] as? Int == 0, "\(bad) accepted")
            #expect(problems.first?["field"] as? String == "output_value" && problems.first?["row"] as? Int == 2, "\(bad): \(problems)")
        }
        // A good row still goes in after the bad ones.
        let good = try await s.request("POST", "/api/v1/imports/indicators", token: nc,
                                       body: csv("uscc,month,output_value,revenue\n\(local.uscc),2026-09,1234.5,1200\n"), contentType: "text/csv")
        #expect(good.status == 200 && good.object["rowsAccepted"] as? Int == 1)
        // JSON bodies: 1e308 anywhere is refused before any route reads it; award amounts must lie in their range.
        let award = PolicyAward(id: "A-TEST-\(local.uscc)", policyId: "HNTE-REWARD", uscc: local.uscc, route: "application", state: "applied",
                                amount: 10, basis: "[]", history: [.init(state: "applied", by: "firm", note: nil)])
        try await s.services.store.saveAwards([award])
        for (body, field) in [(#"{"amount":1e308}"#, "amount"), (#"{"amount":-5}"#, "amount"), (#"{"amount":2000000}"#, "amount"), (#"{"note":"x\u0000y"}"#, "note")] {
            let r = try await s.request("POST", "/api/v1/awards/\(award.id)/approve", token: admin, body: Data(body.utf8))
            #expect(r.status == 400, "\(body) → \(r.status)")
            #expect(r.errorMessage.contains(field), "\(body): \(r.errorMessage)")
        }
        #expect(try await s.services.store.award(award.id)?.state == "applied", "nothing changed")
        // A formula that can grant a negative amount is refused, with the number of firms it would hit.
        let policy = #"{"id":"NEG-TEST","name":"负数测试","issuer":"省工信厅","category":"奖励","rule":"revenue_last_year >= 0","formula":"0-5","autoGrant":true,"validFrom":"2026-01","validUntil":"2026-12"}"#
        let refused = try await s.request("POST", "/api/v1/policies", token: admin, body: Data(policy.utf8))
        #expect(refused.status == 400, "\(refused.status) \(refused.errorMessage)")
        #expect(refused.errorMessage.contains("formula") && refused.errorMessage.contains("negative"), "\(refused.errorMessage)")
        #expect(try await s.services.store.policies().contains { $0.id == "NEG-TEST" } == false)
    }

    /// Finding 3, second half: values already in the database (written before the checks, or by hand) cannot break a
    /// rebuild, an answer or a restart.
    func poisonedStoredValuesAreSkipped(_ s: TestServer) async throws {
        let local = try firm(s, city: "360100")
        var values = [Double?](repeating: nil, count: Indicator.allCases.count)
        values[Indicator.outputValue.index] = 1e308
        values[Indicator.revenue.index] = .infinity
        values[Indicator.profit.index] = -1e308
        values[Indicator.electricity.index] = 1e-300
        _ = try await s.services.store.upsertReports([MonthlyReport(uscc: local.uscc, month: Month("2026-10")!, values: values),
                                                      MonthlyReport(uscc: local.uscc, month: Month("2025-10")!, values: values)])
        let award = PolicyAward(id: "A-HUGE-\(local.uscc)", policyId: "HNTE-REWARD", uscc: local.uscc, route: "application", state: "paid",
                                amount: 1e308, basis: "[]", history: [])
        try await s.services.store.saveAwards([award, PolicyAward(id: "A-HUGE2-\(local.uscc)", policyId: "HNTE-REWARD", uscc: local.uscc,
                                                                  route: "application", state: "paid", amount: 1e308, basis: "[]", history: [])])
        // What `brain serve` does at start, and after every import.
        try await s.services.cubes.refresh(from: s.services.store)
        try await s.services.refreshAnalyses()
        let cube = s.services.cubes.cube
        #expect(cube.skippedValues == 6, "the four poisoned values are skipped in both months, except the tiny one read as 0")
        let i = try #require(cube.firmIndex[local.uscc])
        #expect(cube.value(.outputValue, firm: i, month: Month("2026-10")!).isNaN)
        #expect(cube.value(.electricity, firm: i, month: Month("2026-10")!) == 0)
        let admin = try await s.login("admin", "Admin#20262026")
        for path in ["/api/v1/monitor/overview", "/api/v1/monitor/overview?region=360100", "/api/v1/policies", "/api/v1/warnings?limit=500",
                     "/api/v1/evaluation", "/api/v1/chains/ELEC/analysis", "/api/v1/monitor/electricity", "/api/v1/enterprises/\(local.uscc)",
                     "/api/v1/talent/map", "/policies", "/", "/dashboard?region=360100"] {
            let r = try await s.get(path, token: admin)
            #expect(r.status == 200 || (r.status == 302 && !path.hasPrefix("/api")), "\(path) → \(r.status) \(r.errorMessage)")
        }
        let policies = try #require(try await s.get("/api/v1/policies", token: admin).object["items"] as? [[String: Any]])
        for p in policies { #expect((p["awardedAmount"] as? Double).map { $0.isFinite && $0 < 1e12 } ?? true, "\(p["id"]!)") }
        let totals = try await s.services.store.awardTotals(states: ["paid"], scope: .all)
        #expect(totals.values.allSatisfy { $0.amount.isFinite && $0.amount < 1e12 })
    }

    /// Finding 2 over HTTP: the 南昌 official cannot move a 宜春 firm, and the refusal and the import are in the ledger.
    func importsCannotEscalateScope(_ s: TestServer) async throws {
        let nc = try await s.login("nanchang", "Nanchang#2026")
        let yichun = try firm(s, city: "360900")
        let r = try await s.request("POST", "/api/v1/imports/enterprises", token: nc,
                                    body: csv("uscc,name,region,industry,employees,revenue\n\(yichun.uscc),\(yichun.name),360102,\(yichun.industry),100,5000\n"),
                                    contentType: "text/csv")
        #expect(r.status == 200)
        #expect(r.object["rowsAccepted"] as? Int == 0)
        #expect(try await s.services.store.enterprise(yichun.uscc, scope: .all)?.region == yichun.region)
        let entries = try await s.services.ledger.entries().filter { $0.actor == "nanchang" && $0.action == "import enterprises" }
        #expect(entries.last?.outcome == "partial")
        // A province official may move a firm; the move is its own ledger entry.
        _ = try await s.services.accounts.add(username: "prov-mover", password: "Province#2026x", role: .provinceOfficial, scope: "360000", cost: 4)
        let prov = try await s.login("prov-mover", "Province#2026x")
        let moved = try await s.request("POST", "/api/v1/imports/enterprises", token: prov,
                                        body: csv("uscc,name,region,industry,employees,revenue\n\(yichun.uscc),\(yichun.name),360102,\(yichun.industry),\(yichun.employees),\(yichun.revenue)\n"),
                                        contentType: "text/csv")
        #expect(moved.object["rowsAccepted"] as? Int == 1, "\(moved.object)")
        let move = try await s.services.ledger.entries().last { $0.action == "relocate enterprise" }
        #expect(move?.target == yichun.uscc && move?.actor == "prov-mover")
        #expect(try await s.services.ledger.verify().ok)
    }
}
