import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// A `multipart/form-data` body split into its fields (text) and files (bytes).
struct MultipartForm {
    var fields: [String: String] = [:]
    var files: [String: (name: String, data: Data)] = [:]

    static func parse(_ request: Request, limit: Int) async throws -> MultipartForm? {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
              let b = type.range(of: "boundary=") else { return nil }
        let boundary = Array(("--" + type[b.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))).utf8)
        let body = Array(Data(buffer: try await request.body.collect(upTo: limit)))
        var form = MultipartForm()
        var starts: [Int] = []
        var i = 0
        while i + boundary.count <= body.count {
            if body[i] == boundary[0], Array(body[i..<i + boundary.count]) == boundary { starts.append(i); i += boundary.count } else { i += 1 }
        }
        for (k, s) in starts.enumerated() where k + 1 < starts.count {
            var from = s + boundary.count
            if from + 1 < body.count, body[from] == 13, body[from + 1] == 10 { from += 2 }
            var to = starts[k + 1]
            if to >= 2, body[to - 2] == 13, body[to - 1] == 10 { to -= 2 }
            guard from < to else { continue }
            let part = Array(body[from..<to])
            guard let split = (0..<max(0, part.count - 3)).first(where: { part[$0] == 13 && part[$0 + 1] == 10 && part[$0 + 2] == 13 && part[$0 + 3] == 10 }) else { continue }
            let head = String(decoding: part[0..<split], as: UTF8.self)
            let content = Data(part[(split + 4)...])
            func attribute(_ key: String) -> String? {
                guard let r = head.range(of: key + "=\"") else { return nil }
                return String(head[r.upperBound...].prefix { $0 != "\"" })
            }
            guard let name = attribute("name") else { continue }
            if let file = attribute("filename") { form.files[name] = (file, content) } else { form.fields[name] = String(decoding: content, as: UTF8.self) }
        }
        return form
    }
}

extension Portal {
    func registerFiguresPage(_ pages: PortalPages) {
        pages.get("/my/figures", .enterprise) { request, context in try await self.figuresPage(request, context, report: nil, error: nil) }
        pages.post("/my/figures", .enterprise) { request, context in try await self.reportFigures(request, context) }
        pages.post("/my/figures/upload", .enterprise) { request, context in try await self.uploadFigures(request, context) }
    }

    /// 企业月报: my figures of the last 12 months, a form for one month, and a CSV upload.
    func figuresPage(_ request: Request, _ context: BrainContext, report: ImportReport?, error: String?) async throws -> Response {
        let (_, firm): (Principal, Enterprise)
        switch enterpriseUser(context) { case .failure(let r): return r; case .success(let v): (_, firm) = v }
        let cube = services.cubes.cube
        guard let i = cube.firmIndex[firm.uscc] else { return message(context, "未找到", "没有本企业的数据。", status: .notFound) }
        let token = csrf.token(session: context.sessionID ?? "")
        var page = ReportPage(heading: "我的月度数据", sub: "\(firm.name) · 统一社会信用代码 \(firm.uscc) · \(services.industries.name(of: firm.industry)) · \(firm.sizeClass.nameZh)\(firm.aboveScale ? " · 规上" : "")")
        page.error = error
        if let r = report {
            page.notice = "已处理 \(r.rowsTotal) 行：接受 \(r.rowsAccepted) 行，拒绝 \(r.rowsRejected) 行，更新 \(r.rowsChanged) 行。" +
                r.problems.prefix(5).map { " 第 \($0.row) 行 \(ImportReasonsZh.field($0.field))：\(ImportReasonsZh.translate($0.reason))" }.joined(separator: "；")
        }
        let latest = cube.lastMonth
        let months = [latest.next, latest, latest.adding(months: -1)].filter { $0.month != 1 }
        let fields = Indicator.allCases.map { ind in
            "<div class=\"field\"><label for=\"\(ind.rawValue)\">\(ind.nameZh)（\(ind.unit)）</label><input id=\"\(ind.rawValue)\" name=\"\(ind.rawValue)\" inputmode=\"decimal\"></div>"
        }.joined()
        page.html = """
        <div class="grid g2">
        <form method="post" action="/my/figures" class="card"><input type="hidden" name="_csrf" value="\(token)"><h2>填报一个月</h2>
        <div class="field"><label for="month">月份</label><select id="month" name="month">\(months.map { "<option value=\"\($0)\">\($0)</option>" }.joined())</select></div>
        <div class="grid g2">\(fields)</div><p class="muted">空白表示未报；金额单位万元，利润可为负数。1 月与 2 月合并报送于 2 月。</p>
        <button class="primary" type="submit">提交</button></form>
        <form method="post" action="/my/figures/upload" enctype="multipart/form-data" class="card"><input type="hidden" name="_csrf" value="\(token)"><h2>上传文件</h2>
        <p>CSV 文件（UTF-8 或 GBK）或 Excel 工作簿（.xlsx，读第一个工作表），表头：<code>uscc,month,output_value,revenue,profit,electricity,tax,employees,export_value,rd_expense,receivables,inventory</code>，也可使用中文表头（见数据字典）。只接受本企业的行。下载模板：<a href="/data/templates/indicators">Excel 模板</a> · <a href="/data/templates/indicators?format=csv">CSV 模板</a></p>
        <div class="field"><input type="file" name="file" accept=".csv,.xlsx,text/csv,\(XLSXDownload.contentType)"></div><button class="primary" type="submit">上传</button></form>
        </div>
        """
        let shown: [Indicator] = [.outputValue, .revenue, .profit, .electricity, .tax, .employees, .rdExpense]
        // One row per reporting period: 1–2月 is one row (January reported alone or folded into February adds up the same).
        page.tables.append(.init(title: "近12个月", headers: [("月份", false)] + shown.map { ("\($0.nameZh)（\($0.unit)）", true) },
                                 rows: (0..<12).map { latest.adding(months: -$0) }.compactMap { try? ReportingPeriod($0) }.map { p in
                                     [.init(text: p.end.month == 2 ? "\(p.end.year)-01~02" : p.description)] + shown.map { ind in
                                         let v = cube.periodValue(ind, firm: i, months: p.currentMonths)
                                         return .num(v.isNaN ? "—" : NumberFormat.amount(v, decimals: ind == .employees ? 0 : 1))
                                     }
                                 }))
        return page.respond(self, request, context, title: "我的月度数据", active: "/my/figures", file: "figures")
    }

    func reportFigures(_ request: Request, _ context: BrainContext) async throws -> Response {
        let (p, firm): (Principal, Enterprise)
        switch enterpriseUser(context) { case .failure(let r): return r; case .success(let v): (p, firm) = v }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let month = form["month"] ?? ""
        let values = Indicator.allCases.map { form[$0.rawValue]?.trimmingCharacters(in: .whitespaces) ?? "" }
        guard values.contains(where: { !$0.isEmpty }) else { return try await figuresPage(request, context, report: nil, error: "请至少填写一项指标") }
        let csv = "uscc,month," + Indicator.allCases.map(\.rawValue).joined(separator: ",") + "\n" + ([firm.uscc, month] + values).joined(separator: ",") + "\n"
        return try await importFigures(request, context, p, Data(csv.utf8), fileName: "form-\(month).csv")
    }

    func uploadFigures(_ request: Request, _ context: BrainContext) async throws -> Response {
        let (p, _): (Principal, Enterprise)
        switch enterpriseUser(context) { case .failure(let r): return r; case .success(let v): (p, _) = v }
        guard let form = try await MultipartForm.parse(request, limit: 16 * 1024 * 1024) else {
            return try await figuresPage(request, context, report: nil, error: "请以文件上传表单提交")
        }
        guard let session = context.sessionID, csrf.check(form.fields["_csrf"], session: session) else {
            return csrfRefusal(context)
        }
        guard let file = form.files["file"], !file.data.isEmpty else { return try await figuresPage(request, context, report: nil, error: "请选择要上传的文件") }
        return try await importFigures(request, context, p, file.data, fileName: file.name)
    }

    /// Imports through the same importer as the API, limited to the caller's own enterprise; rebuilds the analyses on change.
    func importFigures(_ request: Request, _ context: BrainContext, _ p: Principal, _ data: Data, fileName: String) async throws -> Response {
        do {
            let report = try await services.runImport(data, fileName: fileName, kind: .indicators, by: p, source: request.clientAddress(context), via: "portal /my/figures")
            return try await figuresPage(request, context, report: report, error: report.rowsRejected > 0 && report.rowsAccepted == 0 ? "没有可接受的行" : nil)
        } catch let e as ImportFileError {
            return try await figuresPage(request, context, report: nil, error: "文件无法读取：\(e.description)")
        }
    }
}
