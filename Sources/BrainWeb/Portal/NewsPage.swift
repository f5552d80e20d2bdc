import BrainApps
import BrainSecurity
import Foundation
import Hummingbird

extension Portal {
    func registerNewsPage(_ pages: PortalPages) {
        pages.get("/news", .permission(.publishNews)) { request, context in try await self.newsPage(request, context, error: nil) }
        pages.post("/news", .permission(.publishNews)) { request, context in try await self.writeNews(request, context) }
        pages.post("/news/:id/publish", .permission(.publishNews)) { request, context in try await self.publishNews(request, context) }
    }

    /// 新闻公告: every item with its state; the form to write a draft, publish now or schedule.
    func newsPage(_ request: Request, _ context: BrainContext, error: String?) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard p.can(.publishNews) else { return message(context, "无权访问", "发布公告需要省、市工信部门或管理员账号。", status: .forbidden) }
        let items = try await services.news(for: p, limit: 200)
        let token = csrf.token(session: context.sessionID ?? "")
        var page = ReportPage(heading: "新闻公告", sub: "草稿仅发布者可见；定时发布的公告到时自动出现在首页")
        page.error = error
        page.html = """
        <form method="post" action="/news" class="card"><input type="hidden" name="_csrf" value="\(token)"><h2>撰写公告</h2>
        <div class="field"><label for="title">标题</label><input id="title" name="title" maxlength="120"></div>
        <div class="field"><label for="body">正文</label><textarea id="body" name="body" rows="5" style="width:100%;padding:8px;border:1px solid #cbd5e1;border-radius:6px;font:inherit"></textarea></div>
        <div class="grid g3"><div class="field"><label for="mode">发布方式</label><select id="mode" name="mode"><option value="draft">存为草稿</option><option value="now">立即发布</option><option value="schedule">定时发布</option></select></div>
        <div class="field"><label for="publishAt">定时（北京时间）</label><input id="publishAt" name="publishAt" type="datetime-local"></div></div>
        <button class="primary" type="submit">保存</button></form>
        """
        let drafts = items.filter { $0.state == "draft" }
        if !drafts.isEmpty {
            page.html += "<div class=\"card\"><h2>草稿</h2>" + drafts.map { a in
                "<form class=\"inline\" method=\"post\" action=\"/news/\(a.id)/publish\" style=\"display:block;margin-bottom:6px\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">\(SVGText.escape(a.title)) <button type=\"submit\">立即发布</button></form>"
            }.joined() + "</div>"
        }
        page.tables.append(.init(title: "全部公告", headers: [("标题", false), ("状态", false), ("发布时间", false), ("作者", false)],
                                 rows: items.map { [.init(text: $0.title), .init(text: $0.stateName), .init(text: $0.publishAt ?? "—"), .init(text: $0.author)] }))
        return page.respond(self, request, context, title: "新闻公告", active: "/news", file: "news")
    }

    func writeNews(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal, p.can(.publishNews) else { return message(context, "无权访问", "发布公告需要省、市工信部门或管理员账号。", status: .forbidden) }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let mode = form["mode"] ?? "draft"
        if mode == "schedule", (form["publishAt"] ?? "").isEmpty { return try await newsPage(request, context, error: "定时：请填写发布时间") }
        do {
            let a = try await services.newsDesk.create(title: form["title"], body: form["body"], publishAt: mode == "schedule" ? form["publishAt"] : nil,
                                                                          draft: mode == "draft", author: p)
            try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /news", target: "announcement:\(a.id)", source: request.clientAddress(context),
                                                        detail: BrainServer.auditDetail(["state": a.state, "publishAt": a.publishAt ?? "", "via": "portal"])))
            return PortalRenderer.redirect("/news")
        } catch let e as AppError {
            let field = ["title": "标题", "body": "正文", "publishAt": "定时"][e.parameter] ?? e.parameter
            return try await newsPage(request, context, error: "\(field)：\(e.message.replacingOccurrences(of: "required", with: "必填"))")
        }
    }

    func publishNews(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal, p.can(.publishNews) else { return message(context, "无权访问", "发布公告需要省、市工信部门或管理员账号。", status: .forbidden) }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        guard let id = context.parameters.get("id") else { return PortalRenderer.redirect("/news") }
        do { _ = try await services.newsDesk.publish(id, by: p) } catch { return message(context, "未找到", "没有这条公告。", status: .notFound) }
        try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /news/{id}/publish", target: "announcement:\(id)", source: request.clientAddress(context)))
        return PortalRenderer.redirect("/news")
    }
}
