import BrainApps
import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainWeb

extension APITests {
    func json(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    /// Issue 4 end to end: diagnosis, catalogue and referrals, listings and matches, evaluation, investment leads, the
    /// upgrade brief, demonstration projects and creating a policy — with the bad inputs of each.
    func enterpriseServices(_ s: TestServer, _ admin: String) async throws {
        try await s.services.catalogue.seedIfEmpty()
        let firm = try await s.login("firm", "Firm#20262026")
        let nanchang = try await s.login("nanchang", "Nanchang#2026")
        let provider = try await s.login("provider", "Provider#2026")
        let me = try await s.get("/api/v1/me", token: firm)
        let uscc = try #require(me.object["scope"] as? String)

        // 转型问诊: the questionnaire, a bad submission (every field named, nothing saved) and a good one.
        let q = try await s.get("/api/v1/diagnoses/questionnaire", token: firm)
        #expect(q.status == 200)
        let questions = try #require(q.object["questions"] as? [[String: Any]])
        #expect(questions.count >= 35)
        var answers: [String: Int] = [:]
        for question in questions {
            let id = question["id"] as! String
            let n = (question["options"] as! [Any]).count
            answers[id] = id.hasPrefix("M") ? 0 : n - 1
        }
        var broken = answers
        broken["F1"] = 42
        broken.removeValue(forKey: "O1")
        let bad = try await s.request("POST", "/api/v1/diagnoses", token: firm, body: try json(["answers": broken]))
        #expect(bad.status == 400)
        #expect(bad.errorMessage.contains("answers.F1") && bad.errorMessage.contains("answers.O1"), "\(bad.errorMessage)")
        #expect(try await s.get("/api/v1/enterprises/\(uscc)/diagnoses", token: firm).object["items"].map { ($0 as! [Any]).count } == 0)
        let forbidden = try await s.request("POST", "/api/v1/diagnoses", token: provider, body: try json(["answers": answers]))
        #expect(forbidden.status == 403)
        let made = try await s.request("POST", "/api/v1/diagnoses", token: firm, body: try json(["answers": answers]))
        #expect(made.status == 201, "\(made.errorMessage)")
        let result = try #require(made.object["result"] as? [String: Any])
        #expect(result["weakestArea"] as? String == "management")
        #expect((result["level"] as? Int).map { $0 >= 3 } == true)
        let recs = try #require(made.object["recommendations"] as? [[String: Any]])
        #expect(!recs.isEmpty)
        #expect((recs[0]["subarea"] as? String)?.hasPrefix("management.") == true)
        let history = try await s.get("/api/v1/enterprises/\(uscc)/diagnoses", token: firm)
        #expect((history.object["items"] as? [Any])?.count == 1)
        // Referrals were proposed; the enterprise agrees to one, then marks it contacted; a wrong step is refused.
        let refs = try #require(try await s.get("/api/v1/enterprises/\(uscc)/referrals", token: firm).object["items"] as? [[String: Any]])
        let ref = try #require(refs.first { $0["state"] as? String == "proposed" }?["id"] as? String)
        #expect(try await s.request("POST", "/api/v1/referrals/\(ref)/consent", token: firm, body: try json(["agree": true])).status == 200)
        #expect(try await s.request("POST", "/api/v1/referrals/\(ref)/adopted", token: firm).status == 400)
        #expect(try await s.request("POST", "/api/v1/referrals/\(ref)/contacted", token: firm, body: try json(["note": "已对接"])).status == 200)
        // Officials of another city cannot read the firm's diagnosis.
        let yichun = try await s.login("yichun", "Yichun#20262026")
        #expect(try await s.get("/api/v1/enterprises/\(uscc)/diagnoses", token: yichun).status == 403)

        // 服务资源目录.
        let search = try await s.get("/api/v1/services/solutions?area=management.talent", token: firm)
        #expect(search.status == 200)
        #expect(((search.object["items"] as? [Any])?.count ?? 0) >= 3)
        #expect(try await s.get("/api/v1/services/solutions?maxPrice=-1", token: firm).status == 400)
        #expect(try await s.request("POST", "/api/v1/services/solutions", token: firm, body: try json(["id": "X"])).status == 403)
        let badSolution = try await s.request("POST", "/api/v1/services/solutions", token: admin,
                                              body: try json(["id": "S900", "providerId": "P001", "title": "测试", "category": "工业软件", "areas": ["nowhere"]]))
        #expect(badSolution.status == 400 && badSolution.errorMessage.hasPrefix("areas[0]:"), "\(badSolution.errorMessage)")

        // 贸易撮合: bad listings name the field; a good one is matched with explanations.
        let noProduct = try await s.request("POST", "/api/v1/market/listings", token: firm, body: try json(["kind": "demand", "quantity": 5, "unit": "吨"]))
        #expect(noProduct.status == 400 && noProduct.errorMessage.hasPrefix("product:"))
        let negative = try await s.request("POST", "/api/v1/market/listings", token: firm, body: try json(["kind": "supply", "product": "铜杆", "quantity": -3, "unit": "吨"]))
        #expect(negative.status == 400 && negative.errorMessage.hasPrefix("quantity:"))
        let listing = try await s.request("POST", "/api/v1/market/listings", token: firm,
                                          body: try json(["kind": "demand", "product": "电解铜", "quantity": 50, "unit": "吨"]))
        #expect(listing.status == 201)
        let supplier = s.services.cubes.cube.firms.first { $0.uscc != uscc }!
        try await s.services.market.save([MarketListing(id: "L-test-supply", uscc: supplier.uscc, company: supplier.name, kind: .supply, product: "阴极电解铜",
                                                        spec: nil, industry: nil, chain: "NFM", link: nil, quantity: 500, unit: "吨", region: supplier.region,
                                                        validFrom: "2026-01-01", validUntil: "2099-12-31", createdBy: "test")])
        let id = try #require(listing.object["id"] as? String)
        let matches = try #require(try await s.get("/api/v1/market/listings/\(id)/matches", token: firm).object["items"] as? [[String: Any]])
        #expect(matches.first.flatMap { ($0["listing"] as? [String: Any])?["id"] as? String } == "L-test-supply")
        #expect((matches.first?["parts"] as? [Any])?.count == 6)
        #expect(try await s.get("/api/v1/market/listings/\(id)/matches", token: nanchang).status == 403)
        #expect(try await s.get("/api/v1/market/listings?uscc=\(supplier.uscc)", token: firm).status == 403)

        // 产业评价 for 南昌: only 南昌 cells; weights are validated and applied.
        let eval = try await s.get("/api/v1/evaluation", token: nanchang)
        #expect(eval.status == 200)
        let cells = try #require(eval.object["cells"] as? [[String: Any]])
        #expect(cells.allSatisfy { $0["area"] as? String == "360100" })
        #expect(try await s.request("PUT", "/api/v1/evaluation/weights", token: nanchang, body: try json(["weights": ["scale": 1]])).status == 403)
        let badWeights = try await s.request("PUT", "/api/v1/evaluation/weights", token: admin, body: try json(["weights": ["scale": -2]]))
        #expect(badWeights.status == 400 && badWeights.errorMessage.hasPrefix("weights.scale:"))
        #expect(try await s.get("/api/v1/evaluation?by=county", token: admin).status == 400)

        // 精准招商 and the planning brief.
        let gap = try #require(s.manifest.gapLinks.first)
        let leads = try await s.get("/api/v1/chains/\(gap.chain)/investment-leads", token: admin)
        #expect(leads.status == 200)
        let links = try #require(leads.object["links"] as? [[String: Any]])
        #expect(links.contains { $0["link"] as? String == gap.link && $0["strength"] as? String == "missing" })
        #expect(links.contains { !(($0["candidates"] as? [Any]) ?? []).isEmpty })
        let brief = try await s.get("/api/v1/chains/\(gap.chain)/upgrade-brief?region=360100", token: nanchang)
        #expect(brief.status == 200)
        #expect((brief.object["markdown"] as? String)?.contains("推荐举措") == true)
        #expect(try await s.get("/api/v1/chains/\(gap.chain)/upgrade-brief?region=360900", token: nanchang).status == 403)

        // Demonstration projects: validated, scoped.
        let badProject = try await s.request("POST", "/api/v1/demonstration-projects", token: nanchang, body: try json(["uscc": uscc, "name": "", "kind": "castle", "year": 1800]))
        #expect(badProject.status == 400 && badProject.errorMessage.hasPrefix("name:"), "\(badProject.errorMessage)")
        let project = try await s.request("POST", "/api/v1/demonstration-projects", token: nanchang,
                                          body: try json(["uscc": uscc, "name": "数字化车间建设", "kind": "digital_workshop", "year": 2025,
                                                          "outcomes": [["metric": "生产效率", "before": 100, "after": 125, "unit": "件/人·日"]]]))
        #expect(project.status == 201, "\(project.errorMessage)")
        #expect(((project.object["outcomes"] as? [[String: Any]])?.first?["change"] as? Double) == 25)

        // Creating a policy: a rule that does not parse names line and column; a good one is matched at once.
        let badRule = try await s.request("POST", "/api/v1/policies", token: admin, body: try json([
            "id": "TEST-1", "name": "测试政策", "issuer": "省工信厅", "category": "奖励", "rule": "size in [small, medium]\nrevenue_last_year >= ", "validFrom": "2026-01", "validUntil": "2026-12"]))
        #expect(badRule.status == 400)
        #expect(badRule.errorMessage.contains("rule") && badRule.errorMessage.contains("2"), "\(badRule.errorMessage)")
        #expect(try await s.request("POST", "/api/v1/policies", token: nanchang, body: try json(["id": "TEST-1"])).status == 403)
        let good = try await s.request("POST", "/api/v1/policies", token: admin, body: try json([
            "id": "TEST-1", "name": "测试政策", "issuer": "省工信厅", "category": "奖励", "rule": "above_scale = true", "formula": "5", "autoGrant": true,
            "validFrom": "2026-01", "validUntil": "2026-12"]))
        #expect(good.status == 201, "\(good.errorMessage)")
        #expect((good.object["eligible"] as? Int ?? 0) > 0)
        #expect((good.object["newGrants"] as? Int ?? 0) > 0)
    }

    /// Every write, every sensitive read and every login attempt is in the ledger, and the ledger verifies.
    func auditTrail(_ s: TestServer) async throws {
        let ledger = s.services.ledger
        let v = try await ledger.verify()
        #expect(v.ok, "\(v)")
        let entries = try await ledger.entries(limit: 100_000)
        #expect(v.entries == entries.count && entries.count > 30)
        #expect(entries.contains { $0.action == "login" && $0.outcome == "denied" })
        #expect(entries.contains { $0.action == "login" && $0.outcome == "ok" && $0.actor == "firm" })
        #expect(entries.contains { $0.actor == "firm" && $0.action.hasPrefix("POST /api/v1/market/listings") && $0.outcome == "ok" })
        #expect(entries.contains { $0.actor == "firm" && $0.action.hasPrefix("POST /api/v1/diagnoses") && $0.outcome == "rejected" })
        #expect(entries.contains { $0.actor == "yichun" && $0.outcome == "denied" })
        let write = try #require(entries.first { $0.action == "POST /api/v1/policies" && $0.outcome == "ok" })
        #expect(write.detail.contains("bodySha256"))
        for secret in ["Firm#20262026", "Admin#20262026", "Nanchang#2026", "Yichun#20262026"] {
            #expect(!entries.contains { $0.detail.contains(secret) || $0.target.contains(secret) })
        }
        // Reads of statistics are not logged; enterprise-level reads are.
        #expect(!entries.contains { $0.action.hasPrefix("GET /api/v1/monitor") && $0.outcome == "ok" })
        #expect(entries.contains { $0.action.hasPrefix("GET /api/v1/enterprises/") })
    }
}
