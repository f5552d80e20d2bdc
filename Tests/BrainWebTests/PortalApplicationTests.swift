import BrainCore
import Foundation
import Testing
@testable import BrainWeb

extension APITests {
    /// The internal links of a page (query and fragment kept, `&amp;` decoded), without logout, CSV and form targets.
    static func links(_ html: String) -> [String] {
        html.components(separatedBy: "href=\"").dropFirst().compactMap { part -> String? in
            let href = String(part.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            guard href.hasPrefix("/"), !href.hasPrefix("//"), !href.contains("csv="), !href.hasSuffix(".csv"), !href.contains("format=md") else { return nil }
            return href
        }
    }

    static func path(_ href: String) -> String { String(href.prefix { $0 != "?" && $0 != "#" }) }

    /// Each role reaches every application of the guide it may use from the home page in at most two clicks, and every
    /// page one click away opens without a server error or an unfilled value.
    func portalReach(_ s: TestServer) async throws {
        let government = ["/dashboard", "/warnings", "/chains", "/chains/link", "/talent", "/electricity", "/policies", "/chains/upgrade", "/demonstration",
                          "/evaluation", "/investment", "/market", "/transformation", "/services"]
        let enterprise = ["/enterprises/", "/my/figures", "/my/policies", "/my/diagnosis", "/my/market", "/my/grants", "/services", "/demonstration"]
        let roles: [(String, String, [String])] = [
            ("admin", "Admin#20262026", government + ["/console", "/news", "/data", "/enterprises/"]),
            ("nanchang", "Nanchang#2026", government + ["/news", "/data", "/enterprises/", "/warnings/"]),
            ("firm", "Firm#20262026", enterprise),
            ("provider", "Provider#2026", ["/services", "/granted", "/demonstration"]),
        ]
        for (user, password, expected) in roles {
            let client = PortalClient(base: s.base)
            #expect(try await client.login(user, password).status == 303, "\(user) logs in")
            let home = try await client.get("/")
            let first = Array(Set(Self.links(home.html)))
            var reached = Set(first.map(Self.path))
            for href in first {
                let page = try await client.get(href)
                #expect(page.status == 200, "\(user): \(href) answered \(page.status)")
                #expect(!page.html.contains(">nil<") && !page.html.contains(" nil ") && !page.html.contains("NaN"), "\(user): \(href) shows an unfilled value")
                for link in Self.links(page.html) { reached.insert(Self.path(link)) }
            }
            for app in expected {
                let ok = app.hasSuffix("/") ? reached.contains { $0.hasPrefix(app) } : reached.contains(app)
                #expect(ok, "\(user) cannot reach \(app) within two clicks of the home page")
            }
        }
    }

    /// The programme and service overview pages: the upgrade brief (page and Markdown), demonstration projects with the
    /// registration form, the government's view of diagnoses and listings, data granted to a provider, and the console's
    /// ledger check.
    func portalApplications(_ s: TestServer) async throws {
        let official = PortalClient(base: s.base)
        #expect(try await official.login("nanchang", "Nanchang#2026").status == 303)
        let brief = try await official.get("/chains/upgrade?chain=NFM")
        #expect(brief.status == 200 && brief.html.contains("南昌市有色金属产业链转型升级规划简报") && brief.html.contains("推荐举措") && brief.html.contains("<svg"))
        let md = try await official.get("/chains/upgrade?chain=NFM&format=md")
        #expect(md.status == 200 && md.html.hasPrefix("# 南昌市有色金属产业链转型升级规划简报") && md.headers["content-type"]?.contains("text/markdown") == true)
        #expect(try await official.get("/chains/upgrade?chain=NFM&region=360900").status == 403)

        // The firm (in 南昌) diagnosed itself in the portal test and posts a demand here; the city sees both.
        let firm = PortalClient(base: s.base)
        #expect(try await firm.login("firm", "Firm#20262026").status == 303)
        #expect(try await firm.post("/my/market", ["_csrf": try #require(try await firm.get("/my/market").csrf), "kind": "demand", "product": "高纯氧化钪",
                                                   "quantity": "2", "unit": "吨"]).status == 303)
        let transformation = try await official.get("/transformation")
        #expect(transformation.status == 200 && transformation.html.contains("数字化水平等级分布") && transformation.html.contains("最近的问诊"))
        let firmCode = try #require(try await s.get("/api/v1/me", token: try await s.login("firm", "Firm#20262026")).object["scope"] as? String)
        let firmName = try #require(s.services.cubes.cube.firmIndex[firmCode].map { s.services.cubes.cube.firms[$0].name })
        #expect(transformation.html.contains(firmName))
        let market = try await official.get("/market")
        #expect(market.status == 200 && market.html.contains("高纯氧化钪") && market.html.contains(firmName))
        #expect(try await official.get("/market?kind=supply").html.contains("高纯氧化钪") == false)
        #expect(try await official.get("/market?kind=demand").html.contains("高纯氧化钪"))

        // Demonstration projects: a bad credit code and a firm of another city are named; a good one is listed.
        let demo = try await official.get("/demonstration")
        #expect(demo.status == 200 && demo.html.contains("登记示范项目"))
        let token = try #require(demo.csrf)
        let bad = try await official.post("/demonstration", ["_csrf": token, "uscc": "91360100MA00000000", "name": "试点", "kind": "digital_workshop", "level": "省级", "year": "2026"])
        #expect(bad.status == 200 && bad.html.contains("统一社会信用代码"))
        let noNumber = try await official.post("/demonstration", ["_csrf": token, "uscc": firmCode, "name": "试点", "kind": "digital_workshop", "year": "2026", "investment": "很多"])
        #expect(noNumber.html.contains("投资：“很多”不是数字"))
        let yichunFirm = try #require(s.services.cubes.cube.firms.first { RegionCatalog.jiangxi.city(of: $0.region) == "360900" })
        let outside = try await official.post("/demonstration", ["_csrf": token, "uscc": yichunFirm.uscc, "name": "试点", "kind": "digital_workshop", "year": "2026"])
        #expect(outside.html.contains("不在您的管辖范围内"))
        #expect(try await official.post("/demonstration", ["uscc": firmCode, "name": "x", "kind": "digital_workshop", "year": "2026"]).status == 403)
        let saved = try await official.post("/demonstration", ["_csrf": token, "uscc": firmCode, "name": "铜材数字化车间", "kind": "digital_workshop", "level": "市级",
                                                                "year": "2026", "investment": "850", "metric": "生产效率", "before": "100", "after": "128", "unit": "指数"])
        #expect(saved.status == 303)
        let listed = try await official.get("/demonstration?kind=digital_workshop")
        #expect(listed.html.contains("铜材数字化车间") && listed.html.contains("生产效率 +28.0%"))
        #expect(try await s.services.store.demonstrationProjects().contains { $0.name == "铜材数字化车间" && $0.createdBy == "nanchang" })
        #expect(try await firm.get("/demonstration").html.contains("铜材数字化车间"))
        #expect(try await firm.post("/demonstration", ["_csrf": try #require(try await firm.get("/my/grants").csrf), "uscc": firmCode, "name": "x"]).status == 403)

        // Data granted to the provider: what is granted opens and is logged, what is not is refused and logged.
        let provider = PortalClient(base: s.base)
        #expect(try await provider.login("provider", "Provider#2026").status == 303)
        #expect(try await provider.get("/granted").html.contains("目前没有有效的授权"))
        let grantToken = try #require(try await firm.get("/my/grants").csrf)
        #expect(try await firm.post("/my/grants", ["_csrf": grantToken, "grantee": "provider", "purpose": "改造方案设计", "days": "30", "ds_diagnosis": "1", "ds_listings": "1"]).status == 303)
        let granted = try await provider.get("/granted")
        #expect(granted.html.contains(firmName) && granted.html.contains("/granted/view?uscc=\(firmCode)&amp;dataset=diagnosis"))
        let diagnosis = try await provider.get("/granted/view?uscc=\(firmCode)&dataset=diagnosis")
        #expect(diagnosis.status == 200 && diagnosis.html.contains("问诊记录") && diagnosis.html.contains("薄弱点与建议"))
        #expect(try await provider.get("/granted/view?uscc=\(firmCode)&dataset=listings").html.contains("高纯氧化钪"))
        let refused = try await provider.get("/granted/view?uscc=\(firmCode)&dataset=referrals")
        #expect(refused.status == 403 && refused.html.contains("有效授权"))
        #expect(try await provider.get("/granted/view?uscc=nonsense&dataset=diagnosis").status == 400)
        let log = try await s.services.grants.accessLog(owner: firmCode, limit: 50)
        #expect(log.contains { $0.reader == "provider" && $0.dataset == "diagnosis" && $0.outcome == "granted" })
        #expect(log.contains { $0.reader == "provider" && $0.dataset == "referrals" && $0.outcome == "refused" })
        #expect(try await provider.get("/transformation").status == 403)

        // Data import: good rows are kept, a bad value and a firm of another city are listed by row, field and reason.
        let dataPage = try await official.get("/data")
        #expect(dataPage.status == 200 && dataPage.html.contains("月度经营指标") && dataPage.html.contains("output_value"))
        let month = s.services.cubes.cube.lastMonth.description
        let file = Data("uscc,month,output_value\n\(firmCode),\(month),4321\n\(firmCode),\(month),-8\n\(yichunFirm.uscc),\(month),10\n".utf8)
        let imported = try await official.importResult(try await official.upload("/data", fields: ["_csrf": try #require(dataPage.csrf), "kind": "indicators"], file: ("file", "nanchang-10.csv", file)), s)
        #expect(imported.status == 200 && imported.html.contains("共 3 行，接受 1 行，拒绝 2 行"), "\(imported.html.prefix(400))")
        #expect(imported.html.contains("被拒绝的行") && imported.html.contains("工业总产值（output_value）") && imported.html.contains(yichunFirm.uscc))
        #expect(imported.html.contains("不能为负数") && imported.html.contains("不在您的数据范围内"))
        #expect(try await official.get("/data").html.contains("nanchang-10.csv"))
        #expect(s.services.cubes.cube.value(.outputValue, firm: try #require(s.services.cubes.cube.firmIndex[firmCode]), month: s.services.cubes.cube.lastMonth) == 4321)
        #expect(try await official.upload("/data", fields: ["kind": "indicators"], file: ("file", "x.csv", file)).status == 403)
        #expect(try await official.upload("/data", fields: ["_csrf": try #require(dataPage.csrf), "kind": "nope"], file: ("file", "x.csv", file)).html.contains("数据集：请选择"))
        #expect(try await provider.get("/data").status == 403)

        // The console's ledger check: only with the form token, and the result is shown.
        let admin = PortalClient(base: s.base)
        #expect(try await admin.login("admin", "Admin#20262026").status == 303)
        let console = try await admin.get("/console")
        #expect(console.html.contains("数据新鲜度与导入速率") && console.html.contains("近7天日均"))
        #expect(try await admin.post("/console/verify", [:]).status == 403)
        #expect(try await official.post("/console/verify", ["_csrf": try #require(brief.csrf)]).status == 403)
        #expect(try await admin.post("/console/verify", ["_csrf": try #require(console.csrf)]).status == 303)
        let after = try await admin.get("/console?verified=1")
        #expect(after.html.contains("通过：") && after.html.contains("中控台，用时"))
        #expect(try await s.services.ledger.lastVerification()?.ok == true)
    }
}
