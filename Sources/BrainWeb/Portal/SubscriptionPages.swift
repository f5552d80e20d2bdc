import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension Portal {
    /// 订阅 (/hub/subscriptions: create, list, pause, delete, deliveries, dead letters, redelivery) and 消息 (/inbox).
    func registerSubscriptionPages(_ pages: PortalPages) {
        pages.get("/hub/subscriptions", .signedIn) { request, context in try await self.subscriptionsPage(request, context) }
        pages.post("/hub/subscriptions", .signedIn) { request, context in try await self.createSubscription(request, context) }
        pages.get("/hub/subscriptions/:id", .signedIn) { request, context in try await self.subscriptionPage(request, context) }
        for action in ["pause", "resume", "delete"] {
            pages.post("/hub/subscriptions/:id/\(action)", .signedIn) { request, context in try await self.changeSubscription(request, context, action: action) }
        }
        pages.post("/hub/deliveries/:id/redeliver", .signedIn) { request, context in try await self.redeliverPage(request, context) }
        pages.get("/inbox", .signedIn) { request, context in try await self.inboxPage(request, context) }
        pages.post("/inbox/read", .signedIn) { request, context in try await self.markInboxRead(request, context) }
    }

    /// A delivery's last error, short enough for a table cell on a phone.
    static func shortError(_ e: String?) -> String {
        guard let e else { return "" }
        return e.count > 60 ? String(e.prefix(60)) + "…" : e
    }

    static let deliveryStateZh = ["pending": "待投递", "delivered": "已送达", "dead": "死信", "cancelled": "已取消"]

    /// The caller's subscriptions, the form for a new one, and the dead-letter list.
    func subscriptionsPage(_ request: Request, _ context: BrainContext, error: String? = nil, notice: String? = nil) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let desk = services.subscriptions
        let subs = try await desk.list(for: p)
        let token = csrf.token(session: context.sessionID ?? "")
        var page = ReportPage(heading: "订阅与推送", sub: "新预警、数据导入完成时通过 Webhook、站内消息、邮件或短信通知；只推送您有权查看的内容")
        page.error = error
        page.notice = notice
        let topics = SubscriptionTopic.allCases.filter { desk.audience.refusal(p, topic: $0) == nil }
        if topics.isEmpty {
            page.html = "<div class=\"card\"><p>您的账号不能订阅预警或导入通知（需要政府部门账号或接口客户端）。站内消息见 <a href=\"/inbox\">消息</a>。</p></div>"
        } else {
            page.html = newSubscriptionForm(p, topics: topics, token: token)
        }
        page.tables.append(.init(title: "我的订阅", headers: [("名称", false), ("内容", false), ("方式", false), ("筛选", false), ("状态", false),
                                                           ("已送达", true), ("待投递", true), ("死信", true), ("创建时间", false)],
                                 rows: subs.map { s in
            [.init(text: s.name, href: "/hub/subscriptions/\(s.id)"), .init(text: s.topic.nameZh), .init(text: s.channel.nameZh + (s.target.isEmpty ? "" : "：" + s.target)),
             .init(text: filterText(s)), .init(text: s.state == "active" ? "生效" : "已暂停"), .init(text: String(s.delivered)), .init(text: String(s.pending)),
             .init(text: String(s.dead), cls: s.dead > 0 ? "bad" : ""), .init(text: PortalTime.beijing(s.createdAt))]
        }, note: subs.isEmpty ? "还没有订阅。" : nil))
        let dead = try await desk.deliveries(subscription: nil, state: "dead", by: p, limit: 50)
        if !dead.isEmpty {
            page.after += "<div class=\"card\"><h2>死信（重试 24 小时仍未送达）</h2><table><tr><th>投递</th><th>事件数</th><th>尝试次数</th><th>最后错误</th><th>创建时间</th><th></th></tr>" + dead.map { d in
                "<tr><td>\(SVGText.escape(String(d.id.prefix(12))))…</td><td>\(d.eventCount)</td><td>\(d.attempts)</td><td>\(SVGText.escape(Self.shortError(d.lastError)))</td><td>\(PortalTime.beijing(d.createdAt))</td>"
                    + "<td><form class=\"inline\" method=\"post\" action=\"/hub/deliveries/\(d.id)/redeliver\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><button type=\"submit\">重新投递</button></form></td></tr>"
            }.joined() + "</table></div>"
        }
        page.after += "<div class=\"card\"><p>Webhook 请求体、签名头与校验示例见 docs/subscriptions.md；接口：<code>/api/v1/subscriptions</code>。</p></div>"
        return page.respond(self, request, context, title: "订阅与推送", active: "/hub/subscriptions", file: "subscriptions")
    }

    private func filterText(_ s: SubscriptionView) -> String {
        var parts: [String] = []
        if !s.regions.isEmpty { parts.append(s.regions.map { services.catalog.region($0)?.name ?? $0 }.joined(separator: "、")) }
        if !s.chains.isEmpty { parts.append(s.chains.map { services.catalog.chains.chain($0)?.name ?? $0 }.joined(separator: "、")) }
        if !s.levels.isEmpty { parts.append(s.levels.map { WarningLevel(rawValue: $0)?.nameZh ?? $0 }.joined(separator: "、")) }
        if !s.kinds.isEmpty { parts.append(s.kinds.map { WarningKind(rawValue: $0)?.nameZh ?? $0 }.joined(separator: "、")) }
        return parts.isEmpty ? "本辖区全部" : parts.joined(separator: "；")
    }

    private func newSubscriptionForm(_ p: Principal, topics: [SubscriptionTopic], token: String) -> String {
        let catalog = services.catalog
        let regions = ([catalog.province] + catalog.cities + catalog.counties).filter { services.subscriptions.audience.mayFilter(region: $0.code, by: p) }
        func options(_ items: [(String, String)]) -> String { items.map { "<option value=\"\(SVGText.escape($0.0))\">\(SVGText.escape($0.1))</option>" }.joined() }
        return """
        <form method="post" action="/hub/subscriptions" class="card"><input type="hidden" name="_csrf" value="\(token)"><h2>新建订阅</h2>
        <div class="grid g3"><div class="field"><label for="name">名称</label><input id="name" name="name" maxlength="80" required></div>
        <div class="field"><label for="topic">订阅内容</label><select id="topic" name="topic">\(options(topics.map { ($0.rawValue, $0.nameZh) }))</select></div>
        <div class="field"><label for="channel">推送方式</label><select id="channel" name="channel">\(options(SubscriptionChannel.allCases.map { ($0.rawValue, $0.nameZh) }))</select></div></div>
        <div class="field"><label for="target">地址（Webhook URL、邮箱或手机号；站内消息不填）</label><input id="target" name="target" maxlength="2000" placeholder="https://example.gov.cn/hooks/brain"></div>
        <div class="grid g3"><div class="field"><label for="region">地区</label><select id="region" name="region"><option value="">本辖区全部</option>\(options(regions.map { ($0.code, $0.name) }))</select></div>
        <div class="field"><label for="chain">产业链</label><select id="chain" name="chain"><option value="">全部</option>\(options(catalog.chains.chains.map { ($0.code, $0.name) }))</select></div>
        <div class="field"><label for="kind">预警类型 / 导入类型</label><select id="kind" name="kind"><option value="">全部</option>\(options(WarningKind.allCases.map { ($0.rawValue, $0.nameZh) } + ImportKind.allCases.map { ($0.rawValue, "导入：" + $0.rawValue) }))</select></div></div>
        <div style="margin-bottom:12px"><b>预警级别（不选为全部）</b><br>\([("red", "红色"), ("orange", "橙色"), ("yellow", "黄色")].map { "<label style=\"margin-right:12px\"><input type=\"checkbox\" name=\"level_\($0.0)\" value=\"1\"> \($0.1)</label>" }.joined())</div>
        <button class="primary" type="submit">创建订阅</button></form>
        """
    }

    func createSubscription(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        guard let topic = SubscriptionTopic(rawValue: form["topic"] ?? ""), let channel = SubscriptionChannel(rawValue: form["channel"] ?? "") else {
            return try await subscriptionsPage(request, context, error: "请选择订阅内容和推送方式")
        }
        func one(_ k: String) -> [String]? { (form[k] ?? "").isEmpty ? nil : [form[k]!] }
        let levels = ["red", "orange", "yellow"].filter { form["level_\($0)"] != nil }
        let draft = SubscriptionDraft(name: form["name"] ?? "", topic: topic, channel: channel, target: (form["target"] ?? "").isEmpty ? nil : form["target"],
                                      regions: topic == .warnings ? one("region") : nil, chains: topic == .warnings ? one("chain") : nil,
                                      levels: topic == .warnings && !levels.isEmpty ? levels : nil, kinds: one("kind"))
        do {
            let created = try await services.subscriptions.create(draft, by: p)
            try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /hub/subscriptions", target: "subscription:\(created.subscription.id)",
                                                        source: request.clientAddress(context),
                                                        detail: BrainServer.auditDetail(["topic": topic.rawValue, "channel": channel.rawValue, "via": "portal"])))
            let secret = created.secret.map { "签名密钥（只显示这一次，请立即保存）：\($0)" } ?? ""
            return try await subscriptionsPage(request, context, notice: "已创建订阅「\(created.subscription.name)」。" + secret)
        } catch let e as AppError {
            let field = ["name": "名称", "target": "地址", "regions": "地区", "chains": "产业链", "levels": "级别", "kinds": "类型", "channel": "推送方式"][e.parameter] ?? ""
            return try await subscriptionsPage(request, context, error: (field.isEmpty ? "" : field + "：") + e.message)
        }
    }

    /// One subscription with its deliveries.
    func subscriptionPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let id = context.parameters.get("id") ?? ""
        let desk = services.subscriptions
        guard let s = try? await desk.subscription(id, for: p) else { return message(context, "未找到", "没有这个订阅。", status: .notFound) }
        let deliveries = try await desk.deliveries(subscription: s.id, state: nil, by: p, limit: 200)
        let token = csrf.token(session: context.sessionID ?? "")
        var page = ReportPage(heading: s.name, sub: "\(s.topic.nameZh) · \(s.channel.nameZh)\(s.target.isEmpty ? "" : "：" + s.target) · \(filterText(s))")
        page.crumbs = [("/hub/subscriptions", "订阅与推送")]
        let toggle = s.state == "active" ? ("pause", "暂停") : ("resume", "恢复")
        page.html = "<div class=\"card\">"
            + "<form class=\"inline\" method=\"post\" action=\"/hub/subscriptions/\(s.id)/\(toggle.0)\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><button type=\"submit\">\(toggle.1)</button></form> "
            + "<form class=\"inline\" method=\"post\" action=\"/hub/subscriptions/\(s.id)/delete\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><button type=\"submit\">删除订阅</button></form>"
            + "<p>状态：\(s.state == "active" ? "生效" : "已暂停（不再产生新的投递，已排队的照常发送）")；已送达 \(s.delivered)，待投递 \(s.pending)，死信 \(s.dead)。</p></div>"
        page.tables.append(.init(title: "投递记录", headers: [("投递", false), ("事件数", true), ("状态", false), ("尝试", true), ("下次尝试", false),
                                                           ("最后错误", false), ("创建时间", false), ("送达时间", false)],
                                 rows: deliveries.map { d in
            [.init(text: String(d.id.prefix(12)) + "…"), .init(text: String(d.eventCount)), .init(text: Self.deliveryStateZh[d.state] ?? d.state, cls: d.state == "dead" ? "bad" : ""),
             .init(text: String(d.attempts)), .init(text: d.nextAttemptAt.map(PortalTime.beijing) ?? "—"), .init(text: Self.shortError(d.lastError)),
             .init(text: PortalTime.beijing(d.createdAt)), .init(text: d.deliveredAt.map(PortalTime.beijing) ?? "—")]
        }, note: deliveries.isEmpty ? (s.channel == .inbox ? "站内消息直接进入收件人的消息箱，不经投递队列。" : "还没有投递。") : nil))
        let redeliverable = deliveries.filter { $0.state == "dead" || $0.state == "delivered" }.prefix(50)
        if !redeliverable.isEmpty {
            page.after = "<div class=\"card\"><h2>重新投递</h2>" + redeliverable.map { d in
                "<form class=\"inline\" method=\"post\" action=\"/hub/deliveries/\(d.id)/redeliver\" style=\"display:block;margin-bottom:6px\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">\(SVGText.escape(d.id))（\(Self.deliveryStateZh[d.state] ?? d.state)） <button type=\"submit\">重新投递</button></form>"
            }.joined() + "</div>"
        }
        return page.respond(self, request, context, title: s.name, active: "/hub/subscriptions", file: "subscription")
    }

    func changeSubscription(_ request: Request, _ context: BrainContext, action: String) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let id = context.parameters.get("id") ?? ""
        do {
            switch action {
            case "delete": try await services.subscriptions.delete(id, by: p)
            default: _ = try await services.subscriptions.setState(id, active: action == "resume", by: p)
            }
        } catch is AppError { return message(context, "未找到", "没有这个订阅。", status: .notFound) }
        try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /hub/subscriptions/{id}/\(action)", target: "subscription:\(id)",
                                                    source: request.clientAddress(context)))
        return PortalRenderer.redirect(action == "delete" ? "/hub/subscriptions" : "/hub/subscriptions/\(id)")
    }

    func redeliverPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let id = context.parameters.get("id") ?? ""
        do {
            let d = try await services.subscriptions.redeliver(id, by: p)
            try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /hub/deliveries/{id}/redeliver", target: "delivery:\(id)",
                                                        source: request.clientAddress(context)))
            return PortalRenderer.redirect("/hub/subscriptions/\(d.subscriptionId)")
        } catch let e as AppError {
            if e.kind == .notFound { return message(context, "未找到", "没有这次投递。", status: .notFound) }
            return message(context, "不能重新投递", "这次投递仍在排队重试中，无需手动重新投递。", status: .conflict)
        }
    }

    /// 消息: the caller's inbox, newest first; mark one or all read.
    func inboxPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let unreadOnly = request.uri.queryParameters["unread"] == "1"
        let box = try await services.subscriptions.inbox(for: p, unreadOnly: unreadOnly, limit: 100)
        let unread = try await services.subscriptions.unread(for: p)
        let token = csrf.token(session: context.sessionID ?? "")
        var page = ReportPage(heading: "消息", sub: "订阅推送到站内的预警和导入通知；未读 \(unread) 条")
        page.html = "<div class=\"card\"><a href=\"/inbox\">全部</a> · <a href=\"/inbox?unread=1\">只看未读</a> · <a href=\"/hub/subscriptions\">管理订阅</a> "
            + (unread > 0 ? "<form class=\"inline\" method=\"post\" action=\"/inbox/read\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><button type=\"submit\">全部标为已读</button></form>" : "")
            + "</div>"
        page.html += "<div class=\"card\"><h2>\(unreadOnly ? "未读消息" : "全部消息")（\(box.total)）</h2>" + (box.items.isEmpty ? "<p>没有消息。</p>" : box.items.map { m in
            let link = m.link.map { "<a href=\"\(SVGText.escape($0))\">查看</a>" } ?? ""
            let mark = m.readAt == nil ? "<form class=\"inline\" method=\"post\" action=\"/inbox/read\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><input type=\"hidden\" name=\"id\" value=\"\(SVGText.escape(m.id))\"><button type=\"submit\">标为已读</button></form>" : "<span class=\"muted\">已读</span>"
            return "<div style=\"border-top:1px solid #e2e8f0;padding:8px 0\">\(m.readAt == nil ? "<b>" : "")\(SVGText.escape(m.title))\(m.readAt == nil ? "</b>" : "")"
                + "<div>\(SVGText.escape(m.body))</div><div class=\"muted\">\(PortalTime.beijing(m.createdAt)) \(link) \(mark)</div></div>"
        }.joined()) + "</div>"
        return page.respond(self, request, context, title: "消息", active: "/inbox", file: "inbox")
    }

    func markInboxRead(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        try await services.subscriptions.markRead(form["id"].map { [$0] }, by: p)
        return PortalRenderer.redirect("/inbox")
    }
}
