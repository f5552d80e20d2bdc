import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainWeb

extension APITests {
    @Test func followThroughTest() async throws { try await withServer { s, admin in try await followThroughAPI(s, admin); try await followThroughPortal(s) } }

    /// Issue 14, part 6, through the API: consent before the provider sees a referral, 申请对接, the provider's inbox,
    /// grantees limited to related providers, and contacts exchanged only after both firms agree.
    func followThroughAPI(_ s: TestServer, _ admin: String) async throws {
        let firm = try await s.login("firm", "Firm#20262026"), provider = try await s.login("provider", "Provider#2026")
        let uscc = try #require(try await s.get("/api/v1/me", token: firm).object["scope"] as? String)
        // Linking accounts to providers is the administrator's.
        #expect(try await s.request("POST", "/api/v1/services/providers/P019/accounts", token: firm, body: try json(["username": "provider"])).status == 403)
        let linked = try await s.request("POST", "/api/v1/services/providers/P019/accounts", token: admin, body: try json(["username": "provider"]))
        #expect(linked.status == 200 && linked.object["providerId"] as? String == "P019", "\(linked.errorMessage)")
        #expect(try await s.request("POST", "/api/v1/services/providers/P019/accounts", token: admin, body: try json(["username": "firm"])).status == 400)
        // A diagnosis proposes referrals; the providers see none of them yet.
        let questions = try #require(try await s.get("/api/v1/diagnoses/questionnaire", token: firm).object["questions"] as? [[String: Any]])
        let answers = Dictionary(uniqueKeysWithValues: questions.map { ($0["id"] as! String, 0) })
        #expect(try await s.request("POST", "/api/v1/diagnoses", token: firm, body: try json(["answers": answers])).status == 201)
        let refs = try #require(try await s.get("/api/v1/enterprises/\(uscc)/referrals", token: firm).object["items"] as? [[String: Any]])
        let proposed = refs.filter { $0["state"] as? String == "proposed" }
        #expect(!proposed.isEmpty)
        let inbox = try #require(try await s.get("/api/v1/provider/referrals", token: provider).object["items"] as? [[String: Any]])
        #expect(inbox.allSatisfy { $0["state"] as? String != "proposed" && $0["uscc"] as? String == uscc })
        #expect(inbox.count == 1, "the firm's connection request to P019 (TestServer)")
        // Consent: the firm's, once; nobody else's.
        let id = try #require(proposed[0]["id"] as? String)
        #expect(try await s.request("POST", "/api/v1/referrals/\(id)/consent", token: provider, body: try json(["agree": true])).status == 403)
        #expect(try await s.request("POST", "/api/v1/referrals/\(id)/consent", token: firm, body: try json([:] as [String: Any])).status == 400)
        let agreed = try await s.request("POST", "/api/v1/referrals/\(id)/consent", token: firm, body: try json(["agree": true]))
        #expect(agreed.status == 200 && agreed.object["state"] as? String == "referred")
        #expect(try await s.request("POST", "/api/v1/referrals/\(id)/consent", token: firm, body: try json(["agree": false])).status == 409)
        // 申请对接: created once, then the open referral is returned; an unknown solution names the parameter.
        #expect(try await s.request("POST", "/api/v1/services/solutions/S003/connect", token: firm, body: try json(["note": "两条装配线数据采集"])).status == 201)
        #expect(try await s.request("POST", "/api/v1/services/solutions/S003/connect", token: firm).status == 200)
        let unknown = try await s.request("POST", "/api/v1/services/solutions/S999/connect", token: firm)
        #expect(unknown.status == 400 && unknown.errorMessage.hasPrefix("solutionId:"))
        // The provider marks its referral contacted; another provider's referral answers 404.
        let mine = try #require(inbox.first?["id"] as? String)
        #expect(try await s.request("POST", "/api/v1/provider/referrals/\(mine)/contacted", token: provider).status == 200)
        #expect(try await s.request("POST", "/api/v1/provider/referrals/\(id)/contacted", token: provider).status == 404 || proposed[0]["providerId"] as? String == "P019")
        #expect(try await s.request("POST", "/api/v1/provider/referrals/\(mine)/contacted", token: firm).status == 404)
        // Grantees: the providers the firm deals with; a grant to anyone else is refused.
        let grantees = try #require(try await s.get("/api/v1/enterprises/\(uscc)/grantees", token: firm).object["items"] as? [[String: Any]])
        #expect(grantees.map { $0["username"] as? String } == ["provider"])
        let refused = try await s.request("POST", "/api/v1/enterprises/\(uscc)/grants", token: firm,
                                          body: try json(["grantee": "nanchang", "datasets": ["diagnosis"], "purpose": "x", "days": 3]))
        #expect(refused.status == 400 && refused.errorMessage.hasPrefix("grantee:"))

        // 贸易撮合: a second firm's supply; contacts only after its acceptance.
        let seller = try #require(s.services.cubes.cube.firms.first { $0.uscc != uscc })
        _ = try await s.services.accounts.add(username: "seller", password: "Seller#20262026", role: .enterprise, scope: seller.uscc, cost: 4)
        let sellerToken = try await s.login("seller", "Seller#20262026")
        let demand = try await s.request("POST", "/api/v1/market/listings", token: firm, body: try json(["kind": "demand", "product": "电解铜", "quantity": 20, "unit": "吨"]))
        let supply = try await s.request("POST", "/api/v1/market/listings", token: sellerToken, body: try json(["kind": "supply", "product": "阴极铜", "quantity": 200, "unit": "吨"]))
        let demandId = try #require(demand.object["id"] as? String), supplyId = try #require(supply.object["id"] as? String)
        let noContact = try await s.request("POST", "/api/v1/market/contacts", token: firm, body: try json(["fromListing": demandId, "toListing": supplyId]))
        #expect(noContact.status == 400 && noContact.errorMessage.hasPrefix("contact:"))
        let asked = try await s.request("POST", "/api/v1/market/contacts", token: firm,
                                        body: try json(["fromListing": demandId, "toListing": supplyId, "contact": "王经理 0791-88888888"]))
        #expect(asked.status == 201 && asked.object["counterpartContact"] == nil, "\(asked.errorMessage)")
        let exchangeId = try #require(asked.object["id"] as? String)
        let incoming = try #require((try await s.get("/api/v1/market/contacts", token: sellerToken).object["items"] as? [[String: Any]])?.first)
        #expect(incoming["direction"] as? String == "incoming" && incoming["counterpartContact"] == nil)
        #expect(try await s.request("POST", "/api/v1/market/contacts/\(exchangeId)/accept", token: firm, body: try json(["contact": "王经理 1"])).status == 403)
        let accepted = try await s.request("POST", "/api/v1/market/contacts/\(exchangeId)/accept", token: sellerToken, body: try json(["contact": "李总 0795-6666666"]))
        #expect(accepted.status == 200 && accepted.object["counterpartContact"] as? String == "王经理 0791-88888888")
        let seen = try #require((try await s.get("/api/v1/market/contacts", token: firm).object["items"] as? [[String: Any]])?.first)
        #expect(seen["counterpartContact"] as? String == "李总 0795-6666666")
        #expect(try await s.request("POST", "/api/v1/market/contacts/\(exchangeId)/decline", token: sellerToken).status == 409)
        // Every write above reached the ledger with its actor.
        let audit = try await s.services.ledger.entries(actor: "seller")
        #expect(audit.contains { $0.action.contains("/api/v1/market/contacts") }, "\(audit.map(\.action))")
    }

    /// The same through the portal: the firm's home with its name and to-do list, the last diagnosis with consent
    /// buttons and the pre-filled form, 申请对接, the grantee picker, contact exchange, and the provider's inbox.
    func followThroughPortal(_ s: TestServer) async throws {
        let firm = PortalClient(base: s.base)
        #expect(try await firm.login("firm", "Firm#20262026").status == 303)
        let uscc = try #require(try await s.get("/api/v1/me", token: try await s.login("firm", "Firm#20262026")).object["scope"] as? String)
        let name = try #require(s.services.cubes.cube.firmIndex[uscc].map { s.services.cubes.cube.firms[$0].name })
        let home = try await firm.get("/")
        #expect(home.html.contains("\(name)，您好") && home.html.contains("待办事项"))
        #expect(home.html.contains("等待您确认是否对接") || !home.html.contains("/my/diagnosis#consent"))
        #expect(!home.html.contains("BRAIN_MFA") && !home.html.contains("第二因子"), "no relaxed-MFA notice for an enterprise")
        let diagnosis = try await firm.get("/my/diagnosis")
        #expect(diagnosis.html.contains("上次问诊结果") && diagnosis.html.contains("问诊记录") && diagnosis.html.contains("prefill=last"))
        let prefilled = try await firm.get("/my/diagnosis?prefill=last")
        #expect(prefilled.html.contains("已按") && prefilled.html.contains(" checked"))
        let token = try #require(diagnosis.csrf)
        if let r = diagnosis.html.range(of: "action=\"/my/referrals/") {
            let id = String(diagnosis.html[r.upperBound...].prefix { $0 != "/" })
            #expect(try await firm.post("/my/referrals/\(id)/consent", ["_csrf": token, "agree": "0"]).status == 303)
            #expect(try await firm.post("/my/referrals/\(id)/consent", ["_csrf": token, "agree": "1"]).status == 409)
        }
        let services = try await firm.get("/services")
        #expect(services.html.contains("申请对接") && services.html.contains("省外服务商"))
        let solution = try await firm.get("/services/S005")
        #expect(solution.html.contains("action=\"/services/S005/connect\""))
        #expect(try await firm.post("/services/S005/connect", ["_csrf": token, "note": "设备联网"]).status == 303)
        #expect(try await firm.get("/services/S005").html.contains("已申请对接"))
        let grants = try await firm.get("/my/grants")
        #expect(grants.html.contains("<select id=\"grantee\" name=\"grantee\">") && grants.html.contains("value=\"provider\""))
        #expect(try await firm.post("/my/grants", ["_csrf": token, "grantee": "nanchang", "purpose": "x", "days": "3", "ds_diagnosis": "1"]).html.contains("请从与本企业有对接关系的服务商中选择"))
        let market = try await firm.get("/my/market")
        #expect(market.html.contains("交换联系方式") && market.html.contains("李总 0795-6666666"))
        // The provider's side: its inbox, 已联系, and the to-do on its home.
        let provider = PortalClient(base: s.base)
        #expect(try await provider.login("provider", "Provider#2026").status == 303)
        let inbox = try await provider.get("/provider/referrals")
        #expect(inbox.status == 200 && inbox.html.contains(name) && inbox.html.contains("江西赣数智能科技"))
        #expect(try await provider.get("/").html.contains("对接需求"))
        if let r = inbox.html.range(of: "action=\"/provider/referrals/") {
            let id = String(inbox.html[r.upperBound...].prefix { $0 != "/" })
            #expect(try await provider.post("/provider/referrals/\(id)/contacted", ["_csrf": try #require(inbox.csrf)]).status == 303)
        }
        #expect(try await firm.get("/provider/referrals").status == 403)
    }
}
