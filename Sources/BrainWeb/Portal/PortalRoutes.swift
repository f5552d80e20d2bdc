import HTTPTypes
import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// The portal (产业大脑门户): server-rendered Chinese pages over the same services as the API, with cookie sessions,
/// CSRF tokens on every form and the second-factor step at login.
struct Portal: Sendable {
    let server: BrainServer
    let renderer: PortalRenderer
    var services: Services { server.services }
    var csrf: CSRF { CSRF(signer: services.signer) }
    var warningDesk: WarningDesk { services.warningDesk }

    /// The page frame every template gets: title, navigation by role, the caller and the form token.
    func frame(_ context: BrainContext, title: String, active: String) -> [String: Any] {
        // The relaxed second factor concerns administrators and officials only: enterprises and providers are not shown it.
        let mfaWarning = services.mfaPolicy == .optional && context.principal?.can(.manageUsers) == true  // said to those who run the accounts: nobody else can act on it
        var out: [String: Any] = ["title": title, "mfaWarning": mfaWarning, "demoData": services.demo.holdsDemoData,
                                  "generatedAt": Self.printedAt(), "platform": services.catalog.province.name + "产业大脑"]
        if let p = context.principal {
            let scopeName = p.scope.flatMap { services.catalog.region($0)?.name ?? services.catalog.zone($0)?.shortName ?? services.cubes.cube.firmIndex[$0].map { services.cubes.cube.firms[$0].name } }
            out["user"] = compact(["name": p.username, "roleName": p.role.nameZh, "scopeName": scopeName, "csrf": csrf.token(session: context.sessionID ?? "")])
            out["csrf"] = csrf.token(session: context.sessionID ?? "")
            // 消息: the unread count of the inbox, as last known (no database wait while rendering).
            if let n = services.subscriptions.unreadHint(for: p), n > 0 { out["inboxUnread"] = n > 99 ? "99+" : String(n) }
            out["nav"] = Self.nav(for: p).map { ["href": $0.href, "label": $0.label, "on": $0.href == active] }
            // The enterprise search in the header, for the roles that look firms up (officials, zone managers, administrators).
            out["searchBox"] = p.can(.readEnterprises) && p.can(.readIndicators) && p.ownEnterprise == nil
        } else {
            out["nav"] = [["href": "/login", "label": "登录", "on": active == "/login"]]
        }
        return out
    }

    struct Link { let href: String; let label: String; let desc: String }

    /// Beijing time of rendering, for the printed page's footer: "2026-11-27 15:40".
    static func printedAt(_ date: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    static func nav(for p: Principal) -> [Link] {
        var links = [Link(href: "/", label: "首页", desc: "")]
        if p.can(.readStatistics) {
            links += [Link(href: "/dashboard", label: "工业运行", desc: ""), Link(href: "/warnings", label: "风险预警", desc: ""),
                      Link(href: "/chains", label: "产业链", desc: ""), Link(href: "/talent", label: "人才地图", desc: ""),
                      Link(href: "/policies", label: "政策", desc: ""), Link(href: "/investment", label: "招商", desc: ""),
                      Link(href: "/evaluation", label: "评价", desc: ""), Link(href: "/transformation", label: "转型服务", desc: "")]
        }
        if p.ownEnterprise != nil {
            links += [Link(href: "/my/figures", label: "月度数据", desc: ""), Link(href: "/my/policies", label: "我的政策", desc: ""), Link(href: "/my/diagnosis", label: "转型问诊", desc: ""),
                      Link(href: "/my/market", label: "贸易撮合", desc: ""), Link(href: "/my/grants", label: "数据授权", desc: "")]
        }
        if p.readsThroughGrants { links += [Link(href: "/services", label: "服务资源", desc: ""), Link(href: "/granted", label: "授权数据", desc: "")] }
        if p.servesReferrals { links.append(Link(href: "/provider/referrals", label: "对接需求", desc: "")) }
        if !hubLinks(for: p).isEmpty { links.append(Link(href: "/hub", label: "服务中枢", desc: "")) }
        if p.can(.manageUsers) { links.append(Link(href: "/console", label: "中控台", desc: "")) }
        if p.can(.publishNews) { links.append(Link(href: "/news", label: "公告", desc: "")) }
        if p.can(.createAccounts) { links.append(Link(href: "/accounts", label: "账号", desc: "")) }
        return links
    }

    /// Entry tiles by role, grouped as the guide groups its applications (G 端, G2B, B2B, platform): every
    /// application the role may use is one click from the home page.
    static func tileGroups(for p: Principal) -> [(title: String, tiles: [Link])] {
        var groups: [(title: String, tiles: [Link])] = []
        if p.can(.readStatistics) {
            groups.append(("政府管理", [Link(href: "/dashboard", label: "工业运行", desc: "主要指标、同比、24个月走势、地区排名与下钻"),
                                       Link(href: "/warnings", label: "风险预警", desc: "企业、地区、产业链预警，确认与处置"),
                                       Link(href: "/chains", label: "产业链分析", desc: "环节强弱、链主、配套率、供应网络"),
                                       Link(href: "/talent", label: "人才地图", desc: "城市×职业供需与紧缺指数"),
                                       Link(href: "/electricity", label: "电力看经济", desc: "用电与产值的弹性和背离")]))
            groups.append(("政府服务", [Link(href: "/policies", label: "企业发展政策", desc: "谁符合、谁已兑现、金额多少"),
                                       Link(href: "/chains/upgrade", label: "转型升级规划", desc: "按产业链生成规划简报：短板、成熟度、举措"),
                                       Link(href: "/demonstration", label: "科技创新示范", desc: "示范工厂、数字化车间等项目及成效"),
                                       Link(href: "/evaluation", label: "产业评价", desc: "产业链×设区市、开发区综合指数"),
                                       Link(href: "/investment", label: "精准招商", desc: "缺链弱链的省外候选企业")]))
            groups.append(("企业间服务", [Link(href: "/market", label: "产业生态", desc: "本地区企业的采购需求与产品供应"),
                                        Link(href: "/transformation", label: "转型问诊与智能化改造", desc: "问诊覆盖、数字化水平、服务对接成效"),
                                        Link(href: "/services", label: "服务资源目录", desc: "智能化改造与共性技术服务")]))
        } else if p.ownEnterprise != nil {
            groups.append(("企业服务", [Link(href: "/enterprises/\(p.scope ?? "")", label: "企业档案", desc: "基本信息与近24个月经营走势"),
                                       Link(href: "/my/figures", label: "我的月度数据", desc: "填报或上传月度经营数据"),
                                       Link(href: "/my/policies", label: "我的政策", desc: "逐条看满足、不满足、缺数据，在线申报"),
                                       Link(href: "/my/diagnosis", label: "转型问诊", desc: "数字化水平评测、薄弱环节与服务推荐"),
                                       Link(href: "/my/market", label: "贸易撮合", desc: "发布供需，推荐上下游对手方"),
                                       Link(href: "/services", label: "智能化改造与共性技术", desc: "服务资源目录：方案、服务商、价格与案例"),
                                       Link(href: "/demonstration", label: "示范项目", desc: "本企业登记的示范项目与成效"),
                                       Link(href: "/my/grants", label: "数据授权", desc: "授权才可用，查看谁读取了我的数据")]))
        } else {
            if p.servesReferrals { groups.append(("服务商", [Link(href: "/provider/referrals", label: "对接需求", desc: "企业同意对接或申请对接的需求，标记已联系")])) }
            groups.append(("服务", [Link(href: "/services", label: "服务资源目录", desc: "智能化改造与共性技术服务"),
                                   Link(href: "/granted", label: "授权给我的数据", desc: "企业授权您读取的问诊结果、供需、经营数据"),
                                   Link(href: "/demonstration", label: "科技创新示范", desc: "示范工厂、数字化车间等项目及成效")]))
        }
        var platform: [Link] = []
        if p.can(.publishNews) { platform.append(Link(href: "/news", label: "新闻公告", desc: "起草、定时发布、立即发布")) }
        if p.can(.importData) { platform.append(Link(href: "/data", label: "数据导入", desc: "公共数据中心：企业名录、月度指标、供应关系、人才数据")) }
        if p.can(.readIndicators), p.can(.readStatistics), p.ownEnterprise == nil {
            platform.append(Link(href: "/data/sources", label: "数据来源与核查", desc: "数据目录、各来源数值差异、总览数字的来源批次"))
            platform.append(Link(href: "/data/quality", label: "数据质量", desc: "应报与已报、指标填报率、数据矛盾的企业，按地区下钻"))
        }
        if p.can(.createAccounts) { platform.append(Link(href: "/accounts", label: "账号管理", desc: "本范围内的账号；开设账号、批量导入，初始密码仅显示一次")) }
        if p.can(.manageUsers) { platform.append(Link(href: "/console", label: "中控台", desc: "组件健康、数据新鲜度、导入速率、预警、账本、用户会话与安全事件")) }
        if p.readsThroughGrants, p.can(.readStatistics) { platform.append(Link(href: "/granted", label: "授权给我的数据", desc: "企业授权您读取的数据")) }
        if !platform.isEmpty { groups.append(("平台", platform)) }
        if !hubLinks(for: p).isEmpty { groups.append(("服务中枢", hubLinks(for: p))) }
        return groups
    }

    func message(_ context: BrainContext, _ heading: String, _ text: String, status: HTTPResponse.Status) -> Response {
        var c = frame(context, title: heading, active: "")
        c["heading"] = heading
        c["message"] = text
        return renderer.page("message", c, status: status)
    }

    /// The caller, or a redirect to the login page.
    func caller(_ context: BrainContext) -> Principal? { context.principal }

    /// The answer to a form post without the right CSRF token: nothing changes.
    func csrfRefusal(_ context: BrainContext) -> Response {
        message(context, "请求无效", "表单已过期或来源不明（CSRF 校验失败），请返回页面重试。", status: .forbidden)
    }

    /// False when the browser says the form came from another site: `Sec-Fetch-Site: cross-site`, or (from browsers that
    /// do not send that header) an `Origin` that is `null` or whose host differs from the `Host` the request was sent to.
    /// Requests without either header (scripts, curl) pass.
    static func sameOrigin(_ request: Request) -> Bool {
        // Browsers that send Sec-Fetch-Site say it outright (our pages' no-referrer policy makes Chromium send
        // `Origin: null` even for same-origin forms, so the header decides when present).
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!] { return site != "cross-site" }
        guard let origin = request.headers[HTTPField.Name("Origin")!] else { return true }
        guard origin != "null", let originHost = URL(string: origin)?.host?.lowercased() else { return false }
        let host = (request.head.authority ?? "").lowercased()
        let hostOnly = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.split(separator: ":").first ?? "")
        return originHost == hostOnly || originHost == "[\(hostOnly)]" || originHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) == hostOnly
    }

    func checkCSRF(_ form: [String: String], _ context: BrainContext) -> Bool {
        guard let session = context.sessionID else { return false }
        return csrf.check(form["_csrf"], session: session)
    }

    func register(_ pages: PortalPages) {
        pages.get("/login", .open) { _, context in
            var c = self.frame(context, title: "登录", active: "/login")
            c["askOTP"] = true
            return self.renderer.page("login", c)
        }
        pages.post("/login", .open) { request, context in
            // Login CSRF: a form posted from another site would sign the victim's browser in as the attacker.
            guard Self.sameOrigin(request) else { return self.csrfRefusal(context) }
            return try await self.login(request, context)
        }
        pages.post("/logout", .open) { request, context in
            let form = try await FormBody.parse(request)
            guard let p = context.principal, let jti = context.sessionID else {
                return PortalRenderer.redirect("/login", cookie: PortalCookie.clear(secure: PortalCookie.isSecure(request)))
            }
            // Without the form token nothing changes: the session and its cookie stay as they were.
            guard self.checkCSRF(form, context) else { return self.csrfRefusal(context) }
            do { _ = try await self.services.accountDesk.endOwnSession(jti, by: p) } catch let e as AppError where e.kind == .notFound {
                // Already ended elsewhere: signing out still clears the cookie.
            }
            self.services.sessions.markRevoked([jti])
            return PortalRenderer.redirect("/login", cookie: PortalCookie.clear(secure: PortalCookie.isSecure(request)))
        }
        pages.get("/enrol", .open) { _, context in try await self.enrolPage(context) }
        pages.post("/enrol/confirm", .open) { request, context in try await self.enrolConfirm(request, context) }
        pages.get("/", .signedIn) { _, context in try await self.home(context) }
        registerDashboard(pages)
        registerGovernmentPages(pages)
        registerEnterpriseServicePages(pages)
        registerFiguresPage(pages)
        registerNewsPage(pages)
        registerMorePages(pages)
        registerLinkPage(pages)
        registerConsole(pages)
        registerProgramPages(pages)
        registerServiceOverviewPages(pages)
        registerGrantedPages(pages)
        registerDataImportPage(pages)
        registerDataSourcesPage(pages)
        registerDataQualityPage(pages)
        registerBatchPage(pages)
        registerImportJobPage(pages)
        registerAccountPages(pages)
        registerAwardPages(pages)
        registerFollowThroughPages(pages)
        registerClientPages(pages)
        registerSubscriptionPages(pages)
        registerHubPages(pages)
    }

    func login(_ request: Request, _ context: BrainContext) async throws -> Response {
        let form = try await FormBody.parse(request)
        let username = form["username"] ?? "", password = form["password"] ?? ""
        var c = frame(context, title: "登录", active: "/login")
        c["username"] = username
        c["askOTP"] = true
        guard !username.isEmpty, !password.isEmpty else {
            c["error"] = "请输入用户名和密码"
            return renderer.page("login", c, status: .badRequest)
        }
        let signedIn: SignedIn
        do {
            signedIn = try await server.signIn(username: username, password: password, secondFactor: form["otp"].flatMap { $0.isEmpty ? nil : $0 },
                                               request: request, context: context, via: "portal")
        } catch let problem as Accounts.Problem {
            c["error"] = switch problem.code {
            case "mfa_required": "请输入身份验证器中的动态验证码"
            case "account_locked": "账户已锁定：连续登录失败次数过多，请 15 分钟后再试或联系管理员解锁"
            default: "用户名、密码或验证码错误"
            }
            return renderer.page("login", c, status: .unauthorized)
        }
        let result = signedIn.result
        let cookie = PortalCookie.set(signedIn.token, secure: PortalCookie.isSecure(request), maxAge: Int(signedIn.expiresAt.timeIntervalSinceNow))
        return PortalRenderer.redirect(result.passwordChangeRequired ? "/password" : result.enrolmentRequired ? "/enrol" : "/", cookie: cookie)
    }

    func enrolPage(_ context: BrainContext) async throws -> Response {
        guard let jti = context.sessionID, let session = try await services.accountDesk.session(jti) else { return PortalRenderer.redirect("/login") }
        var c = frame(context, title: "绑定第二因子", active: "")
        c["csrf"] = csrf.token(session: jti)
        c["nav"] = [["href": "/enrol", "label": "绑定第二因子", "on": true]]
        do {
            let (secret, uri) = try await services.accounts.startEnrolment(session.username)
            c["secret"] = secret
            c["uri"] = uri
            if let code = try? QRCode(uri, level: .medium) { c["qr"] = code.svg(moduleSize: 4, quietZone: 4, title: "身份验证器二维码") }
        } catch let e as Accounts.Problem {
            c["error"] = e.description
        }
        return renderer.page("enrol", c)
    }

    func enrolConfirm(_ request: Request, _ context: BrainContext) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard let jti = context.sessionID, let session = try await services.accountDesk.session(jti) else { return PortalRenderer.redirect("/login") }
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        var c = frame(context, title: "绑定第二因子", active: "")
        do {
            c["recovery"] = try await services.accounts.confirmEnrolment(session.username, code: form["otp"] ?? "")
            c["hasRecovery"] = true
            services.sessions.markRevoked(try await services.accountDesk.endEnrolmentSession(jti, of: session.username))
            return renderer.page("enrol", c)
        } catch let e as Accounts.Problem {
            c["error"] = e.code == "bad_parameter" ? "验证码不正确，请核对身份验证器的时间后重试" : e.description
            c["csrf"] = csrf.token(session: jti)
            return renderer.page("enrol", c, status: .badRequest)
        }
    }

    func home(_ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        var c = frame(context, title: "首页", active: "/")
        c["greeting"] = "\(p.username)，您好"
        c["groups"] = Self.tileGroups(for: p).map { g in ["title": g.title, "tiles": g.tiles.map { ["href": $0.href, "label": $0.label, "desc": $0.desc] }] as [String: Any] }
        let news = try await services.news(for: p, limit: 20).filter { $0.isVisible() }.prefix(5)
        c["news"] = news.map { ["title": $0.title, "body": String($0.body.prefix(160)), "date": String(($0.publishAt ?? $0.updatedAt).prefix(10))] }
        c["hasNews"] = !news.isEmpty
        c["canPublish"] = p.can(.publishNews)
        if p.can(.readStatistics), let scope = try? AnalysisScope.resolve(region: nil, zone: nil, chain: nil, industry: nil, period: nil, principal: p,
                                                                          catalog: services.catalog, latest: services.cubes.cube.lastMonth) {
            let o = services.analyses.overview(scope)
            c["scopeLine"] = "\(o.scope.regionName) · \(o.periodLabel)（\(o.cumulativeLabel)）· 规上工业企业 \(o.firms.aboveScale) 家"
            c["kpis"] = DashboardFigures.kpis(o)
            c["hasKpis"] = true
        } else if let uscc = p.ownEnterprise {
            // An enterprise is greeted by its name, with what it has to do.
            let cube = services.cubes.cube
            if let i = cube.firmIndex[uscc] { c["greeting"] = "\(cube.firms[i].name)，您好" }
            c["scopeLine"] = "企业端 · 我的政策、转型问诊、贸易撮合"
        } else {
            c["scopeLine"] = p.role.nameZh
        }
        if p.ownEnterprise != nil || p.servesReferrals {
            // A provider's account is greeted by the provider it answers for.
            if p.servesReferrals, let provider = try await services.catalogue.inbox(for: p).provider { c["greeting"] = "\(provider.name)，您好" }
            let todos = try await services.agenda.items(for: p, cube: services.cubes.cube)
            c["showTodos"] = true
            c["hasTodos"] = !todos.isEmpty
            c["todos"] = todos.map { ["text": $0.text, "href": $0.href] }
        }
        return renderer.page("home", c)
    }
}
