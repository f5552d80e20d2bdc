import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension Portal {
    func registerEnterprisePages(_ pages: PortalPages) {
        pages.get("/enterprises/:uscc", .permission(.readEnterprises)) { request, context in try await self.enterprise(request, context) }
        pages.get("/my/policies", .enterprise) { request, context in try await self.myPolicies(request, context) }
        pages.post("/my/policies/:id/apply", .permission(.applyPolicies)) { request, context in try await self.apply(request, context) }
    }

    /// An enterprise's profile and, within the caller's scope (or under a grant), its last 24 months.
    func enterprise(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let cube = services.cubes.cube
        guard let raw = context.parameters.get("uscc"), let i = cube.firmIndex[raw] else { return message(context, "未找到", "没有这家企业。", status: .notFound) }
        let e = cube.firms[i]
        guard p.enterpriseScope(in: services.catalog).admits(uscc: e.uscc, region: e.region, zone: e.zone) else {
            return message(context, "无权访问", "企业 \(e.uscc) 不在您的数据范围内。", status: .forbidden)
        }
        var c = frame(context, title: e.name, active: "/dashboard")
        c["heading"] = e.name
        let visible: Bool
        switch try await services.grants.decide(p, owner: e.uscc, region: e.region, zone: e.zone, dataset: .indicators, catalog: services.catalog) {
        case .ownerOrOfficial: visible = true
        case .grant(let id):
            try await services.grants.log(DataAccess(id: UUID().uuidString, owner: e.uscc, reader: p.username, dataset: "indicators", target: request.uri.path,
                                                     grantId: id, outcome: "granted", source: request.clientAddress(context), at: Timestamp.precise()))
            visible = true
        case .refused: visible = false
        }
        let region = services.catalog.region(e.region)
        var lines = ["统一社会信用代码 \(e.uscc)", "\(region?.name ?? e.region)", services.industries.name(of: e.industry), e.sizeClass.nameZh + (e.aboveScale ? " · 规上" : "")]
        if let z = e.zone.flatMap({ services.catalog.zone($0)?.shortName }) { lines.append(z) }
        if !e.chains.isEmpty { lines.append(e.chains.compactMap { services.catalog.chains.chain($0)?.name }.joined(separator: "、")) }
        var body = "<p class=\"sub\">" + lines.map(SVGText.escape).joined(separator: " · ") + "</p>"
        // The cube's placement: the registered links, or those derived from the industry class, with why.
        let placed = cube.placements[i]
        if !placed.links.isEmpty {
            body += "<p class=\"sub\">产业链环节：" + placed.links.map { SVGText.escape($0.reason) }.joined(separator: "；") + "</p>"
        }
        if visible {
            let months = (0..<24).map { cube.lastMonth.adding(months: $0 - 23) }
            let series = FirmSeries(last: cube.lastMonth, count: 24)
            body += "<div class=\"grid g2\"><div class=\"card\">" + LineChart(title: "工业总产值与营业收入（近24个月，1–2月取两月平均）", unit: "万元", labels: series.labels,
                series: [LineSeries(name: "工业总产值", values: series.values(.outputValue, firm: i, in: cube)),
                         LineSeries(name: "营业收入", values: series.values(.revenue, firm: i, in: cube))]).svg() + "</div>"
            body += "<div class=\"card\">" + LineChart(title: "用电量（近24个月，1–2月取两月平均）", unit: "万千瓦时", labels: series.labels,
                series: [LineSeries(name: "用电量", values: series.values(.electricity, firm: i, in: cube))]).svg() + "</div></div>"
            body += "<div class=\"card\"><h2>月度数据</h2><table><thead><tr><th>月份</th>"
            let shown: [Indicator] = [.outputValue, .revenue, .profit, .electricity, .employees]
            body += shown.map { "<th class=\"num\">\($0.nameZh)（\($0.unit)）</th>" }.joined() + "</tr></thead><tbody>"
            for m in months.reversed().prefix(12) {
                body += "<tr><td>\(m.description)</td>" + shown.map { ind -> String in
                    let v = cube.value(ind, firm: i, month: m)
                    return "<td class=\"num\">\(v.isNaN ? "—" : NumberFormat.amount(v, decimals: ind == .employees ? 0 : 1))</td>"
                }.joined() + "</tr>"
            }
            body += "</tbody></table></div>"
        } else {
            body += "<div class=\"notice\">月度经营数据仅对企业本身、所辖政府部门及获企业授权者可见（授权才可用）。</div>"
        }
        c["message"] = ""
        c["body"] = body
        return renderer.page("enterprise", c)
    }
}
