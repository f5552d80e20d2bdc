import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// 风险预警 as an official works through it: the firms to call first, one row per firm with every reason, filters and
/// pages, the 数据核查 list apart; a firm's case with its reasons in plain words, the workflow (确认, 交办 with a deadline,
/// 记录, 办结) and its timeline in Beijing time; model internals in an analyst section. All through `WarningDesk`.
extension Portal {
    func registerWarningPages(_ pages: PortalPages) {
        pages.get("/warnings", .permission(.readStatistics)) { request, context in try await self.warningList(request, context, export: nil) }
        pages.get("/warnings.csv", .permission(.readStatistics)) { request, context in try await self.warningList(request, context, export: .csv) }
        pages.get("/warnings.xlsx", .permission(.readStatistics)) { request, context in try await self.warningList(request, context, export: .xlsx) }
        pages.get("/warnings/:id", .permission(.readStatistics)) { request, context in try await self.warningCase(request, context) }
        pages.post("/warnings/:id/acknowledge", .permission(.handleWarnings)) { request, context in try await self.warningAction(request, context, .acknowledge) }
        pages.post("/warnings/:id/assign", .permission(.handleWarnings)) { request, context in try await self.warningAction(request, context, .assign) }
        pages.post("/warnings/:id/note", .permission(.handleWarnings)) { request, context in try await self.warningAction(request, context, .note) }
        pages.post("/warnings/:id/close", .permission(.handleWarnings)) { request, context in try await self.warningAction(request, context, .close) }
        pages.get("/search", .permission(.readEnterprises)) { request, context in try await self.enterpriseSearch(request, context) }
    }

    enum WarningExport { case csv, xlsx }
    enum WarningStep { case acknowledge, assign, note, close }

    static let reasonStates = ["open": "待处理", "acknowledged": "已确认", "resolved": "已解决"]

    /// The filter from the page's query; a wrong value is a message naming the field in Chinese.
    func warningCaseFilter(_ q: [String: String]) -> Result<WarningCaseFilter, PortalRefusal> {
        var f = WarningCaseFilter()
        func v(_ k: String) -> String? { q[k].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) } }
        f.region = v("region"); f.zone = v("zone"); f.chain = v("chain")?.uppercased(); f.name = v("q")
        if let k = v("kind") { guard let kind = WarningKind(rawValue: k) else { return .failure(.init("类型“\(k)”不是预警类型")) }; f.kind = kind }
        if let l = v("level") { guard let level = WarningLevel(rawValue: l) else { return .failure(.init("等级须为 yellow、orange 或 red")) }; f.level = level }
        if let s = v("state") {
            guard let state = WarningCaseState(rawValue: s) else { return .failure(.init("状态须为 open、acknowledged、resolved 或 unresolved")) }
            f.state = state
        } else if q["state"] == nil {
            f.state = .unresolved
        }
        if let c = v("category") { guard let cat = WarningCategory(rawValue: c) else { return .failure(.init("清单须为 risk 或 data-check")) }; f.category = cat }
        f.overdueOnly = v("overdue") == "1"
        if let page = v("page") { guard let n = Int(page), n >= 1, n <= 100_000 else { return .failure(.init("页码须为正整数")) }; f.offset = (n - 1) * 20 }
        f.limit = 20
        return .success(f)
    }

    struct PortalRefusal: Error { let text: String; init(_ t: String) { text = t } }

    func caseRow(_ c: WarningCase) -> [String: Any] {
        compact(["id": c.leadID, "level": c.level, "levelName": WarningLevel(rawValue: c.level)?.nameZh, "name": c.subjectName,
                 "uscc": c.subjectType == "enterprise" ? c.subject : nil, "county": c.regionName ?? "—", "zone": c.zoneName ?? "—",
                 "period": c.period, "state": Self.caseStateName(c), "overdue": c.overdue,
                 "assignee": [c.assigneeRegionName, c.assigneeUser].compactMap { $0 }.joined(separator: " · "), "due": c.dueDate,
                 "reasons": c.reasons.map { r -> [String: Any] in ["level": r.level, "kindName": r.kindName, "text": Self.withoutName(r.explanation, c.subjectName),
                                                                    "done": r.state == "resolved"] },
                 "lead": c.reasons.first.map { "\($0.kindName)：\(Self.withoutName($0.explanation, c.subjectName))" }])
    }

    /// 风险预警: 优先处置 (the five most urgent unresolved firms), the filters, one row per firm, pages, and the exports.
    func warningList(_ request: Request, _ context: BrainContext, export: WarningExport?) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        var q: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { q[String(k)] = String(v) }
        var f: WarningCaseFilter
        switch warningCaseFilter(q) {
        case .success(let filter): f = filter
        case .failure(let r): return message(context, "参数有误", r.text, status: .badRequest)
        }
        if export != nil { f.offset = 0; f.limit = 100_000 }
        let page: Page<WarningCase>
        do { page = try await warningDesk.cases(for: p, f) } catch let e as AppError {
            let text = e.kind == .forbidden ? "所选地区或开发区不在您的数据范围内。" : "筛选条件有误：\(ScopeReasonsZh.translate(e.message))"
            return message(context, e.kind == .forbidden ? "无权访问" : "参数有误", text, status: e.kind == .forbidden ? .forbidden : .badRequest)
        }
        if let export {
            var rows = [["等级", "对象", "统一社会信用代码", "县（市、区）", "开发区", "预警原因", "期别", "承办", "办理期限", "逾期", "状态"]]
            for c in page.items {
                rows.append([WarningLevel(rawValue: c.level)?.nameZh ?? c.level, c.subjectName, c.subjectType == "enterprise" ? c.subject : "", c.regionName ?? "",
                             c.zoneName ?? "", c.reasons.map { "\($0.kindName)：\($0.explanation)" }.joined(separator: "；"), c.period,
                             [c.assigneeRegionName, c.assigneeUser].compactMap { $0 }.joined(separator: " "), c.dueDate ?? "", c.overdue ? "是" : "",
                             Self.caseStateName(c)])
            }
            return try XLSXDownload.table(rows, numeric: [], xlsx: export == .xlsx, sheet: f.category.nameZh, filename: "warnings")
        }
        var c = frame(context, title: "风险预警", active: "/warnings")
        let catalog = services.catalog
        c["scopeName"] = p.scope.flatMap { catalog.region($0)?.name ?? catalog.zone($0)?.shortName } ?? catalog.province.name
        c["total"] = page.total
        c["isRisk"] = f.category == .risk
        c["categoryName"] = f.category.nameZh
        c["tabs"] = WarningCategory.allCases.map { ["href": "/warnings?category=\($0.rawValue)", "label": $0.nameZh, "on": $0 == f.category] }
        // 优先处置: the five most urgent unresolved firms of the list, whatever page and filter (but the list's category).
        if f.offset == 0 {
            var top = WarningCaseFilter()
            top.category = f.category
            top.state = .unresolved
            top.limit = 5
            let first = try await warningDesk.cases(for: p, top)
            c["top"] = first.items.map(caseRow)
            c["topCount"] = first.items.count
            c["hasTop"] = !first.items.isEmpty
        }
        c["items"] = page.items.map(caseRow)
        // Filters: the counties of the caller's area (the cities for the whole province), the zones it sees, the chains.
        let regions: [Region]
        switch p.enterpriseScope(in: catalog) {
        case .all: regions = catalog.cities
        case .regions(let set): regions = catalog.regions.filter { set.contains($0.code) && $0.level != .province }.sorted { $0.code < $1.code }
        default: regions = []
        }
        c["regions"] = regions.map { ["value": $0.code, "label": $0.name, "selected": $0.code == f.region] }
        let visible = p.visibleAreas(byCity: false, in: catalog)
        c["zones"] = catalog.zones.filter { visible?($0.code) ?? true }.map { ["value": $0.code, "label": $0.shortName, "selected": $0.code == f.zone] }
        c["chains"] = catalog.chains.chains.map { ["value": $0.code, "label": $0.name, "selected": $0.code == f.chain] }
        c["kinds"] = f.category.kinds.map { ["value": $0.rawValue, "label": $0.nameZh, "selected": $0 == f.kind] }
        c["levels"] = WarningLevel.allCases.reversed().map { ["value": $0.rawValue, "label": $0.nameZh, "selected": $0 == f.level] }
        c["states"] = [WarningCaseState.unresolved, .open, .acknowledged, .resolved].map { ["value": $0.rawValue, "label": $0.nameZh, "selected": $0 == f.state] }
        c["allStates"] = f.state == nil
        c["q"] = f.name ?? ""
        c["category"] = f.category.rawValue
        c["overdue"] = f.overdueOnly
        // The query of this list without its page, for the pager and the exports.
        var kept = q.filter { $0.key != "page" && !$0.value.isEmpty }
        if q["state"] == nil { kept["state"] = f.state?.rawValue }
        let query = kept.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.formEncode($0.value))" }.joined(separator: "&")
        let pageNo = f.offset / f.limit + 1, pages = max(1, (page.total + f.limit - 1) / f.limit)
        c["pageNo"] = pageNo
        c["pages"] = pages
        if pageNo > 1 { c["prevHref"] = "/warnings?\(query)&page=\(pageNo - 1)" }
        if pageNo < pages { c["nextHref"] = "/warnings?\(query)&page=\(pageNo + 1)" }
        c["csvHref"] = "/warnings.csv?" + query
        c["xlsxHref"] = "/warnings.xlsx?" + query
        return renderer.page("warnings", c)
    }

    static func formEncode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? s
    }

    static let actionNames = ["raise": "生成预警", "assign": "交办", "note": "处置记录", "acknowledge": "确认预警", "resolve": "解决",
                              "close": "办结", "system-resolve": "数据更新后自动解除"]

    /// A firm's case: every reason in plain words, where the firm is and its profile, the workflow forms, the timeline,
    /// and the models' inputs for analysts.
    func warningCase(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let id = context.parameters.get("id") ?? ""
        let detail: WarningCaseDetail
        do { detail = try await warningDesk.caseDetail(id, for: p) } catch let e as AppError where e.kind == .notFound {
            return message(context, "未找到", "没有这条预警，或它不在您的数据范围内。", status: .notFound)
        }
        let s = detail.summary
        let catalog = services.catalog
        var c = frame(context, title: "预警详情", active: "/warnings")
        c["id"] = id
        c["level"] = s.level
        c["levelName"] = WarningLevel(rawValue: s.level)?.nameZh ?? s.level
        c["subjectName"] = s.subjectName
        c["categoryName"] = WarningCategory(rawValue: s.category)?.nameZh ?? s.category
        c["category"] = s.category
        if s.subjectType == "enterprise", p.can(.readEnterprises) { c["profileHref"] = "/enterprises/\(s.subject)"; c["uscc"] = s.subject }
        let place = [s.regionName, s.zoneName].compactMap { $0 }.joined(separator: " · ")
        if !place.isEmpty { c["place"] = place }
        c["period"] = Month(s.period).flatMap { try? ReportingPeriod($0) }?.label ?? s.period
        c["stateName"] = Self.caseStateName(s)
        let assignee = [s.assigneeRegionName, s.assigneeUser].compactMap { $0 }.joined(separator: " · ")
        if !assignee.isEmpty { c["assignee"] = assignee }
        if let due = s.dueDate { c["due"] = due }
        c["overdue"] = s.overdue
        if let outcome = s.outcome { c["outcome"] = WarningOutcome(rawValue: outcome)?.nameZh ?? outcome }
        let order = Dictionary(uniqueKeysWithValues: s.reasons.enumerated().map { ($0.element.id, $0.offset) })
        c["reasons"] = detail.warnings.sorted { (order[$0.id] ?? 0) < (order[$1.id] ?? 0) }.map { w -> [String: Any] in
            compact(["level": w.level, "levelName": WarningLevel(rawValue: w.level)?.nameZh, "kindName": WarningKind(rawValue: w.kind)?.nameZh ?? w.kind,
                     "text": w.explanation, "threshold": w.threshold, "state": Self.reasonStates[w.state] ?? w.state, "done": w.state == "resolved",
                     "acknowledgedBy": w.acknowledgedBy, "acknowledgedAt": w.acknowledgedAt.map(PortalTime.beijing)])
        }
        c["analyst"] = detail.warnings.map { w -> [String: Any] in
            ["kindName": WarningKind(rawValue: w.kind)?.nameZh ?? w.kind, "id": w.id, "rule": w.rule, "threshold": w.threshold,
             "inputs": w.inputs.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": NumberFormat.amount($0.value, decimals: 2)] },
             "created": PortalTime.beijing(w.createdAt), "updated": PortalTime.beijing(w.updatedAt)]
        }
        c["timeline"] = detail.timeline.map { a -> [String: Any] in
            var what: [String] = []
            if let r = a.assigneeRegion { what.append("承办单位：" + (catalog.region(r)?.name ?? r)) }
            if let u = a.assigneeUser { what.append("承办人：" + u) }
            if let d = a.dueDate { what.append("办理期限：" + d) }
            if let o = a.outcome { what.append("办结结果：" + (WarningOutcome(rawValue: o)?.nameZh ?? o)) }
            if let n = a.note { what.append(a.action == "system-resolve" ? "预警条件已不再满足" : n) }
            return ["at": PortalTime.beijing(a.at), "actor": a.actor == Store.systemResolver ? "系统" : a.actor,
                    "action": Self.actionNames[a.action] ?? a.action, "what": what.joined(separator: "；")]
        }
        let live = s.state != "resolved"
        let canHandle = p.can(.handleWarnings) && live
        c["canHandle"] = canHandle
        c["canAcknowledge"] = canHandle && detail.warnings.contains { $0.state == "open" }
        c["canNote"] = p.can(.handleWarnings)
        if canHandle, let lead = detail.warnings.first(where: { $0.id == s.leadID }) ?? detail.warnings.first {
            c["offices"] = warningDesk.assignableRegions(for: p, warning: lead).sorted { $0.code < $1.code }
                .map { ["value": $0.code, "label": $0.name, "selected": $0.code == (s.assigneeRegion ?? lead.region)] }
            c["people"] = try await warningDesk.assignableUsers(for: lead).map { ["value": $0, "selected": $0 == s.assigneeUser] }
            c["today"] = WarningDesk.beijingToday()
            c["defaultDue"] = Self.plusDays(WarningDesk.beijingToday(), 7)
            c["outcomes"] = WarningOutcome.allCases.map { ["value": $0.rawValue, "label": $0.nameZh] }
        }
        let cube = services.cubes.cube
        if s.subjectType == "enterprise", let i = cube.firmIndex[s.subject] {
            let series = FirmSeries(last: cube.lastMonth, count: 24)
            let power = s.reasons.first?.kind == WarningKind.powerDrop.rawValue
            let (ind, name) = power ? (Indicator.electricity, "用电量") : (Indicator.outputValue, "工业总产值")
            c["chart"] = LineChart(title: "\(s.subjectName) \(name)（近24个月，1–2月取两月平均）", unit: ind.unit, labels: series.labels,
                                   series: [LineSeries(name: name, values: series.values(ind, firm: i, in: cube))]).svg()
        } else {
            c["chart"] = "<p class=\"muted\">该预警针对地区或产业链，详见预警原因中的指标。</p>"
        }
        return renderer.page("warning", c)
    }

    /// A reason without the firm's name in front (the row already names the firm).
    static func withoutName(_ text: String, _ name: String) -> String {
        text.hasPrefix(name) && text.count > name.count ? String(text.dropFirst(name.count)) : text
    }

    /// 待处理, 处理中 (acknowledged), 已交办 (assigned, not closed) or 已办结.
    static func caseStateName(_ c: WarningCase) -> String {
        if c.state != "resolved", c.assigneeRegion != nil || c.assigneeUser != nil { return "已交办" }
        return WarningCaseState(rawValue: c.state)?.nameZh ?? c.state
    }

    static func plusDays(_ day: String, _ n: Int) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = .gmt; f.dateFormat = "yyyy-MM-dd"
        return f.date(from: day).map { f.string(from: $0.addingTimeInterval(Double(n) * 86_400)) } ?? day
    }

    /// The workflow forms: every refusal is a page saying in Chinese what to change; nothing is changed on a refusal.
    func warningAction(_ request: Request, _ context: BrainContext, _ step: WarningStep) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let id = context.parameters.get("id") ?? ""
        do {
            switch step {
            case .acknowledge: _ = try await warningDesk.handle(id, .acknowledge, note: form["note"], by: p)
            case .assign:
                _ = try await warningDesk.assign(id, WarningAssignment(region: form["region"], user: form["user"], dueDate: form["due"] ?? "", note: form["note"]), by: p)
            case .note: _ = try await warningDesk.addNote(id, form["note"], by: p)
            case .close:
                guard let outcome = form["outcome"].flatMap(WarningOutcome.init(rawValue:)) else {
                    return message(context, "请选择办结结果", "办结须选择结果（如“经核实属正常波动”）；预警未作变更。", status: .badRequest)
                }
                _ = try await warningDesk.close(id, outcome: outcome, note: form["note"], by: p)
            }
        } catch let e as AppError {
            switch e.kind {
            case .notFound: return message(context, "未找到", "没有这条预警，或它不在您的数据范围内。", status: .notFound)
            case .forbidden:
                let text = step == .assign && e.message.hasPrefix("region") ? "只能交办给本辖区内的县（市、区）或本级单位；预警未作变更。" : "您的角色不能处置预警。"
                return message(context, "无权操作", text, status: .forbidden)
            case .badParameter: return message(context, "填写有误", Self.workflowReason(e) + "预警未作变更。", status: .badRequest)
            case .conflict: return PortalRenderer.redirect("/warnings/\(id)")
            case .unavailable: return message(context, "暂不可用", e.message, status: .serviceUnavailable)
            }
        }
        return PortalRenderer.redirect("/warnings/\(id)")
    }

    /// A workflow refusal in an official's words.
    static func workflowReason(_ e: AppError) -> String {
        switch e.parameter {
        case "note" where e.message.hasPrefix("at most"): return "备注过长：最多 \(WarningDesk.maxNote) 字，请精简后重试。"
        case "note" where e.message.contains("other"): return "办结结果为“其他”时须在备注中写明处理情况。"
        case "note": return "请填写记录内容。"
        case "dueDate" where e.message.contains("before today"): return "办理期限不能早于今天（北京时间）。"
        case "dueDate" where e.message.contains("year"): return "办理期限不能超过一年。"
        case "dueDate": return "请填写办理期限（年-月-日）。"
        case "user": return "所选承办人不存在、已停用，或无权查看这家企业的预警。"
        case "region": return "请选择承办单位（本辖区的县、市、区）或承办人。"
        default: return e.message + "。"
        }
    }

    /// The header's enterprise search: a name or a credit code; one match opens the profile, several are listed. Only
    /// firms the caller may see are found.
    func enterpriseSearch(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let text = request.uri.queryParameters["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        var c = frame(context, title: "企业查询", active: "")
        c["q"] = text
        if !text.isEmpty {
            guard text.count <= 60 else { return message(context, "查询过长", "请输入企业名称中的几个字，或完整的18位统一社会信用代码。", status: .badRequest) }
            var f = EnterpriseFilter()
            f.text = text
            f.limit = 50
            let found = try await services.enterpriseDesk.list(for: p, f)
            if found.total == 1, let only = found.items.first { return PortalRenderer.redirect("/enterprises/\(only.uscc)") }
            c["searched"] = true
            c["total"] = found.total
            c["more"] = found.total > found.items.count
            c["items"] = found.items.map { e in
                ["uscc": e.uscc, "name": e.name, "region": services.catalog.region(e.region)?.name ?? e.region,
                 "industry": services.industries.name(of: e.industry), "size": e.sizeClass.nameZh]
            }
        }
        return renderer.page("search", c)
    }
}
