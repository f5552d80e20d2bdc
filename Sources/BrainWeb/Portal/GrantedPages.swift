import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

// 授权给我的数据: what enterprises have granted the caller (a service provider, an expert, any user), and the granted
// data itself. Every read here goes through the same grant decision as the API and lands in the owner's access log.

extension Portal {
    func registerGrantedPages(_ pages: PortalPages) {
        pages.get("/granted", .signedIn) { request, context in try await self.grantedPage(request, context) }
        pages.get("/granted/view", .signedIn) { request, context in try await self.grantedView(request, context) }
    }

    /// The grants given to the caller, active first, each dataset linking to its view.
    func grantedPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let grants = try await services.grants.grants(grantee: p.username).sorted { ($0.isActive() ? 0 : 1, $1.createdAt) < ($1.isActive() ? 0 : 1, $0.createdAt) }
        let cube = services.cubes.cube
        var page = ReportPage(heading: "授权给我的数据", sub: "企业授权您在期限内、为约定用途读取的数据；每次读取都记入企业的访问日志（授权才可用）")
        page.tables.append(.init(title: "授权", headers: [("企业", false), ("数据", false), ("用途", false), ("授权时间", false), ("到期", false), ("状态", false)],
                                 rows: grants.map { g in
                                     let active = g.isActive()
                                     let name = cube.firmIndex[g.owner].map { cube.firms[$0].name } ?? g.owner
                                     return [.init(text: name, href: active && p.can(.readEnterprises) ? "/enterprises/\(g.owner)" : nil), .init(text: g.datasets.map(\.nameZh).joined(separator: "、")), .init(text: g.purpose),
                                             .init(text: String(g.createdAt.prefix(10))), .init(text: String(g.expiresAt.prefix(10))),
                                             .init(text: active ? "有效" : (g.revokedAt != nil ? "已撤销" : "已到期"), cls: active ? "up" : "muted")]
                                 }))
        let links = grants.filter { $0.isActive() }.flatMap { g in
            g.datasets.map { d -> String in
                let name = cube.firmIndex[g.owner].map { cube.firms[$0].name } ?? g.owner
                let href = d == .indicators ? "/enterprises/\(g.owner)" : "/granted/view?uscc=\(g.owner)&amp;dataset=\(d.rawValue)"
                return "<li><a href=\"\(href)\">\(SVGText.escape(name)) · \(d.nameZh)</a></li>"
            }
        }
        page.html = "<div class=\"card\"><h2>查看授权数据</h2>" + (links.isEmpty ? "<p class=\"muted\">目前没有有效的授权。企业可在“数据授权”页面把数据授权给您的用户名 <b>\(SVGText.escape(p.username))</b>。</p>"
            : "<ul style=\"margin:0;padding-left:18px\">" + links.joined() + "</ul>") + "</div>"
        return page.respond(self, request, context, title: "授权给我的数据", active: "/granted", file: "granted")
    }

    /// One granted dataset of one enterprise: its diagnoses, listings or referrals. A read without an active grant is
    /// refused and logged.
    func grantedView(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let q = request.uri.queryParameters
        guard let dataset = q["dataset"].flatMap({ GrantDataset(rawValue: String($0)) }), dataset != .indicators else {
            return message(context, "参数有误", "dataset 须为 diagnosis、listings、referrals 或 telemetry；月度经营数据请在企业页面查看。", status: .badRequest)
        }
        let uscc: String
        do {
            uscc = try await server.enterpriseData(request, context, dataset, uscc: q["uscc"].map(String.init) ?? "")
        } catch let e as APIError {
            let why = switch e.status {
            case .forbidden: "您没有该企业“\(dataset.nameZh)”的有效授权（或授权已撤销、已到期）；本次尝试已记入企业的访问日志。"
            case .notFound: "没有这家企业。"
            default: "uscc 须为有效的统一社会信用代码。"
            }
            return message(context, e.status == .forbidden ? "无权访问" : "无法查看", why, status: e.status)
        }
        let cube = services.cubes.cube
        let name = cube.firmIndex[uscc].map { cube.firms[$0].name } ?? uscc
        var page = ReportPage(heading: "\(name) · \(dataset.nameZh)", sub: p.ownEnterprise == uscc ? "本企业数据" : "依据企业授权读取，本次读取已记入企业的访问日志")
        page.crumbs = [("/granted", "授权给我的数据")]
        page.here = dataset.nameZh
        switch dataset {
        case .diagnosis:
            let history = try await services.diagnoses.history(uscc: uscc)
            if let r = history.first {
                page.html = "<div class=\"card\"><h2>最近一次：\(SVGText.escape(r.result.levelName))（\(NumberFormat.amount(r.result.total))分，\(SVGText.escape(String(r.submittedAt.prefix(10)))))</h2>"
                    + "<p>最薄弱领域：<b>\(SVGText.escape(r.result.weakestAreaName))</b>；最薄弱环节：\(SVGText.escape(r.result.weakestSubareaName))</p>"
                    + BarChart(title: "各领域得分", unit: "分", items: r.result.areas.map { BarItem(label: $0.name, value: $0.score, note: "权重\(Int($0.weight))") },
                               valueFormat: { NumberFormat.amount($0) }).svg() + "</div>"
                page.tables.append(.init(title: "薄弱点与建议", headers: [("问题", false), ("建议", false)],
                                         rows: r.result.weakPoints.map { [.init(text: $0.question), .init(text: $0.advice)] }))
            }
            page.tables.append(.init(title: "问诊记录", headers: [("时间", false), ("得分", true), ("等级", false), ("最薄弱领域", false)],
                                     rows: history.map { [.init(text: $0.submittedAt), .num(NumberFormat.amount($0.result.total)), .init(text: $0.result.levelName), .init(text: $0.result.weakestAreaName)] }))
        case .listings:
            let listings = try await services.market.listings(uscc: uscc).sorted { $0.createdAt > $1.createdAt }
            page.tables.append(.init(title: "供需信息", headers: [("类型", false), ("产品", false), ("数量", true), ("有效期", false), ("状态", false)],
                                     rows: listings.map { [.init(text: $0.kind == .supply ? "供应" : "需求"), .init(text: $0.product + ($0.spec.map { "（\($0)）" } ?? "")),
                                                           .num(NumberFormat.amount($0.quantity, decimals: 1) + " " + $0.unit), .init(text: "\($0.validFrom) 至 \($0.validUntil)"),
                                                           .init(text: $0.state == "open" ? "有效" : "已关闭")] }))
        case .referrals:
            let referrals = try await services.catalogue.referrals(uscc: uscc).sorted { $0.createdAt > $1.createdAt }
            let solutions = Dictionary(uniqueKeysWithValues: try await services.catalogue.solutions(includingWithdrawn: true).map { ($0.id, $0.title) })
            let stateName = Referral.stateNames
            page.tables.append(.init(title: "服务对接记录", headers: [("时间", false), ("方案", false), ("缘由", false), ("状态", false), ("经过", false)],
                                     rows: referrals.map { r in
                                         [.init(text: String(r.createdAt.prefix(10))), .init(text: solutions[r.solutionId] ?? r.solutionId), .init(text: r.reason),
                                          .init(text: stateName[r.state] ?? r.state), .init(text: r.history.map { "\(String($0.at.prefix(10))) \(stateName[$0.state] ?? $0.state)（\($0.by)）" }.joined(separator: " → "))]
                                     }))
        case .telemetry, .indicators:
            page.notice = "该企业尚无接入的设备运行数据。"
        }
        return page.respond(self, request, context, title: dataset.nameZh, active: "/granted", file: "granted-\(dataset.rawValue)")
    }
}
