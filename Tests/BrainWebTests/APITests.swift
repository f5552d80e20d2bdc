import BrainCore
import Foundation
import Testing
@testable import BrainWeb

/// The API and portal over HTTP, one test per area, each on its own freshly seeded server (they run in parallel).
@Suite struct APITests {
    /// Runs `body` against a fresh server with the administrator's token, stopping the server afterwards. The server has
    /// scanned for warnings as `brain serve` does at start; `afterServices` first runs the enterprise services' flow
    /// (listings, diagnoses, a policy) for tests that read what it leaves.
    func withServer(afterServices: Bool = false, _ body: (TestServer, String) async throws -> Void) async throws {
        let server = try await TestServer.start()
        do {
            try await server.services.refreshAnalyses()
            let admin = try await server.login("admin", "Admin#20262026")
            if afterServices { try await enterpriseServices(server, admin) }
            try await body(server, admin)
        } catch { await server.stop(); throw error }
        await server.stop()
    }

    @Test func systemRoutesTest() async throws { try await withServer { s, _ in try await systemRoutes(s) } }
    @Test func authRulesTest() async throws { try await withServer { s, _ in try await authRules(s) } }
    @Test func catalogRoutesTest() async throws { try await withServer { s, admin in try await catalogRoutes(s, admin) } }
    @Test func enterpriseListingTest() async throws { try await withServer { s, admin in try await enterpriseListing(s, admin) } }
    @Test func scopesTest() async throws { try await withServer { s, admin in try await scopes(s, admin) } }
    @Test func badInputTest() async throws { try await withServer { s, admin in try await badInput(s, admin) } }
    @Test func importThroughTheAPITest() async throws { try await withServer { s, _ in try await importThroughTheAPI(s) } }
    @Test func monitoringTest() async throws { try await withServer { s, _ in try await monitoring(s) } }
    @Test func warningsTest() async throws { try await withServer { s, _ in try await warnings(s) } }
    @Test func enterpriseServicesTest() async throws { try await withServer { s, admin in try await enterpriseServices(s, admin) } }
    @Test func identityFlowsTest() async throws { try await withServer { s, admin in try await identityFlows(s, admin) } }
    @Test func dataGrantsTest() async throws { try await withServer(afterServices: true) { s, _ in try await dataGrants(s) } }
    @Test func pendingEnrolmentTest() async throws { try await withServer { s, _ in try await pendingEnrolment(s) } }
    @Test func hygieneTest() async throws { try await withServer { s, admin in try await hygiene(s, admin) } }
    @Test func accessMatrixTest() async throws { try await withServer { s, _ in try await accessMatrix(s) } }
    @Test func portalTest() async throws { try await withServer { s, _ in try await portal(s) } }
    @Test func portalReachTest() async throws { try await withServer(afterServices: true) { s, _ in try await portalReach(s) } }
    @Test func portalApplicationsTest() async throws { try await withServer(afterServices: true) { s, _ in try await portalApplications(s) } }
    @Test func auditTrailTest() async throws { try await withServer(afterServices: true) { s, _ in try await authRules(s); try await auditTrail(s) } }

    func systemRoutes(_ s: TestServer) async throws {
        let health = try await s.get("/healthz")
        #expect(health.status == 200)
        #expect(health.object["status"] as? String == "ok")
        #expect(health.object["enterprises"] as? Int == 500)
        let openapi = try await s.get("/openapi.json")
        #expect(openapi.object["openapi"] as? String == "3.1.0")
        let paths = try #require(openapi.object["paths"] as? [String: [String: Any]])
        let documented = BrainServer(services: s.services).documentedRoutes()
        #expect(documented.count >= 10)
        for route in documented { #expect(paths[route.path]?[route.method] != nil, "\(route.method) \(route.path) missing from openapi.json") }
        // Every schema reference resolves.
        let schemas = try #require((openapi.object["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let text = String(decoding: openapi.data, as: UTF8.self)
        let refs = Set(text.components(separatedBy: "#/components/schemas/").dropFirst().map { String($0.prefix { $0 != "\"" }) })
        for name in refs { #expect(schemas[name] != nil, "schema \(name) is referenced but not defined") }
        // Requests are counted and timed per route, method and status; a refusal thrown before the route also as an error.
        #expect(try await s.get("/healthz").status == 200)
        #expect(try await s.get("/api/v1/chains").status == 401)
        let metrics = try await s.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.contentType?.hasPrefix("text/plain") == true)
        let exposition = String(decoding: metrics.data, as: UTF8.self)
        for line in ["hb_requests{http_route=\"/healthz\",http_request_method=\"GET\",http_response_status_code=\"200\"}",
                     "hb_requests{http_route=\"/api/v1/chains\",http_request_method=\"GET\",http_response_status_code=\"401\"}",
                     "hb_request_errors{http_route=\"/api/v1/chains\",http_request_method=\"GET\",error_type=\"401\"}",
                     "http_server_request_duration_bucket{http_route=\"/healthz\",http_request_method=\"GET\",http_response_status_code=\"200\"",
                     "http_server_active_requests{http_request_method=\"GET\"}"] {
            #expect(exposition.contains(line), "\(line) is missing from /metrics")
        }
    }

    func authRules(_ s: TestServer) async throws {
        // Every documented route except login refuses a caller without a token.
        for route in BrainServer(services: s.services).documentedRoutes() where route.path != "/api/v1/auth/login" {
            let path = route.path.replacingOccurrences(of: "{code}", with: "NFM").replacingOccurrences(of: "{uscc}", with: s.manifest.distressed[0].uscc)
                .replacingOccurrences(of: "{kind}", with: "enterprises")
            let r = try await s.request(route.method.uppercased(), path, body: route.method == "post" ? Data("x".utf8) : nil)
            #expect(r.status == 401, "\(route.method) \(path) answered \(r.status) without a token")
            #expect(r.errorCode == "unauthorized")
        }
        let bad = try await s.request("POST", "/api/v1/auth/login", body: Data(#"{"username":"admin","password":"nope"}"#.utf8))
        #expect(bad.status == 401)
        #expect(bad.errorMessage.contains("wrong user name or password"))
        let garbage = try await s.request("POST", "/api/v1/auth/login", body: Data("{not json".utf8))
        #expect(garbage.status == 400)
        let forged = try await s.get("/api/v1/chains", token: "abc.def")
        #expect(forged.status == 401)
    }

    func catalogRoutes(_ s: TestServer, _ token: String) async throws {
        let chains = try await s.get("/api/v1/chains", token: token)
        let items = try #require(chains.object["items"] as? [[String: Any]])
        #expect(items.count == 12)
        #expect(items.allSatisfy { ($0["linkCount"] as? Int ?? 0) >= 8 })
        let nfm = try await s.get("/api/v1/chains/NFM", token: token)
        #expect(nfm.object["name"] as? String == "有色金属")
        #expect((nfm.object["edges"] as? [Any])?.isEmpty == false)
        #expect(try await s.get("/api/v1/chains/NOPE", token: token).status == 404)
        let regions = try await s.get("/api/v1/regions?level=city", token: token)
        #expect((regions.object["items"] as? [Any])?.count == 11)
        let counties = try await s.get("/api/v1/regions?parent=360600", token: token)
        #expect((counties.object["items"] as? [Any])?.count == 3)
        let zones = try await s.get("/api/v1/zones?region=360400", token: token)
        let zoneNames = (zones.object["items"] as? [[String: Any]] ?? []).compactMap { $0["shortName"] as? String }
        #expect(zoneNames.contains("赣江新区"))
        let elements = try await s.get("/api/v1/catalog/elements?dataset=indicator", token: token)
        let names = (elements.object["items"] as? [[String: Any]] ?? []).compactMap { $0["nameZh"] as? String }
        for n in ["工业总产值", "营业收入", "利润总额", "用电量", "税收", "从业人员", "出口交货值", "研发费用", "应收账款", "产成品存货"] {
            #expect(names.contains(n))
        }
        let all = try await s.get("/api/v1/catalog/elements", token: token)
        for e in all.object["items"] as? [[String: Any]] ?? [] {
            #expect(e["id"] is String && e["type"] is String && e["nameZh"] is String)
        }
    }

    func enterpriseListing(_ s: TestServer, _ token: String) async throws {
        let r = try await s.get("/api/v1/enterprises?region=360600&limit=500", token: token)
        let items = try #require(r.object["items"] as? [[String: Any]])
        #expect((r.object["total"] as? Int ?? 0) == items.count)
        #expect(!items.isEmpty)
        #expect(items.allSatisfy { $0["city"] as? String == "360600" })
        var chainCount: [String: Int] = [:]
        for e in items { for c in e["chains"] as? [String] ?? [] { chainCount[c, default: 0] += 1 } }
        #expect(chainCount.max { $0.value < $1.value }?.key == "NFM", "鹰潭 should be copper-heavy: \(chainCount)")
        let page = try await s.get("/api/v1/enterprises?limit=7&offset=7&above_scale=true&chain=ELEC", token: token)
        #expect((page.object["items"] as? [Any])?.count == 7)
        #expect((page.object["total"] as? Int ?? 0) > 14)
        let uscc = try #require(items.first?["uscc"] as? String)
        let detail = try await s.get("/api/v1/enterprises/\(uscc.lowercased())", token: token)
        #expect(detail.status == 200)
        #expect((detail.object["indicators"] as? [Any])?.count ?? 0 >= 40)
        #expect(detail.object["indicatorsVisible"] as? Bool == true)
    }

    func scopes(_ s: TestServer, _ adminToken: String) async throws {
        let nc = try await s.login("nanchang", "Nanchang#2026")
        let mine = try await s.get("/api/v1/enterprises?limit=500", token: nc)
        let items = try #require(mine.object["items"] as? [[String: Any]])
        #expect(!items.isEmpty)
        #expect(items.allSatisfy { $0["city"] as? String == "360100" })
        let yingtan = try await s.get("/api/v1/enterprises?region=360600&limit=1", token: adminToken)
        let foreign = try #require((yingtan.object["items"] as? [[String: Any]])?.first?["uscc"] as? String)
        let refused = try await s.get("/api/v1/enterprises/\(foreign)", token: nc)
        #expect(refused.status == 403)
        #expect(refused.errorCode == "forbidden")
        #expect(try await s.get("/api/v1/enterprises?region=360600", token: nc).status == 403)
        let firm = try await s.login("firm", "Firm#20262026")
        let own = try await s.get("/api/v1/enterprises", token: firm)
        #expect(own.object["total"] as? Int == 1)
        #expect(try await s.get("/api/v1/enterprises/\(foreign)", token: firm).status == 403)
        let provider = try await s.login("provider", "Provider#2026")
        let profile = try await s.get("/api/v1/enterprises/\(foreign)", token: provider)
        #expect(profile.status == 200)
        #expect(profile.object["indicatorsVisible"] as? Bool == false)
        #expect((profile.object["indicators"] as? [Any])?.isEmpty == true)
        #expect(try await s.request("POST", "/api/v1/imports/enterprises", token: provider, body: Data("a".utf8), contentType: "text/csv").status == 403)
    }

    func badInput(_ s: TestServer, _ token: String) async throws {
        let cases: [(String, String)] = [
            ("/api/v1/enterprises?limit=0", "limit"), ("/api/v1/enterprises?limit=abc", "limit"), ("/api/v1/enterprises?offset=-1", "offset"),
            ("/api/v1/enterprises?region=999999", "region"), ("/api/v1/enterprises?zone=Z999999", "zone"), ("/api/v1/enterprises?chain=XYZ", "chain"),
            ("/api/v1/enterprises?size=huge", "size"), ("/api/v1/enterprises?industry=0111", "industry"), ("/api/v1/enterprises?above_scale=maybe", "above_scale"),
            ("/api/v1/enterprises?colour=red", "colour"), ("/api/v1/enterprises/NOTACODE", "uscc"), ("/api/v1/regions?level=planet", "level"),
            ("/api/v1/catalog/elements?dataset=x", "dataset"),
        ]
        for (path, parameter) in cases {
            let r = try await s.get(path, token: token)
            #expect(r.status == 400, "\(path) → \(r.status)")
            #expect(r.errorMessage.hasPrefix(parameter + ":"), "\(path): \(r.errorMessage)")
        }
        let missing = try await s.get("/api/v1/nothing-here", token: token)
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        let unknownFirm = try await s.get("/api/v1/enterprises/\(CreditCode.make(region: "360100", body: "ZZZZZZZZ".replacingOccurrences(of: "Z", with: "Y"))!.value)", token: token)
        #expect(unknownFirm.status == 404)
    }

    func importThroughTheAPI(_ s: TestServer) async throws {
        let nc = try await s.login("nanchang", "Nanchang#2026")
        let inside = CreditCode.make(region: "360121", body: "NCIMPORT".replacingOccurrences(of: "I", with: "1").replacingOccurrences(of: "O", with: "0"))!.value
        let outside = CreditCode.make(region: "360681", body: "YT000001")!.value
        let csv = "uscc,name,region,industry,employees,revenue\n\(inside),南昌导入测试有限公司,360121,3971,88,2600\n\(outside),鹰潭越权有限公司,360681,3211,50,900\n"
        let r = try await s.request("POST", "/api/v1/imports/enterprises", token: nc, body: Data(csv.utf8), contentType: "text/csv")
        #expect(r.status == 200)
        #expect(r.object["rowsAccepted"] as? Int == 1)
        let problems = r.object["problems"] as? [[String: Any]] ?? []
        #expect(problems.first?["row"] as? Int == 3)
        #expect((problems.first?["reason"] as? String)?.contains("scope") == true)
        let again = try await s.request("POST", "/api/v1/imports/enterprises", token: nc, body: Data(csv.utf8), contentType: "text/csv")
        #expect(again.object["rowsChanged"] as? Int == 0)
        #expect(again.object["seenBefore"] as? Bool == true)
        let badKind = try await s.request("POST", "/api/v1/imports/widgets", token: nc, body: Data(csv.utf8), contentType: "text/csv")
        #expect(badKind.status == 404)
        let badFile = try await s.request("POST", "/api/v1/imports/enterprises", token: nc, body: Data("foo,bar\n1,2\n".utf8), contentType: "text/csv")
        #expect(badFile.status == 400)
        #expect(badFile.errorMessage.contains("统一社会信用代码"))
    }

    func monitoring(_ s: TestServer) async throws {
        let yc = try await s.login("yichun", "Yichun#20262026")
        let o = try await s.get("/api/v1/monitor/overview", token: yc)
        #expect(o.status == 200)
        #expect((o.object["scope"] as? [String: Any])?["regionName"] as? String == "宜春市")
        #expect(o.object["period"] as? String == "2026-10")
        let regions = ((o.object["breakdown"] as? [String: Any])?["regions"] as? [[String: Any]]) ?? []
        #expect(!regions.isEmpty)
        #expect(regions.allSatisfy { ($0["code"] as? String)?.hasPrefix("3609") == true })
        #expect((o.object["series"] as? [Any])?.count == 24)
        #expect(try await s.get("/api/v1/monitor/overview?region=360100", token: yc).status == 403)
        let future = try await s.get("/api/v1/monitor/overview?period=2030-01", token: yc)
        #expect(future.status == 400)
        #expect(future.errorMessage.hasPrefix("period:"))
        let firm = try await s.login("firm", "Firm#20262026")
        #expect(try await s.get("/api/v1/monitor/overview", token: firm).status == 403)
        let power = try await s.get("/api/v1/monitor/electricity", token: yc)
        #expect(power.status == 200)
        #expect((power.object["whole"] as? [String: Any])?["code"] as? String == "360900")
        let chain = try await s.get("/api/v1/chains/NEWENERGY/analysis", token: yc)
        #expect(chain.status == 200)
        #expect(chain.object["regionName"] as? String == "宜春市")
        #expect((chain.object["links"] as? [Any])?.count == 12)
        #expect(try await s.get("/api/v1/chains/NEWENERGY/analysis?region=360100", token: yc).status == 403)
        #expect(try await s.get("/api/v1/chains/NEWENERGY/analysis?chain=NFM", token: yc).status == 400)
        #expect(try await s.get("/api/v1/chains/NOPE/analysis", token: yc).status == 404)
        let talent = try await s.get("/api/v1/talent/map", token: yc)
        #expect(talent.status == 200)
        #expect((talent.object["cities"] as? [[String: Any]])?.map { $0["code"] as? String } == ["360900"])
        #expect(try await s.get("/api/v1/talent/map?region=360100", token: yc).status == 403)
        #expect(try await s.get("/api/v1/talent/map?period=2019-03", token: yc).status == 400)
    }

    func warnings(_ s: TestServer) async throws {
        let admin = try await s.login("admin", "Admin#20262026")
        let falling = CreditCode.make(region: "360902", body: "WARN0001".replacingOccurrences(of: "O", with: "0"))!.value
        let steady = CreditCode.make(region: "360902", body: "WARN0002".replacingOccurrences(of: "O", with: "0"))!.value
        let firms = "uscc,name,region,industry,employees,revenue\n\(falling),江西下滑测试锂电有限公司,360902,3841,400,30000\n"
            + "\(steady),江西平稳测试锂电有限公司,360902,3841,400,30000\n"
        #expect(try await s.request("POST", "/api/v1/imports/enterprises", token: admin, body: Data(firms.utf8), contentType: "text/csv").status == 200)
        var rows = ["uscc,month,output_value,revenue,profit,electricity,tax,employees,export_value,rd_expense,receivables,inventory"]
        for m in Month.range(Month("2025-02")!, Month("2026-10")!) where m.month != 1 {
            for code in [falling, steady] {
                let output = code == falling && m == Month("2026-10")! ? 1_000.0 : 2_500.0
                rows.append("\(code),\(m),\(output),\(output * 0.95),120,300,80,400,0,50,4000,1500")
            }
        }
        let imported = try await s.request("POST", "/api/v1/imports/indicators", token: admin, body: Data(rows.joined(separator: "\n").utf8), contentType: "text/csv")
        #expect(imported.object["rowsAccepted"] as? Int == 40)
        let red = try await s.get("/api/v1/warnings?enterprise=\(falling)&kind=output-drop", token: admin)
        let items = red.object["items"] as? [[String: Any]] ?? []
        #expect(items.count == 1)
        let w = try #require(items.first)
        #expect(w["level"] as? String == "red")
        #expect(w["period"] as? String == "2026-10")
        #expect((w["explanation"] as? String)?.contains("同比下降60.0%") == true)
        #expect((w["inputs"] as? [String: Any])?["yoy"] as? Double == -60)
        #expect((w["rule"] as? String) == "rule:output-drop")
        let calm = try await s.get("/api/v1/warnings?enterprise=\(steady)", token: admin)
        #expect(calm.object["total"] as? Int == 0)
        // Lifecycle: acknowledge, then resolve; a second acknowledge is a conflict. Outside the scope is refused.
        let id = try #require(w["id"] as? String)
        let yc = try await s.login("yichun", "Yichun#20262026")
        let ack = try await s.request("POST", "/api/v1/warnings/\(id)/acknowledge", token: yc, body: Data(#"{"note":"已联系企业核实"}"#.utf8))
        #expect(ack.status == 200)
        #expect(ack.object["state"] as? String == "acknowledged")
        #expect(ack.object["acknowledgedBy"] as? String == "yichun")
        #expect(try await s.request("POST", "/api/v1/warnings/\(id)/acknowledge", token: yc).status == 409)
        let resolved = try await s.request("POST", "/api/v1/warnings/\(id)/resolve", token: yc, body: Data(#"{"note":"订单恢复"}"#.utf8))
        #expect(resolved.object["state"] as? String == "resolved")
        let nc = try await s.login("nanchang", "Nanchang#2026")
        // Another city's warning answers exactly as a missing one (finding 7 of the hardening issue: 403 told it existed).
        let foreign = try await s.get("/api/v1/warnings/\(id)", token: nc)
        let missing = try await s.get("/api/v1/warnings/no-such-warning", token: nc)
        #expect(foreign.status == 404 && missing.status == 404)
        #expect(foreign.errorMessage.replacingOccurrences(of: id, with: "X") == missing.errorMessage.replacingOccurrences(of: "no-such-warning", with: "X"))
        #expect(try await s.request("POST", "/api/v1/warnings/\(id)/acknowledge", token: nc).status == 404)
        let ncList = try await s.get("/api/v1/warnings?limit=500", token: nc)
        #expect((ncList.object["items"] as? [[String: Any]] ?? []).allSatisfy { ($0["region"] as? String)?.hasPrefix("3601") == true })
        #expect(try await s.get("/api/v1/warnings?level=purple", token: nc).status == 400)
        // Thresholds: only province officials and admins change them; bad bounds are refused.
        #expect(try await s.request("PUT", "/api/v1/warnings/thresholds", token: nc, body: Data("{}".utf8)).status == 403)
        var t = try await s.get("/api/v1/warnings/thresholds", token: admin).object
        t["outputDrop"] = [-10, -20, -5]
        let bad = try await s.request("PUT", "/api/v1/warnings/thresholds", token: admin, body: try JSONSerialization.data(withJSONObject: t))
        #expect(bad.status == 400)
        #expect(bad.errorMessage.hasPrefix("thresholds:"))
    }
}
