import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension Portal {
    /// 服务资源目录 (服务中枢): the catalogue of published services, one service with 申请使用, the owner's access requests
    /// (approve, refuse, revoke) and metered usage with charts — all through `HubDesk`.
    func registerHubPages(_ pages: PortalPages) {
        pages.get("/hub/services", .signedIn) { request, context in try await self.hubCatalogue(request, context, error: nil) }
        pages.post("/hub/services", .permission(.publishServices)) { request, context in try await self.hubPublish(request, context) }
        pages.get("/hub/services/:id", .signedIn) { request, context in try await self.hubService(request, context, error: nil) }
        pages.post("/hub/services/:id/request", .signedIn) { request, context in try await self.hubRequest(request, context) }
        pages.post("/hub/services/:id/withdraw", .permission(.publishServices)) { request, context in try await self.hubWithdraw(request, context) }
        pages.get("/hub/requests", .signedIn) { request, context in try await self.hubRequests(request, context, error: nil) }
        for decision in AccessDecision.allCases {
            pages.post("/hub/requests/:id/\(decision.rawValue)", .permission(.publishServices)) { request, context in
                try await self.hubDecide(request, context, decision)
            }
        }
        pages.get("/hub/usage", .signedIn) { request, context in try await self.hubUsage(request, context) }
    }

    static let accessNames = ["owner": "我发布的", "approved": "已获批准", "pending": "待审批", "refused": "未获批准", "revoked": "已撤销"]

    static func quotaText(_ s: PublishedService) -> String {
        var parts: [String] = []
        if let c = s.dailyCalls { parts.append("每日 \(NumberFormat.amount(Double(c), decimals: 0)) 次") }
        if let r = s.dailyRows { parts.append("每日 \(NumberFormat.amount(Double(r), decimals: 0)) 条") }
        return parts.isEmpty ? "不限" : parts.joined(separator: "，")
    }

    func hubCatalogue(_ request: Request, _ context: BrainContext, error: String?, form: [String: String] = [:]) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let q = request.uri.queryParameters
        let source = q["source"].flatMap { ServiceSource(rawValue: String($0)) }
        let text = q["q"].map(String.init)
        let entries = try await services.hub.catalogue(for: p, source: source, text: text)
        var page = ReportPage(heading: "服务资源目录", sub: "平台发布的数据服务与分析服务：申请使用并经发布方批准后，可通过接口调用，按日配额计量 · 共 \(entries.count) 项")
        page.crumbs = [("/hub", "服务中枢")]
        page.error = error
        if q["published"] != nil { page.notice = "服务已发布。" }
        page.selects = [.init(name: "source", label: "服务类型", options: [("", "全部")] + ServiceSource.allCases.map { ($0.rawValue, $0.nameZh) }, selected: source?.rawValue ?? "")]
        page.action = "/hub/services"
        let rows = entries.map { e -> [String] in
            let s = e.service
            let state = s.state == "withdrawn" ? "<span class=\"muted\">已撤回</span>" : SVGText.escape(e.access.flatMap { Self.accessNames[$0] } ?? "未申请")
            return ["<a href=\"/hub/services/\(SVGText.escape(s.id))\">\(SVGText.escape(s.title))</a><br><span class=\"muted\">\(SVGText.escape(s.id))</span>",
                    SVGText.escape(e.sourceName), SVGText.escape(s.owner), SVGText.escape(Self.quotaText(s)), SVGText.escape(s.priceNote), state]
        }
        page.html = formTable("服务", headers: ["服务", "类型", "发布方", "配额", "价格说明", "我的状态"], rows: rows, empty: "目录中还没有符合条件的服务。")
        page.html += "<p class=\"muted\"><a href=\"/hub/requests\">使用申请</a> · <a href=\"/hub/usage\">调用量统计</a></p>"
        if p.can(.publishServices) { page.html += publishForm(context, form: form) }
        return page.respond(self, request, context, title: "服务资源目录", active: "/hub", file: "hub-services")
    }

    func publishForm(_ context: BrainContext, form: [String: String]) -> String {
        let token = csrf.token(session: context.sessionID ?? "")
        func field(_ name: String, _ label: String, _ hint: String = "") -> String {
            "<div class=\"field\"><label for=\"pub-\(name)\">\(label)</label><input id=\"pub-\(name)\" name=\"\(name)\" value=\"\(SVGText.escape(form[name] ?? ""))\" placeholder=\"\(SVGText.escape(hint))\"></div>"
        }
        let options = ServiceSource.allCases.map { "<option value=\"\($0.rawValue)\"\(form["source"] == $0.rawValue ? " selected" : "")>\($0.nameZh)</option>" }.joined()
        return "<form class=\"card\" method=\"post\" action=\"/hub/services\"><h2>发布服务</h2><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">"
            + "<div class=\"grid g2\">" + field("id", "服务标识", "小写字母、数字和连字符，如 overview-nanchang") + field("title", "服务名称")
            + "<div class=\"field\"><label for=\"pub-source\">服务类型</label><select id=\"pub-source\" name=\"source\">\(options)</select></div>"
            + field("presets", "固定参数", "如 chain=NFM 或 policy=HNTE-REWARD，多个用逗号分隔")
            + field("dailyCalls", "每日调用次数上限", "留空为不限") + field("dailyRows", "每日返回条数上限", "留空为不限")
            + field("priceNote", "价格说明", "如 免费、按次计费说明") + "</div>"
            + "<div class=\"field\"><label for=\"pub-description\">服务说明</label><textarea id=\"pub-description\" name=\"description\" rows=\"3\" style=\"width:100%\">\(SVGText.escape(form["description"] ?? ""))</textarea></div>"
            + "<button class=\"primary\" type=\"submit\">发布</button></form>"
    }

    func hubPublish(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        func number(_ name: String) throws -> Int? {
            guard let raw = form[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            guard let n = Int(raw.replacingOccurrences(of: ",", with: "")) else { throw AppError.bad(name, "'\(raw.prefix(20))' is not a whole number") }
            return n
        }
        do {
            let presets = try (form["presets"] ?? "").split(whereSeparator: { $0 == "," || $0 == "，" }).map { part -> ServicePreset in
                let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2 else { throw AppError.bad("presets", "write name=value, got '\(part.prefix(40))'") }
                return ServicePreset(name: kv[0], value: kv[1])
            }
            let draft = ServiceDraft(id: form["id"] ?? "", title: form["title"] ?? "", description: form["description"] ?? "", source: form["source"] ?? "",
                                     presets: presets, dailyCalls: try number("dailyCalls"), dailyRows: try number("dailyRows"), priceNote: form["priceNote"])
            let s = try await services.hub.publish(draft, by: p)
            return PortalRenderer.redirect("/hub/services/\(s.id)?published=1")
        } catch let e as AppError {
            return try await hubCatalogue(request, context, error: "未能发布：\(e.parameter.isEmpty ? "" : e.parameter + "：")\(e.message)", form: form)
        }
    }

    func hubService(_ request: Request, _ context: BrainContext, error: String?) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let id = context.parameters.get("id") ?? ""
        let e: HubListing
        do { e = try await services.hub.service(id, for: p) } catch let err as AppError where err.kind == .notFound {
            return message(context, "未找到", "目录中没有这项服务。", status: .notFound)
        }
        let s = e.service
        var page = ReportPage(heading: s.title, sub: "\(e.sourceName) · 发布方 \(s.owner) · \(s.state == "published" ? "已发布" : "已撤回")")
        page.crumbs = [("/hub", "服务中枢"), ("/hub/services", "服务资源目录")]
        page.here = s.title
        page.error = error
        let q = request.uri.queryParameters
        if q["published"] != nil { page.notice = "服务已发布，可在“使用申请”中审批调用方的申请。" }
        if q["requested"] != nil { page.notice = "申请已提交，发布方批准后即可调用。" }
        let rows: [(String, String)] = [
            ("服务标识", s.id), ("服务说明", s.description), ("服务类型", e.sourceName), ("所需权限范围", s.scopes.joined(separator: "、")),
            ("可传参数", s.parameters.isEmpty ? "无" : s.parameters.joined(separator: "、")),
            ("固定参数", s.presets.isEmpty ? "无" : s.presets.map { "\($0.name)=\($0.value)" }.joined(separator: "、")),
            ("每日配额", Self.quotaText(s)), ("价格说明", s.priceNote), ("发布时间", PortalTime.beijing(s.createdAt)), ("更新时间", PortalTime.beijing(s.updatedAt)),
            ("调用地址", "GET /api/v1/hub/services/\(s.id)/data"), ("我的状态", e.access.flatMap { Self.accessNames[$0] } ?? "未申请"),
        ]
        page.html = "<div class=\"card\"><h2>服务信息</h2><div style=\"overflow-x:auto\"><table><tbody>"
            + rows.map { "<tr><th style=\"text-align:left;white-space:nowrap\">\($0.0)</th><td style=\"overflow-wrap:anywhere\">\(SVGText.escape($0.1))</td></tr>" }.joined()
            + "</tbody></table></div><p class=\"muted\">接口按调用方所在地区作答（接口客户端为其登记的地区，企业账号为企业所在县区）；超过每日配额时返回 429，并在 Retry-After 中给出距北京时间零点的秒数。</p></div>"
        let token = csrf.token(session: context.sessionID ?? "")
        if s.state == "published", e.access != "owner", e.access != "approved", e.access != "pending" {
            page.html += "<form class=\"card\" method=\"post\" action=\"/hub/services/\(SVGText.escape(s.id))/request\"><h2>申请使用</h2><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">"
                + "<div class=\"field\"><label for=\"reason\">申请理由</label><textarea id=\"reason\" name=\"reason\" rows=\"3\" style=\"width:100%\" placeholder=\"用途、使用的系统、预计调用量（4–500 字）\"></textarea></div>"
                + "<button class=\"primary\" type=\"submit\">申请使用</button></form>"
        }
        if let mgr = context.principal, HubDesk.manages(s, mgr), s.state == "published" {
            page.html += "<form class=\"card\" method=\"post\" action=\"/hub/services/\(SVGText.escape(s.id))/withdraw\"><h2>撤回服务</h2><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">"
                + "<p class=\"muted\">撤回后服务离开目录，调用被拒绝；已有授权和用量记录保留。</p><button type=\"submit\">撤回</button> <a href=\"/hub/requests\">查看使用申请</a></form>"
        }
        return page.respond(self, request, context, title: s.title, active: "/hub", file: "hub-service")
    }

    func hubRequest(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let id = context.parameters.get("id") ?? ""
        do {
            _ = try await services.hub.requestAccess(id, reason: form["reason"] ?? "", by: p)
        } catch let e as AppError where e.kind == .notFound {
            return message(context, "未找到", "目录中没有这项服务，或已撤回。", status: .notFound)
        } catch let e as AppError where e.kind == .badParameter {
            return try await hubService(request, context, error: "请填写申请理由（4–500 字）。")
        } catch let e as AppError where e.kind == .conflict {
            return try await hubService(request, context, error: "您是这项服务的发布方，无需申请。")
        }
        return PortalRenderer.redirect("/hub/services/\(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")?requested=1")
    }

    func hubWithdraw(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let id = context.parameters.get("id") ?? ""
        do { _ = try await services.hub.withdraw(id, by: p) } catch let e as AppError where e.kind == .notFound {
            return message(context, "未找到", "没有您发布的这项服务。", status: .notFound)
        } catch let e as AppError where e.kind == .conflict {
            return message(context, "已撤回", "这项服务已经撤回。", status: .conflict)
        }
        return PortalRenderer.redirect("/hub/services/\(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
    }

    func hubRequests(_ request: Request, _ context: BrainContext, error: String?) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let r = try await services.hub.requests(for: p)
        let titles = Dictionary(try await services.hub.catalogue(for: p).map { ($0.service.id, $0.service.title) }, uniquingKeysWith: { a, _ in a })
        var page = ReportPage(heading: "使用申请", sub: "调用方对我发布的服务的申请（批准后即可调用），以及我提出的申请")
        page.crumbs = [("/hub", "服务中枢"), ("/hub/services", "服务资源目录")]
        page.here = "使用申请"
        page.error = error
        let token = csrf.token(session: context.sessionID ?? "")
        func button(_ a: ServiceAccess, _ d: AccessDecision, _ label: String, primary: Bool = false) -> String {
            "<form class=\"inline\" method=\"post\" action=\"/hub/requests/\(SVGText.escape(a.id))/\(d.rawValue)\" style=\"display:inline-block;margin:2px\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><button type=\"submit\"\(primary ? " class=\"primary\"" : "")>\(label)</button></form>"
        }
        func serviceCell(_ a: ServiceAccess) -> String {
            "<a href=\"/hub/services/\(SVGText.escape(a.serviceId))\">\(SVGText.escape(titles[a.serviceId] ?? a.serviceId))</a>"
        }
        let incoming = r.incoming.map { a -> [String] in
            let action = a.state == "pending" ? button(a, .approve, "批准", primary: true) + button(a, .refuse, "拒绝")
                : a.state == "approved" ? SVGText.escape(Self.accessNames[a.state] ?? a.state) + " " + button(a, .revoke, "撤销") : SVGText.escape(Self.accessNames[a.state] ?? a.state)
            return [PortalTime.beijing(a.requestedAt), serviceCell(a), SVGText.escape(a.consumer), SVGText.escape(a.reason), action]
        }
        let mine = r.mine.map { a -> [String] in
            [PortalTime.beijing(a.requestedAt), serviceCell(a), SVGText.escape(a.reason), SVGText.escape(Self.accessNames[a.state] ?? a.state),
             SVGText.escape([a.decidedBy, a.note].compactMap { $0 }.joined(separator: "：")), ]
        }
        page.html = (p.can(.publishServices) ? formTable("待我审批", id: "incoming", headers: ["申请时间", "服务", "调用方", "理由", "处理"], rows: incoming, empty: "暂无对我发布的服务的申请。") : "")
            + formTable("我的申请", id: "mine", headers: ["申请时间", "服务", "理由", "状态", "处理人与说明"], rows: mine, empty: "您还没有申请使用任何服务。在服务资源目录中打开一项服务即可申请。")
        return page.respond(self, request, context, title: "使用申请", active: "/hub", file: "hub-requests")
    }

    func hubDecide(_ request: Request, _ context: BrainContext, _ decision: AccessDecision) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        do { _ = try await services.hub.decide(context.parameters.get("id") ?? "", decision, note: form["note"], by: p) } catch let e as AppError where e.kind == .notFound {
            return message(context, "未找到", "没有这条对您发布的服务的申请。", status: .notFound)
        } catch let e as AppError {
            return try await hubRequests(request, context, error: e.kind == .conflict ? "这条申请已经处理过了。" : "无法处理：\(e.message)")
        }
        return PortalRenderer.redirect("/hub/requests#incoming")
    }

    func hubUsage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let q = request.uri.queryParameters
        let days = q["days"].flatMap { Int(String($0)) }.map { min(max($0, 1), 92) } ?? 7
        let today = BeijingDay.of(Date())
        let report = try await services.hub.usage(for: p, from: BeijingDay.minus(days - 1, from: today), to: today)
        var page = ReportPage(heading: "调用量统计", sub: "按北京时间自然日计量：调用次数、返回条数、返回字节与超配额被拒次数 · \(report.from) 至 \(report.to)")
        page.crumbs = [("/hub", "服务中枢"), ("/hub/services", "服务资源目录")]
        page.here = "调用量统计"
        page.selects = [.init(name: "days", label: "时间范围", options: [("7", "近7天"), ("30", "近30天"), ("92", "近92天")], selected: String(days))]
        page.action = "/hub/usage"
        let items = report.items
        let calls = items.reduce(0) { $0 + $1.calls }, rows = items.reduce(0) { $0 + $1.rows }
        let bytes = items.reduce(0) { $0 + $1.bytes }, refused = items.reduce(0) { $0 + $1.refused }
        page.html = kpiCards([("调用次数", NumberFormat.amount(Double(calls), decimals: 0), "次", "\(Set(items.map(\.consumer)).count) 个调用方"),
                              ("返回条数", NumberFormat.amount(Double(rows), decimals: 0), "条", "\(Set(items.map(\.serviceId)).count) 项服务"),
                              bytes < 1_048_576 ? ("返回数据量", NumberFormat.amount(Double(bytes) / 1_024, decimals: 1), "KB", "JSON 字节")
                                  : ("返回数据量", NumberFormat.amount(Double(bytes) / 1_048_576, decimals: 1), "MB", "JSON 字节"),
                              ("超配额被拒", NumberFormat.amount(Double(refused), decimals: 0), "次", "返回 429")])
        var labels: [String] = []
        for k in stride(from: days - 1, through: 0, by: -1) { labels.append(BeijingDay.minus(k, from: today) ?? today) }
        let byDay = Dictionary(grouping: items, by: \.day)
        let perDay = labels.map { d -> Double? in Double(byDay[d]?.reduce(0) { $0 + $1.calls } ?? 0) }
        let byService = Dictionary(grouping: items, by: \.serviceId).map { ($0.key, $0.value.reduce(0) { $0 + $1.calls }) }.sorted { $0.1 > $1.1 }
        let byConsumer = Dictionary(grouping: items, by: \.consumer).map { ($0.key, $0.value.reduce(0) { $0 + $1.calls }) }.sorted { $0.1 > $1.1 }
        page.charts = [LineChart(title: "每日调用次数", unit: "次", labels: labels.map { String($0.dropFirst(5)) }, series: [LineSeries(name: "调用次数", values: perDay)]).svg(),
                       BarChart(title: "按服务的调用次数", unit: "次", items: byService.prefix(15).map { BarItem(label: $0.0, value: Double($0.1), href: "/hub/services/\($0.0)") },
                                valueFormat: { NumberFormat.amount($0, decimals: 0) }).svg(),
                       BarChart(title: "按调用方的调用次数", unit: "次", items: byConsumer.prefix(15).map { BarItem(label: $0.0, value: Double($0.1)) },
                                valueFormat: { NumberFormat.amount($0, decimals: 0) }).svg()]
        page.tables = [ReportPage.Table(title: "明细", headers: [("日期", false), ("服务", false), ("调用方", false), ("调用次数", true), ("返回条数", true), ("返回字节", true), ("超配额被拒", true)],
                                        rows: items.sorted { ($1.day, $0.serviceId, $0.consumer) < ($0.day, $1.serviceId, $1.consumer) }.map { u in
                                            [.init(text: u.day), .init(text: u.serviceId, href: "/hub/services/\(u.serviceId)"), .init(text: u.consumer),
                                             .num(String(u.calls)), .num(String(u.rows)), .num(String(u.bytes)), .num(String(u.refused))]
                                        })]
        return page.respond(self, request, context, title: "调用量统计", active: "/hub", file: "hub-usage")
    }
}
