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
    func registerServiceOverviewPages(_ router: Router<BrainContext>) {
        router.get("/transformation") { request, context in try await self.transformationPage(request, context) }
        router.get("/market") { request, context in try await self.marketOverviewPage(request, context) }
    }

    /// Firms (all sizes) of the analysis scope, by cube index.
    func firmsIn(_ scope: AnalysisScope) -> [Int] {
        services.cubes.cube.select(counties: scope.counties, zone: scope.zone, aboveScaleOnly: false)
    }

    /// The sub-area a firm is counted under on a regional page: its city on the province's page, else its county.
    func subRegion(_ e: Enterprise, of scope: AnalysisScope) -> String {
        let catalog = services.catalog
        let code = catalog.region(scope.region)?.level == .province ? (catalog.city(of: e.region) ?? e.region) : e.region
        return catalog.region(code)?.name ?? code
    }

    /// 转型问诊与智能化改造: how far the region's firms are diagnosed, their levels and weak areas by chain and area,
    /// and how the referrals to catalogue providers went.
    func transformationPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let scope: AnalysisScope
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): scope = v.1 }
        let cube = services.cubes.cube
        let members = firmsIn(scope)
        let memberSet = Set(members.map { cube.firms[$0].uscc })
        let latest = try await services.diagnoses.latestRecords().filter { memberSet.contains($0.key) }
        let records = Array(latest.values)
        let levelNames = ["未达一级", "一级", "二级", "三级", "四级"]
        let average = records.isEmpty ? nil : records.map(\.result.total).reduce(0, +) / Double(records.count)
        let upper = records.filter { $0.result.level >= 3 }.count
        let referrals = try await services.catalogue.referrals().filter { memberSet.contains($0.uscc) }
        let adopted = referrals.filter { $0.state == "adopted" }.count
        let closed = referrals.filter { $0.state == "adopted" || $0.state == "declined" }.count
        var page = ReportPage(heading: "转型问诊与智能化改造", sub: "\(services.catalog.region(scope.region)?.name ?? scope.region)\(scope.zone.flatMap { services.catalog.zone($0)?.shortName }.map { " · \($0)" } ?? "") · 企业数字化水平（参照《中小企业数字化水平评测指标（2024年版）》）与服务对接")
        page.html = kpiCards([("已问诊企业", String(records.count), "家", "覆盖 " + NumberFormat.percent(members.isEmpty ? nil : Double(records.count) / Double(members.count) * 100, signed: false) + "（共 \(members.count) 家）"),
                              ("平均得分", average.map { NumberFormat.amount($0) } ?? "—", "分", "三级及以上 \(upper) 家"),
                              ("服务对接", String(referrals.count), "次", "已联系 \(referrals.filter { $0.state == "contacted" }.count)，已采纳 \(adopted)"),
                              ("采纳率", NumberFormat.percent(closed == 0 ? nil : Double(adopted) / Double(closed) * 100, signed: false), "", "已办结 \(closed) 次（采纳或未采纳）")])
        var byLevel = [Int](repeating: 0, count: 5)
        for r in records { byLevel[min(max(r.result.level, 0), 4)] += 1 }
        page.charts = [BarChart(title: "数字化水平等级分布", unit: "家", items: byLevel.enumerated().map { BarItem(label: levelNames[$0.offset], value: Double($0.element)) },
                                valueFormat: { NumberFormat.amount($0, decimals: 0) }).svg()]
        func summary(_ name: String, firms: Int, _ list: [DiagnosisRecord], href: String? = nil) -> [ReportPage.Cell] {
            let avg = list.isEmpty ? nil : list.map(\.result.total).reduce(0, +) / Double(list.count)
            var weak: [String: Int] = [:]
            for r in list { weak[r.result.weakestAreaName, default: 0] += 1 }
            let common = weak.max { ($0.value, $1.key) < ($1.value, $0.key) }
            return [.init(text: name, href: href), .num(String(firms)), .num(String(list.count)),
                    .num(NumberFormat.percent(firms == 0 ? nil : Double(list.count) / Double(firms) * 100, signed: false)),
                    .num(avg.map { NumberFormat.amount($0) } ?? "—"), .num(String(list.filter { $0.result.level >= 3 }.count)),
                    .init(text: common.map { "\($0.key)（\($0.value) 家）" } ?? "—")]
        }
        let heads: [(String, Bool)] = [("名称", false), ("企业", true), ("已问诊", true), ("覆盖率", true), ("平均得分", true), ("三级及以上", true), ("最常见薄弱领域", false)]
        var chainRows: [[ReportPage.Cell]] = []
        for chain in ChainCatalog.all {
            guard let bit = cube.chainBit(chain.code) else { continue }
            let firms = members.filter { cube.chainMask[$0] & bit != 0 }
            let list = firms.compactMap { latest[cube.firms[$0].uscc] }
            chainRows.append(summary(chain.name, firms: firms.count, list, href: "/chains/upgrade?chain=\(chain.code)&region=\(scope.region)"))
        }
        page.tables.append(.init(title: "各产业链", headers: heads, rows: chainRows, note: "点击产业链名称查看该链的转型升级规划简报。"))
        let groups = Dictionary(grouping: members) { subRegion(cube.firms[$0], of: scope) }
        page.tables.append(.init(title: "各地区", headers: heads, rows: groups.sorted { $0.key < $1.key }.map { name, firms in
            summary(name, firms: firms.count, firms.compactMap { latest[cube.firms[$0].uscc] })
        }))
        let providers = Dictionary(uniqueKeysWithValues: try await services.catalogue.providers().map { ($0.id, $0.name) })
        let byProvider = Dictionary(grouping: referrals, by: \.providerId)
        page.tables.append(.init(title: "服务商对接成效", headers: [("服务商", false), ("对接", true), ("待联系", true), ("已联系", true), ("已采纳", true), ("未采纳", true), ("采纳率", true)],
                                 rows: byProvider.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map { id, list in
                                     let n = { (s: String) in list.filter { $0.state == s }.count }
                                     let done = n("adopted") + n("declined")
                                     return [.init(text: providers[id] ?? id), .num(String(list.count)), .num(String(n("referred"))), .num(String(n("contacted"))),
                                             .num(String(n("adopted"))), .num(String(n("declined"))), .num(NumberFormat.percent(done == 0 ? nil : Double(n("adopted")) / Double(done) * 100, signed: false))]
                                 }))
        let recent = records.sorted { ($0.submittedAt, $0.id) > ($1.submittedAt, $1.id) }.prefix(100)
        page.tables.append(.init(title: "最近的问诊", headers: [("时间", false), ("企业", false), ("得分", true), ("等级", false), ("最薄弱环节", false)],
                                 rows: recent.map { r in
                                     [.init(text: String(r.submittedAt.prefix(16)).replacingOccurrences(of: "T", with: " ")), .init(text: r.company, href: "/enterprises/\(r.uscc)"),
                                      .num(NumberFormat.amount(r.result.total)), .init(text: r.result.levelName), .init(text: r.result.weakestSubareaName)]
                                 }, note: records.count > recent.count ? "共 \(records.count) 家，显示最近 \(recent.count) 家；导出 CSV 也只含这些行。" : nil))
        return page.respond(self, request, context, title: "转型问诊与智能化改造", active: "/transformation", file: "transformation")
    }

    /// 产业生态: the supply and demand listings of the region's enterprises — what is sought and offered, by chain,
    /// and the newest listings.
    func marketOverviewPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let scope: AnalysisScope
        switch officialScope(request, context) { case .failure(let r): return r; case .success(let v): scope = v.1 }
        let cube = services.cubes.cube
        let memberSet = Set(firmsIn(scope).map { cube.firms[$0].uscc })
        let kindFilter = request.uri.queryParameters["kind"].flatMap { ListingKind(rawValue: String($0)) }
        let all = try await services.market.listings().filter { memberSet.contains($0.uscc) }
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
                                     [.init(text: ChainCatalog.chain(code)?.name ?? "其他"), .num(String(list.filter { $0.kind == .demand }.count)),
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
