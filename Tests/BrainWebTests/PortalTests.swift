import BrainCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import BrainWeb

/// A browser-like HTTP client for the portal: keeps the session cookie, does not follow redirects.
final class PortalClient: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    let base: String
    var cookie: String?
    lazy var session: URLSession = {
        let config = URLSessionConfiguration.ephemeral
        config.httpShouldSetCookies = false
        config.httpCookieStorage = nil
        return URLSession(configuration: config, delegate: self, delegateQueue: nil)
    }()

    init(base: String) { self.base = base }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
                    completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    struct Page {
        let status: Int
        let html: String
        let headers: [String: String]
        /// The body's bytes (downloads).
        var data = Data()
        /// The first CSRF token in a form on the page.
        var csrf: String? {
            guard let r = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
            return String(html[r.upperBound...].prefix { $0 != "\"" })
        }
    }

    func get(_ path: String) async throws -> Page { try await send("GET", path, form: nil) }

    func post(_ path: String, _ form: [String: String]) async throws -> Page { try await send("POST", path, form: form) }

    func send(_ method: String, _ path: String, form: [String: String]?) async throws -> Page {
        var req = URLRequest(url: URL(string: base + path)!)
        req.httpMethod = method
        if let cookie { req.setValue(cookie, forHTTPHeaderField: "Cookie") }
        if let form {
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            req.httpBody = Data(form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&").utf8)
            req.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: req)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
        if let set = headers["set-cookie"], let first = set.split(separator: ";").first {
            cookie = first.hasSuffix("=") ? nil : String(first)
        }
        return Page(status: http.statusCode, html: String(decoding: data, as: UTF8.self), headers: headers, data: data)
    }

    func login(_ user: String, _ password: String) async throws -> Page { try await post("/login", ["username": user, "password": password]) }

    /// Posts one file and text fields as multipart/form-data, as a browser's file upload does.
    func upload(_ path: String, fields: [String: String], file: (field: String, name: String, data: Data)) async throws -> Page {
        let boundary = "----brain\(UUID().uuidString)"
        var body = Data()
        for (k, v) in fields { body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8) }
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
        body += file.data + Data("\r\n--\(boundary)--\r\n".utf8)
        var req = URLRequest(url: URL(string: base + path)!)
        req.httpMethod = "POST"
        if let cookie { req.setValue(cookie, forHTTPHeaderField: "Cookie") }
        req.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        req.httpBody = body
        let (data, response) = try await session.data(for: req)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
        return Page(status: http.statusCode, html: String(decoding: data, as: UTF8.self), headers: headers)
    }
}

extension APITests {
    /// The portal over HTTP: login with a cookie, dashboard drill-down with SVG charts, warnings with CSRF-protected
    /// acknowledgement, CSV export, the enterprise's policies, and refusals.
    func portal(_ s: TestServer) async throws {
        let anonymous = PortalClient(base: s.base)
        let redirect = try await anonymous.get("/dashboard")
        #expect(redirect.status == 303 && redirect.headers["location"] == "/login")
        let login = try await anonymous.get("/login")
        #expect(login.status == 200 && login.html.contains("登录") && login.html.contains("动态验证码"))
        #expect(try await anonymous.login("nanchang", "wrong-password").status == 401)

        let official = PortalClient(base: s.base)
        let loggedIn = try await official.login("nanchang", "Nanchang#2026")
        #expect(loggedIn.status == 303 && loggedIn.headers["location"] == "/")
        let setCookie = loggedIn.headers["set-cookie"] ?? ""
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
        let home = try await official.get("/")
        #expect(home.status == 200)
        #expect(home.html.contains("工业运行") && home.html.contains("风险预警") && home.html.contains("南昌市"))
        let dashboard = try await official.get("/dashboard")
        #expect(dashboard.status == 200)
        #expect(dashboard.html.contains("<svg") && dashboard.html.contains("工业总产值") && dashboard.html.contains("县（市、区）"))
        #expect(!dashboard.html.contains("NaN") && !dashboard.html.contains("nan,"))
        // Drill down: a county of 南昌, then a zone or the county's firms; another city is refused.
        let county = try #require(RegionCatalog.jiangxi.counties(within: "360100").first { c in
            s.services.cubes.cube.firms.contains { $0.region == c && $0.aboveScale }
        })
        let countyPage = try await official.get("/dashboard?region=\(county)")
        #expect(countyPage.status == 200 && countyPage.html.contains("主要企业"))
        let firmLink = try #require(countyPage.html.range(of: "href=\"/enterprises/").map { String(countyPage.html[$0.upperBound...].prefix(18)) })
        let firmPage = try await official.get("/enterprises/\(firmLink)")
        #expect(firmPage.status == 200 && firmPage.html.contains("月度数据") && firmPage.html.contains("<svg"))
        #expect(try await official.get("/dashboard?region=360900").status == 403)
        let csv = try await official.get("/dashboard.csv")
        #expect(csv.status == 200 && csv.html.hasPrefix("\u{FEFF}") && csv.headers["content-type"]?.contains("text/csv") == true)

        // Every government application has a page: chains, talent, evaluation, investment leads, policies; each table exports.
        for (path, text) in [("/chains?chain=NEWENERGY", "产业链图谱"), ("/talent", "紧缺岗位"), ("/evaluation?chain=NFM", "综合指数"),
                             ("/investment?chain=NEWENERGY", "候选企业"), ("/policies", "政策与兑现"), ("/policies?id=HNTE-REWARD", "符合及缺数据的企业"),
                             ("/electricity", "用电量累计同比"), ("/services?area=operation.production", "解决方案"),
                             ("/chains/link?code=NFM-04", "主要供应关系")] {
            let page = try await official.get(path)
            #expect(page.status == 200 && page.html.contains(text), "\(path)")
            #expect(!page.html.contains(" nil") && !page.html.contains("NaN"), "\(path)")
            let sep = path.contains("?") ? "&" : "?"
            let csv = try await official.get(path + sep + "csv=0")
            #expect(csv.status == 200 && csv.html.hasPrefix("\u{FEFF}"), "\(path) csv")
        }
        #expect(try await official.get("/chains/link?code=NOPE-01").status == 400)
        #expect(try await official.get("/chains?chain=NFM").html.contains("/chains/link?code=NFM-01"))
        // Home reaches every application in one click.
        for href in ["/dashboard", "/warnings", "/chains", "/talent", "/investment", "/evaluation", "/policies", "/electricity", "/services"] {
            #expect(home.html.contains("href=\"\(href)\""), "home links \(href)")
        }

        // News: published now shows on the home page, a scheduled one waits, a draft needs publishing; the title is required.
        let newsForm = try await official.get("/news")
        let newsToken = try #require(newsForm.csrf)
        #expect(try await official.post("/news", ["_csrf": newsToken, "title": "", "body": "x", "mode": "now"]).html.contains("标题"))
        #expect(try await official.post("/news", ["_csrf": newsToken, "title": "关于开展2027年智能化改造项目申报的通知", "body": "各县区工信部门：……", "mode": "now"]).status == 303)
        #expect(try await official.post("/news", ["_csrf": newsToken, "title": "明年的预告", "body": "稍后发布", "mode": "schedule", "publishAt": "2099-01-01T09:00"]).status == 303)
        #expect(try await official.post("/news", ["_csrf": newsToken, "title": "草稿公告", "body": "待审", "mode": "draft"]).status == 303)
        let homeWithNews = try await official.get("/")
        #expect(homeWithNews.html.contains("关于开展2027年智能化改造项目申报的通知") && !homeWithNews.html.contains("明年的预告") && !homeWithNews.html.contains("草稿公告"))
        let newsList = try await official.get("/news")
        #expect(newsList.html.contains("定时发布") && newsList.html.contains("草稿"))
        let draftID = try #require(newsList.html.range(of: "action=\"/news/").map { String(newsList.html[$0.upperBound...].prefix { $0 != "/" }) })
        #expect(try await official.post("/news/\(draftID)/publish", ["_csrf": newsToken]).status == 303)
        #expect(try await official.get("/").html.contains("草稿公告"))
        #expect(try await PortalClient(base: s.base).get("/news").status == 303)

        // Warnings: list, detail with a chart, acknowledge needs the form token.
        let list = try await official.get("/warnings?state=open")
        #expect(list.status == 200)
        let id = try #require(list.html.range(of: "href=\"/warnings/").map { String(list.html[$0.upperBound...].prefix { $0 != "\"" }) })
        let detail = try await official.get("/warnings/\(id)")
        #expect(detail.status == 200 && detail.html.contains("预警说明") && detail.html.contains("确认预警"))
        for page in [detail, dashboard, countyPage, home] { #expect(!page.html.contains(">nil<") && !page.html.contains(" nil ")) }
        let token = try #require(detail.csrf)
        #expect(try await official.post("/warnings/\(id)/acknowledge", ["note": "已核实"]).status == 403)
        #expect(try await official.post("/warnings/\(id)/acknowledge", ["note": "已核实", "_csrf": (token.hasPrefix("0") ? "1" : "0") + token.dropFirst()]).status == 403)
        let acked = try await official.post("/warnings/\(id)/acknowledge", ["note": "已电话核实", "_csrf": token])
        #expect(acked.status == 303)
        #expect(try await s.services.store.warning(id)?.state == "acknowledged")
        #expect(try await s.services.store.warning(id)?.acknowledgedBy == "nanchang")
        #expect(try await official.get("/warnings.csv").html.hasPrefix("\u{FEFF}"))

        // The enterprise user sees its policies, met/unmet/unknown per criterion, and cannot open the dashboard.
        let firm = PortalClient(base: s.base)
        #expect(try await firm.login("firm", "Firm#20262026").status == 303)
        let policies = try await firm.get("/my/policies")
        #expect(policies.status == 200 && policies.html.contains("我的政策") && policies.html.contains("满足") && policies.html.contains("不满足"))
        #expect(!policies.html.contains("nil"))
        #expect(try await firm.get("/dashboard").status == 403)
        // Monthly figures: a form for one month and a CSV upload, both limited to the firm itself.
        let figures = try await firm.get("/my/figures")
        #expect(figures.status == 200 && figures.html.contains("填报一个月") && figures.html.contains("近12个月"))
        let figToken = try #require(figures.csrf)
        let next = s.services.cubes.cube.lastMonth.next.description
        let reported = try await firm.post("/my/figures", ["_csrf": figToken, "month": next, "output_value": "1234.5", "revenue": "1200"])
        #expect(reported.html.contains("接受 1 行"), "\(reported.html.prefix(200))")
        let negative = try await firm.post("/my/figures", ["_csrf": figToken, "month": next, "output_value": "-5"])
        #expect(negative.html.contains("拒绝 1 行"))
        let firmCode = try #require(try await s.get("/api/v1/me", token: try await s.login("firm", "Firm#20262026")).object["scope"] as? String)
        let otherFirm = try #require(s.services.cubes.cube.firms.first { $0.uscc != firmCode }?.uscc)
        let csvFile = Data("uscc,month,output_value\n\(firmCode),\(next),2000\n\(otherFirm),\(next),99\n".utf8)
        let uploaded = try await firm.upload("/my/figures/upload", fields: ["_csrf": figToken], file: ("file", "report.csv", csvFile))
        #expect(uploaded.status == 200 && uploaded.html.contains("接受 1 行") && uploaded.html.contains("拒绝 1 行"), "\(uploaded.html.prefix(300))")
        #expect(try await firm.upload("/my/figures/upload", fields: [:], file: ("file", "report.csv", csvFile)).status == 403)
        // What an enterprise reports is its own (企业自报), kept beside the statistics bureau's, never in its place.
        let own = try await s.services.store.sourcedValues(uscc: firmCode, month: Month(next)!)["output_value"] ?? []
        #expect(own.map(\.source) == ["self-report"] && own.first?.value == 2000)

        // 转型问诊 as a form: incomplete answers are named, complete ones give the result.
        let form = try await firm.get("/my/diagnosis")
        #expect(form.status == 200 && form.html.contains("type=\"radio\""))
        let formToken = try #require(form.csrf)
        let incomplete = try await firm.post("/my/diagnosis", ["_csrf": formToken, "F1": "2"])
        #expect(incomplete.status == 200 && incomplete.html.contains("还有"))
        var answers = ["_csrf": formToken]
        for q in s.services.diagnoses.questionnaire.questions(largeFirm: true) { answers[q.id] = String(q.options.count - 1) }
        let result = try await firm.post("/my/diagnosis", answers)
        #expect(result.status == 200 && result.html.contains("问诊结果") && result.html.contains("推荐服务方案"), "\(result.html.prefix(300))")
        // 贸易撮合: a listing without a product is refused with the field; a good one appears with its matches.
        let market = try await firm.get("/my/market")
        let marketToken = try #require(market.csrf)
        let noProduct = try await firm.post("/my/market", ["_csrf": marketToken, "kind": "demand", "quantity": "5", "unit": "吨"])
        #expect(noProduct.status == 200 && noProduct.html.contains("产品"))
        #expect(try await firm.post("/my/market", ["_csrf": marketToken, "kind": "demand", "product": "电解铜", "quantity": "50", "unit": "吨"]).status == 303)
        #expect(try await firm.get("/my/market").html.contains("推荐对手方"))
        // 数据授权: grant the provider, see it, revoke it.
        let grantsPage = try await firm.get("/my/grants")
        let grantToken = try #require(grantsPage.csrf)
        #expect(try await firm.post("/my/grants", ["_csrf": grantToken, "grantee": "provider", "purpose": "方案设计", "days": "30"]).html.contains("请至少选择一项"))
        #expect(try await firm.post("/my/grants", ["_csrf": grantToken, "grantee": "provider", "purpose": "方案设计", "days": "30", "ds_diagnosis": "1"]).status == 303)
        let withGrant = try await firm.get("/my/grants")
        #expect(withGrant.html.contains("provider") && withGrant.html.contains("有效"))
        let grantID = try #require(withGrant.html.range(of: "action=\"/my/grants/").map { String(withGrant.html[$0.upperBound...].prefix { $0 != "/" }) })
        #expect(try await firm.post("/my/grants/\(grantID)/revoke", ["_csrf": grantToken]).status == 303)
        #expect(try await firm.get("/my/grants").html.contains("已撤销"))
        // 中控台 for the administrator only.
        let adminClient = PortalClient(base: s.base)
        #expect(try await adminClient.login("admin", "Admin#20262026").status == 303)
        let console = try await adminClient.get("/console")
        #expect(console.status == 200 && console.html.contains("审计账本") && console.html.contains("数据新鲜度") && console.html.contains("安全事件"))
        #expect(try await official.get("/console").status == 403)
        // Logging out ends the session.
        let out = try await official.post("/logout", ["_csrf": try #require(home.csrf)])
        #expect(out.status == 303)
        official.cookie = loggedIn.headers["set-cookie"]?.split(separator: ";").first.map(String.init)
        #expect(try await official.get("/dashboard").status == 303)
    }
}
