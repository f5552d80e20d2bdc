import BrainApps
import BrainSecurity
import Foundation
import Hummingbird

// 账号管理: administrators, officials and zone managers list the accounts within their scope, create one, or upload a
// CSV file of them; the initial passwords are shown (and offered as a CSV download) only in the answer. 修改密码: every
// signed-in user, and the only page a session that must change its password reaches.

extension Portal {
    func registerAccountPages(_ pages: PortalPages) {
        pages.get("/accounts", .permission(.createAccounts)) { request, context in try await self.accountsPage(request, context) }
        pages.post("/accounts", .permission(.createAccounts)) { request, context in try await self.createAccount(request, context) }
        pages.post("/accounts/import", .permission(.createAccounts)) { request, context in try await self.importAccounts(request, context) }
        pages.get("/password", .open) { request, context in try await self.passwordPage(request, context, error: nil) }
        pages.post("/password", .open) { request, context in try await self.changePassword(request, context) }
    }

    /// The roles the caller may give, as the form's options.
    static func roleOptions(_ p: Principal) -> String {
        AccountDelegation.creatable(by: p.role).map { "<option value=\"\($0.rawValue)\">\($0.nameZh)</option>" }.joined()
    }

    /// The account list within the caller's scope, the form for one account and the upload form; `created` and
    /// `imported` are the answer to a post, shown once.
    func accountsPage(_ request: Request, _ context: BrainContext, created: CreatedAccount? = nil, imported: AccountImportResult? = nil,
                      error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        var page = ReportPage(heading: "账号管理", sub: "分级授权：只能为本级以下、本数据范围内的人员和企业开设账号；新账号首次登录须修改初始密码")
        page.error = error
        let token = csrf.token(session: context.sessionID ?? "")
        var html = ""
        if let created {
            page.notice = "已创建账号 \(created.username)（\(Role(rawValue: created.role)?.nameZh ?? created.role)\(created.scope.map { "，范围 \($0)" } ?? "")）。"
            if let pw = created.initialPassword {
                html += "<div class=\"card\"><h2>初始密码（仅显示这一次）</h2><p><code id=\"initial-password\">\(SVGText.escape(pw))</code></p><p class=\"muted\">请通过安全渠道交给本人；首次登录须修改。</p></div>"
            }
        }
        if let r = imported {
            page.notice = "共 \(r.rows) 行：创建 \(r.created) 个账号，拒绝 \(r.rejected) 行。"
            if r.created > 0 {
                let link = "data:text/csv;charset=utf-8;base64," + Data(("\u{FEFF}" + r.passwordsCSV).utf8).base64EncodedString()
                html += "<div class=\"card\"><h2>初始密码（仅此一次）</h2><p><a id=\"passwords-download\" download=\"initial-passwords.csv\" href=\"\(link)\">下载初始密码 CSV</a></p><p class=\"muted\">离开本页后无法再次获取；请通过安全渠道分发，首次登录须修改。</p></div>"
            }
            page.tables.append(.init(title: "逐行结果", headers: [("行号", true), ("用户名", false), ("结果", false), ("字段", false), ("原因", false), ("初始密码", false)],
                                     rows: r.results.map { [.num(String($0.row)), .init(text: $0.username ?? ""), .init(text: $0.outcome == "created" ? "已创建" : "拒绝"),
                                                            .init(text: $0.field ?? ""), .init(text: $0.reason ?? ""), .init(text: $0.initialPassword ?? "")] },
                                     note: "行号按文件计（表头为第 1 行）。"))
        }
        html += """
        <form method="post" action="/accounts" class="card"><input type="hidden" name="_csrf" value="\(token)">
        <h2>开设账号</h2><div class="grid g4">
        <div class="field"><label for="username">用户名</label><input id="username" name="username" required maxlength="64"></div>
        <div class="field"><label for="name">姓名</label><input id="name" name="name" maxlength="100"></div>
        <div class="field"><label for="role">角色</label><select id="role" name="role">\(Self.roleOptions(p))</select></div>
        <div class="field"><label for="scope">数据范围（地区、开发区代码或统一社会信用代码）</label><input id="scope" name="scope" maxlength="40"></div>
        <div class="field"><label for="contact">联系方式（手机或邮箱，加密保存）</label><input id="contact" name="contact" maxlength="100"></div>
        <div class="field"><label>&nbsp;</label><button class="primary" type="submit">创建</button></div></div>
        <p class="muted">不填密码：系统生成强初始密码，只在创建后显示一次。</p></form>
        <form method="post" action="/accounts/import" enctype="multipart/form-data" class="card"><input type="hidden" name="_csrf" value="\(token)">
        <h2>批量导入</h2><div class="grid g4"><div class="field"><label for="file">CSV 文件</label><input id="file" type="file" name="file" accept=".csv,text/csv"></div>
        <div class="field"><label>&nbsp;</label><button class="primary" type="submit">导入</button></div></div>
        <p class="muted">表头：<code>username,name,role,scope,contact</code>（或 <code>用户名,姓名,角色,范围,联系方式</code>）；逐行创建，坏行不影响其他行。</p></form>
        """
        page.html = html
        let rows = try await services.accountDesk.accountsInScope(by: p, catalog: services.catalog)
        page.tables.append(.init(title: "本范围内的账号", headers: [("用户名", false), ("姓名", false), ("角色", false), ("范围", false), ("创建时间", false), ("状态", false)],
                                 rows: rows.map { a in
                                     [.init(text: a.username), .init(text: a.name ?? ""), .init(text: Role(rawValue: a.role)?.nameZh ?? a.role), .init(text: a.scope ?? ""),
                                      .init(text: PortalTime.beijing(a.createdAt)),
                                      .init(text: a.disabled ? "已停用" : a.lockedUntil != nil ? "已锁定" : a.mustChangePassword ? "待修改初始密码" : "正常")]
                                 }))
        var response = page.respond(self, request, context, title: "账号管理", active: "/accounts", file: "accounts")
        response.status = status
        return response
    }

    func createAccount(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        func field(_ k: String) -> String? { form[k].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        let new = NewAccount(username: form["username"] ?? "", name: field("name"), role: form["role"] ?? "", scope: field("scope"), contact: field("contact"))
        do {
            let created = try await services.accountDesk.create(new, by: p, origin: AdminOrigin(source: request.clientAddress(context), via: "portal /accounts"))
            return try await accountsPage(request, context, created: created)
        } catch let e as AppError {
            let status: HTTPResponse.Status = e.kind == .forbidden ? .forbidden : e.kind == .conflict ? .conflict : .badRequest
            return try await accountsPage(request, context, error: "未创建：\(e.parameter.isEmpty ? "" : e.parameter + "：")\(e.message)", status: status)
        }
    }

    func importAccounts(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard let form = try await MultipartForm.parse(request, limit: 4 * 1024 * 1024) else {
            return try await accountsPage(request, context, error: "请以文件上传表单提交", status: .badRequest)
        }
        guard let session = context.sessionID, csrf.check(form.fields["_csrf"], session: session) else { return csrfRefusal(context) }
        guard let file = form.files["file"], !file.data.isEmpty else { return try await accountsPage(request, context, error: "文件：请选择要上传的 CSV 文件", status: .badRequest) }
        do {
            let result = try await services.accountDesk.importAccounts(file.data, by: p, origin: AdminOrigin(source: request.clientAddress(context), via: "portal /accounts"))
            return try await accountsPage(request, context, imported: result)
        } catch let e as AppError {
            return try await accountsPage(request, context, error: "文件无法导入：\(e.parameter.isEmpty ? "" : e.parameter + "：")\(e.message)", status: .badRequest)
        }
    }

    /// The change-password form: for every signed-in user, and the only page of a session that must change its password.
    func passwordPage(_ request: Request, _ context: BrainContext, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let jti = context.sessionID, context.principal != nil || context.passwordChangeOnly else { return PortalRenderer.redirect("/login") }
        var page = ReportPage(heading: "修改密码", sub: context.passwordChangeOnly ? "首次登录（或管理员重置密码后）须先修改初始密码，修改后请用新密码重新登录" : "新密码至少 10 位，含大写、小写、数字、符号中的三类，且不得与最近 5 次相同")
        page.error = error
        page.html = """
        <form method="post" action="/password" class="card" style="max-width:560px"><input type="hidden" name="_csrf" value="\(csrf.token(session: jti))">
        <div class="field"><label for="current">当前密码</label><input id="current" type="password" name="current" autocomplete="current-password" required></div>
        <div class="field"><label for="new">新密码</label><input id="new" type="password" name="new" autocomplete="new-password" required></div>
        <div class="field"><label for="again">再次输入新密码</label><input id="again" type="password" name="again" autocomplete="new-password" required></div>
        <button class="primary" type="submit">修改密码</button></form>
        """
        var response = page.respond(self, request, context, title: "修改密码", active: "/password", file: "password")
        response.status = status
        return response
    }

    func changePassword(_ request: Request, _ context: BrainContext) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard let jti = context.sessionID, let session = try await services.accountDesk.session(jti),
              context.principal != nil || context.passwordChangeOnly else { return PortalRenderer.redirect("/login") }
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let new = form["new"] ?? ""
        guard new == form["again"] else { return try await passwordPage(request, context, error: "两次输入的新密码不一致", status: .badRequest) }
        do {
            try await services.accounts.changePassword(session.username, current: form["current"] ?? "", new: new)
        } catch let e as Accounts.Problem {
            let text = e.code == "account_locked" ? "当前密码错误次数过多，账户已锁定 15 分钟"
                : e.description.hasPrefix("currentPassword") ? "当前密码不正确" : "新密码不符合要求：\(e.description)"
            return try await passwordPage(request, context, error: text, status: .badRequest)
        }
        let forced = context.passwordChangeOnly
        let ended = try await services.accountDesk.endSessions(of: session.username, keeping: forced ? nil : jti)
        services.sessions.markRevoked(ended)
        if forced {
            var c = frame(context, title: "密码已修改", active: "")
            c["heading"] = "密码已修改"
            c["message"] = "请使用新密码重新登录。"
            var response = renderer.page("message", c)
            response.headers[.setCookie] = PortalCookie.clear(secure: PortalCookie.isSecure(request))
            return response
        }
        return message(context, "密码已修改", "其他会话已结束。", status: .ok)
    }
}
