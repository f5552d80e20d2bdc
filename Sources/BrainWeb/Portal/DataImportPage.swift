import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird
import SQLKit

// 公共数据中心 · 数据导入: officials and administrators upload enterprise registers, monthly indicators, supply links
// and talent files through the same importer as the API; an upload runs as a background job whose page (ImportJobPage)
// shows its progress, then every rejected row with its field and reason.

extension Portal {
    func registerDataImportPage(_ pages: PortalPages) {
        pages.get("/data", .permission(.importData)) { request, context in try await self.dataImportPage(request, context, error: nil) }
        pages.post("/data", .permission(.importData)) { request, context in try await self.uploadData(request, context) }
        pages.get("/data/templates/:kind", .permission(.readCatalog)) { request, context in try await self.importTemplate(request, context) }
    }

    static let importKindNames: [ImportKind: String] = [.enterprises: "企业名录", .indicators: "月度经营指标", .supplyLinks: "供应关系", .talent: "人才供需", .qualifications: "资质认定",
                                                          .investments: "投资项目", .land: "用地亩均", .dailyElectricity: "日用电量"]

    /// The upload form with each kind's columns, the caller's background imports, and the latest batches.
    func dataImportPage(_ request: Request, _ context: BrainContext, error: String?, chosen: ImportKind = .indicators) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard p.can(.importData) else { return message(context, "无权访问", "您的角色（\(p.role.nameZh)）不能导入数据。", status: .forbidden) }
        var page = ReportPage(heading: "数据导入", sub: "公共数据中心 · 按统一数据字典导入 CSV 文件（UTF-8 或 GBK）或 Excel 工作簿（.xlsx）；坏行逐行列出原因，不影响其他行；只接受您数据范围内的企业")
        page.error = error
        let options = ImportKind.allCases.map { "<option value=\"\($0.rawValue)\"\($0 == chosen ? " selected" : "")>\(Self.importKindNames[$0] ?? $0.rawValue)</option>" }.joined()
        let sources = DataSource.builtIn.map { "<option value=\"\($0.code)\"\($0 == .statistics ? " selected" : "")>\($0.nameZh)</option>" }.joined()
        let columns = ImportKind.allCases.map { kind in
            "<tr><td class=\"nw\">\(Self.importKindNames[kind] ?? kind.rawValue)</td><td><code>" + kind.elements.map { $0.required ? "<b>\($0.field)</b>" : $0.field }.joined(separator: ",")
                + "</code></td><td class=\"nw\"><a href=\"/data/templates/\(kind.rawValue)\">Excel 模板</a> · <a href=\"/data/templates/\(kind.rawValue)?format=csv\">CSV 模板</a></td></tr>"
        }.joined()
        page.html = """
        <form method="post" action="/data" enctype="multipart/form-data" class="card"><input type="hidden" name="_csrf" value="\(csrf.token(session: context.sessionID ?? ""))">
        <h2>上传文件</h2><div class="grid g4"><div class="field"><label for="kind">数据集</label><select id="kind" name="kind">\(options)</select></div>
        <div class="field"><label for="source">数据来源</label><select id="source" name="source">\(sources)</select></div>
        <div class="field"><label for="file">CSV 或 Excel 文件</label><input id="file" type="file" name="file" accept=".csv,.xlsx,text/csv,\(XLSXDownload.contentType)"></div>
        <div class="field"><label for="sheet">工作表（Excel，可空：第一个）</label><input id="sheet" name="sheet" maxlength="31"></div>
        <div class="field"><label>&nbsp;</label><button class="primary" type="submit">导入</button></div></div>
        <table><thead><tr><th>数据集</th><th>表头（加粗为必填；也可用数据字典中的中文名；单位可写在表头括号中，如 营业收入（元））</th><th>模板</th></tr></thead><tbody>\(columns)</tbody></table>
        <p class="muted">完整字段说明见 <a href="/api/v1/catalog/elements">数据字典</a>。同一文件重复导入不会重复计数。月度指标按来源合并、不覆盖：文件只更新它带的列，空单元格不清除已有数值（要清除请填“清除”）；各来源的数值并存，应用按 人工修正 → 统计局 → 税务 → 电力公司 → 行业子脑 → 边缘设备 → 企业自报 的顺序取第一个有值的来源；差异与来源批次见 <a href="/data/sources">数据来源与核查</a>。</p></form>
        """
        let jobs = services.importJobs.recent(for: p)
        if !jobs.isEmpty {
            page.tables.append(.init(title: "后台导入任务（保存在内存中，服务重启后不再可查）", headers: [("开始时间", false), ("数据集", false), ("文件", false), ("阶段", false), ("已读行数", true), ("拒绝", true)],
                                     rows: jobs.map { j in
                                         [.init(text: PortalTime.beijing(j.startedAt)), .init(text: Self.importKindNames[j.kind] ?? j.kind.rawValue),
                                          .init(text: j.fileName, href: "/data/imports/\(j.id)"), .init(text: Self.importPhaseNames[j.progress.phase] ?? j.progress.phase.rawValue),
                                          .num(String(j.progress.rowsRead)), .num(String(j.progress.rowsRejected), j.progress.rowsRejected > 0 ? "down" : "")]
                                     }))
        }
        let batches = try await services.importHistory.recent(for: p)
        page.tables.append(.init(title: p.can(.manageUsers) ? "最近的导入（全部用户）" : "我最近的导入", headers: [("时间", false), ("数据集", false), ("文件", false), ("行数", true), ("接受", true), ("拒绝", true), ("导入者", false)],
                                 rows: batches.map { b in
                                     [.init(text: PortalTime.beijing(b.importedAt)), .init(text: ImportKind(rawValue: b.kind).flatMap { Self.importKindNames[$0] } ?? b.kind), .init(text: b.fileName, href: b.kind == ImportKind.indicators.rawValue ? "/data/batches/\(b.batchKey)" : nil),
                                      .num(String(b.rowsTotal)), .num(String(b.rowsAccepted)), .num(String(b.rowsRejected), b.rowsRejected > 0 ? "down" : ""), .init(text: b.actor)]
                                 }))
        return page.respond(self, request, context, title: "数据导入", active: "/data", file: "imports")
    }

    /// 导入模板: the blank XLSX (default) or CSV file of a kind, as the API's `/api/v1/imports/templates/{kind}` gives it.
    func importTemplate(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard context.principal != nil else { return PortalRenderer.redirect("/login") }
        guard let kind = context.parameters.get("kind").flatMap(ImportKind.init(rawValue:)) else {
            return message(context, "未找到", "没有这种数据集的模板；可选：\(ImportKind.allCases.map { Self.importKindNames[$0] ?? $0.rawValue }.joined(separator: "、"))", status: .notFound)
        }
        let format = request.uri.queryParameters["format"].map(String.init) ?? "xlsx"
        guard format == "xlsx" || format == "csv" else { return message(context, "参数有误", "格式须为 xlsx 或 csv", status: .badRequest) }
        return try BrainServer.templateResponse(kind, xlsx: format == "xlsx")
    }

    func uploadData(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard p.can(.importData) else { return message(context, "无权访问", "您的角色（\(p.role.nameZh)）不能导入数据。", status: .forbidden) }
        guard let form = try await MultipartForm.parse(request, limit: context.maxUploadSize) else {
            return try await dataImportPage(request, context, error: "请以文件上传表单提交")
        }
        guard let session = context.sessionID, csrf.check(form.fields["_csrf"], session: session) else { return csrfRefusal(context) }
        guard let kind = form.fields["kind"].flatMap(ImportKind.init(rawValue:)) else {
            return try await dataImportPage(request, context, error: "数据集：请选择 企业名录、月度经营指标、供应关系 或 人才供需")
        }
        guard let dataSource = DataSource.named(form.fields["source"] ?? DataSource.statistics.code) else {
            return try await dataImportPage(request, context, error: "数据来源：请从列表中选择", chosen: kind)
        }
        guard let file = form.files["file"], !file.data.isEmpty else { return try await dataImportPage(request, context, error: "文件：请选择要上传的 CSV 或 Excel 文件", chosen: kind) }
        // The import runs as a background job; its page shows the progress, then the report and the rejected rows.
        do {
            let job = try services.startImportJob(file.data, fileName: file.name, kind: kind, by: p, source: request.clientAddress(context), via: "portal /data",
                                                  dataSource: dataSource, sheet: form.fields["sheet"].flatMap { $0.isEmpty ? nil : $0 })
            return PortalRenderer.redirect("/data/imports/\(job.id)")
        } catch let e as AppError {
            return try await dataImportPage(request, context, error: e.message, chosen: kind)
        }
    }
}
