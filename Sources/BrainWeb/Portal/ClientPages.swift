import BrainApps
import BrainCore
import BrainSecurity
import Foundation
import Hummingbird

extension Portal {
    /// 服务中枢 · 接口客户端与密钥: the clients a caller manages, a form to create one, rotation and revocation. A new key is
    /// shown on the answer page once; the store keeps only its hash.
    func registerClientPages(_ pages: PortalPages) {
        pages.get("/hub", .signedIn) { request, context in try await self.hubIndex(request, context) }
        pages.get("/hub/clients", .permission(.manageClients)) { request, context in try await self.clientsPage(request, context, error: nil) }
        pages.post("/hub/clients", .permission(.manageClients)) { request, context in try await self.createClient(request, context) }
        pages.post("/hub/clients/:id/rotate", .permission(.manageClients)) { request, context in try await self.rotateClient(request, context) }
        pages.post("/hub/clients/:id/revoke", .permission(.manageClients)) { request, context in try await self.revokeClient(request, context) }
        pages.post("/hub/clients/:id/keys/:key/revoke", .permission(.manageClients)) { request, context in try await self.revokeClientKey(request, context) }
    }

    /// The entries of 服务中枢 a caller may use.
    static func hubLinks(for p: Principal) -> [Link] {
        var links: [Link] = [Link(href: "/hub/services", label: "服务资源目录", desc: "已发布的数据与分析服务：浏览、申请使用、调用说明"),
                             Link(href: "/hub/requests", label: "使用申请", desc: "我的申请，以及待我审批的他人申请"),
                             Link(href: "/hub/usage", label: "调用量统计", desc: "按日、服务和调用方的调用次数、条数、流量")]
        if p.can(.manageClients) { links.append(Link(href: "/hub/clients", label: "接口客户端与密钥", desc: "为外部系统开设客户端，发放、轮换、吊销 API 密钥")) }
        links.append(Link(href: "/hub/subscriptions", label: "订阅与推送", desc: "订阅预警和数据入库通知：Webhook、站内消息、邮件、短信"))
        links.append(Link(href: "/inbox", label: "消息", desc: "订阅推送到站内的预警与通知"))
        return links
    }

    func hubIndex(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        var page = ReportPage(heading: "服务中枢", sub: "统一数据接口：外部系统以 API 密钥接入，报送数据、调用已发布的服务、订阅预警推送。接口规范见 docs/data-interface.md。")
        page.html = "<div class=\"grid g3\">" + Self.hubLinks(for: p).map {
            "<a class=\"card tile\" href=\"\($0.href)\"><h2>\(SVGText.escape($0.label))</h2><p class=\"muted\">\(SVGText.escape($0.desc))</p></a>"
        }.joined() + "</div>"
        return page.respond(self, request, context, title: "服务中枢", active: "/hub", file: "hub")
    }

    static let clientStateNames = ["active": "有效", "expired": "已过期", "revoked": "已吊销", "expiring": "轮换过渡中"]

    func clientsPage(_ request: Request, _ context: BrainContext, error: String?, issued: IssuedClientKey? = nil) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let clients = try await services.clients.list(by: p)
        var page = ReportPage(heading: "接口客户端与密钥", sub: p.can(.manageUsers)
            ? "外部系统（统计局、电力公司、子脑、边缘网关）以客户端身份接入。密钥只显示一次，平台只保存其摘要；吊销立即生效。"
            : "服务商可为自己发布的服务开设只读客户端。")
        page.crumbs = [("/hub", "服务中枢")]
        page.error = error
        let token = csrf.token(session: context.sessionID ?? "")
        var html = ""
        if let issued {
            html += "<div class=\"card\" id=\"issued\" style=\"border-left:4px solid #1a7f37\"><h2>新密钥：\(SVGText.escape(issued.client.name))</h2>"
                + "<p><b>请立即复制保存，此密钥不会再次显示。</b>调用时放在请求头 <code>Authorization: Bearer &lt;密钥&gt;</code> 或 <code>X-API-Key</code>。</p>"
                + "<pre style=\"white-space:pre-wrap;word-break:break-all\">\(SVGText.escape(issued.key))</pre>"
                + (issued.signingSecret.map { "<p>签名密钥（本客户端的每个请求都须签名，见接口规范“请求签名”）：</p><pre style=\"white-space:pre-wrap;word-break:break-all\">\(SVGText.escape($0))</pre>" } ?? "")
                + (issued.previousKeysExpireAt.map { "<p class=\"muted\">该客户端原有密钥将于 \(PortalTime.beijing($0)) 停止使用。</p>" } ?? "") + "</div>"
        }
        let rows = clients.map { c -> [String] in
            let keys = c.keys.map { k in
                var line = "<code>\(SVGText.escape(k.prefix))</code> \(Self.clientStateNames[k.state] ?? k.state)"
                if let e = k.expiresAt, k.state == "expiring" { line += "（至 \(PortalTime.beijing(e))）" }
                if k.state == "active" || k.state == "expiring", c.state == "active" {
                    line += " <form class=\"inline\" method=\"post\" action=\"/hub/clients/\(SVGText.escape(c.id))/keys/\(SVGText.escape(k.keyID))/revoke\" style=\"display:inline\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><button type=\"submit\">吊销</button></form>"
                }
                return line
            }.joined(separator: "<br>")
            var actions = ""
            if c.state == "active" {
                actions = "<form class=\"inline\" method=\"post\" action=\"/hub/clients/\(SVGText.escape(c.id))/rotate\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">"
                    + "<label>过渡 <input name=\"overlapHours\" type=\"number\" min=\"0\" max=\"\(ClientDesk.longestOverlapHours)\" value=\"24\" style=\"width:5em\"> 小时</label> <button type=\"submit\" class=\"primary\">轮换密钥</button></form> "
                    + "<form class=\"inline\" method=\"post\" action=\"/hub/clients/\(SVGText.escape(c.id))/revoke\" style=\"margin-top:6px\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><button type=\"submit\">吊销客户端</button></form>"
            }
            let scopes = (c.writes.isEmpty ? "" : "报送：" + c.writes.map { Self.datasetName($0) }.joined(separator: "、") + "<br>")
                + (c.reads.isEmpty ? "" : "读取服务：" + c.reads.map { SVGText.escape($0) }.joined(separator: "、"))
            return ["<b>\(SVGText.escape(c.name))</b><br><code>\(SVGText.escape(c.id))</code>\(c.signed ? " · 签名" : "")", SVGText.escape(c.regionName),
                    scopes.isEmpty ? "<span class=\"muted\">无</span>" : scopes, (Self.clientStateNames[c.state] ?? c.state) + (c.expiresAt.map { "<br><span class=\"muted\">至 \(PortalTime.beijing($0))</span>" } ?? ""),
                    keys, actions]
        }
        html += formTable("客户端（\(clients.count)）", headers: ["客户端", "数据范围", "权限", "状态", "密钥", "操作"], rows: rows, empty: "尚未开设客户端。")
        html += createClientForm(p, token: token)
        page.html = html
        return page.respond(self, request, context, title: "接口客户端与密钥", active: "/hub", file: "hub-clients")
    }

    static func datasetName(_ id: String) -> String {
        ["enterprises": "企业名录", "indicators": "月度指标", "supply-links": "供应关系", "talent": "人才数据", "qualifications": "企业资质",
         "investments": "投资项目", "land": "用地", "daily-electricity": "日用电量"][id] ?? id
    }

    func createClientForm(_ p: Principal, token: String) -> String {
        let catalog = services.catalog
        let regions = [(catalog.province.code, catalog.province.name)] + catalog.cities.map { ($0.code, $0.name) }
        var f = "<div class=\"card\" id=\"create\"><h2>开设客户端</h2><form method=\"post\" action=\"/hub/clients\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><div class=\"filters\">"
        f += "<div class=\"field\"><label>标识（小写字母、数字、短横线）</label><input name=\"id\" required pattern=\"[a-z0-9-]{3,40}\" placeholder=\"stats-bureau-nc\"></div>"
        f += "<div class=\"field\"><label>名称</label><input name=\"name\" required maxlength=\"100\" placeholder=\"南昌市统计局数据交换\"></div>"
        f += "<div class=\"field\"><label>数据范围</label><select name=\"region\">" + regions.map { "<option value=\"\($0.0)\">\(SVGText.escape($0.1))</option>" }.joined() + "</select></div>"
        f += "<div class=\"field\"><label>有效期至</label><input name=\"expires\" type=\"date\"></div></div>"
        if p.can(.manageUsers) {
            f += "<p>可报送的数据集：" + ClientDesk.datasets.map { "<label style=\"margin-right:12px\"><input type=\"checkbox\" name=\"w_\($0)\" value=\"1\"> \(Self.datasetName($0))</label>" }.joined() + "</p>"
        }
        f += "<p><label><input type=\"checkbox\" name=\"signed\" value=\"1\"> 要求请求签名（HMAC，另发签名密钥）</label></p>"
        f += "<div class=\"field\"><label>说明</label><input name=\"description\" maxlength=\"500\"></div>"
        return f + "<p><button type=\"submit\" class=\"primary\">开设并发放密钥</button></p></form></div>"
    }

    func createClient(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let writes = ClientDesk.datasets.filter { form["w_\($0)"] == "1" }
        do {
            let issued = try await services.clients.create(ClientRequest(id: form["id"] ?? "", name: form["name"] ?? "", description: form["description"],
                                                                         region: form["region"], writes: writes, reads: [], expires: form["expires"],
                                                                         signed: form["signed"] == "1"), by: p)
            return try await clientsPage(request, context, error: nil, issued: issued)
        } catch let e as AppError {
            return try await clientsPage(request, context, error: "无法开设：\(e.parameter.isEmpty ? "" : e.parameter + " — ")\(e.message)")
        }
    }

    func rotateClient(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        guard let hours = Int(form["overlapHours"] ?? "24") else { return try await clientsPage(request, context, error: "过渡时间须为 0–720 的整数小时") }
        do {
            let issued = try await services.clients.rotate(context.parameters.get("id") ?? "", overlapHours: hours, by: p)
            return try await clientsPage(request, context, error: nil, issued: issued)
        } catch let e as AppError where e.kind == .notFound {
            return message(context, "未找到", "没有您管理的这个客户端。", status: .notFound)
        } catch let e as AppError {
            return try await clientsPage(request, context, error: "无法轮换：\(e.message)")
        }
    }

    func revokeClient(_ request: Request, _ context: BrainContext) async throws -> Response {
        try await clientChange(request, context) { p in _ = try await self.services.clients.revoke(context.parameters.get("id") ?? "", by: p) }
    }

    func revokeClientKey(_ request: Request, _ context: BrainContext) async throws -> Response {
        try await clientChange(request, context) { p in
            _ = try await self.services.clients.revokeKey(context.parameters.get("id") ?? "", key: context.parameters.get("key") ?? "", by: p)
        }
    }

    private func clientChange(_ request: Request, _ context: BrainContext, _ change: (Principal) async throws -> Void) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        do {
            try await change(p)
        } catch let e as AppError where e.kind == .notFound {
            return message(context, "未找到", "没有您管理的这个客户端或密钥。", status: .notFound)
        } catch let e as AppError {
            return try await clientsPage(request, context, error: "无法吊销：\(e.message)")
        }
        return PortalRenderer.redirect("/hub/clients")
    }
}
