import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

// The government's view of the B2B services in its region: 转型问诊与智能化改造 (diagnoses, maturity, referrals to
// providers) and 产业生态 (supply and demand listings of its enterprises).

extension Portal {
    func registerServiceOverviewPages(_ pages: PortalPages) {
        pages.get("/transformation", .permission(.readStatistics)) { request, context in try await self.transformationPage(request, context) }
        pages.get("/market", .permission(.readStatistics)) { request, context in try await self.marketOverviewPage(request, context) }
    }

    /// Firms (all sizes) of the analysis scope, by cube index.
    func firmsIn(_ scope: AnalysisScope) -> [Int] {
        services.cubes.cube.select(counties: scope.counties, zone: scope.zone, aboveScaleOnly: false)
    }

    /// The cube index of an enterprise when it lies in the analysis scope.
    func firmIndex(_ uscc: String, in scope: AnalysisScope) -> Int? {
        let cube = services.cubes.cube
        guard let i = cube.firmIndex[uscc], scope.counties.contains(cube.firms[i].region), scope.zone == nil || cube.firms[i].zone == scope.zone else { return nil }
        return i
    }

    /// The code a firm is counted under on a regional page: its city on the province's page, else its county.
    func subRegion(_ region: String, of scope: AnalysisScope) -> String {
        services.catalog.region(scope.region)?.level == .province ? (services.catalog.city(of: region) ?? region) : region
    }

    /// Diagnoses of a group of firms: how many firms, how many diagnosed, their scores, levels and weakest areas.
    struct MaturityTally {
        var firms = 0, diagnosed = 0, upper = 0
        var total = 0.0
        var weakest: [String: Int] = [:]
        mutating func add(_ d: DiagnosisSummary) {
            diagnosed += 1; total += d.total
            if d.level >= 3 { upper += 1 }
            weakest[d.weakestAreaName, default: 0] += 1
        }
        func row(_ name: String, href: String? = nil) -> [ReportPage.Cell] {
            let common = weakest.max { ($0.value, $1.key) < ($1.value, $0.key) }
            return [.init(text: name, href: href), .num(String(firms)), .num(String(diagnosed)),
                    .num(NumberFormat.percent(firms == 0 ? nil : Double(diagnosed) / Double(firms) * 100, signed: false)),
                    .num(diagnosed == 0 ? "—" : NumberFormat.amount(total / Double(diagnosed))), .num(String(upper)),
                    .init(text: common.map { "\($0.key)（\($0.value) 家）" } ?? "—")]
        }
    }

    /// 转型问诊与智能化改造: how far the region's firms are diagnosed, their levels and weak areas by chain and area,
    /// and how the referrals to catalogue providers went.
    func transformationPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let scope: AnalysisScope
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): scope = v.1 }
        let cube = services.cubes.cube
        let chainBits = services.catalog.chains.chains.map { cube.chainBit($0.code) ?? 0 }
        var whole = MaturityTally()
        var byChain = [MaturityTally](repeating: MaturityTally(), count: chainBits.count)
        var byArea: [String: MaturityTally] = [:]
        for i in firmsIn(scope) {
            whole.firms += 1
            byArea[subRegion(cube.firms[i].region, of: scope), default: MaturityTally()].firms += 1
            let mask = cube.chainMask[i]
            for (k, bit) in chainBits.enumerated() where mask & bit != 0 { byChain[k].firms += 1 }
        }
        var diagnosed: [(index: Int, summary: DiagnosisSummary)] = []
        var byLevel = [Int](repeating: 0, count: 5)
        for (uscc, d) in try await services.diagnoses.latestSummaries() {
            guard let i = firmIndex(uscc, in: scope) else { continue }
            diagnosed.append((i, d))
            whole.add(d)
            byArea[subRegion(cube.firms[i].region, of: scope), default: MaturityTally()].add(d)
            let mask = cube.chainMask[i]
            for (k, bit) in chainBits.enumerated() where mask & bit != 0 { byChain[k].add(d) }
            byLevel[min(max(d.level, 0), 4)] += 1
        }
        // Referrals of the region's firms by provider and state (only those the firms agreed to or asked for).
        var byProvider: [String: [String: Int]] = [:]
        for r in try await services.catalogue.referrals() where r.isConsented && firmIndex(r.uscc, in: scope) != nil { byProvider[r.providerId, default: [:]][r.state, default: 0] += 1 }
        func count(_ state: String) -> Int { byProvider.values.reduce(0) { $0 + ($1[state] ?? 0) } }
        let referred = byProvider.values.reduce(0) { $0 + $1.values.reduce(0, +) }
        let adopted = count("adopted"), closed = adopted + count("declined")
        let levelNames = ["未达一级", "一级", "二级", "三级", "四级"]
        var page = ReportPage(heading: "转型问诊与智能化改造", sub: "\(services.catalog.region(scope.region)?.name ?? scope.region)\(scope.zone.flatMap { services.catalog.zone($0)?.shortName }.map { " · \($0)" } ?? "") · 企业数字化水平（参照《中小企业数字化水平评测指标（2024年版）》）与服务对接")
        page.html = kpiCards([("已问诊企业", String(whole.diagnosed), "家", "覆盖 " + NumberFormat.percent(whole.firms == 0 ? nil : Double(whole.diagnosed) / Double(whole.firms) * 100, signed: false) + "（共 \(whole.firms) 家）"),
                              ("平均得分", whole.diagnosed == 0 ? "—" : NumberFormat.amount(whole.total / Double(whole.diagnosed)), "分", "三级及以上 \(whole.upper) 家"),
                              ("服务对接", String(referred), "次", "已联系 \(count("contacted"))，已采纳 \(adopted)"),
                              ("采纳率", NumberFormat.percent(closed == 0 ? nil : Double(adopted) / Double(closed) * 100, signed: false), "", "已办结 \(closed) 次（采纳或未采纳）")])
        page.charts = [BarChart(title: "数字化水平等级分布", unit: "家", items: byLevel.enumerated().map { BarItem(label: levelNames[$0.offset], value: Double($0.element)) },
                                valueFormat: { NumberFormat.amount($0, decimals: 0) }).svg()]
        let heads: [(String, Bool)] = [("名称", false), ("企业", true), ("已问诊", true), ("覆盖率", true), ("平均得分", true), ("三级及以上", true), ("最常见薄弱领域", false)]
        page.tables.append(.init(title: "各产业链", headers: heads, rows: services.catalog.chains.chains.enumerated().map { k, chain in
            byChain[k].row(chain.name, href: "/chains/upgrade?chain=\(chain.code)&region=\(scope.region)")
        }, note: "点击产业链名称查看该链的转型升级规划简报。"))
        page.tables.append(.init(title: "各地区", headers: heads, rows: byArea.map { (services.catalog.region($0.key)?.name ?? $0.key, $0.value) }
            .sorted { $0.0 < $1.0 }.map { $0.1.row($0.0) }))
        let providers = Dictionary(uniqueKeysWithValues: try await services.catalogue.providers().map { ($0.id, $0.name) })
        page.tables.append(.init(title: "服务商对接成效", headers: [("服务商", false), ("对接", true), ("待联系", true), ("已联系", true), ("已采纳", true), ("未采纳", true), ("采纳率", true)],
                                 rows: byProvider.map { ($0.key, $0.value, $0.value.values.reduce(0, +)) }.sorted { ($0.2, $1.0) > ($1.2, $0.0) }.map { id, states, n in
                                     let done = (states["adopted"] ?? 0) + (states["declined"] ?? 0)
                                     return [.init(text: providers[id] ?? id), .num(String(n)), .num(String(states["referred"] ?? 0)), .num(String(states["contacted"] ?? 0)),
                                             .num(String(states["adopted"] ?? 0)), .num(String(states["declined"] ?? 0)),
                                             .num(NumberFormat.percent(done == 0 ? nil : Double(states["adopted"] ?? 0) / Double(done) * 100, signed: false))]
                                 }))
        let recent = diagnosed.sorted { ($0.summary.submittedAt, $0.summary.id) > ($1.summary.submittedAt, $1.summary.id) }.prefix(100)
        page.tables.append(.init(title: "最近的问诊", headers: [("时间", false), ("企业", false), ("得分", true), ("等级", false), ("最薄弱环节", false)],
                                 rows: recent.map { i, d in
                                     [.init(text: String(d.submittedAt.prefix(16)).replacingOccurrences(of: "T", with: " ")), .init(text: d.company, href: "/enterprises/\(cube.firms[i].uscc)"),
                                      .num(NumberFormat.amount(d.total)), .init(text: d.levelName), .init(text: d.weakestSubareaName)]
                                 }, note: diagnosed.count > recent.count ? "共 \(diagnosed.count) 家，显示最近 \(recent.count) 家；导出 CSV 也只含这些行。" : nil))
        return page.respond(self, request, context, title: "转型问诊与智能化改造", active: "/transformation", file: "transformation")
    }

    /// 产业生态: the supply and demand listings of the region's enterprises — what is sought and offered, by chain,
    /// and the newest listings.
    func marketOverviewPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let scope: AnalysisScope
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): scope = v.1 }
        let kindFilter = request.uri.queryParameters["kind"].flatMap { ListingKind(rawValue: String($0)) }
        let everything = try await services.market.listings()
        let all = services.catalog.region(scope.region)?.level == .province && scope.zone == nil ? everything : everything.filter { firmIndex($0.uscc, in: scope) != nil }
        let open = all.filter { $0.state == "open" }
        let shown = open.filter { kindFilter == nil || $0.kind == kindFilter }
        var page = ReportPage(heading: "产业生态 · 供需对接", sub: "\(services.catalog.region(scope.region)?.name ?? scope.region) · 本地区企业发布的采购需求和产品供应；企业在“贸易撮合”中获得对手方推荐")
        page.selects = [.init(name: "kind", label: "类型", options: [("", "全部"), ("demand", "采购需求"), ("supply", "产品供应")], selected: kindFilter?.rawValue ?? "")]
        page.action = "/market"
        page.html = kpiCards([("有效需求", String(open.filter { $0.kind == .demand }.count), "条", "全部 \(all.filter { $0.kind == .demand }.count) 条"),
                              ("有效供应", String(open.filter { $0.kind == .supply }.count), "条", "全部 \(all.filter { $0.kind == .supply }.count) 条"),
                              ("参与企业", String(Set(all.map(\.uscc)).count), "家", "有有效供需的 \(Set(open.map(\.uscc)).count) 家"),
                              ("已关闭", String(all.count - open.count), "条", "成交或过期")])
        var products: [String: Int] = [:]
        for l in shown { products[l.product, default: 0] += 1 }
        page.charts = [BarChart(title: "有效供需最多的产品", unit: "条", items: products.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(15).map {
            BarItem(label: $0.key, value: Double($0.value))
        }, valueFormat: { NumberFormat.amount($0, decimals: 0) }).svg()]
        let byChain = Dictionary(grouping: shown) { $0.chain ?? "" }
        page.tables.append(.init(title: "各产业链", headers: [("产业链", false), ("需求", true), ("供应", true), ("企业", true)],
                                 rows: byChain.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map { code, list in
                                     [.init(text: services.catalog.chains.chain(code)?.name ?? "其他"), .num(String(list.filter { $0.kind == .demand }.count)),
                                      .num(String(list.filter { $0.kind == .supply }.count)), .num(String(Set(list.map(\.uscc)).count))]
                                 }))
        let recent = shown.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(200)
        page.tables.append(.init(title: "最新供需", headers: [("发布", false), ("类型", false), ("产品", false), ("企业", false), ("地区", false), ("数量", true), ("有效期至", false)],
                                 rows: recent.map { l in
                                     [.init(text: String(l.createdAt.prefix(10))), .init(text: l.kind == .supply ? "供应" : "需求"), .init(text: l.product + (l.spec.map { "（\($0)）" } ?? "")),
                                      .init(text: l.company, href: "/enterprises/\(l.uscc)"), .init(text: services.catalog.region(l.region)?.name ?? l.region),
                                      .num(NumberFormat.amount(l.quantity, decimals: 1) + " " + l.unit), .init(text: l.validUntil)]
                                 }, note: shown.count > recent.count ? "共 \(shown.count) 条，显示最新 \(recent.count) 条。" : nil))
        return page.respond(self, request, context, title: "产业生态", active: "/market", file: "market-overview")
    }
}
