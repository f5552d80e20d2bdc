import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import Foundation
import Hummingbird

// 公共数据中心 · 导入批次: everything one import batch changed (each value of each firm-month, from what to what, by
// source), the lineage from a batch forward — the same use case as GET /api/v1/imports/batches/{batch}/changes.

extension Portal {
    func registerBatchPage(_ pages: PortalPages) {
        pages.get("/data/batches/:batch", .permission(.readIndicators)) { request, context in try await self.batchPage(request, context) }
    }

    func batchPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let key = context.parameters.get("batch") ?? ""
        let pageSize = 200
        let offset = request.uri.queryParameters["offset"].flatMap { Int(String($0)) }.map { min(max($0, 0), 10_000_000) } ?? 0
        let cube = services.cubes.cube
        let changes: BatchChanges
        do {
            changes = try await services.sourceDesk.changes(ofBatch: key, for: p, limit: pageSize, offset: offset, cube: cube, catalog: services.catalog)
        } catch let e as AppError {
            guard e.kind == .notFound else { throw e }
            return message(context, "未找到", "没有这个导入批次，或其中没有您可以查看的企业。", status: .notFound)
        }
        let b = changes.batch
        let kind = ImportKind(rawValue: b.kind).flatMap { Self.importKindNames[$0] } ?? b.kind
        var page = ReportPage(heading: "导入批次 · \(b.fileName)",
                              sub: "\(kind) · \(PortalTime.beijing(b.importedAt)) · 导入者 \(b.actor) · \(b.rowsTotal) 行，接受 \(b.rowsAccepted)，拒绝 \(b.rowsRejected)，改变 \(b.rowsChanged) 个企业月份 · 批次 \(b.batchKey.prefix(12))")
        let number: (Double?) -> String = { $0.map { NumberFormat.amount($0) } ?? "—" }
        let shown = changes.items.count
        let note = "共 \(changes.total) 个数值变化\(p.indicatorScope(in: services.catalog) == .all ? "" : "（仅您数据范围内的企业）")；第 \(shown == 0 ? 0 : offset + 1)–\(offset + shown) 项。新值“已清除”：该来源用清除标记撤回了它的数值。"
        var pager: [String] = []
        // The batch key is hex (a SHA-256), safe in a link as it is.
        if offset > 0 { pager.append("<a href=\"/data/batches/\(b.batchKey)?offset=\(max(offset - pageSize, 0))\">上一页</a>") }
        if offset + shown < changes.total { pager.append("<a href=\"/data/batches/\(b.batchKey)?offset=\(offset + pageSize)\">下一页</a>") }
        page.after = pager.isEmpty ? "" : "<p>" + pager.joined(separator: " · ") + "</p>"
        page.tables.append(.init(title: "本批次改变的数值", headers: [("企业", false), ("月份", false), ("指标", false), ("来源", false), ("原值", true), ("新值", true)],
                                 rows: changes.items.map { c in
                                     let name = cube.firmIndex[c.uscc].map { cube.firms[$0].name } ?? c.uscc
                                     return [.init(text: name, href: "/enterprises/\(c.uscc)"), .init(text: c.month),
                                             .init(text: Indicator(rawValue: c.indicator)?.nameZh ?? c.indicator),
                                             .init(text: DataSource.named(c.source)?.nameZh ?? c.source), .num(number(c.oldValue)),
                                             .num(c.newValue == nil ? "已清除" : number(c.newValue))]
                                 }, note: note))
        return page.respond(self, request, context, title: "导入批次", active: "/data/sources", file: "batch-\(b.batchKey.prefix(12))")
    }
}
