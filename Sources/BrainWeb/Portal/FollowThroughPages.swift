import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension Portal {
    /// Enterprise follow-through forms and the provider's inbox: consent to proposed referrals, 申请对接 from the
    /// catalogue, 贸易撮合 contact exchanges, and the referrals a provider's account answers.
    func registerFollowThroughPages(_ pages: PortalPages) {
        pages.post("/my/referrals/:id/consent", .enterprise) { request, context in try await self.consentReferral(request, context) }
        pages.post("/services/:id/connect", .enterprise) { request, context in try await self.connectSolution(request, context) }
        pages.post("/my/market/contacts", .enterprise) { request, context in try await self.requestContact(request, context) }
        pages.post("/my/market/contacts/:id/accept", .enterprise) { request, context in try await self.answerContact(request, context, accept: true) }
        pages.post("/my/market/contacts/:id/decline", .enterprise) { request, context in try await self.answerContact(request, context, accept: false) }
        pages.get("/provider/referrals", .signedIn) { request, context in try await self.providerInbox(request, context, error: nil) }
        pages.post("/provider/referrals/:id/contacted", .signedIn) { request, context in try await self.providerAnswer(request, context) }
    }

    /// The name of a provider's seat: a region of the province, else any mainland region (杭州市), else its code.
    func placeName(_ code: String) -> String {
        services.catalog.region(code)?.name ?? RegionCatalog.national.first { $0.code == code }?.name
            ?? RegionCatalog.national.first { $0.code == String(code.prefix(2)) + "0000" }?.name ?? code
    }

    /// A table of raw HTML cells inside a card (for rows that carry forms).
    func formTable(_ title: String, id: String? = nil, headers: [String], rows: [[String]], empty: String) -> String {
        var h = "<div class=\"card\"\(id.map { " id=\"\($0)\"" } ?? "")><h2>\(SVGText.escape(title))</h2>"
        guard !rows.isEmpty else { return h + "<p class=\"muted\">\(SVGText.escape(empty))</p></div>" }
        h += "<div style=\"overflow-x:auto\"><table><thead><tr>" + headers.map { "<th>\(SVGText.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        h += rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined()
        return h + "</tbody></table></div></div>"
    }

    /// The firm's referrals from diagnoses and requests: those waiting for its consent with 同意对接 / 暂不需要.
    func consentCard(firm: Enterprise, context: BrainContext) async throws -> String {
        let referrals = try await services.catalogue.referrals(uscc: firm.uscc).sorted { ($0.state == "proposed" ? 0 : 1, $1.createdAt) < ($1.state == "proposed" ? 0 : 1, $0.createdAt) }
        guard !referrals.isEmpty else { return "" }
        let solutions = Dictionary(try await services.catalogue.solutions(includingWithdrawn: true).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let providers = Dictionary(try await services.catalogue.providers().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let token = csrf.token(session: context.sessionID ?? "")
        // One block per referral (not a table): the reason is long and the buttons must stay reachable on a phone.
        let items = referrals.prefix(20).map { r -> String in
            let provider = providers[r.providerId]
            let seat = provider.map { "\(SVGText.escape($0.name))（\(CatalogueDesk.kindName(of: $0, province: services.catalog.provinceCode))，\(SVGText.escape(placeName($0.region)))）" } ?? SVGText.escape(r.providerId)
            var action = "<span class=\"muted\">\(SVGText.escape(Referral.stateNames[r.state] ?? r.state))</span>"
            if r.state == "proposed" {
                action = ["1": "同意对接", "0": "暂不需要"].sorted { $0.key > $1.key }.map { value, label in
                    "<form class=\"inline\" method=\"post\" action=\"/my/referrals/\(SVGText.escape(r.id))/consent\" style=\"display:inline-block;margin:4px 8px 0 0\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><input type=\"hidden\" name=\"agree\" value=\"\(value)\"><button type=\"submit\"\(value == "1" ? " class=\"primary\"" : "")>\(label)</button></form>"
                }.joined()
            }
            return "<li style=\"margin:0 0 12px\"><b>\(SVGText.escape(solutions[r.solutionId]?.title ?? r.solutionId))</b> · \(seat)<br><span class=\"muted\">\(SVGText.escape(r.reason))</span><br>\(action)</li>"
        }
        let waiting = referrals.filter { $0.state == "proposed" }.count
        return "<div class=\"card\" id=\"consent\"><h2>推荐服务方案</h2><p class=\"muted\">\(waiting > 0 ? "有 \(waiting) 个方案等待您确认。" : "")同意对接后，服务商才会看到本企业的名称和推荐理由并与您联系；经营数据不随之提供。</p>"
            + "<ul style=\"margin:0;padding-left:18px\">" + items.joined() + "</ul></div>"
    }

    func consentReferral(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let id = context.parameters.get("id") ?? ""
        let agree = form["agree"] == "1"
        do {
            let r = try await services.catalogue.consent(referral: id, agree: agree, by: p)
            try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /my/referrals/{id}/consent", target: "referral:\(r.id)", source: request.clientAddress(context),
                                                        detail: BrainServer.auditDetail(["agree": agree ? "true" : "false", "provider": r.providerId, "via": "portal"])))
        } catch let e as AppError where e.kind == .notFound {
            return message(context, "未找到", "没有这条推荐。", status: .notFound)
        } catch let e as AppError where e.kind == .conflict {
            return message(context, "已处理", "这条推荐已经处理过了。", status: .conflict)
        }
        return PortalRenderer.redirect("/my/diagnosis?consented=\(agree ? "1" : "0")#consent")
    }

    func connectSolution(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let id = context.parameters.get("id") ?? ""
        do {
            let made = try await services.catalogue.requestConnection(solution: id, note: form["note"], by: p)
            try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /services/{id}/connect", target: "referral:\(made.referral.id)", source: request.clientAddress(context),
                                                        detail: BrainServer.auditDetail(["solution": id, "created": made.created ? "true" : "false", "via": "portal"])))
        } catch let e as AppError where e.kind == .badParameter {
            return message(context, "无法申请", "目录中没有这个方案（\(SVGText.escape(String(id.prefix(40))))）。", status: .badRequest)
        }
        return PortalRenderer.redirect("/services?connected=\(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
    }

    func requestContact(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        do {
            let v = try await services.contacts.request(from: form["fromListing"] ?? "", to: form["toListing"] ?? "", contact: form["contact"] ?? "", by: p)
            try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /my/market/contacts", target: "contact:\(v.id)", source: request.clientAddress(context),
                                                        detail: BrainServer.auditDetail(["to": v.counterpartUscc, "listing": v.counterpartListing, "via": "portal"])))
        } catch let e as AppError {
            let why = switch (e.kind, e.parameter) {
            case (.badParameter, "contact"): "联系方式：请填写联系人和电话（2–100 字）。"
            case (.conflict, _): "您已向该企业发出过请求，请等待对方答复。"
            case (.forbidden, _): "只能用本企业的供需信息发出请求。"
            default: "无法发出请求：对方的供需信息已关闭或不是匹配的对手方。"
            }
            return try await marketPage(request, context, error: why)
        }
        return PortalRenderer.redirect("/my/market?requested=1#contacts")
    }

    func answerContact(_ request: Request, _ context: BrainContext, accept: Bool) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let id = context.parameters.get("id") ?? ""
        do {
            let v: MarketContactView
            if accept { v = try await services.contacts.accept(id, contact: form["contact"] ?? "", by: p) } else { v = try await services.contacts.decline(id, by: p) }
            try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /my/market/contacts/{id}/\(accept ? "accept" : "decline")", target: "contact:\(v.id)",
                                                        source: request.clientAddress(context), detail: BrainServer.auditDetail(["from": v.counterpartUscc, "via": "portal"])))
        } catch let e as AppError {
            switch e.kind {
            case .notFound: return message(context, "未找到", "没有这条交换联系方式的请求。", status: .notFound)
            case .forbidden: return message(context, "无权操作", "只有被请求的企业可以答复。", status: .forbidden)
            case .conflict: return message(context, "已处理", "这条请求已经答复过了。", status: .conflict)
            default: return try await marketPage(request, context, error: "联系方式：同意交换时请填写联系人和电话（2–100 字）。")
            }
        }
        return PortalRenderer.redirect("/my/market#contacts")
    }

    /// The exchanges card of the market page: requests to answer (with the contact to give), requests made, and the
    /// contacts of both sides once accepted.
    func contactsCard(_ exchanges: [MarketContactView], token: String) -> String {
        let stateName = ["requested": "等待对方答复", "accepted": "已交换", "declined": "对方已婉拒"]
        let rows = exchanges.map { v -> [String] in
            var state = SVGText.escape(v.direction == "incoming" && v.state == "requested" ? "等待您答复" : v.direction == "incoming" && v.state == "declined" ? "您已婉拒" : stateName[v.state] ?? v.state)
            if v.direction == "incoming" && v.state == "requested" {
                state = "<form class=\"inline\" method=\"post\" action=\"/my/market/contacts/\(v.id)/accept\" style=\"display:inline-block;margin:2px\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><input name=\"contact\" placeholder=\"联系人及电话\" aria-label=\"联系人及电话\" style=\"max-width:160px\"> <button class=\"primary\" type=\"submit\">同意交换</button></form>"
                    + "<form class=\"inline\" method=\"post\" action=\"/my/market/contacts/\(v.id)/decline\" style=\"display:inline-block;margin:2px\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><button type=\"submit\">婉拒</button></form>"
            }
            let contact = v.counterpartContact.map { "<b>\(SVGText.escape($0))</b>" } ?? "<span class=\"muted\">双方同意后显示</span>"
            return [v.direction == "incoming" ? "对方请求" : "我的请求", SVGText.escape(v.counterpartCompany), SVGText.escape(v.product), contact, state]
        }
        return formTable("交换联系方式", id: "contacts", headers: ["方向", "对方企业", "产品", "对方联系方式", "状态"], rows: rows,
                         empty: "还没有交换联系方式的请求。在下面的推荐对手方中点击“请求交换联系方式”，对方同意后双方可见彼此的联系方式。")
    }

    /// A provider's account: the referrals enterprises agreed to or asked for, with 已联系.
    func providerInbox(_ request: Request, _ context: BrainContext, error: String?) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard p.servesReferrals || p.can(.manageUsers) else { return message(context, "仅限服务商账号", "此页面面向服务资源目录中的服务商。", status: .forbidden) }
        let (provider, referrals) = try await services.catalogue.inbox(for: p)
        let cube = services.cubes.cube
        let solutions = Dictionary(try await services.catalogue.solutions(includingWithdrawn: true).map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
        var page = ReportPage(heading: "对接需求", sub: provider.map { "\($0.name) · 企业同意对接或主动申请的服务需求；企业的经营数据需企业在“数据授权”中授权后才可查看" }
            ?? "本账号尚未关联服务资源目录中的服务商，请联系管理员关联。")
        page.error = error
        let token = csrf.token(session: context.sessionID ?? "")
        let rows = referrals.map { r -> [String] in
            let name = cube.firmIndex[r.uscc].map { cube.firms[$0].name } ?? r.uscc
            let action = r.state == "referred"
                ? "<form class=\"inline\" method=\"post\" action=\"/provider/referrals/\(SVGText.escape(r.id))/contacted\"><input type=\"hidden\" name=\"_csrf\" value=\"\(token)\"><button class=\"primary\" type=\"submit\">标记已联系</button></form>"
                : SVGText.escape(Referral.stateNames[r.state] ?? r.state)
            return [PortalTime.beijing(r.createdAt), SVGText.escape(name), SVGText.escape(solutions[r.solutionId] ?? r.solutionId), SVGText.escape(r.reason), action]
        }
        page.html = formTable("待办与记录", headers: ["时间", "企业", "方案", "缘由", "状态"], rows: rows, empty: "暂无企业同意对接的需求。")
        return page.respond(self, request, context, title: "对接需求", active: "/provider/referrals", file: "provider-referrals")
    }

    func providerAnswer(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        guard p.servesReferrals else { return message(context, "仅限服务商账号", "只有被推荐的服务商可以标记已联系。", status: .forbidden) }
        do {
            let r = try await services.catalogue.answer(referral: context.parameters.get("id") ?? "", to: "contacted", by: p, note: form["note"])
            try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /provider/referrals/{id}/contacted", target: "referral:\(r.id)", source: request.clientAddress(context),
                                                        detail: BrainServer.auditDetail(["uscc": r.uscc, "via": "portal"])))
        } catch let e as AppError where e.kind == .notFound {
            return message(context, "未找到", "没有这条对接需求。", status: .notFound)
        } catch let e as AppError {
            return try await providerInbox(request, context, error: "无法标记：\(e.message)")
        }
        return PortalRenderer.redirect("/provider/referrals")
    }
}
