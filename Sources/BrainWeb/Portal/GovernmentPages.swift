import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// Either the value a page needs or the answer to send instead (a redirect or a refusal page).
enum Gate<T> {
    case success(T)
    case failure(Response)
}

extension Portal {
    func registerGovernmentPages(_ pages: PortalPages) {
        pages.get("/chains", .permission(.readStatistics)) { request, context in try await self.chainPage(request, context) }
        pages.get("/talent", .permission(.readStatistics)) { request, context in try await self.talentPage(request, context) }
        pages.get("/evaluation", .permission(.readStatistics)) { request, context in try await self.evaluationPage(request, context) }
        pages.get("/investment", .permission(.readStatistics)) { request, context in try await self.investmentPage(request, context) }
        pages.get("/policies", .permission(.readStatistics)) { request, context in try await self.policiesPage(request, context) }
    }

    /// Officials only: the caller and the resolved slice, or the refusal page.
    /// The caller and the slice of `?region=` and `?zone=` (and `?period=` when `withPeriod`), or the page that refuses.
    func officialScope(_ request: Request, _ context: BrainContext, region: String? = nil, withPeriod: Bool = false) -> Gate<(Principal, AnalysisScope)> {
        guard let p = context.principal else { return .failure(PortalRenderer.redirect("/login")) }
        guard p.can(.readStatistics) else { return .failure(message(context, "无权访问", "您的角色（\(p.role.nameZh)）不能查看地区统计。", status: .forbidden)) }
        let q = request.uri.queryParameters
        do {
            let scope = try AnalysisScope.resolve(region: region ?? q["region"].map(String.init), zone: q["zone"].map(String.init), chain: nil, industry: nil,
                                                  period: withPeriod ? q["period"].map(String.init) : nil,
                                                  principal: p, catalog: services.catalog, latest: services.cubes.cube.lastMonth)
            return .success((p, scope))
        } catch let e as AppError {
            return .failure(message(context, e.kind == .forbidden ? "无权访问" : "参数有误", ScopeReasonsZh.translate(e.message),
                                    status: e.kind == .forbidden ? .forbidden : .badRequest))
        } catch {
            return .failure(message(context, "参数有误", "\(error)", status: .badRequest))
        }
    }

    var chainOptions: [(value: String, label: String)] { services.catalog.chains.chains.map { ($0.code, $0.name) } }

    func selectedChain(_ request: Request) -> IndustryChain {
        request.uri.queryParameters["chain"].flatMap { services.catalog.chains.chain(String($0).uppercased()) } ?? services.catalog.chains.chains.first ?? IndustryChain(code: "", name: "尚未导入产业链", clusters: [], links: [])
    }

    /// 产业链: links in columns from upstream to downstream, shaded by strength, gaps marked, 链主 listed.
    func chainPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let (p, scope): (Principal, AnalysisScope)
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): (p, scope) = v }
        let chain = selectedChain(request)
        let a = services.analyses.chainAnalysis(chain, scope, for: p)
        var html = "<div class=\"card\"><h2>产业链图谱（上游 → 中游 → 下游）</h2><div style=\"display:grid;grid-template-columns:repeat(3,1fr);gap:14px\">"
        for stage in ChainStage.allCases {
            html += "<div><div class=\"muted\" style=\"font-weight:600;margin-bottom:6px\">\(stage.nameZh)</div>"
            for l in a.links where l.stage == stage.nameZh {
                let (bg, border) = switch l.strength {
                case "strong": ("#dcefe3", "#2e8b57")
                case "fair": ("#eef7f0", "#7fbf95")
                case "weak": ("#fff4e0", "#e07b00")
                default: ("#fdecea", "#c0392b")
                }
                let lead = l.leaders.first.map { "链主候选：" + SVGText.escape($0.name) } ?? (l.localFirms > 0 ? "链主候选不予显示（统计保密）" : "本地暂无企业")
                html += "<div style=\"background:\(bg);border:2px \(l.strength == "missing" ? "dashed" : "solid") \(border);border-radius:8px;padding:8px 10px;margin-bottom:8px\">"
                html += "<b>\(SVGText.escape(l.name))</b> <span class=\"badge\" style=\"background:\(border)\">\(l.strengthName)</span><br>"
                let figures = l.output.map { "产值 \(NumberFormat.amount($0)) 万元 · 占全链 \(NumberFormat.percent(l.share, signed: false))" } ?? "产值不予显示（统计保密）"
                html += "<span class=\"muted\">企业 \(l.localFirms) 家 · \(figures)</span><br>"
                html += "<span style=\"font-size:13px\">\(lead)</span></div>"
            }
            html += "</div>"
        }
        html += "</div><p class=\"muted\">深绿：强；浅绿：较强；橙：弱；红色虚线：缺（补链对象）。</p></div>"
        var page = ReportPage(heading: "产业链分析 · \(chain.name)", sub: "\(a.regionName) · 链上企业 \(a.firms) 家（含规下企业） · 近12个月产值 \(a.output.map { BureauFigures.Scale(unit: "万元", values: [$0]).format($0) + " " + BureauFigures.Scale(unit: "万元", values: [$0]).unit } ?? "不予显示（统计保密）")（跨环节企业按环节均分） · 截至 \(a.period)")
        let scopeNote = "<p class=\"muted\">口径说明：本页计链上全部企业（含规下）、近12个月产值；工业运行页的产业链数字只计规上企业、1–N月累计产值，两处因此不同。"
            + "规上口径见 <a href=\"/dashboard?region=\(scope.region)&chain=\(chain.code)\">工业运行 · \(SVGText.escape(chain.name))</a>。</p>"
        page.selects = [.init(name: "chain", label: "产业链", options: chainOptions, selected: chain.code)]
        page.action = "/chains"
        page.html = scopeNote + html
        page.tables.append(.init(title: "各环节", headers: [("环节", false), ("阶段", false), ("强度", false), ("企业", true), ("产值（万元）", true), ("本地配套率", true),
                                                          ("供应商集中度 HHI", true), ("链主候选", false), ("说明", false)],
                                 rows: a.links.map { l in
                                     [.init(text: l.name, href: "/chains/link?code=\(l.code)" + (scope.zone.map { "&zone=\($0)" } ?? "") + "&region=\(scope.region)"), .init(text: l.stage), .init(text: l.strengthName), .num(String(l.localFirms)), .num(l.output.map { NumberFormat.amount($0) } ?? "—"),
                                      .num(NumberFormat.percent(l.localSupplyRate, signed: false)), .num(l.supplierHHI.map { NumberFormat.amount($0, decimals: 0) } ?? "—"),
                                      .init(text: l.leaders.prefix(2).map(\.name).joined(separator: "、")), .init(text: l.strengthReason)]
                                 }))
        page.tables.append(.init(title: "补链与延链", headers: [("类型", false), ("环节", false), ("理由", false)],
                                 rows: a.gaps.map { [.init(text: "补链"), .init(text: $0.name, href: "/investment?chain=\(chain.code)"), .init(text: $0.reason)] }
                                     + a.extend.map { [.init(text: "延链"), .init(text: $0.name), .init(text: $0.reason)] }))
        return page.respond(self, request, context, title: "产业链分析", active: "/chains", file: "chain-\(chain.code)")
    }

    /// 人才地图: shortages by city and occupation.
    func talentPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let (p, scope): (Principal, AnalysisScope)
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): (p, scope) = v }
        let catalog = services.catalog
        let region = catalog.region(scope.region)?.level == .province ? nil : scope.region
        let version = try await services.talentDesk.version()
        let key = "\(p.role.rawValue)|\(p.scope ?? "")|\(region ?? "all")"
        let map: TalentMap
        if let hit = services.talentMaps.lookup(version: version, key: key) {
            map = hit
        } else {
            map = try await services.talentDesk.map(for: p, region: region, chain: nil, period: nil)
            services.talentMaps.insert(version: version, key: key, map)
        }
        var page = ReportPage(heading: "产业人才地图", sub: "\(catalog.region(scope.region)?.name ?? scope.region) · \(map.period) · 紧缺指数 1–5 星")
        page.charts = [BarChart(title: "各设区市人才供需比（求职/岗位）", unit: "倍", items: map.cities.map { BarItem(label: $0.name, value: $0.ratio, note: String(repeating: "★", count: $0.stars), href: nil) },
                                valueFormat: { NumberFormat.amount($0, decimals: 2) }).svg()]
        page.tables.append(.init(title: "紧缺岗位（按紧缺指数）", headers: [("城市", false), ("职业", false), ("产业链", false), ("技能等级", false), ("学历", false),
                                                                   ("求职人数", true), ("岗位需求", true), ("供需比", true), ("紧缺指数", false), ("说明", false)],
                                 rows: map.cells.sorted { ($0.stars, -$0.ratio) > ($1.stars, -$1.ratio) }.prefix(60).map { c in
                                     [.init(text: c.cityName), .init(text: c.occupation), .init(text: c.chain.flatMap { services.catalog.chains.chain($0)?.name } ?? "通用"),
                                      .init(text: c.skillLevel ?? "—"), .init(text: c.education ?? "—"), .num(String(c.supply)), .num(String(c.demand)),
                                      .num(NumberFormat.amount(c.ratio, decimals: 2)), .init(text: String(repeating: "★", count: c.stars)), .init(text: c.reason)]
                                 }))
        return page.respond(self, request, context, title: "人才地图", active: "/talent", file: "talent")
    }

    /// 产业评价: the composite index ranking of a chain's cities (or zones), with the weights.
    func evaluationPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let p: Principal
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): p = v.0 }
        let chain = selectedChain(request)
        let by: EvaluationArea = request.uri.queryParameters["by"] == "zone" ? .zone : .city
        let ranking = try await services.analyses.evaluation(for: p, by: by, chain: chain.code)
        var page = ReportPage(heading: "产业评价 · \(chain.name)", sub: "\(ranking.period) · 按\(by == .city ? "设区市" : "开发区")排名 · \(ranking.method)")
        page.selects = [.init(name: "chain", label: "产业链", options: chainOptions, selected: chain.code),
                        .init(name: "by", label: "单元", options: [("city", "设区市"), ("zone", "开发区")], selected: by.rawValue)]
        page.action = "/evaluation"
        page.charts = [BarChart(title: "综合指数", unit: "分", items: ranking.cells.filter { $0.index != nil }.prefix(20).map { BarItem(label: $0.areaName, value: $0.index, note: "第\($0.rank ?? 0)名", href: nil) },
                                valueFormat: { NumberFormat.amount($0, decimals: 1) }).svg()]
        let comps = EvaluationComponent.allCases
        page.tables.append(.init(title: "评价明细（括号内为得分）", headers: [("名次", true), ("单元", false), ("企业", true), ("综合指数", true)] + comps.map { ($0.nameZh, true) },
                                 rows: ranking.cells.map { cell in
                                     [.num(cell.rank.map(String.init) ?? "—"), .init(text: cell.areaName), .num(String(cell.firms)), .num(cell.index.map { NumberFormat.amount($0, decimals: 1) } ?? (cell.suppressed ?? "—"))]
                                         + comps.map { comp in
                                             let s = cell.components.first { $0.component == comp.rawValue }
                                             return .num(s?.value.map { NumberFormat.amount($0, decimals: 2) + (s?.score.map { "（\(Int($0.rounded()))）" } ?? "") } ?? "—")
                                         }
                                 }, note: cell0Note(ranking)))
        page.tables.append(.init(title: "权重", headers: [("指标", false), ("权重", true), ("口径", false)],
                                 rows: ranking.weights.map { [.init(text: $0.name), .num(NumberFormat.amount($0.weight, decimals: 0)), .init(text: $0.definition)] }))
        return page.respond(self, request, context, title: "产业评价", active: "/evaluation", file: "evaluation-\(chain.code)")
    }

    func cell0Note(_ r: EvaluationRanking) -> String? { r.cells.first?.notes.joined(separator: "；") }

    /// 精准招商: weak and missing links with ranked candidates outside the province.
    func investmentPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let scope: AnalysisScope
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): scope = v.1 }
        let chain = selectedChain(request)
        let report = try await services.analyses.investmentLeads(chain: chain, scope: scope, limit: 5)
        var page = ReportPage(heading: "精准招商 · \(chain.name)", sub: "\(report.regionName) · \(report.period) · \(report.method)")
        page.selects = [.init(name: "chain", label: "产业链", options: chainOptions, selected: chain.code)]
        page.action = "/investment"
        var rows: [[ReportPage.Cell]] = []
        for l in report.links {
            for (k, c) in l.candidates.enumerated() {
                rows.append([.init(text: k == 0 ? "\(l.name)（\(l.strengthName)）" : ""), .init(text: c.name), .init(text: c.regionName), .num(NumberFormat.amount(c.score)),
                             .num(NumberFormat.amount(c.suppliedValue)), .num(String(c.localCustomers)), .init(text: c.reasons.joined(separator: "；"))])
            }
            if l.candidates.isEmpty { rows.append([.init(text: "\(l.name)（\(l.strengthName)）"), .init(text: "暂无候选"), .init(text: ""), .num(""), .num(""), .num(""), .init(text: l.why)]) }
        }
        page.tables.append(.init(title: "缺链弱链的候选企业", headers: [("环节", false), ("候选企业", false), ("所在地", false), ("得分", true), ("对省内供货（万元/年）", true),
                                                                ("省内客户", true), ("理由", false)], rows: rows))
        return page.respond(self, request, context, title: "精准招商", active: "/investment", file: "investment-\(chain.code)")
    }

    /// 企业发展政策 for officials: who qualifies, who was granted and how much, within the scope.
    func policiesPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard p.can(.readStatistics) else { return message(context, "无权访问", "企业用户请查看“我的政策”。", status: .forbidden) }
        guard let m = services.policies.matches else { return message(context, "暂不可用", "政策匹配尚未完成，请稍后再试。", status: .serviceUnavailable) }
        let cube = services.cubes.cube
        let scope = p.enterpriseScope(in: services.catalog)
        let granted = try await services.policyOffice.awardTotals(for: p)
        let waiting = try await services.policyOffice.awardTotals(for: p, states: [.pending])
        let inScope = (0..<cube.firmCount).map { scope.admits(uscc: cube.firms[$0].uscc, region: cube.firms[$0].region, zone: cube.firms[$0].zone) }
        let selected = request.uri.queryParameters["id"].map(String.init)
        var page = ReportPage(heading: "企业发展政策", sub: "政策条件逐条匹配全部企业；免申即享政策对全部满足且数据完整的企业自动认定，经审核、公示后拨付。")
        if p.can(.reviewAwards) {
            page.html = "<p><a href=\"/policies/awards\">政策兑现审核</a>：审核、公示、拨付，查看全部申报（含不满足条件的）。</p>"
        }
        let names = FactNames.standard(catalog: services.catalog, industries: services.industries)
        page.tables.append(.init(title: "政策与兑现", headers: [("政策", false), ("类别", false), ("方式", false), ("状态", false), ("符合", true), ("缺数据", true), ("不符合", true), ("待审核", true), ("已批准/公示/拨付", true), ("金额（万元）", true)],
                                 rows: m.policies.enumerated().map { k, pp in
                                     var counts = [MatchOutcome: Int]()
                                     for i in 0..<min(cube.firmCount, m.outcomes[k].count) where inScope[i] { counts[m.outcomes[k][i], default: 0] += 1 }
                                     let mine = granted[pp.record.id] ?? (0, 0)
                                     return [.init(text: pp.record.name, href: "/policies?id=\(pp.record.id)"), .init(text: pp.record.category), .init(text: pp.record.autoGrant ? "免申即享" : "申报审核"),
                                             .init(text: "\(pp.record.status(in: cube.lastMonth).nameZh)（\(pp.record.validFrom) 至 \(pp.record.validUntil)）",
                                                   cls: pp.record.status(in: cube.lastMonth) == .inForce ? "" : "down"),
                                             .num(String(counts[.eligible] ?? 0)), .num(String(counts[.incomplete] ?? 0)), .num(String(counts[.ineligible] ?? 0)),
                                             .num(String(waiting[pp.record.id]?.count ?? 0)), .num(String(mine.count)), .num(p.can(.readIndicators) || mine.count >= 3 ? NumberFormat.amount(mine.amount, decimals: 2) : "—")]
                                 }))
        if let id = selected, let k = m.policies.firstIndex(where: { $0.record.id == id }) {
            let pp = m.policies[k]
            // The per-firm table shows firms' criteria and amounts: only firms the caller may read one by one.
            let scope = p.indicatorScope(in: services.catalog)
            let byFirm = try await services.policyOffice.awardsByFirm(policy: id)
            let eligible = (0..<min(cube.firmCount, m.outcomes[k].count)).filter { i in
                m.outcomes[k][i] != .ineligible && scope.admits(uscc: cube.firms[i].uscc, region: cube.firms[i].region, zone: cube.firms[i].zone)
            }.sorted { (m.outcomes[k][$0] == .eligible ? 0 : 1, -cube.firms[$0].revenue) < (m.outcomes[k][$1] == .eligible ? 0 : 1, -cube.firms[$1].revenue) }
            let r = pp.record
            let regions = (r.regions ?? []).map { services.catalog.region($0)?.name ?? $0 }.joined(separator: "、")
            page.tables.append(.init(title: "\(r.name)：政策要素", headers: [("要素", false), ("内容", false)],
                                     rows: [("发文单位", r.issuer), ("文号", r.documentNo ?? "—"), ("适用地区", regions.isEmpty ? "全省" : regions),
                                            ("有效期", "\(r.validFrom) 至 \(r.validUntil)"),
                                            ("政策内容", r.summary.isEmpty ? "—" : r.summary), ("奖励标准", pp.formula.sentence()),
                                            ("条件", pp.rule.sentences(names).joined(separator: "；"))].map { [.init(text: $0.0), .init(text: $0.1)] }))
            page.tables.append(.init(title: "\(pp.record.name)：符合及缺数据的企业", headers: [("企业", false), ("结果", false), ("金额（万元）", true), ("兑现状态", false), ("缺少的数据", false)],
                                     rows: eligible.prefix(200).map { i in
                                         let e = cube.firms[i]
                                         let unknown = pp.rule.evaluate(m.facts[i], names: names).filter { $0.state == .unknown }.map(\.reason).joined(separator: "；")
                                         return [.init(text: e.name, href: "/enterprises/\(e.uscc)"), .init(text: m.outcomes[k][i] == .eligible ? "符合" : "缺数据"),
                                                 .num(m.amounts[k][i].isNaN ? "—" : NumberFormat.amount(m.amounts[k][i], decimals: 2)),
                                                 .init(text: byFirm[e.uscc].map { (AwardState(stored: $0.state)?.nameZh ?? $0.state) } ?? "—",
                                                       href: byFirm[e.uscc].flatMap { p.can(.reviewAwards) ? "/policies/awards/\($0.id)" : nil }), .init(text: unknown)]
                                     }, note: eligible.count > 200 ? "共 \(eligible.count) 家，显示前 200 家；导出 CSV 同样为前 200 家。" : nil))
        }
        return page.respond(self, request, context, title: "企业发展政策", active: "/policies", file: "policies")
    }
}
