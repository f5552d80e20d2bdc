import BrainApps
import BrainCore
import BrainSecurity
import Foundation
import Hummingbird

// 公共数据中心 · 数据来源与核查: the order of sources, the catalogue of datasets, where sources disagree, and the lineage of
// one indicator of the caller's region — the same use cases (`SourceDesk`) as /api/v1/data/*.

extension Portal {
    func registerDataSourcesPage(_ pages: PortalPages) {
        pages.get("/data/sources", .permission(.readIndicators)) { request, context in try await self.dataSourcesPage(request, context) }
    }

    func dataSourcesPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let (p, scope): (Principal, AnalysisScope)
        switch officialScope(request, context, withPeriod: true) { case .failure(let r): return r; case .success(let v): (p, scope) = v }
        let months = Month.range(services.cubes.cube.lastMonth.adding(months: -11), services.cubes.cube.lastMonth).reversed().filter { $0.month != 1 }
        let desk = services.sourceDesk, cube = services.cubes.cube
        let indicator = request.uri.queryParameters["indicator"].flatMap { Indicator(rawValue: String($0)) } ?? .electricity
        var page = ReportPage(heading: "数据来源与核查",
                              sub: "公共数据中心 · 各来源的数值并存、不互相覆盖；应用按来源优先顺序取第一个有值的来源 · \(services.catalog.region(scope.region)?.name ?? scope.region) · \(scope.period.label)")
        page.selects = [.init(name: "period", label: "月份", options: months.map { ($0.description, "\($0.year)年\($0.month)月") }, selected: scope.period.end.description),
                        .init(name: "indicator", label: "血缘指标", options: Indicator.allCases.map { ($0.rawValue, $0.nameZh) }, selected: indicator.rawValue)]
        page.action = "/data/sources"
        page.tables.append(.init(title: "数据来源（优先顺序）", headers: [("顺序", true), ("来源", false), ("代码", false)],
                                 rows: desk.sources().map { [.num(String($0.rank)), .init(text: $0.nameZh), .init(text: $0.code)] },
                                 note: "导入时选择来源（命令行 --source，接口 ?source=）；企业在“我的数据”上报的数值为企业自报。"))
        page.tables.append(.init(title: "数据目录", headers: [("数据集", false), ("责任单位", false), ("敏感级别", false), ("更新频率", false), ("行数", true),
                                                          ("最近导入", false), ("有效行占比", true), ("时效", false), ("最新月份", false)],
                                 rows: try await desk.catalogue().map { d in
                                     [.init(text: d.nameZh), .init(text: d.owner), .init(text: d.sensitivity), .init(text: d.frequency), .num(String(d.rows)),
                                      .init(text: d.latestImport.map { "\(PortalTime.beijing($0)) \(d.latestImportFile ?? "")" } ?? "—"),
                                      .num(d.latestValidity.map { NumberFormat.amount($0 * 100) + "%" } ?? "—", (d.latestValidity ?? 1) < 0.95 ? "down" : ""),
                                      .init(text: d.stale.map { $0 ? "逾期未更新（\(d.daysSinceImport ?? 0) 天）" : "按期" } ?? (d.daysSinceImport.map { "\($0) 天前" } ?? "未导入")),
                                      .init(text: d.latestMonth ?? "—")]
                                 }, note: "有效行占比：最近一次导入中被接受的行的比例；时效：距最近一次导入的天数是否超过更新频率允许的间隔（日度 3 天、月度 45 天、季度 120 天、年度 400 天）。"))
        let month = scope.period.end
        let disagreements = try await desk.disagreements(for: p, month: month, tolerance: 0.05, limit: 100, offset: 0, cube: cube, catalog: services.catalog)
        page.tables.append(.init(title: "来源不一致（差异超过 5%，\(month.year)年\(month.month)月，共 \(disagreements.total) 项）",
                                 headers: [("企业", false), ("指标", false), ("各来源数值", false), ("采用", false), ("差异", true)],
                                 rows: disagreements.items.map { d in
                                     let name = cube.firmIndex[d.uscc].map { cube.firms[$0].name } ?? d.uscc
                                     let values = d.values.map { v in "\(DataSource.named(v.source)?.nameZh ?? v.source) \(v.value.map { NumberFormat.amount($0) } ?? "已清除")" }
                                     return [.init(text: name, href: "/enterprises/\(d.uscc)"), .init(text: Indicator(rawValue: d.indicator)?.nameZh ?? d.indicator),
                                             .init(text: values.joined(separator: " · ")), .init(text: DataSource.named(d.chosenSource)?.nameZh ?? d.chosenSource),
                                             .num(NumberFormat.amount(d.spread * 100) + "%")]
                                 }, note: disagreements.items.isEmpty ? "本月没有超过 5% 的来源差异。" : "采用的数值进入总览、预警和政策匹配；其他来源的数值保留备查。"))
        let lineage = try await desk.lineage(of: indicator, scope: scope, cube: cube)
        page.tables.append(.init(title: "数据血缘：\(lineage.indicatorName)（\(lineage.firms) 家规上企业）",
                                 headers: [("来源", false), ("批次", false), ("导入时间", false), ("导入人", false), ("企业数", true)],
                                 rows: lineage.contributions.map { c in
                                     [.init(text: c.sourceName), c.batch == "legacy" ? .init(text: "来源记录之前的存量数据") : .init(text: "\(c.fileName ?? "") · \(c.batch.prefix(12))", href: "/data/batches/\(c.batch)"),
                                      .init(text: c.importedAt.map(PortalTime.beijing) ?? "—"), .init(text: c.importedBy ?? "—"), .num(String(c.values))]
                                 }))
        return page.respond(self, request, context, title: "数据来源与核查", active: "/data/sources", file: "data-sources")
    }
}
