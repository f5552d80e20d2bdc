import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension Portal {
    func registerMorePages(_ pages: PortalPages) {
        pages.get("/electricity", .permission(.readStatistics)) { request, context in try await self.electricityPage(request, context) }
        pages.get("/services", .signedIn) { request, context in try await self.servicesPage(request, context) }
        pages.get("/services/:id", .signedIn) { request, context in try await self.solutionPage(request, context) }
    }

    /// 电力看经济: power against output by region and chain, and the firms whose power fell while their output did not.
    func electricityPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let (p, scope): (Principal, AnalysisScope)
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): (p, scope) = v }
        let e = services.analyses.electricity(scope, for: p)
        var page = ReportPage(heading: "电力看经济", sub: "\(services.catalog.region(scope.region)?.name ?? scope.region) · \(e.period) · 用电与产值的增速、弹性（用电增速÷产值增速）和近24个月相关系数")
        page.charts = [BarChart(title: "用电量累计同比", unit: "%", items: e.regions.map { BarItem(label: $0.name, value: $0.electricityYoy, note: "产值 " + NumberFormat.percent($0.outputYoy), href: nil) },
                                valueFormat: { NumberFormat.percent($0) }).svg()]
        func rows(_ list: [ElectricityAnalysis.Row]) -> [[ReportPage.Cell]] {
            list.map { r in
                [.init(text: r.name), .num(String(r.firms)), .num(NumberFormat.amount(r.electricity)), .num(NumberFormat.percent(r.electricityYoy), DashboardFigures.trendClass(r.electricityYoy)),
                 .num(NumberFormat.amount(r.output)), .num(NumberFormat.percent(r.outputYoy), DashboardFigures.trendClass(r.outputYoy)),
                 .num(r.elasticity.map { NumberFormat.amount($0, decimals: 2) } ?? "—"), .num(r.correlation.map { NumberFormat.amount($0, decimals: 2) } ?? "—")]
            }
        }
        let heads: [(String, Bool)] = [("名称", false), ("企业", true), ("用电量（万千瓦时）", true), ("用电同比", true), ("产值（万元）", true), ("产值同比", true), ("弹性", true), ("相关系数", true)]
        page.tables.append(.init(title: "地区", headers: heads, rows: rows([e.whole] + e.regions)))
        page.tables.append(.init(title: "产业链", headers: heads, rows: rows(e.chains)))
        page.tables.append(.init(title: "用电大降而产值未降的企业（数据核查线索）", headers: [("企业", false), ("地区", false), ("当月用电同比", true), ("当月产值同比", true)],
                                 rows: e.divergent.map { d in
                                     [.init(text: d.name, href: "/enterprises/\(d.uscc)"), .init(text: services.catalog.region(d.region)?.name ?? d.region),
                                      .num(NumberFormat.percent(d.electricityYoy), "down"), .num(NumberFormat.percent(d.outputYoy))]
                                 }, note: e.divergentTotal > e.divergent.count ? "共 \(e.divergentTotal) 家，显示差距最大的 \(e.divergent.count) 家。" : nil))
        return page.respond(self, request, context, title: "电力看经济", active: "/electricity", file: "electricity")
    }

    /// 服务资源目录: solutions of government, industry and local providers, filtered by category, chain and area.
    func servicesPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let q = request.uri.queryParameters
        let category = q["category"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let chain = q["chain"].map(String.init).flatMap { $0.isEmpty ? nil : services.catalog.chains.chain($0.uppercased())?.code }
        let area = q["area"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        var query = CatalogueQuery(category: category, chain: chain, area: area)
        query.province = services.catalog.provinceCode
        let entries = try await services.catalogue.search(query)
        // An enterprise sees which solutions it already asked for, and a 申请对接 link on the others.
        var open: [String: String] = [:]
        if let mine = p.ownEnterprise {
            open = Dictionary(try await services.catalogue.referrals(uscc: mine).filter { $0.state != "declined" && $0.state != "proposed" }.map { ($0.solutionId, $0.state) }, uniquingKeysWith: { a, _ in a })
        }
        let all = try await services.catalogue.solutions()
        let questionnaire = services.diagnoses.questionnaire
        var page = ReportPage(heading: "服务资源目录", sub: "政府资源、行业资源与本地服务商提供的智能化改造、数字化转型和共性技术服务 · 共 \(entries.count) 项")
        page.selects = [.init(name: "category", label: "类别", options: [("", "全部")] + Set(all.map(\.category)).sorted().map { ($0, $0) }, selected: category ?? ""),
                        .init(name: "chain", label: "产业链", options: [("", "全部")] + chainOptions, selected: chain ?? ""),
                        .init(name: "area", label: "解决的问题", options: [("", "全部")] + questionnaire.areas.flatMap { $0.subareas.map { ($0.code, $0.name) } }, selected: area ?? "")]
        page.action = "/services"
        if let solution = q["connected"] { page.notice = "已申请对接“\(entries.first { $0.solution.id == String(solution) }?.solution.title ?? String(solution))”，服务商将与您联系；进展见“转型问诊”页的推荐服务方案。" }
        let connectHeader: [(String, Bool)] = p.ownEnterprise == nil ? [] : [("对接", false)]
        page.tables.append(.init(title: "解决方案", headers: [("方案", false), ("类别", false), ("服务商", false), ("类型", false), ("价格（万元）", true), ("适用产业链", false), ("解决的问题", false), ("案例", false)] + connectHeader,
                                 rows: entries.map { e in
                                     let s = e.solution
                                     let price = s.priceMin.map { lo in s.priceMax.map { hi in lo == hi ? NumberFormat.amount(lo, decimals: 0) : "\(NumberFormat.amount(lo, decimals: 0))–\(NumberFormat.amount(hi, decimals: 0))" } ?? NumberFormat.amount(lo, decimals: 0) } ?? "面议"
                                     let connect: [ReportPage.Cell] = p.ownEnterprise == nil ? [] : [open[s.id].map { .init(text: Referral.stateNames[$0] ?? $0, cls: "muted") } ?? .init(text: "申请对接", href: "/services/\(s.id)")]
                                     return [.init(text: s.title, href: "/services/\(s.id)"), .init(text: s.category), .init(text: e.provider.name), .init(text: e.kindName), .num(price),
                                             .init(text: s.chains.isEmpty ? "通用" : s.chains.compactMap { services.catalog.chains.chain($0)?.name }.joined(separator: "、")),
                                             .init(text: s.areas.compactMap { questionnaire.subarea($0)?.subarea.name }.joined(separator: "、")),
                                             .init(text: s.cases.first.map { "\($0.client)：\($0.result)" } ?? "—")] + connect
                                 }))
        return page.respond(self, request, context, title: "服务资源目录", active: "/services", file: "services")
    }
}

extension Portal {
    /// One solution of the catalogue: what it does, for which chains and problems, its cases and provider (本地 only
    /// when seated in the province), and for an enterprise the 申请对接 form.
    func solutionPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let id = context.parameters.get("id") ?? ""
        guard let s = try await services.catalogue.solutions().first(where: { $0.id == id }),
              let provider = try await services.catalogue.providers().first(where: { $0.id == s.providerId }) else {
            return message(context, "未找到", "服务资源目录中没有这个方案。", status: .notFound)
        }
        let questionnaire = services.diagnoses.questionnaire
        var page = ReportPage(heading: s.title, sub: "\(s.category) · \(provider.name)（\(CatalogueDesk.kindName(of: provider, province: services.catalog.provinceCode))，\(placeName(provider.region))）")
        page.crumbs = [(href: "/services", label: "服务资源目录")]
        page.here = s.title
        let price = s.priceMin.map { lo in s.priceMax.map { hi in lo == hi ? NumberFormat.amount(lo, decimals: 0) : "\(NumberFormat.amount(lo, decimals: 0))–\(NumberFormat.amount(hi, decimals: 0))" } ?? NumberFormat.amount(lo, decimals: 0) }.map { $0 + " 万元" } ?? "面议"
        var html = "<div class=\"card\"><p>\(SVGText.escape(s.summary))</p><p class=\"muted\">价格：\(price) · 适用产业链：\(SVGText.escape(s.chains.isEmpty ? "通用" : s.chains.compactMap { services.catalog.chains.chain($0)?.name }.joined(separator: "、")))"
            + " · 解决的问题：\(SVGText.escape(s.areas.compactMap { questionnaire.subarea($0)?.subarea.name }.joined(separator: "、")))</p>"
            + "<p class=\"muted\">服务商简介：\(SVGText.escape(provider.description))</p></div>"
        if let mine = p.ownEnterprise {
            if let r = try await services.catalogue.referrals(uscc: mine).first(where: { $0.solutionId == s.id && $0.state != "declined" && $0.state != "proposed" }) {
                let how = r.history.first?.state == "proposed" ? "已同意问诊推荐的对接" : "已申请对接"
                html += "<div class=\"notice\">\(how)（\(Referral.stateNames[r.state] ?? r.state)，推荐或申请于 \(PortalTime.beijing(r.createdAt))）。</div>"
            } else {
                html += """
                <form method="post" action="/services/\(SVGText.escape(s.id))/connect" class="card"><input type="hidden" name="_csrf" value="\(csrf.token(session: context.sessionID ?? ""))"><h2>申请对接</h2>
                <p class="muted">提交后服务商会看到本企业的名称和您的说明并与您联系；经营数据不会随之提供，需要时请在“数据授权”中单独授权。</p>
                <div class="field"><label for="note">需求说明（可选，200 字以内）</label><input id="note" name="note" maxlength="200" placeholder="例如：希望改造两条装配线的数据采集"></div>
                <button class="primary" type="submit">申请对接</button></form>
                """
            }
        }
        page.html = html
        page.tables.append(.init(title: "案例", headers: [("客户", false), ("做法", false), ("成效", false)],
                                 rows: s.cases.map { [.init(text: $0.client), .init(text: $0.summary), .init(text: $0.result)] }))
        return page.respond(self, request, context, title: s.title, active: "/services", file: "solution-\(s.id)")
    }

    func registerLinkPage(_ pages: PortalPages) {
        pages.get("/chains/link", .permission(.readStatistics)) { request, context in try await self.linkNetworkPage(request, context) }
    }

    /// The supply network of one chain link in the caller's region: its firms by network influence, and the largest
    /// supply relations they take part in, local or from outside the province.
    func linkNetworkPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let scope: AnalysisScope
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): scope = v.1 }
        let code = request.uri.queryParameters["code"].map { String($0).uppercased() } ?? ""
        guard let chain = services.catalog.chains.chain(String(code.split(separator: "-").first ?? "")), let link = chain.link(code) else {
            return message(context, "参数有误", "code 须为产业链环节代码，例如 NEWENERGY-03。", status: .badRequest)
        }
        let cube = services.cubes.cube, network = services.networks.network
        let isProvince = services.catalog.region(scope.region)?.level == .province
        let members = (0..<cube.firmCount).filter { i in
            let e = cube.firms[i]
            return e.chainLinks.contains(code) && (isProvince || scope.counties.contains(e.region)) && (scope.zone == nil || e.zone == scope.zone)
        }
        let memberSet = Set(members.map { cube.firms[$0].uscc })
        let relations = network.links.filter { memberSet.contains($0.customer) || memberSet.contains($0.supplier) }.sorted { $0.annualValue > $1.annualValue }
        let prefix = String(services.catalog.province.code.prefix(2))
        let bought = relations.filter { memberSet.contains($0.customer) }
        let local = bought.filter { $0.supplierRegion.hasPrefix(prefix) }.reduce(0) { $0 + $1.annualValue }, total = bought.reduce(0) { $0 + $1.annualValue }
        func name(_ uscc: String, _ fallback: String) -> String { cube.firmIndex[uscc].map { cube.firms[$0].name } ?? fallback }
        var page = ReportPage(heading: "供应网络 · \(link.name)", sub: "\(chain.name) · \(services.catalog.region(scope.region)?.name ?? scope.region) · 本环节企业 \(members.count) 家 · 采购 \(bought.count) 笔，本地配套率 \(NumberFormat.percent(total > 0 ? local / total * 100 : nil, signed: false))")
        page.crumbs = [(href: "/chains?chain=\(chain.code)", label: chain.name)]
        page.here = link.name
        page.tables.append(.init(title: "本环节企业（按网络影响力）", headers: [("企业", false), ("所在地", false), ("PageRank", true), ("中介中心性", true), ("客户数", true), ("供应商数", true)],
                                 rows: members.map { cube.firms[$0] }.sorted { a, b in
                                     (network.index[a.uscc].map { network.pageRank[$0] } ?? 0) > (network.index[b.uscc].map { network.pageRank[$0] } ?? 0)
                                 }.prefix(100).map { e in
                                     let n = network.index[e.uscc]
                                     return [.init(text: e.name, href: "/enterprises/\(e.uscc)"), .init(text: services.catalog.region(e.region)?.name ?? e.region),
                                             .num(n.map { String(format: "%.5f", network.pageRank[$0]) } ?? "—"), .num(n.map { String(format: "%.1f", network.betweenness[$0]) } ?? "—"),
                                             .num(n.map { String(network.outDegree[$0]) } ?? "0"), .num(n.map { String(network.inDegree[$0]) } ?? "0")]
                                 }))
        page.tables.append(.init(title: "主要供应关系（按年供货额）", headers: [("供应商", false), ("供应商所在地", false), ("客户", false), ("产品", false), ("年供货额（万元）", true)],
                                 rows: relations.prefix(100).map { l in
                                     [.init(text: name(l.supplier, l.supplierName)), .init(text: l.supplierRegion.hasPrefix(prefix) ? (services.catalog.region(l.supplierRegion)?.name ?? l.supplierRegion) : "省外 " + l.supplierRegion),
                                      .init(text: name(l.customer, l.customer)), .init(text: l.product), .num(NumberFormat.amount(l.annualValue))]
                                 }))
        return page.respond(self, request, context, title: "供应网络", active: "/chains", file: "network-\(code)")
    }
}
