import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Testing

/// Policy follow-through over HTTP: the enterprise reads its policies in plain Chinese with its total received and applies
/// only where it makes sense; officials see every application (those failing the criteria too), review, publish and pay
/// through the API and the portal; a 宜春 official cannot touch a 南昌 firm's award, and every step and refusal is audited.
@Suite(.serialized) struct AwardAPITests {
    static func json(_ o: Any) -> Data { try! JSONSerialization.data(withJSONObject: o) }

    @Test func fromApplicationToPaymentThroughTheAPIAndThePortal() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let firmToken = try await s.login("firm", "Firm#20262026")
        let nc = try await s.login("nanchang", "Nanchang#2026")
        let yc = try await s.login("yichun", "Yichun#20262026")
        let firm = try #require(try await s.get("/api/v1/me", token: firmToken).object["scope"] as? String)

        // 我的政策 as data: sentences with names, never rule code; 免申即享 never takes an application.
        let mine = try await s.get("/api/v1/enterprises/\(firm)/policies", token: firmToken)
        #expect(mine.status == 200 && mine.object["received"] as? Double == 0)
        let items = mine.object["items"] as? [[String: Any]] ?? []
        #expect(items.count >= 10)
        for item in items {
            for c in item["criteria"] as? [[String: Any]] ?? [] {
                let sentence = c["sentence"] as? String ?? ""
                #expect(!sentence.isEmpty && !sentence.contains(">=") && !sentence.contains("_") && !sentence.contains(" has"), "\(sentence)")
            }
            if item["autoGrant"] as? Bool == true { #expect(item["canApply"] as? Bool == false && (item["applyNote"] as? String)?.contains("免申即享") == true) }
            #expect(item["issuer"] as? String != nil && item["validFrom"] as? String != nil)
        }
        // An application the firm's figures do not support is accepted for review ...
        let failing = try #require(items.first { $0["canApply"] as? Bool == true && $0["outcome"] as? String == "ineligible" }, "an open application policy the firm fails")
        let policyId = try #require(failing["policyId"] as? String)
        let applied = try await s.request("POST", "/api/v1/policies/\(policyId)/applications", token: firmToken, body: Self.json(["note": "请审核"]))
        #expect(applied.status == 201 && applied.object["state"] as? String == "pending")
        let awardId = try #require(applied.object["id"] as? String)
        #expect(try await s.request("POST", "/api/v1/policies/HNTE-REWARD/applications", token: firmToken).status == 409)

        // ... and seen by the 南昌 official with the criteria it fails, as sentences.
        let list = try await s.get("/api/v1/awards?check=failing&limit=500", token: nc)
        #expect(list.status == 200)
        let row = try #require((list.object["items"] as? [[String: Any]] ?? []).first { ($0["award"] as? [String: Any])?["id"] as? String == awardId })
        #expect(!(row["failed"] as? [String] ?? []).isEmpty && row["firmName"] as? String != nil)
        #expect(try await s.get("/api/v1/awards?state=nonsense", token: nc).status == 400)
        #expect(try await s.get("/api/v1/awards?region=999999", token: nc).status == 400)

        // 宜春 may not act on a 南昌 firm's award: refused and in the ledger.
        #expect(try await s.request("POST", "/api/v1/awards/\(awardId)/approve", token: yc).status == 403)
        #expect(try await s.get("/api/v1/awards/\(awardId)", token: yc).status == 404)
        #expect(try await s.services.ledger.entries(actor: "yichun").contains { $0.action == "award approve" && $0.outcome == "denied" && $0.target == "award:\(awardId)" })

        // The steps in order; out of order is a conflict, a rejection needs a reason, 公示 days are checked.
        #expect(try await s.request("POST", "/api/v1/awards/\(awardId)/reject", token: nc).status == 400)
        #expect(try await s.request("POST", "/api/v1/awards/\(awardId)/pay", token: nc).errorCode == "wrong_state")
        let approved = try await s.request("POST", "/api/v1/awards/\(awardId)/approve", token: nc, body: Self.json(["note": "材料齐全", "amount": 12.5]))
        #expect(approved.status == 200 && approved.object["state"] as? String == "approved" && approved.object["amount"] as? Double == 12.5)
        #expect(try await s.request("POST", "/api/v1/awards/\(awardId)/publish", token: nc, body: Self.json(["days": 0])).status == 400)
        let published = try await s.request("POST", "/api/v1/awards/\(awardId)/publish", token: nc, body: Self.json(["days": 5]))
        #expect(published.status == 200 && published.object["publicityUntil"] as? String != nil)
        #expect(try await s.request("POST", "/api/v1/awards/\(awardId)/pay", token: nc).errorCode == "publicity_running")
        // 公示 over (the dates moved back, not the clock): paid, and the firm's total received shows it.
        var stored = try #require(try await s.services.store.award(awardId))
        stored.publicityFrom = "2026-01-05"
        stored.publicityUntil = "2026-01-09"
        try await s.services.store.saveAwards([stored])
        let paid = try await s.request("POST", "/api/v1/awards/\(awardId)/pay", token: nc, body: Self.json(["note": "国库集中支付"]))
        #expect(paid.status == 200 && paid.object["state"] as? String == "paid")
        let detail = try await s.get("/api/v1/awards/\(awardId)", token: nc)
        #expect(((detail.object["award"] as? [String: Any])?["history"] as? [[String: Any]])?.compactMap { $0["by"] as? String } == ["firm", "nanchang", "nanchang", "nanchang"])
        #expect(try await s.get("/api/v1/enterprises/\(firm)/policies", token: firmToken).object["received"] as? Double == 12.5)
        let ledger = try await s.services.ledger.entries(actor: "nanchang").filter { $0.target == "award:\(awardId)" }
        #expect(ledger.filter { $0.outcome == "ok" }.map(\.action) == ["award approve", "award publish", "award pay"])

        // A batch: each award on its own; one outside the scope is refused without stopping the others.
        let pendingNC = try #require((try await s.get("/api/v1/awards?state=pending&limit=3", token: nc).object["items"] as? [[String: Any]])?
            .compactMap { ($0["award"] as? [String: Any])?["id"] as? String })
        let pendingYC = try #require((try await s.get("/api/v1/awards?state=pending&limit=1", token: yc).object["items"] as? [[String: Any]])?
            .compactMap { ($0["award"] as? [String: Any])?["id"] as? String }.first)
        let batch = try await s.request("POST", "/api/v1/awards/batch", token: nc, body: Self.json(["action": "approve", "ids": pendingNC + [pendingYC]]))
        let outcomes = batch.object["items"] as? [[String: Any]] ?? []
        #expect(batch.status == 200 && outcomes.count == pendingNC.count + 1)
        #expect(outcomes.filter { $0["ok"] as? Bool == true }.count == pendingNC.count)
        #expect(outcomes.last?["ok"] as? Bool == false)
        #expect(try await s.request("POST", "/api/v1/awards/batch", token: nc, body: Self.json(["action": "nonsense", "ids": [awardId]])).status == 400)

        // The portal: the enterprise reads plain Chinese with its total received; 申报 only where it makes sense.
        let portalFirm = PortalClient(base: s.base)
        #expect(try await portalFirm.login("firm", "Firm#20262026").status == 303)
        let page = try await portalFirm.get("/my/policies")
        #expect(page.status == 200 && page.html.contains("已拨付合计") && page.html.contains("12.5"))
        for code in ["revenue_last_year", ">=", "has any", "above_scale", "qualifications has", "&gt;="] { #expect(!page.html.contains(code), "\(code)") }
        #expect(!page.html.contains("action=\"/my/policies/HNTE-REWARD/apply\""), "no 申报 on 免申即享")
        #expect(page.html.contains("公示期 2026-01-05 至 2026-01-09"))

        // The official's pages: the list with failing applications, a batch from the portal, one award's timeline.
        let official = PortalClient(base: s.base)
        #expect(try await official.login("nanchang", "Nanchang#2026").status == 303)
        let awards = try await official.get("/policies/awards?check=failing")
        #expect(awards.status == 200 && awards.html.contains("不满足：") && awards.html.contains("政策兑现审核"))
        let token = try #require(awards.csrf)
        let next = try #require((try await s.get("/api/v1/awards?state=pending&limit=1", token: nc).object["items"] as? [[String: Any]])?
            .compactMap { ($0["award"] as? [String: Any])?["id"] as? String }.first)
        let posted = try await official.post("/policies/awards/batch", ["_csrf": token, "action": "approve", "pick.\(next)": "on", "back": "/policies/awards"])
        #expect(posted.status == 303 && (posted.headers["location"] ?? "").contains("done="))
        #expect(try await s.services.store.award(next)?.state == "approved")
        #expect(try await official.post("/policies/awards/batch", ["_csrf": "bad", "action": "approve", "pick.\(next)": "on"]).status == 403)
        let one = try await official.get("/policies/awards/\(awardId)")
        #expect(one.status == 200 && one.html.contains("已拨付") && one.html.contains("国库集中支付") && one.html.contains("办理记录"))
        let rejected = try await official.post("/policies/awards/\(next)", ["_csrf": token, "action": "reject", "note": ""])
        #expect(rejected.status == 303 && (rejected.headers["location"] ?? "").contains("error="))
        let yichun = PortalClient(base: s.base)
        #expect(try await yichun.login("yichun", "Yichun#20262026").status == 303)
        #expect(try await yichun.get("/policies/awards/\(awardId)").status == 404)
        #expect(try await portalFirm.get("/policies/awards").status == 403)
    }
}
