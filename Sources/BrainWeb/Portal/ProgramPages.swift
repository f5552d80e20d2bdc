import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

// The G2B programme pages: 科技创新示范 (demonstration projects) and 转型升级规划 (the chain upgrade brief).

extension Portal {
    func registerProgramPages(_ pages: PortalPages) {
        pages.get("/demonstration", .signedIn) { request, context in try await self.demonstrationPage(request, context, error: nil, form: [:]) }
        pages.post("/demonstration", .permission(.managePrograms)) { request, context in try await self.registerDemonstration(request, context) }
        pages.get("/chains/upgrade", .permission(.readStatistics)) { request, context in try await self.upgradeBriefPage(request, context) }
    }

    /// KPI cards as HTML: name, value, unit and a line under it.
    func kpiCards(_ cards: [(name: String, value: String, unit: String, note: String)]) -> String {
        "<div class=\"grid g4\" style=\"margin-bottom:16px\">" + cards.map { c in
            "<div class=\"kpi\"><div class=\"name\">\(SVGText.escape(c.name))</div><div class=\"value\">\(SVGText.escape(c.value))<span class=\"unit\">\(SVGText.escape(c.unit))</span></div>"
                + "<div class=\"muted\">\(SVGText.escape(c.note))</div></div>"
        }.joined() + "</div>"
    }

    /// 科技创新示范: the registry of demonstration projects in the caller's scope with their outcomes; officials who
    /// manage programmes register new ones here.
    func demonstrationPage(_ request: Request, _ context: BrainContext, error: String?, form: [String: String]) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let q = request.uri.queryParameters
        let chain = q["chain"].map { String($0).uppercased() }.flatMap { services.catalog.chains.chain($0)?.code }
        let kind = q["kind"].map(String.init).flatMap { DemonstrationProject.kinds[$0] == nil ? nil : $0 }
        let cube = services.cubes.cube
        let shown = try await services.programmes.projects(for: p, chain: chain, kind: kind, cube: cube)
        var page = ReportPage(heading: "科技创新示范", sub: "智能制造示范工厂、数字化车间、工业互联网平台、绿色工厂等示范项目及其成效 · 共 \(shown.count) 项")
        page.error = error
        page.selects = [.init(name: "chain", label: "产业链", options: [("", "全部")] + chainOptions, selected: chain ?? ""),
                        .init(name: "kind", label: "类型", options: [("", "全部")] + DemonstrationProject.kinds.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, selected: kind ?? "")]
        page.action = "/demonstration"
        let invested = shown.compactMap(\.investment).reduce(0, +)
        page.html = kpiCards([("示范项目", String(shown.count), "项", "涉及企业 \(Set(shown.map(\.uscc)).count) 家"),
                              ("国家级", String(shown.filter { $0.level == "国家级" }.count), "项", "省级 \(shown.filter { $0.level == "省级" }.count) 项，市级 \(shown.filter { $0.level == "市级" }.count) 项"),
                              ("总投资", NumberFormat.amount(invested, decimals: 0), "万元", "登记了投资额的 \(shown.filter { $0.investment != nil }.count) 项"),
                              ("最近年度", shown.map(\.year).max().map(String.init) ?? "—", "", "当年 \(shown.filter { $0.year == shown.map(\.year).max() }.count) 项")])
        if !shown.isEmpty {
            let kinds = Dictionary(grouping: shown, by: \.kindName)
            page.charts = [BarChart(title: "示范项目（按类型）", unit: "项", items: kinds.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map {
                BarItem(label: $0.key, value: Double($0.value.count), note: "国家级 \($0.value.filter { $0.level == "国家级" }.count)")
            }, valueFormat: { NumberFormat.amount($0, decimals: 0) }).svg()]
        }
        let linkFirms = p.can(.readIndicators) && p.ownEnterprise == nil
        page.tables.append(.init(title: "示范项目", headers: [("年度", true), ("级别", false), ("类型", false), ("项目", false), ("企业", false), ("产业链", false),
                                                             ("地区", false), ("投资（万元）", true), ("成效", false)],
                                 rows: shown.map { d in
                                     [.num(String(d.year)), .init(text: d.level), .init(text: d.kindName), .init(text: d.name),
                                      .init(text: d.company, href: linkFirms ? "/enterprises/\(d.uscc)" : nil),
                                      .init(text: d.chain.flatMap { services.catalog.chains.chain($0)?.name } ?? "—"), .init(text: services.catalog.region(d.region)?.name ?? d.region),
                                      .num(d.investment.map { NumberFormat.amount($0, decimals: 0) } ?? "—"), .init(text: Self.outcomeText(d.outcomes))]
                                 }))
        if p.can(.managePrograms) { page.after = demonstrationForm(context, form) }
        return page.respond(self, request, context, title: "科技创新示范", active: "/demonstration", file: "demonstration")
    }

    /// "生产效率 +22.0%；产品不良率 -28.5%" — each outcome's change, or its value after when there is no baseline.
    static func outcomeText(_ outcomes: [DemonstrationProject.Outcome]) -> String {
        guard !outcomes.isEmpty else { return "—" }
        return outcomes.map { o in
            let change = o.change ?? o.before.flatMap { b in o.after.flatMap { a in b != 0 ? (a / b - 1) * 100 : nil } }
            if let change { return "\(o.metric) \(NumberFormat.percent(change))" }
            return "\(o.metric) \(o.after.map { NumberFormat.amount($0, decimals: 2) } ?? "—")\(o.unit.isEmpty ? "" : " " + o.unit)"
        }.joined(separator: "；")
    }

    func demonstrationForm(_ context: BrainContext, _ form: [String: String]) -> String {
        func v(_ k: String) -> String { SVGText.escape(form[k] ?? "") }
        func options(_ list: [(String, String)], _ chosen: String?) -> String {
            list.map { "<option value=\"\(SVGText.escape($0.0))\"\($0.0 == chosen ? " selected" : "")>\(SVGText.escape($0.1))</option>" }.joined()
        }
        let kinds = DemonstrationProject.kinds.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return """
        <form method="post" action="/demonstration" class="card"><input type="hidden" name="_csrf" value="\(csrf.token(session: context.sessionID ?? ""))">
        <h2>登记示范项目</h2>
        <div class="grid g4"><div class="field"><label for="uscc">企业统一社会信用代码</label><input id="uscc" name="uscc" value="\(v("uscc"))" maxlength="18"></div>
        <div class="field"><label for="name">项目名称</label><input id="name" name="name" value="\(v("name"))"></div>
        <div class="field"><label for="dkind">类型</label><select id="dkind" name="kind">\(options(kinds, form["kind"]))</select></div>
        <div class="field"><label for="level">级别</label><select id="level" name="level">\(options(DemonstrationProject.levels.map { ($0, $0) }, form["level"] ?? "省级"))</select></div></div>
        <div class="grid g4"><div class="field"><label for="year">年度</label><input id="year" name="year" inputmode="numeric" value="\(form["year"].map { SVGText.escape($0) } ?? String(services.cubes.cube.lastMonth.year))"></div>
        <div class="field"><label for="dchain">产业链</label><select id="dchain" name="chain"><option value="">按企业所属</option>\(options(chainOptions.map { ($0.value, $0.label) }, form["chain"]))</select></div>
        <div class="field"><label for="investment">投资（万元，可选）</label><input id="investment" name="investment" inputmode="decimal" value="\(v("investment"))"></div>
        <div class="field"><label for="summary">简介（可选）</label><input id="summary" name="summary" value="\(v("summary"))"></div></div>
        <div class="grid g4"><div class="field"><label for="metric">成效指标（可选）</label><input id="metric" name="metric" placeholder="例如：生产效率" value="\(v("metric"))"></div>
        <div class="field"><label for="before">实施前</label><input id="before" name="before" inputmode="decimal" value="\(v("before"))"></div>
        <div class="field"><label for="after">实施后</label><input id="after" name="after" inputmode="decimal" value="\(v("after"))"></div>
        <div class="field"><label for="ounit">单位</label><input id="ounit" name="unit" value="\(v("unit"))"></div></div>
        <button class="primary" type="submit">登记</button></form>
        """
    }

    func registerDemonstration(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard p.can(.managePrograms) else { return message(context, "无权访问", "您的角色（\(p.role.nameZh)）不能登记示范项目。", status: .forbidden) }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        func text(_ k: String) -> String? { form[k].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } }
        func fail(_ why: String) async throws -> Response { try await demonstrationPage(request, context, error: why, form: form) }
        var numbers: [String: Double] = [:]
        for (k, name) in [("investment", "投资"), ("before", "实施前"), ("after", "实施后")] {
            guard let raw = text(k) else { continue }
            guard let n = Double(raw.replacingOccurrences(of: ",", with: "")), n.isFinite else { return try await fail("\(name)：“\(raw)”不是数字") }
            numbers[k] = n
        }
        guard text("year").map({ Int($0) != nil }) ?? true else { return try await fail("年度：须为四位年份") }
        let uscc = text("uscc").map { (try? CreditCode($0).value) ?? $0.uppercased() }
        let outcome = text("metric").map { DemonstrationProject.Outcome(metric: $0, before: numbers["before"], after: numbers["after"], unit: text("unit") ?? "") }
        let draft = DemonstrationProjectDraft(uscc: uscc, name: text("name"), kind: text("kind"), level: text("level"), year: text("year").flatMap { Int($0) },
                                              chain: text("chain"), investment: numbers["investment"], summary: text("summary"), outcomes: outcome.map { [$0] })
        do {
            _ = try await services.programmes.register(draft, by: p, cube: services.cubes.cube)
        } catch let e as AppError {
            if e.kind == .forbidden, !e.message.hasPrefix("role") { return try await fail("统一社会信用代码：该企业不在您的管辖范围内") }
            let field = ["uscc": "统一社会信用代码", "name": "项目名称", "kind": "类型", "level": "级别", "year": "年度", "chain": "产业链", "investment": "投资"][e.parameter] ?? e.parameter
            let why = e.message.hasPrefix("required") ? "必填" : e.message.hasPrefix("no enterprise") ? "库中没有这家企业" : e.message
            return try await fail("\(field)：\(why)")
        }
        return PortalRenderer.redirect("/demonstration")
    }

    /// 转型升级规划: the brief for one chain in the caller's region, as a printable page or Markdown (`?format=md`).
    func upgradeBriefPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let (p, scope): (Principal, AnalysisScope)
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): (p, scope) = v }
        let chain = selectedChain(request)
        let brief = try await services.analyses.upgradeBrief(chain: chain, scope: scope, for: p)
        if request.uri.queryParameters["format"] == "md" {
            var headers = HTTPFields()
            headers[.contentType] = "text/markdown; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"upgrade-brief-\(chain.code)-\(brief.region).md\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(string: brief.markdown)))
        }
        let f = brief.figures, m = brief.maturity
        var page = ReportPage(heading: "\(brief.regionName)\(brief.chainName)产业链转型升级规划简报",
                              sub: "数据截至 \(brief.period) · 由企业月报、供应网络、转型问诊和示范项目数据自动生成，可直接打印")
        page.crumbs = [("/chains?chain=\(chain.code)&region=\(scope.region)" + (scope.zone.map { "&zone=\($0)" } ?? ""), "产业链")]
        page.here = "转型升级规划"
        page.selects = [.init(name: "chain", label: "产业链", options: chainOptions, selected: chain.code)]
        page.action = "/chains/upgrade"
        var html = kpiCards([("链上企业", String(f.firms), "家", "其中规上 \(f.aboveScaleFirms) 家"),
                             ("规上产值（累计）", NumberFormat.amount(f.output, decimals: 0), "万元", "同比 " + NumberFormat.percent(f.outputGrowth)),
                             services.catalog.region(scope.region)?.level == .province && scope.zone == nil
                                 ? ("研发投入强度", f.rdIntensity.map { NumberFormat.percent($0, decimals: 2, signed: false) } ?? "—", "", "规上企业研发费用占营业收入")
                                 : ("占全省该链", f.shareOfProvince.map { NumberFormat.percent($0, signed: false) } ?? "—", "", "研发投入强度 " + (f.rdIntensity.map { NumberFormat.percent($0, decimals: 2, signed: false) } ?? "—")),
                             ("转型问诊覆盖", NumberFormat.percent(m.coverage, signed: false), "", "已问诊 \(m.diagnosed) 家，平均 \(m.averageScore.map { NumberFormat.amount($0) } ?? "—") 分")])
        html += "<p class=\"noprint\"><a href=\"/chains/upgrade?chain=\(chain.code)&amp;region=\(scope.region)\(scope.zone.map { "&amp;zone=\($0)" } ?? "")&amp;format=md\">下载 Markdown 文本</a></p>"
        page.html = html
        let levelNames = ["未达一级", "一级", "二级", "三级", "四级"]
        page.charts = [BarChart(title: "数字化水平等级分布（已问诊企业）", unit: "家", items: m.byLevel.enumerated().map { BarItem(label: levelNames[$0.offset], value: Double($0.element)) },
                                valueFormat: { NumberFormat.amount($0, decimals: 0) }).svg()]
        page.tables.append(.init(title: "推荐举措", headers: [("序号", true), ("类型", false), ("举措", false), ("说明", false)],
                                 rows: brief.actions.enumerated().map { [.num(String($0.offset + 1)), .init(text: $0.element.kind), .init(text: $0.element.title), .init(text: $0.element.detail)] }))
        page.tables.append(.init(title: "链条短板与优势", headers: [("类型", false), ("环节", false), ("说明", false)],
                                 rows: brief.gaps.map { [.init(text: "缺链", cls: "down"), .init(text: $0.name, href: "/chains/link?code=\($0.link)&region=\(scope.region)"), .init(text: $0.reason)] }
                                     + brief.weakLinks.map { [.init(text: "弱链"), .init(text: $0.name, href: "/chains/link?code=\($0.link)&region=\(scope.region)"), .init(text: $0.reason)] }
                                     + brief.strongLinks.map { [.init(text: "优势", cls: "up"), .init(text: $0), .init(text: "")] }))
        page.tables.append(.init(title: "示范项目", headers: [("年度", true), ("级别", false), ("类型", false), ("企业", false), ("项目", false), ("成效", false)],
                                 rows: brief.demonstrationProjects.map { d in
                                     [.num(String(d.year)), .init(text: d.level), .init(text: d.kindName), .init(text: d.company, href: "/enterprises/\(d.uscc)"), .init(text: d.name),
                                      .init(text: Self.outcomeText(d.outcomes))]
                                 }))
        return page.respond(self, request, context, title: "转型升级规划", active: "/chains", file: "upgrade-\(chain.code)")
    }
}
