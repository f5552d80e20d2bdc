import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension Portal {
    func registerEnterpriseServicePages(_ pages: PortalPages) {
        pages.get("/my/diagnosis", .enterprise) { request, context in try await self.diagnosisPage(request, context, result: nil, error: nil) }
        pages.post("/my/diagnosis", .enterprise) { request, context in try await self.submitDiagnosis(request, context) }
        pages.get("/my/market", .enterprise) { request, context in try await self.marketPage(request, context, error: nil) }
        pages.post("/my/market", .enterprise) { request, context in try await self.postListing(request, context) }
        pages.get("/my/grants", .enterprise) { request, context in try await self.grantsPage(request, context, error: nil) }
        pages.post("/my/grants", .enterprise) { request, context in try await self.createGrant(request, context) }
        pages.post("/my/grants/:id/revoke", .enterprise) { request, context in try await self.revokeGrant(request, context) }
    }

    /// The enterprise user and its firm, or the answer to send instead.
    func enterpriseUser(_ context: BrainContext) -> Gate<(Principal, Enterprise)> {
        guard let p = context.principal else { return .failure(PortalRenderer.redirect("/login")) }
        let cube = services.cubes.cube
        guard let uscc = p.ownEnterprise, let i = cube.firmIndex[uscc] else {
            return .failure(message(context, "仅限企业用户", "此页面面向企业用户。", status: .forbidden))
        }
        return .success((p, cube.firms[i]))
    }

    /// 转型问诊: the last result (or the one just submitted) with the referrals waiting for consent, the history, and the
    /// questionnaire as a form (no JavaScript), pre-filled from the last answers on request (`?prefill=last`).
    func diagnosisPage(_ request: Request, _ context: BrainContext, result: DiagnosisRecord?, error: String?, answers: [String: String] = [:]) async throws -> Response {
        let (_, firm): (Principal, Enterprise)
        switch enterpriseUser(context) { case .failure(let r): return r; case .success(let v): (_, firm) = v }
        let q = services.diagnoses.questionnaire
        let large = DiagnosisDesk.isLarge(firm)
        let history = try await services.diagnoses.history(uscc: firm.uscc)
        var answers = answers
        let prefill = request.uri.queryParameters["prefill"] == "last" && answers.isEmpty
        if prefill, let last = history.first { answers = last.answers.mapValues(String.init) }
        var html = ""
        if let r = result ?? history.first {
            let when = PortalTime.beijing(r.submittedAt)
            html += "<div class=\"card\"><h2>\(result != nil ? "问诊结果" : "上次问诊结果（\(when)）")：\(SVGText.escape(r.result.levelName))（\(NumberFormat.amount(r.result.total))分）</h2>"
            html += "<p>最薄弱领域：<b>\(SVGText.escape(r.result.weakestAreaName))</b>；最薄弱环节：\(SVGText.escape(r.result.weakestSubareaName))"
            if let pct = r.percentile { html += "；在同城同产业链 \(r.peers) 家企业中超过 \(NumberFormat.percent(pct, signed: false))" }
            html += "</p>" + BarChart(title: "各领域得分", unit: "分", items: r.result.areas.map { BarItem(label: $0.name, value: $0.score, note: "权重\(Int($0.weight))", href: nil) },
                                      valueFormat: { NumberFormat.amount($0) }).svg()
            html += "<h2 style=\"margin-top:12px\">改进建议</h2><ul>" + r.result.weakPoints.map { "<li>\(SVGText.escape($0.question))：\(SVGText.escape($0.advice))</li>" }.joined() + "</ul></div>"
        }
        html += try await consentCard(firm: firm, context: context)
        // The history before the long form, so a returning firm sees how it moved.
        html += formTable("问诊记录", headers: ["时间（北京时间）", "得分", "等级", "最薄弱领域"],
                          rows: history.map { [PortalTime.beijing($0.submittedAt), NumberFormat.amount($0.result.total), SVGText.escape($0.result.levelName), SVGText.escape($0.result.weakestAreaName)] },
                          empty: "还没有问诊记录。")
        if let last = history.first {
            html += "<p class=\"muted\">\(prefill ? "下面的问卷已按 \(PortalTime.beijing(last.submittedAt)) 的答案预填，修改有变化的题目后提交即可。" : "再次问诊可<a href=\"/my/diagnosis?prefill=last#form\">按上次答案预填问卷</a>，只改有变化的题目。")</p>"
        }
        html += "<form id=\"form\" method=\"post\" action=\"/my/diagnosis\" class=\"card\"><input type=\"hidden\" name=\"_csrf\" value=\"\(csrf.token(session: context.sessionID ?? ""))\">"
        html += "<h2>\(SVGText.escape(q.title))</h2><p class=\"muted\">共 \(q.questions(largeFirm: large).count) 题，每题选择最符合本企业现状的一项。\(large ? "大中型企业另答智能制造能力成熟度（GB/T 39116）自评题。" : "")</p>"
        for area in q.areas {
            html += "<h2 style=\"margin-top:16px\">\(SVGText.escape(area.name))（权重 \(Int(area.weight))）</h2>"
            for question in q.questions(largeFirm: large) where question.subarea.map({ q.subarea($0)?.area.code == area.code }) == true {
                html += questionHTML(question, chosen: answers[question.id])
            }
        }
        let maturity = q.questions(largeFirm: large).filter { $0.maturityLevel != nil }
        if !maturity.isEmpty {
            html += "<h2 style=\"margin-top:16px\">智能制造能力成熟度自评</h2>" + maturity.map { questionHTML($0, chosen: answers[$0.id]) }.joined()
        }
        html += "<button class=\"primary\" type=\"submit\">提交问诊</button></form>"
        var page = ReportPage(heading: "转型问诊", sub: "\(firm.name) · 问卷版本 \(q.version)")
        page.error = error
        page.notice = request.uri.queryParameters["consented"].map { $0 == "1" ? "已同意对接，服务商将与您联系。" : "已记录：暂不对接该方案。" }
        page.html = html
        return page.respond(self, request, context, title: "转型问诊", active: "/my/diagnosis", file: "diagnoses")
    }

    func questionHTML(_ q: Questionnaire.Question, chosen: String?) -> String {
        var h = "<fieldset style=\"border:1px solid #e5e7eb;border-radius:6px;margin:8px 0;padding:8px 12px\"><legend style=\"font-weight:600\">\(q.id). \(SVGText.escape(q.text))</legend>"
        for (k, o) in q.options.enumerated() {
            h += "<label style=\"display:block\"><input type=\"radio\" name=\"\(q.id)\" value=\"\(k)\"\(chosen == String(k) ? " checked" : "")> \(SVGText.escape(o.label))</label>"
        }
        return h + "</fieldset>"
    }

    func submitDiagnosis(_ request: Request, _ context: BrainContext) async throws -> Response {
        let p: Principal
        switch enterpriseUser(context) { case .failure(let r): return r; case .success(let v): p = v.0 }
        let form = try await FormBody.parse(request, limit: 256 * 1024)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        var answers: [String: Int] = [:]
        for (k, v) in form where k != "_csrf" { if let n = Int(v) { answers[k] = n } }
        do {
            let record = try await services.diagnoses.submit(DiagnosisSubmission(uscc: nil, answers: answers), by: p, cube: services.cubes.cube,
                                                             catalog: services.catalog, rematch: services.policies)
            try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /my/diagnosis", target: "diagnosis:\(record.id)", source: request.clientAddress(context),
                                                        detail: BrainServer.auditDetail(["total": String(record.result.total), "via": "portal"])))
            return try await diagnosisPage(request, context, result: record, error: nil)
        } catch let e as DiagnosisFailure {
            let missing = e.problems.count
            return try await diagnosisPage(request, context, result: nil, error: "还有 \(missing) 处需要修改：" + e.problems.prefix(8).map { "\($0.field.replacingOccurrences(of: "answers.", with: "第 ")) 题 \($0.reason)" }.joined(separator: "；"),
                                           answers: form)
        }
    }

    /// 贸易撮合: my listings with their best matches, and the form to post one.
    func marketPage(_ request: Request, _ context: BrainContext, error: String?) async throws -> Response {
        let (p, firm): (Principal, Enterprise)
        switch enterpriseUser(context) { case .failure(let r): return r; case .success(let v): (p, firm) = v }
        let listings = try await services.market.listings(uscc: firm.uscc).sorted { $0.createdAt > $1.createdAt }
        var page = ReportPage(heading: "贸易撮合", sub: "\(firm.name) · 发布供需，系统按产品、行业、产业链上下游、距离、产能和往来关系推荐对手方")
        page.error = error
        let token = csrf.token(session: context.sessionID ?? "")
        page.html = """
        <form method="post" action="/my/market" class="card"><input type="hidden" name="_csrf" value="\(token)"><h2>发布供需</h2>
        <div class="grid g4"><div class="field"><label for="kind">类型</label><select id="kind" name="kind"><option value="demand">采购需求</option><option value="supply">产品供应</option></select></div>
        <div class="field"><label for="product">产品</label><input id="product" name="product" placeholder="例如：电池级碳酸锂"></div>
        <div class="field"><label for="quantity">数量</label><input id="quantity" name="quantity" inputmode="decimal"></div>
        <div class="field"><label for="unit">单位</label><input id="unit" name="unit" placeholder="吨、件、台、套"></div></div>
        <div class="field"><label for="spec">规格（可选）</label><input id="spec" name="spec"></div>
        <button class="primary" type="submit">发布</button></form>
        """
        page.tables.append(.init(title: "我的供需", headers: [("类型", false), ("产品", false), ("数量", true), ("有效期", false), ("状态", false)],
                                 rows: listings.map { [.init(text: $0.kind == .supply ? "供应" : "需求"), .init(text: $0.product), .num(NumberFormat.amount($0.quantity, decimals: 1) + " " + $0.unit),
                                                       .init(text: "\($0.validFrom) 至 \($0.validUntil)"), .init(text: $0.state == "open" ? "有效" : "已关闭")] }))
        let exchanges = try await services.contacts.exchanges(for: p)
        page.html += contactsCard(exchanges, token: token)
        if request.uri.queryParameters["requested"] != nil { page.notice = "已发出请求：对方同意后，双方可在“交换联系方式”中看到彼此的联系方式。" }
        let asked = Set(exchanges.filter { $0.direction == "outgoing" && $0.state != "declined" }.map { $0.myListing + "|" + $0.counterpartListing })
        for l in listings.filter({ $0.state == "open" }).prefix(3) {
            let matches = try await services.market.matches(for: l, limit: 5)
            let rows = matches.map { m -> [String] in
                let request = asked.contains(l.id + "|" + m.listing.id) ? "<span class=\"muted\">已请求</span>"
                    : "<form class=\"inline\" method=\"post\" action=\"/my/market/contacts\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><input type=\"hidden\" name=\"fromListing\" value=\"\(SVGText.escape(l.id))\"><input type=\"hidden\" name=\"toListing\" value=\"\(SVGText.escape(m.listing.id))\"><input name=\"contact\" placeholder=\"我的联系人及电话\" aria-label=\"我的联系人及电话\" style=\"max-width:160px\"> <button type=\"submit\">请求交换联系方式</button></form>"
                return [SVGText.escape(m.listing.company), SVGText.escape(m.listing.product), NumberFormat.amount(m.listing.quantity, decimals: 1) + " " + SVGText.escape(m.listing.unit),
                        SVGText.escape(services.catalog.region(m.listing.region)?.name ?? m.listing.region), NumberFormat.amount(m.score), SVGText.escape(m.summary), request]
            }
            page.html += formTable("“\(l.product)”的推荐对手方", headers: ["企业", "产品", "数量", "所在地", "匹配度", "理由", "联系"], rows: rows, empty: "暂无匹配的对手方。")
        }
        return page.respond(self, request, context, title: "贸易撮合", active: "/my/market", file: "market")
    }

    func postListing(_ request: Request, _ context: BrainContext) async throws -> Response {
        let p: Principal
        switch enterpriseUser(context) { case .failure(let r): return r; case .success(let v): p = v.0 }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let draft = ListingDraft(kind: form["kind"], product: form["product"], spec: form["spec"].flatMap { $0.isEmpty ? nil : $0 },
                                 quantity: form["quantity"].flatMap { Double($0) }, unit: form["unit"])
        do {
            let listing = try await services.market.post(draft, by: p, cube: services.cubes.cube)
            try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /my/market", target: "listing:\(listing.id)", source: request.clientAddress(context),
                                                        detail: BrainServer.auditDetail(["product": listing.product, "via": "portal"])))
            return PortalRenderer.redirect("/my/market")
        } catch let e as AppError {
            let field = ["product": "产品", "quantity": "数量", "unit": "单位", "kind": "类型", "spec": "规格"][e.parameter] ?? e.parameter
            return try await marketPage(request, context, error: "\(field)：\(e.message.replacingOccurrences(of: "required", with: "必填"))")
        }
    }

    /// 授权才可用: my grants, the form to grant, and who read my data.
    func grantsPage(_ request: Request, _ context: BrainContext, error: String?) async throws -> Response {
        let (_, firm): (Principal, Enterprise)
        switch enterpriseUser(context) { case .failure(let r): return r; case .success(let v): (_, firm) = v }
        let grants = try await services.grants.grants(owner: firm.uscc)
        let grantees = try await services.grantDesk.grantees(owner: firm.uscc)
        let log = try await services.grants.accessLog(owner: firm.uscc, limit: 200)
        let token = csrf.token(session: context.sessionID ?? "")
        var page = ReportPage(heading: "数据授权", sub: "\(firm.name) · 企业数据授权才可用：经营数据、问诊结果、供需信息等仅对本企业、所辖政府部门和获授权者可见")
        page.error = error
        // Only the providers the firm deals with (referrals it agreed to, connections it asked for) can be chosen.
        let granteeSelect = grantees.isEmpty
            ? "<select id=\"grantee\" name=\"grantee\" disabled><option value=\"\">暂无可授权的服务商</option></select><p class=\"muted\">同意问诊推荐的对接或在服务资源目录中“申请对接”后，可在此授权该服务商。</p>"
            : "<select id=\"grantee\" name=\"grantee\">" + grantees.map { "<option value=\"\(SVGText.escape($0.username))\">\(SVGText.escape($0.providerName))（\(SVGText.escape($0.username))）</option>" }.joined() + "</select>"
        let options = GrantDataset.allCases.map { "<label style=\"margin-right:12px\"><input type=\"checkbox\" name=\"ds_\($0.rawValue)\" value=\"1\"> \($0.nameZh)</label>" }.joined()
        page.html = """
        <form method="post" action="/my/grants" class="card"><input type="hidden" name="_csrf" value="\(token)"><h2>新增授权</h2>
        <div class="grid g3"><div class="field"><label for="grantee">被授权服务商</label>\(granteeSelect)</div>
        <div class="field"><label for="purpose">用途</label><input id="purpose" name="purpose" placeholder="例如：智能化改造方案设计"></div>
        <div class="field"><label for="days">期限（天）</label><input id="days" name="days" value="30" inputmode="numeric"></div></div>
        <div class="field"><label>数据范围</label>\(options)</div><button class="primary" type="submit">授权</button></form>
        """
        var rows: [[ReportPage.Cell]] = []
        for g in grants {
            let active = g.isActive()
            rows.append([.init(text: g.grantee), .init(text: g.datasets.map(\.nameZh).joined(separator: "、")), .init(text: g.purpose),
                         .init(text: String(g.expiresAt.prefix(10))), .init(text: active ? "有效" : (g.revokedAt != nil ? "已撤销" : "已到期")), .init(text: g.id)])
        }
        page.tables.append(.init(title: "我的授权", headers: [("被授权方", false), ("数据", false), ("用途", false), ("到期", false), ("状态", false), ("编号", false)], rows: rows))
        let revokeForms = grants.filter { $0.isActive() }.map { g in
            "<form class=\"inline\" method=\"post\" action=\"/my/grants/\(g.id)/revoke\" style=\"margin-right:8px\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><button type=\"submit\">撤销对 \(SVGText.escape(g.grantee)) 的授权</button></form>"
        }.joined()
        if !revokeForms.isEmpty { page.html += "<div class=\"card\">\(revokeForms)</div>" }
        page.tables.append(.init(title: "谁读取了我的数据", headers: [("时间", false), ("读取方", false), ("数据", false), ("结果", false), ("来源地址", false)],
                                 rows: log.map { [.init(text: $0.at), .init(text: $0.reader), .init(text: GrantDataset(rawValue: $0.dataset)?.nameZh ?? $0.dataset),
                                                  .init(text: $0.outcome == "granted" ? "授权读取" : "已拒绝", cls: $0.outcome == "granted" ? "" : "down"), .init(text: $0.source)] }))
        return page.respond(self, request, context, title: "数据授权", active: "/my/grants", file: "grants")
    }

    func createGrant(_ request: Request, _ context: BrainContext) async throws -> Response {
        let p: Principal
        switch enterpriseUser(context) { case .failure(let r): return r; case .success(let v): p = v.0 }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let datasets = GrantDataset.allCases.filter { form["ds_\($0.rawValue)"] == "1" }
        guard let days = form["days"].flatMap({ Int($0) }), (1...GrantDesk.maxDays).contains(days) else { return try await grantsPage(request, context, error: "期限：须为 1–\(GrantDesk.maxDays) 天") }
        do {
            _ = try await services.grantDesk.grant(to: form["grantee"] ?? "", datasets: datasets, purpose: form["purpose"] ?? "",
                                                   expires: Date().addingTimeInterval(Double(days) * 86_400), by: p)
        } catch let e as AppError {
            let field = ["grantee": "被授权服务商：请从与本企业有对接关系的服务商中选择", "datasets": "数据范围：请至少选择一项", "purpose": "用途：必填，最多 200 字"][e.parameter]
            return try await grantsPage(request, context, error: field ?? e.message)
        }
        return PortalRenderer.redirect("/my/grants")
    }

    func revokeGrant(_ request: Request, _ context: BrainContext) async throws -> Response {
        let p: Principal
        switch enterpriseUser(context) { case .failure(let r): return r; case .success(let v): p = v.0 }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        do {
            _ = try await services.grantDesk.revoke(context.parameters.get("id") ?? "", by: p)
        } catch let e as AppError where e.kind == .notFound {
            return message(context, "未找到", "没有这条授权。", status: .notFound)
        } catch let e as AppError where e.kind == .conflict {
            // Revoked already: the list shows it as such.
        }
        return PortalRenderer.redirect("/my/grants")
    }
}
