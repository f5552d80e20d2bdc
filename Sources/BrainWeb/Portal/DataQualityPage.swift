import BrainApps
import BrainCore
import BrainSecurity
import Foundation
import Hummingbird

// 公共数据中心 · 数据质量: completeness, fill and consistency of the caller's region, drilling down like the dashboard —
// the same `QualityDesk` as GET /api/v1/quality.

extension Portal {
    func registerDataQualityPage(_ pages: PortalPages) {
        pages.get("/data/quality", .permission(.readStatistics)) { request, context in try await self.dataQualityPage(request, context) }
    }

    func dataQualityPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        let (p, scope): (Principal, AnalysisScope)
        switch officialScope(request, context, withPeriod: true) { case .failure(let r): return r; case .success(let v): (p, scope) = v }
        let cube = services.cubes.cube
        let r = try await services.qualityDesk.report(for: p, scope: scope, cube: cube)
        let pct: (Double) -> String = { NumberFormat.amount($0 * 100) + "%" }
        var page = ReportPage(heading: "数据质量 · \(r.regionName)",
                              sub: "\(scope.period.label) · 综合得分 \(NumberFormat.amount(r.score)) · 应报 \(r.expected) 家规上企业，已报 \(r.reporting) 家（完整率 \(pct(r.completeness))），数据矛盾 \(r.inconsistent) 家\(r.timeliness.map { "，及时率 \(pct($0))（\(r.late) 家晚于截止日 \(QualityDesk.deadlineDay) 日报送）" } ?? "")")
        let months = Month.range(cube.lastMonth.adding(months: -11), cube.lastMonth).reversed().filter { $0.month != 1 }
        page.selects = [.init(name: "period", label: "月份", options: months.map { ($0.description, "\($0.year)年\($0.month)月") }, selected: scope.period.end.description)]
        page.action = "/data/quality"
        let period = scope.period.end.description
        if !r.areas.isEmpty {
            page.tables.append(.init(title: "下级地区", headers: [("地区", false), ("应报", true), ("已报", true), ("完整率", true), ("得分", true)],
                                     rows: r.areas.map { a in
                                         [.init(text: a.name, href: "/data/quality?region=\(a.code)&period=\(period)"), .num(String(a.expected)), .num(String(a.reporting)),
                                          .num(pct(a.completeness), a.completeness < 0.9 ? "down" : ""), .num(NumberFormat.amount(a.score))]
                                     }))
        }
        if !r.sources.isEmpty {
            page.tables.append(.init(title: "按来源（本月）", headers: [("来源", false), ("报送企业", true), ("覆盖应报企业", true), ("数值个数", true), ("采用的核心数值占比", true)],
                                     rows: r.sources.map { s in
                                         [.init(text: s.name), .num(String(s.firms)), .num(pct(s.coverage)), .num(String(s.values)), .num(pct(s.readShare))]
                                     }, note: "核心数值：产值、营业收入、利润、用电量；同一数值有多个来源时按来源优先级（统计局 > 税务 > 电力公司 > 子脑 > 企业自报）采用。导入之前已有的数值计为统计局。"))
        }
        page.tables.append(.init(title: "近十二个月的完整率", headers: [("月份", false), ("应报", true), ("已报", true), ("完整率", true)],
                                 rows: r.months.reversed().map { m in [.init(text: m.month), .num(String(m.expected)), .num(String(m.reporting)), .num(pct(m.completeness), m.completeness < 0.9 ? "down" : "")] }))
        page.tables.append(.init(title: "指标填报率（已报企业中填了该指标的比例）", headers: [("指标", false), ("填报率", true)],
                                 rows: Indicator.allCases.map { ind in [.init(text: ind.nameZh), .num(pct(r.indicatorFill[ind.rawValue] ?? 0))] }))
        page.tables.append(.init(title: "需要核查的企业（\(r.firmsTotal) 家）", headers: [("企业", false), ("问题", false), ("说明", false)],
                                 rows: r.firms.map { f in
                                     [.init(text: f.name, href: "/enterprises/\(f.uscc)"), .init(text: ["missing": "未报送", "late": "迟报", "inconsistent": "数据矛盾"][f.problem] ?? f.problem), .init(text: f.detail)]
                                 }, note: "应报：近十二个月内报送过的规上企业；已报：报送了产值、营业收入或用电量之一；迟报：该月第一个数值晚于次月 \(QualityDesk.deadlineDay) 日（北京时间）到达。只列出您可以逐家查看的企业，最多 100 家。断报和产值异常跳升（疑似单位错误）的预警在「风险预警 · 数据核查」（/warnings?category=data-check）中逐家交办、办结。"))
        return page.respond(self, request, context, title: "数据质量", active: "/data/quality", file: "data-quality")
    }
}
