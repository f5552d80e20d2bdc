import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension Portal {
    func registerAwardPages(_ pages: PortalPages) {
        pages.get("/policies/awards", .permission(.reviewAwards)) { request, context in try await self.awardsPage(request, context) }
        pages.post("/policies/awards/batch", .permission(.reviewAwards)) { request, context in try await self.awardBatch(request, context) }
        pages.get("/policies/awards/:id", .permission(.reviewAwards)) { request, context in try await self.awardPage(request, context) }
        pages.post("/policies/awards/:id", .permission(.reviewAwards)) { request, context in try await self.awardStep(request, context) }
    }

    /// 政策兑现审核: every award of the firms in the caller's scope — 免申即享 and applications, those failing the criteria
    /// included — with filters, paging, the failed criteria as sentences, and batch steps (审核通过, 公示, 拨付, 驳回).
    func awardsPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let q = request.uri.queryParameters
        func param(_ k: String) -> String? { q[Substring(k)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        var filter = AwardFilter()
        if let s = param("state") {
            guard let state = AwardState(rawValue: s) else { return message(context, "参数有误", "状态须为待审核、审核通过、公示中、已拨付或已驳回。", status: .badRequest) }
            filter.state = state
        }
        if let c = param("check") {
            guard let check = AwardFilter.Check(rawValue: c) else { return message(context, "参数有误", "条件核验须为不满足、缺数据或全部满足。", status: .badRequest) }
            filter.check = check
        }
        filter.policy = param("policy")
        filter.region = param("region")
        filter.name = param("q")
        let pageSize = 50
        let pageNo = max(1, Int(param("page") ?? "1") ?? 1)
        filter.limit = pageSize
        filter.offset = (pageNo - 1) * pageSize
        let page: AwardPage
        do { page = try await services.policyOffice.awards.list(for: p, filter, cube: services.cubes.cube) } catch let e as AppError {
            return message(context, "参数有误", e.parameter == "region" ? "地区代码不在本省，请从列表中选择。" : e.message, status: .badRequest)
        }
        var c = frame(context, title: "政策兑现审核", active: "/policies")
        let checkNames: [AwardFilter.Check: String] = [.failing: "有条件不满足", .undecided: "有条件缺数据", .met: "全部满足"]
        let policies = services.policies.matches?.policies.map(\.record) ?? []
        c["states"] = [["value": "", "label": "全部状态", "selected": filter.state == nil] as [String: Any]] + AwardState.allCases.map {
            ["value": $0.rawValue, "label": "\($0.nameZh)（\(page.counts[$0.rawValue] ?? 0)）", "selected": filter.state == $0] as [String: Any]
        }
        c["checks"] = [["value": "", "label": "全部", "selected": filter.check == nil] as [String: Any]] + AwardFilter.Check.allCases.map {
            ["value": $0.rawValue, "label": checkNames[$0]!, "selected": filter.check == $0] as [String: Any]
        }
        c["policyOptions"] = [["value": "", "label": "全部政策", "selected": filter.policy == nil] as [String: Any]] + policies.map {
            ["value": $0.id, "label": $0.name, "selected": filter.policy == $0.id] as [String: Any]
        }
        let scopeRegions = p.enterpriseScope(in: services.catalog)
        let counties: [String]
        if let code = p.scope, services.catalog.region(code) != nil { counties = [code] + services.catalog.counties(within: code) } else if case .all = scopeRegions {
            counties = services.catalog.regions.filter { $0.level == .city }.map(\.code)
        } else { counties = [] }
        c["regionOptions"] = [["value": "", "label": "全部地区", "selected": filter.region == nil] as [String: Any]] + counties.compactMap { code in
            services.catalog.region(code).map { ["value": code, "label": $0.name, "selected": filter.region == code] as [String: Any] }
        }
        c["q"] = filter.name ?? ""
        c["counts"] = AwardState.allCases.map { ["name": $0.nameZh, "n": page.counts[$0.rawValue] ?? 0, "href": "/policies/awards?state=\($0.rawValue)"] as [String: Any] }
        c["total"] = page.total
        c["items"] = page.items.map { v -> [String: Any] in
            compact(["id": v.award.id, "firm": v.firmName, "uscc": v.award.uscc, "region": v.regionName, "policy": v.policyName,
                     "way": v.autoGrant ? "免申即享" : "申报", "amount": PolicyAward.countable(v.award.amount).map { NumberFormat.amount($0, decimals: 2) } ?? "—",
                     "state": v.stateName, "publicity": v.award.state == AwardState.publicized.rawValue ? v.award.publicityUntil.map { "公示至 \($0)" } : nil,
                     "failed": v.failed.isEmpty ? nil : v.failed.joined(separator: "；"), "undecided": v.undecided.isEmpty ? nil : v.undecided.joined(separator: "；"),
                     "updated": PortalTime.beijing(v.award.updatedAt)])
        }
        var query = request.uri.query.map { $0.split(separator: "&").filter { !$0.hasPrefix("page=") }.joined(separator: "&") } ?? ""
        if !query.isEmpty { query += "&" }
        if pageNo > 1 { c["prev"] = "/policies/awards?\(query)page=\(pageNo - 1)" }
        if page.offset + page.items.count < page.total { c["next"] = "/policies/awards?\(query)page=\(pageNo + 1)" }
        c["pageNo"] = pageNo
        c["pages"] = max(1, (page.total + pageSize - 1) / pageSize)
        c["days"] = PublicityPeriod.defaultWorkingDays
        c["back"] = "/policies/awards" + (request.uri.query.map { "?" + $0 } ?? "")
        c["csrf"] = csrf.token(session: context.sessionID ?? "")
        if let done = param("done") { c["notice"] = done }
        return renderer.page("awards", c)
    }

    /// One award: firm, policy, amount, state, 公示 dates, the criteria it rests on as sentences, its history (who, when,
    /// what) and the steps the caller may take.
    func awardPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let id = context.parameters.get("id") ?? ""
        let v: AwardView
        do { v = try await services.policyOffice.awards.detail(id, for: p, cube: services.cubes.cube) } catch let e as AppError where e.kind == .notFound {
            return message(context, "未找到", "没有这条兑现记录，或该企业不在您的数据范围内。", status: .notFound)
        }
        let record = services.policies.matches?.policies.first { $0.record.id == v.award.policyId }?.record
        var c = frame(context, title: "兑现记录", active: "/policies")
        let stateName: [CriterionState: String] = [.met: "满足", .unmet: "不满足", .unknown: "缺数据"]
        c["id"] = v.award.id
        c["firm"] = v.firmName
        c["uscc"] = v.award.uscc
        c["region"] = v.regionName
        c["policy"] = v.policyName
        c["policyId"] = v.award.policyId
        c["way"] = v.autoGrant ? "免申即享（系统按数据认定）" : "企业申报"
        c["issuer"] = record?.issuer ?? ""
        c["documentNo"] = record?.documentNo ?? "—"
        c["validity"] = record.map { "\($0.validFrom) 至 \($0.validUntil)" } ?? "—"
        c["amount"] = PolicyAward.countable(v.award.amount).map { NumberFormat.amount($0, decimals: 2) } ?? "—"
        c["state"] = v.stateName
        if let from = v.award.publicityFrom { c["publicity"] = "\(from) 至 \(v.award.publicityUntil ?? "")，\(v.payableFrom ?? "") 起可拨付" }
        c["failed"] = !v.failed.isEmpty
        c["criteria"] = v.criteria.map { compact(["sentence": $0.sentence ?? $0.criterion, "state": stateName[$0.state], "cls": $0.state == .met ? "up" : $0.state == .unmet ? "down" : "",
                                                  "value": $0.value ?? $0.reason]) }
        c["history"] = v.award.history.map { ["at": PortalTime.beijing($0.at), "state": (AwardState(stored: $0.state) ?? .pending).nameZh,
                                              "by": $0.by == "system" ? "系统" : $0.by, "note": $0.note ?? ""] }
        c["actions"] = v.actions.map { ["value": $0.rawValue, "label": $0.nameZh, "reject": $0 == .reject, "publish": $0 == .publish, "approve": $0 == .approve] as [String: Any] }
        c["days"] = PublicityPeriod.defaultWorkingDays
        c["csrf"] = csrf.token(session: context.sessionID ?? "")
        if let done = request.uri.queryParameters["done"] { c["notice"] = String(done) }
        if let err = request.uri.queryParameters["error"] { c["error"] = String(err) }
        return renderer.page("award", c)
    }

    /// The step form of one award.
    func awardStep(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let id = context.parameters.get("id") ?? ""
        guard let action = form["action"].flatMap(AwardAction.init(rawValue:)) else { return message(context, "参数有误", "请选择操作。", status: .badRequest) }
        let (days, daysError) = Self.parseDays(form, action)
        if let daysError { return message(context, "公示天数有误", daysError, status: .badRequest) }
        var amount: Double?
        if action == .approve, let raw = form["amount"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            guard let a = Double(raw), a.isFinite else { return message(context, "金额有误", "金额须为数字（万元），收到“\(raw)”。", status: .badRequest) }
            amount = a
        }
        let origin = AdminOrigin(source: request.clientAddress(context), via: "portal")
        switch try await services.policyOffice.awards.attempt(action, on: id, by: p, note: form["note"], amount: amount, days: days, origin: origin, cube: services.cubes.cube) {
        case .success:
            return PortalRenderer.redirect("/policies/awards/\(Self.pathEscape(id))?done=" + Self.queryEscape("已\(action.nameZh)"))
        case .failure(let r):
            switch r.error.kind {
            case .forbidden: return message(context, "无权操作", r.zh, status: .forbidden)
            case .notFound: return message(context, "未找到", r.zh, status: .notFound)
            default: return PortalRenderer.redirect("/policies/awards/\(Self.pathEscape(id))?error=" + Self.queryEscape("未能\(action.nameZh)：\(r.zh)"))
            }
        }
    }

    /// A batch step on the awards ticked on the list (`pick.<id>` fields); each is taken or refused on its own.
    func awardBatch(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request, limit: 512 * 1024)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        guard let action = form["action"].flatMap(AwardAction.init(rawValue:)) else { return message(context, "参数有误", "请选择操作。", status: .badRequest) }
        let ids = form.keys.filter { $0.hasPrefix("pick.") }.map { String($0.dropFirst(5)) }.sorted()
        guard !ids.isEmpty else { return message(context, "未选择", "请先勾选要\(action.nameZh)的记录。", status: .badRequest) }
        guard ids.count <= 500 else { return message(context, "选择过多", "一次最多处理 500 条，已勾选 \(ids.count) 条。", status: .badRequest) }
        let (days, daysError) = Self.parseDays(form, action)
        if let daysError { return message(context, "公示天数有误", daysError, status: .badRequest) }
        let results = try await services.policyOffice.awards.act(action, on: ids, by: p, note: form["note"], days: days,
                                                                 origin: AdminOrigin(source: request.clientAddress(context), via: "portal"), cube: services.cubes.cube)
        let done = results.filter(\.ok).count
        var text = "已\(action.nameZh) \(done) 条"
        let refused = results.filter { !$0.ok }
        if !refused.isEmpty {
            let reasons = Dictionary(grouping: refused) { $0.messageZh ?? "" }.map { "\($0.value.count) 条：\($0.key)" }.sorted()
            text += "；未处理 \(refused.count) 条（" + reasons.prefix(3).joined(separator: "；") + "）"
        }
        let back = form["back"].flatMap { $0.hasPrefix("/policies/awards") ? $0 : nil } ?? "/policies/awards"
        return PortalRenderer.redirect(back + (back.contains("?") ? "&" : "?") + "done=" + Self.queryEscape(text))
    }

    /// The 公示 days of a publish form (default 5 working days); other steps take none.
    static func parseDays(_ form: [String: String], _ action: AwardAction) -> (Int?, String?) {
        guard action == .publish else { return (nil, nil) }
        let raw = form["days"]?.trimmingCharacters(in: .whitespaces) ?? ""
        if raw.isEmpty { return (PublicityPeriod.defaultWorkingDays, nil) }
        guard let d = Int(raw) else { return (nil, "公示期须为工作日天数（\(PublicityPeriod.allowedDays.lowerBound)–\(PublicityPeriod.allowedDays.upperBound)），收到“\(raw)”。") }
        return (d, nil)
    }

    static func queryEscape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static func pathEscape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? s
    }
}
