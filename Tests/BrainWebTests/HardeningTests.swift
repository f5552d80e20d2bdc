import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import BrainWeb

/// The hardening issue's findings over HTTP, each replayed as the probe did it.
@Suite(.serialized) struct HardeningTests {
    @Test func findings() async throws {
        let s = try await TestServer.start()
        try await poisonedNumbersAreRefused(s)
        try await poisonedStoredValuesAreSkipped(s)
        try await importsCannotEscalateScope(s)
        try await portalOutcomesReachTheLedger(s)
        try await smallerFindings(s)
        try await expertsGetNoFirmFigures(s)
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
        try await s.services.cubes.refresh(from: s.services.store, catalog: s.services.catalog)
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

    /// Finding 4: portal refusals (403, CSRF), portal writes and reads of one firm's data are in the ledger like the API's.
    func portalOutcomesReachTheLedger(_ s: TestServer) async throws {
        let portal = PortalClient(base: s.base)
        #expect(try await portal.login("nanchang", "Nanchang#2026").status == 303)
        let before = try await s.services.ledger.entries().count
        let forbidden = try await portal.get("/console")
        #expect(forbidden.status == 403)
        let csrf = try await portal.post("/news", ["title": "无令牌", "body": "x", "mode": "now"])
        #expect(csrf.status == 403)
        let local = try firm(s, city: "360100")
        #expect(try await portal.get("/enterprises/\(local.uscc)").status == 200)
        let entries = try await s.services.ledger.entries(after: before).filter { $0.actor == "nanchang" }
        #expect(entries.contains { $0.target == "/console" && $0.outcome == "denied" }, "\(entries.map(\.action))")
        #expect(entries.contains { $0.target == "/news" && $0.outcome == "denied" && $0.action.hasPrefix("POST") })
        #expect(entries.contains { $0.target == "/enterprises/\(local.uscc)" && $0.outcome == "ok" })
        // Refused API writes are audited whatever refused them: a body over the route's limit (413) and bad JSON (400).
        let admin = try await s.login("admin", "Admin#20262026")
        let big = try await s.request("POST", "/api/v1/announcements", token: admin, body: Data(("{\"title\":\"" + String(repeating: "x", count: 300 * 1024) + "\"}").utf8))
        #expect(big.status == 413)
        let broken = try await s.request("POST", "/api/v1/announcements", token: admin, body: Data("{not json".utf8))
        #expect(broken.status == 400)
        let refused = try await s.services.ledger.entries(after: before).filter { $0.actor == "admin" && $0.target == "/api/v1/announcements" }
        #expect(refused.contains { $0.outcome == "rejected" && $0.detail.contains("\"status\":413") }, "\(refused.map(\.detail))")
        #expect(refused.contains { $0.outcome == "rejected" && $0.detail.contains("\"status\":400") })
        #expect(try await s.services.ledger.verify().ok)
    }

    /// Finding 7 and 6: the smaller ones.
    func smallerFindings(_ s: TestServer) async throws {
        // Sign-in bodies stop at 16 KiB.
        let huge = try await s.request("POST", "/api/v1/auth/login", body: Data(("{\"username\":\"admin\",\"password\":\"" + String(repeating: "x", count: 1 << 20) + "\"}").utf8))
        #expect(huge.status == 413)
        // Unknown and real names answer alike, lock alike.
        for name in ["nobody-at-all", "yichun"] {
            var last = ""
            for _ in 0..<5 { last = try await s.request("POST", "/api/v1/auth/login", body: Data("{\"username\":\"\(name)\",\"password\":\"Wrong#2026xx\"}".utf8)).errorMessage }
            let sixth = try await s.request("POST", "/api/v1/auth/login", body: Data("{\"username\":\"\(name)\",\"password\":\"Wrong#2026xx\"}".utf8))
            #expect(sixth.status == 401 && sixth.errorCode == "account_locked", "\(name): \(sixth.errorMessage)")
            #expect(!last.contains(name) && !sixth.errorMessage.contains(name))
        }
        try await s.services.store.clearLoginFailures("yichun")
        // Wrong current passwords count toward the lockout.
        _ = try await s.services.accounts.add(username: "pw-guess", password: "Guess#20262026", role: .provider, scope: nil, cost: 4)
        let guesser = try await s.login("pw-guess", "Guess#20262026")
        for _ in 0..<5 {
            _ = try await s.request("POST", "/api/v1/me/password", token: guesser, body: Data(#"{"currentPassword":"Nope#20262026","newPassword":"Better#20262026x"}"#.utf8))
        }
        let locked = try await s.request("POST", "/api/v1/auth/login", body: Data(#"{"username":"pw-guess","password":"Guess#20262026"}"#.utf8))
        #expect(locked.status == 401 && locked.errorCode == "account_locked")
        // A city's news is that city's: 宜春 cannot publish 南昌's draft nor read its news; the province reads all.
        let nc = try await s.login("nanchang", "Nanchang#2026"), yc = try await s.login("yichun", "Yichun#20262026")
        let draft = try await s.request("POST", "/api/v1/announcements", token: nc, body: Data(#"{"title":"=HYPERLINK(\"http://x\")南昌通知","body":"仅南昌","draft":true}"#.utf8))
        let draftId = try #require(draft.object["id"] as? String)
        #expect(try await s.request("POST", "/api/v1/announcements/\(draftId)/publish", token: yc).status == 404)
        #expect(try await s.request("POST", "/api/v1/announcements/\(draftId)/publish", token: nc).status == 200)
        let ycNews = try #require(try await s.get("/api/v1/announcements", token: yc).object["items"] as? [[String: Any]])
        #expect(!ycNews.contains { $0["id"] as? String == draftId })
        let firmNews = try #require(try await s.get("/api/v1/announcements", token: try await s.login("firm", "Firm#20262026")).object["items"] as? [[String: Any]])
        #expect(firmNews.contains { $0["id"] as? String == draftId }, "a 南昌 firm reads 南昌's news")
        // CSV exports neutralise formulas (the warnings export carries firm names; the helper covers every cell).
        let portal = PortalClient(base: s.base)
        _ = try await portal.login("nanchang", "Nanchang#2026")
        let export = try await portal.get("/warnings.csv")
        #expect(export.status == 200)
        for line in export.html.split(whereSeparator: \.isNewline) {
            for cell in line.split(separator: ",") { #expect(!"=+@".contains(cell.first ?? " ") || Double(cell) != nil, "\(cell)") }
        }
        // Logout without the form token changes nothing: the session still works.
        let out = try await portal.post("/logout", [:])
        #expect(out.status == 403)
        #expect(try await portal.get("/").status == 200)
        // Login CSRF: a sign-in form posted from another site is refused.
        var req = URLRequest(url: URL(string: s.base + "/login")!)
        req.httpMethod = "POST"
        req.httpBody = Data("username=nanchang&password=Nanchang%232026".utf8)
        req.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        req.setValue("https://evil.example", forHTTPHeaderField: "Origin")
        let (_, cross) = try await URLSession.shared.data(for: req)
        #expect((cross as! HTTPURLResponse).statusCode == 403)
        req.setValue(nil, forHTTPHeaderField: "Origin")
        req.setValue("cross-site", forHTTPHeaderField: "Sec-Fetch-Site")
        let (_, fetchSite) = try await URLSession.shared.data(for: req)
        #expect((fetchSite as! HTTPURLResponse).statusCode == 403)
        // Chromium sends Origin: null with our no-referrer policy, and Sec-Fetch-Site: same-origin: that is accepted.
        req.setValue("null", forHTTPHeaderField: "Origin")
        req.setValue("same-origin", forHTTPHeaderField: "Sec-Fetch-Site")
        let (_, same) = try await URLSession.shared.data(for: req)
        #expect((same as! HTTPURLResponse).statusCode != 403, "signed in (URLSession follows the redirect home)")
        // Revoking a grant twice: the second answer is 409; another firm's grant id is 404.
        let firmToken = try await s.login("firm", "Firm#20262026")
        let me = try #require(try await s.get("/api/v1/me", token: firmToken).object["scope"] as? String)
        // The portal and the API offer only the providers a firm deals with; a grant to an official (made here directly)
        // must still open no more than the granted data.
        #expect(try await s.request("POST", "/api/v1/enterprises/\(me)/grants", token: firmToken,
                                    body: Data(#"{"grantee":"yichun","datasets":["indicators"],"purpose":"供应链核查","days":30}"#.utf8)).status == 400)
        let grantId = "G-hardening"
        try await s.services.grants.create(DataGrant(id: grantId, owner: me, grantee: "yichun", datasets: [.indicators], purpose: "供应链核查",
                                                     expiresAt: Timestamp.string(Date().addingTimeInterval(30 * 86_400)), createdBy: "firm",
                                                     createdAt: Timestamp.now(), revokedAt: nil, revokedBy: nil))
        // The 宜春 official (a scoped user) reads the 南昌 firm's figures under the grant, on the detail route too.
        let detail = try await s.get("/api/v1/enterprises/\(me)", token: yc)
        #expect(detail.status == 200 && detail.object["indicatorsVisible"] as? Bool == true, "\(detail.status) \(detail.errorMessage)")
        #expect(try await s.request("POST", "/api/v1/grants/\(grantId)/revoke", token: firmToken).status == 200)
        #expect(try await s.request("POST", "/api/v1/grants/\(grantId)/revoke", token: firmToken).status == 409)
        // Unknown user names and the firm's own account get the same message.
        let unknown = try await s.request("POST", "/api/v1/enterprises/\(me)/grants", token: firmToken,
                                          body: Data(#"{"grantee":"no-such-user-x","datasets":["indicators"],"purpose":"p","days":3}"#.utf8))
        let own = try await s.request("POST", "/api/v1/enterprises/\(me)/grants", token: firmToken,
                                      body: Data(#"{"grantee":"firm","datasets":["indicators"],"purpose":"p","days":3}"#.utf8))
        #expect(unknown.status == 400 && own.status == 400)
        #expect(unknown.errorMessage.replacingOccurrences(of: "no-such-user-x", with: "X") == own.errorMessage.replacingOccurrences(of: "firm", with: "X"))
    }

    /// Finding 5, roles: experts read statistics but no enterprise figures, so no warning about one firm reaches them.
    func expertsGetNoFirmFigures(_ s: TestServer) async throws {
        _ = try await s.services.accounts.add(username: "expert-x", password: "Expert#20262026", role: .expert, scope: nil, cost: 4)
        let expert = try await s.login("expert-x", "Expert#20262026")
        let list = try #require(try await s.get("/api/v1/warnings?limit=500", token: expert).object["items"] as? [[String: Any]])
        #expect(list.allSatisfy { $0["subjectType"] as? String != "enterprise" })
        let admin = try await s.login("admin", "Admin#20262026")
        let firmWarning = try #require((try await s.get("/api/v1/warnings?limit=5", token: admin).object["items"] as? [[String: Any]])?
            .first { $0["subjectType"] as? String == "enterprise" }?["id"] as? String)
        #expect(try await s.get("/api/v1/warnings/\(firmWarning)", token: expert).status == 404)
        // Chain analyses name no leader and withhold the figures of small or dominated links; no divergence list; no
        // per-firm policy matches.
        let chain = try await s.get("/api/v1/chains/NFM/analysis", token: expert)
        #expect(chain.status == 200)
        let links = try #require(chain.object["links"] as? [[String: Any]])
        #expect(links.allSatisfy { ($0["leaders"] as? [Any])?.isEmpty == true })
        #expect(links.filter { ($0["localFirms"] as? Int ?? 0) > 0 && ($0["localFirms"] as? Int ?? 0) < 3 }.allSatisfy { $0["output"] == nil && $0["suppressed"] != nil })
        let adminChain = try #require(try await s.get("/api/v1/chains/NFM/analysis", token: admin).object["links"] as? [[String: Any]])
        #expect(adminChain.contains { !(($0["leaders"] as? [Any])?.isEmpty ?? true) }, "the administrator still sees leaders")
        let power = try await s.get("/api/v1/monitor/electricity", token: expert)
        #expect((power.object["divergent"] as? [Any])?.isEmpty == true)
        let matches = try await s.get("/api/v1/policies/HNTE-REWARD/matches?limit=50", token: expert)
        #expect((matches.object["items"] as? [Any])?.isEmpty == true, "\(matches.status)")
        // A zone manager naming a region its zone does not touch is refused, as city and county officials are.
        _ = try await s.services.accounts.add(username: "zone-x", password: "Zone#20262026x", role: .zoneManager, scope: "Z360101", cost: 4)
        let zone = try await s.login("zone-x", "Zone#20262026x")
        #expect(try await s.get("/api/v1/chains/NFM/analysis?region=360900", token: zone).status == 403)
        #expect(try await s.get("/api/v1/chains/NFM/analysis", token: zone).status == 200)
    }
}
