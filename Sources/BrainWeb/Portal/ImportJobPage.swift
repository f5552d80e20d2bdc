import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import Foundation
import Hummingbird

// 公共数据中心 · 导入进度: an upload from /data runs as a background job (`ImportJobs`); its page shows a progress bar and
// the counts while it runs (a small same-origin script polls the JSON of /data/imports/{id}/progress; without scripts a
// <noscript> refresh reloads the page), then the report with the rejected rows, paged and downloadable.

extension Portal {
    func registerImportJobPage(_ pages: PortalPages) {
        pages.get("/data/imports/:id", .permission(.importData)) { request, context in try await self.importJobPage(request, context) }
        pages.get("/data/imports/:id/progress", .permission(.importData)) { request, context in try self.importJobProgress(request, context) }
        pages.get("/data/imports/:id/rejected", .permission(.importData)) { request, context in try self.importJobRejected(request, context) }
        pages.get("/assets/import-job.js", .open) { _, _ in Self.importJobScriptResponse() }
    }

    static let importPhaseNames: [ImportPhase: String] = [.hashing: "计算文件指纹", .reading: "读取与校验", .merging: "写入最后一部分",
                                                          .committing: "提交并更新视图", .done: "完成", .failed: "失败"]
    static let rejectedPageSize = 100

    private func jobMissing(_ context: BrainContext) -> Response {
        message(context, "未找到", "没有这个导入任务，或它不是您发起的。导入任务只保存在内存中（最近 \(ImportJobs.kept) 个，结束后保留 24 小时），服务重启后不再可查；已导入的数据见“最近的导入”。", status: .notFound)
    }

    /// 导入进度: the progress bar and counts while the job runs; the report, the rejected rows and the batch link once it ends.
    func importJobPage(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let id = context.parameters.get("id") ?? ""
        guard let job = services.importJobs.status(id, for: p) else { return jobMissing(context) }
        let kindName = Self.importKindNames[job.kind] ?? job.kind.rawValue
        var page = ReportPage(heading: "导入进度 · \(job.fileName)",
                              sub: "\(kindName) · 开始于 \(PortalTime.beijing(job.startedAt))（北京时间）\(job.finishedAt.map { " · 结束于 \(PortalTime.beijing($0))" } ?? "") · 导入者 \(job.owner)")
        page.crumbs = [("/data", "数据导入")]
        let progress = job.progress
        let percent = Int(((progress.fractionRead ?? (progress.phase == .done ? 1 : 0)) * 100).rounded(.down))
        let kpi: (String, String, String) -> String = { id, name, value in
            "<div class=\"kpi\"><div class=\"name\">\(name)</div><div class=\"value\" id=\"\(id)\">\(value)</div></div>"
        }
        let mib = { (b: Int) in String(format: "%.1f", Double(b) / 1_048_576) }
        let bytes = progress.bytesTotal > 0 ? "\(mib(progress.bytesRead)) / \(mib(progress.bytesTotal)) MiB" : "—"
        page.html = """
        <div class="card" id="import-job" data-progress="/data/imports/\(job.id)/progress" data-phase="\(progress.phase.rawValue)">
        <h2>\(progress.phase.isFinal ? "导入已结束" : "正在导入") · <span id="job-phase">\(Self.importPhaseNames[progress.phase] ?? progress.phase.rawValue)</span></h2>
        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="\(percent)"><div class="done\(progress.phase == .failed ? " failed" : "")" id="job-bar" style="width:\(percent)%"></div></div>
        <p class="muted"><span id="job-percent">\(percent)%</span> · 已读 <span id="job-bytes">\(bytes)</span>\(progress.phase.isFinal ? "" : " · <span id=\"job-rate\">每 2 秒刷新</span>")</p>
        <div class="grid g4">\(kpi("job-rows", "已读行数", NumberFormat.amount(Double(progress.rowsRead), decimals: 0)))\(kpi("job-accepted", "接受", NumberFormat.amount(Double(progress.rowsAccepted), decimals: 0)))\(kpi("job-rejected", "拒绝", NumberFormat.amount(Double(progress.rowsRejected), decimals: 0)))\(kpi("job-parts", "已写入部分", String(progress.partsMerged)))</div>
        </div>
        """
        if !progress.phase.isFinal {
            page.head = "<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript><script src=\"/assets/import-job.js\" defer></script>"
            page.notice = "“\(job.fileName)”正在后台导入，可以离开本页，稍后从此链接回来查看结果。整个文件在一个事务中提交：要么全部写入，要么什么都不写入。"
        }
        if progress.phase == .failed {
            page.error = "导入失败：\(job.error.map { ImportReasonsZh.translate($0) } ?? "原因不明")。没有写入任何数据（整个文件一次提交或完全不提交）；请修改文件后重新上传。"
        }
        if let r = job.report {
            page.notice = Self.reportSummary(r)
            let offset = request.uri.queryParameters["offset"].flatMap { Int(String($0)) }.map { max($0, 0) } ?? 0
            let rows = services.importJobs.rejected(job.id, for: p, limit: Self.rejectedPageSize, offset: offset)
            var links: [String] = []
            if r.kind == .indicators, p.can(.readIndicators) { links.append("<a href=\"/data/batches/\(r.batchKey)\">查看本批次改变的数值</a>") }
            links.append("<a href=\"/data\">继续导入</a>")
            var pager: [String] = []
            if let rows, rows.total > 0 {
                if offset > 0 { pager.append("<a href=\"/data/imports/\(job.id)?offset=\(max(offset - Self.rejectedPageSize, 0))\">上一页</a>") }
                if offset + rows.items.count < rows.total { pager.append("<a href=\"/data/imports/\(job.id)?offset=\(offset + Self.rejectedPageSize)\">下一页</a>") }
                links.append("下载全部被拒绝的行：<a href=\"/data/imports/\(job.id)/rejected?format=csv\">CSV</a> · <a href=\"/data/imports/\(job.id)/rejected?format=xlsx\">Excel</a>")
            }
            page.html += "<p>" + links.joined(separator: " · ") + "</p>"
            if !pager.isEmpty { page.after = "<p>" + pager.joined(separator: " · ") + "</p>" }
            let shown = rows?.items.count ?? 0
            let note = r.problemsOmitted > 0 ? "另有 \(r.problemsOmitted) 个问题未列出（只保留前 \(Importer.problemsKept) 个；命令行 brain import --errors 可写出全部）。" : ""
            page.tables.append(.init(title: "被拒绝的行", headers: [("行号", true), ("字段", false), ("值", false), ("原因", false)],
                                     rows: (rows?.items ?? []).map { [.num(String($0.row)), .init(text: ImportReasonsZh.field($0.field)), .init(text: $0.value), .init(text: ImportReasonsZh.translate($0.reason))] },
                                     note: (rows?.total ?? 0) == 0 ? nil : "共 \(rows?.total ?? 0) 个问题，第 \(shown == 0 ? 0 : offset + 1)–\(offset + shown) 个；行号按文件计（表头为第 1 行；Excel 工作簿为工作表的行号）。" + note))
            if !r.cumulativeMismatches.isEmpty {
                page.tables.append(.init(title: "1–N月累计与各月之和不符（\(r.cumulativeMismatchesTotal) 项，共核对 \(r.cumulativeChecked) 项）",
                                         headers: [("行号", true), ("企业", false), ("月份", false), ("指标", false), ("报表累计", true), ("已入库各月之和", true), ("缺少的月份", false)],
                                         rows: r.cumulativeMismatches.prefix(200).map { m in
                                             [.num(String(m.row)), .init(text: m.uscc, href: "/enterprises/\(m.uscc)"), .init(text: m.month),
                                              .init(text: Indicator(rawValue: m.indicator)?.nameZh ?? m.indicator), .num(NumberFormat.amount(m.reported, decimals: 2)),
                                              .num(NumberFormat.amount(m.summed, decimals: 2)), .init(text: m.missingMonths.isEmpty ? "—" : m.missingMonths.joined(separator: "、"))]
                                         }, note: "每家企业每年只核对文件中最晚一个月的累计数（其前各月取自已入库的数值，1 月可并入 2 月报送）；各月数值照常入库，累计不符不拒绝该行。最多列出 200 项，全部见接口返回的 cumulativeMismatches。"))
            }
        }
        return page.respond(self, request, context, title: "导入进度", active: "/data", file: "import-\(job.id.prefix(8))")
    }

    /// The job's status as JSON (the same body as GET /api/v1/imports/jobs/{id}), polled by the page's script.
    func importJobProgress(_ request: Request, _ context: BrainContext) throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard let job = services.importJobs.status(context.parameters.get("id") ?? "", for: p) else { return jobMissing(context) }
        var response = try JSONResponse.make(job)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Every kept rejected row of an ended job as CSV (default) or XLSX, in the CLI's `--errors` format.
    func importJobRejected(_ request: Request, _ context: BrainContext) throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let id = context.parameters.get("id") ?? ""
        guard let job = services.importJobs.status(id, for: p), let rows = services.importJobs.rejected(id, for: p, limit: Int.max / 2, offset: 0) else {
            return jobMissing(context)
        }
        let format = request.uri.queryParameters["format"].map(String.init) ?? "csv"
        guard format == "csv" || format == "xlsx" else { return message(context, "参数有误", "格式须为 csv 或 xlsx", status: .badRequest) }
        return try XLSXDownload.table(BrainServer.rejectedTable(rows.items), numeric: [0], xlsx: format == "xlsx", sheet: "rejected",
                                      filename: "rejected-\(job.id.prefix(8))")
    }

    /// The one-paragraph summary of an import report the data pages show.
    static func reportSummary(_ r: ImportReport) -> String {
        let from = DataSource.named(r.source)?.nameZh ?? r.source
        return "“\(r.fileName)”（\(importKindNames[r.kind] ?? r.kind.rawValue)，来源\(from)，\(r.encoding)）：共 \(NumberFormat.amount(Double(r.rowsTotal), decimals: 0)) 行，接受 \(NumberFormat.amount(Double(r.rowsAccepted), decimals: 0)) 行，拒绝 \(NumberFormat.amount(Double(r.rowsRejected), decimals: 0)) 行，新增或更新 \(NumberFormat.amount(Double(r.rowsChanged), decimals: 0)) 行"
            + (r.seenBefore ? "；此前已导入过同一文件" : "") + (r.notes.contains(DemoState.importNote) ? "；注意：当前数据库载入的是演示数据，导入的真实数据会与虚构企业混在一起" : "")
            + r.notes.filter { $0 != DemoState.importNote }.map { "；" + ImportReasonsZh.note($0) }.joined()
            + (r.ignoredColumns.isEmpty ? "。" : "；忽略的列：\(r.ignoredColumns.joined(separator: "、"))。")
    }

    static func importJobScriptResponse() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/javascript; charset=utf-8"
        headers[.cacheControl] = "max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: importJobScript)))
    }

    /// The job page's script (served from this origin, as the Content-Security-Policy `default-src 'self'` requires):
    /// polls the progress JSON every second, moves the bar and the counts, and reloads the page once the job has ended
    /// (or is gone: a restart of the server loses its jobs, and the page then says so).
    static let importJobScript = """
    (function () {
      var card = document.getElementById('import-job');
      if (!card) return;
      var url = card.getAttribute('data-progress');
      var phases = {hashing: '计算文件指纹', reading: '读取与校验', merging: '写入最后一部分', committing: '提交并更新视图', done: '完成', failed: '失败'};
      var first = null;
      function set(id, text) { var e = document.getElementById(id); if (e) e.textContent = text; }
      function mib(b) { return (b / 1048576).toFixed(1); }
      function tick() {
        fetch(url, {credentials: 'same-origin', cache: 'no-store', redirect: 'manual'}).then(function (r) {
          if (r.status === 404 || r.type === 'opaqueredirect') { location.reload(); return null; }
          if (!r.ok) throw new Error(r.status);
          return r.json();
        }).then(function (job) {
          if (!job) return;
          var p = job.progress, now = Date.now();
          if (p.phase === 'done' || p.phase === 'failed') { location.reload(); return; }
          var pct = p.bytesTotal > 0 ? Math.floor(100 * Math.min(1, p.bytesRead / p.bytesTotal)) : 0;
          var bar = document.getElementById('job-bar');
          if (bar) bar.style.width = pct + '%';
          card.querySelector('.progress').setAttribute('aria-valuenow', String(pct));
          set('job-phase', phases[p.phase] || p.phase);
          set('job-percent', pct + '%');
          set('job-bytes', p.bytesTotal > 0 ? mib(p.bytesRead) + ' / ' + mib(p.bytesTotal) + ' MiB' : '—');
          set('job-rows', p.rowsRead.toLocaleString('en-US'));
          set('job-accepted', p.rowsAccepted.toLocaleString('en-US'));
          set('job-rejected', p.rowsRejected.toLocaleString('en-US'));
          set('job-parts', String(p.partsMerged));
          if (first === null) { first = {t: now, rows: p.rowsRead}; set('job-rate', '每秒刷新'); }
          else if (now > first.t && p.rowsRead > first.rows) { set('job-rate', '约每秒 ' + Math.round((p.rowsRead - first.rows) * 1000 / (now - first.t)).toLocaleString('en-US') + ' 行'); }
          setTimeout(tick, 1000);
        }).catch(function () { setTimeout(tick, 3000); });
      }
      tick();
    })();
    """
}
