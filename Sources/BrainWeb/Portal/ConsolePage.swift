import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird
import SQLKit

extension Portal {
    func registerConsole(_ pages: PortalPages) {
        pages.get("/console", .permission(.manageUsers)) { request, context in try await self.console(request, context) }
        pages.post("/console/verify", .permission(.manageUsers)) { request, context in try await self.verifyFromConsole(request, context) }
    }

    /// 中控台: component health, data freshness per dataset, import volumes, warnings by level, ledger state, users and
    /// sessions, security events. Administrators only.
    func console(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard p.can(.manageUsers) else { return message(context, "无权访问", "中控台仅对系统管理员开放。", status: .forbidden) }
        let cube = services.cubes.cube
        let f = try await services.consoleDesk.figures(for: p, period: cube.lastMonth.description)
        var page = ReportPage(heading: "中控台", sub: "运行于 \(f.database) · 架构版本 \(f.schemaVersion) · 已运行 \(Int(Date().timeIntervalSince(services.startedAt) / 60)) 分钟")
        let network = services.networks.network
        page.tables.append(.init(title: "组件健康", headers: [("组件", false), ("状态", false), ("说明", false)], rows: [
            [.init(text: "数据库"), .init(text: "正常", cls: "up"), .init(text: "\(f.database)，应答 \(NumberFormat.amount(f.answerMilliseconds, decimals: 1)) ms")],
            [.init(text: "指标立方"), .init(text: "正常", cls: "up"), .init(text: "\(cube.firmCount) 家企业 × \(cube.monthCount) 个月，\(cube.reportCount) 条月报，构建于 \(Timestamp.string(cube.builtAt))")],
            [.init(text: "供应网络"), .init(text: "正常", cls: "up"), .init(text: "\(network.graph.nodeCount) 家企业，\(network.graph.edgeCount) 条供应关系")],
            [.init(text: "政策匹配"), .init(text: services.policies.matches == nil ? "未完成" : services.policies.unparsablePolicies.isEmpty ? "正常" : "有政策无法解析",
                                        cls: services.policies.matches == nil || !services.policies.unparsablePolicies.isEmpty ? "down" : "up"),
             .init(text: (services.policies.matches.map { m in
                "\(m.policies.count) 项政策 × \(cube.firmCount) 家企业，上次匹配用时 \(NumberFormat.amount(Double(m.duration.components.seconds) * 1000 + Double(m.duration.components.attoseconds) / 1e15, decimals: 0)) ms"
            } ?? "—") + services.policies.unparsablePolicies.map { "；政策 \($0.id) 无法解析，未参与匹配：\($0.problem)" }.joined())],
            [.init(text: "第二因子"), .init(text: services.mfaPolicy == .required ? "强制" : "已放宽", cls: services.mfaPolicy == .required ? "up" : "down"),
             .init(text: services.mfaPolicy == .required ? "管理员和政府用户须使用动态验证码" : "BRAIN_MFA=optional，仅用于演示和测试")],
        ]))
        importRates(&page, f)
        // Warnings by level and state.
        let levels = f.warnings
        let states = ["open": "待处理", "acknowledged": "已确认", "resolved": "已解决"]
        page.charts.append(BarChart(title: "\(cube.lastMonth.description) 预警（按等级）", unit: "条",
                                    items: WarningLevel.allCases.reversed().map { l in BarItem(label: l.nameZh, value: Double(levels.filter { $0.level == l.rawValue }.reduce(0) { $0 + $1.n }),
                                                                                              note: levels.filter { $0.level == l.rawValue && $0.state == "open" }.first.map { "待处理 \($0.n)" }, href: "/warnings?level=\(l.rawValue)") },
                                    valueFormat: { NumberFormat.amount($0, decimals: 0) }).svg())
        page.tables.append(.init(title: "预警处置", headers: [("等级", false), ("状态", false), ("数量", true)],
                                 rows: levels.sorted { ($0.level, $0.state) < ($1.level, $1.state) }.map {
                                     [.init(text: WarningLevel(rawValue: $0.level)?.nameZh ?? $0.level), .init(text: states[$0.state] ?? $0.state), .num(String($0.n))]
                                 }))
        // Ledger.
        let head = f.ledgerHead
        let checkpoints = try await services.ledger.checkpoints()
        page.tables.append(.init(title: "审计账本（关键操作可信存证）", headers: [("项目", false), ("值", false)], rows: [
            [.init(text: "条目"), .init(text: String(head.seq))],
            [.init(text: "账本头"), .init(text: head.hash)],
            [.init(text: "最新检查点"), .init(text: checkpoints.last.map { "#\($0.id)，条目 \($0.firstSeq)–\($0.lastSeq)，\($0.at)" } ?? "尚无")],
            [.init(text: "检查点哈希"), .init(text: checkpoints.last?.checkpointHash ?? "—")],
            [.init(text: "最近校验"), verificationCell(try await services.ledger.lastVerification())],
        ]))
        page.after += """
        <form class="card" method="post" action="/console/verify"><input type="hidden" name="_csrf" value="\(csrf.token(session: context.sessionID ?? ""))">
        <b>审计账本校验</b> <span class="muted">服务启动时和每小时自动全量校验；也可立即校验（重算每条记录的哈希、链接和默克尔检查点）。</span>
        <button class="primary" type="submit" style="margin-left:12px">立即校验</button></form>
        """
        if request.uri.queryParameters["verified"] != nil { page.notice = "已完成审计账本校验，结果见“审计账本”表。" }
        // Users and sessions.
        page.tables.append(.init(title: "用户与会话", headers: [("角色", false), ("用户", true), ("活动会话", true)],
                                 rows: f.usersByRole.sorted { $0.key < $1.key }.map { role, n in
                                     [.init(text: Role(rawValue: role)?.nameZh ?? role), .num(String(n)), .num(String(f.sessionsByRole[role] ?? 0))]
                                 }))
        let events = try await services.monitor.events(limit: 50)
        page.tables.append(.init(title: "安全事件", headers: [("时间", false), ("等级", false), ("类型", false), ("对象", false), ("来源", false), ("摘要", false), ("状态", false)],
                                 rows: events.map { e in
                                     [.init(text: e.at), .init(text: e.level == "critical" ? "严重" : "警告", cls: e.level == "critical" ? "down" : ""), .init(text: e.kind),
                                      .init(text: e.actor), .init(text: e.source), .init(text: e.summary), .init(text: e.state == "open" ? "待处理" : "已确认")]
                                 }))
        return page.respond(self, request, context, title: "中控台", active: "/console", file: "console")
    }

    func verificationCell(_ v: VerificationRecord?) -> ReportPage.Cell {
        guard let v else { return .init(text: "尚未校验（服务启动后自动进行）") }
        let when = "\(v.at)（\(["startup": "启动时", "hourly": "每小时", "console": "中控台", "cli": "命令行"][v.trigger] ?? v.trigger)，用时 \(NumberFormat.amount(v.milliseconds, decimals: 0)) ms）"
        return v.ok ? .init(text: "通过：\(v.entries) 条记录、\(v.checkpoints) 个检查点 · " + when, cls: "up")
            : .init(text: "失败：第 \(v.firstBadEntry.map(String.init) ?? "?") 条 — \(v.problem ?? "") · " + when, cls: "down")
    }

    /// Runs a full ledger verification now; a failure raises a critical security event as the hourly check does.
    func verifyFromConsole(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard p.can(.manageUsers) else { return message(context, "无权访问", "中控台仅对系统管理员开放。", status: .forbidden) }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        let v = try await services.ledger.verifyAndRecord(trigger: "console")
        if !v.ok {
            try await services.monitor.raise(kind: "ledger_verification_failed", level: "critical", actor: p.username, source: request.clientAddress(context),
                                             summary: "audit ledger verification failed: \(v.problem ?? "")",
                                             trace: ["firstBadEntry": v.firstBadEntry.map(String.init) ?? "", "entries": String(v.entries)])
        }
        try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /console/verify", target: "audit_ledger", source: request.clientAddress(context),
                                                    detail: BrainServer.auditDetail(["ok": String(v.ok), "entries": String(v.entries), "via": "portal"])))
        return PortalRenderer.redirect("/console?verified=1")
    }

    /// Data freshness and import rates: the newest month of reports, rows accepted per dataset over the last 24 hours
    /// and 7 days, and rows per day over the last 14 days as a chart.
    func importRates(_ page: inout ReportPage, _ f: ConsoleFigures) {
        let cube = services.cubes.cube
        let daily = f.importDays
        let totals = f.importTotals
        let now = Date()
        let days = (0..<14).map { String(Timestamp.string(now.addingTimeInterval(Double($0 - 13) * 86_400)).prefix(10)) }
        let kinds = Array(Set(totals.map(\.kind))).sorted()
        if !kinds.isEmpty {
            page.charts.append(LineChart(title: "近14天导入行数（按数据集）", unit: "行/天", labels: days.map { String($0.suffix(5)) },
                                         series: kinds.map { k in LineSeries(name: k, values: days.map { d in Double(daily.filter { $0.kind == k && $0.day == d }.reduce(0) { $0 + ($1.rows ?? 0) }) }) }).svg())
        }
        let recent = f.importedLastDay
        var rows: [[ReportPage.Cell]] = [[.init(text: "月度指标（立方）"), .init(text: cube.lastMonth.description), .num("\(cube.reportCount) 条"), .num("—"), .num("—"), .num("—")]]
        for t in totals {
            let mine = daily.filter { $0.kind == t.kind }
            let week = mine.filter { $0.day >= String(Timestamp.string(now.addingTimeInterval(-7 * 86_400)).prefix(10)) }.reduce(0) { $0 + ($1.rows ?? 0) }
            let day = recent.first { $0.kind == t.kind }?.rows ?? 0
            rows.append([.init(text: "导入：\(t.kind)"), .init(text: t.last ?? "—"), .num("\(t.rows ?? 0) 行 / \(t.n) 批"), .num(NumberFormat.amount(Double(day), decimals: 0)),
                         .num(NumberFormat.amount(Double(week) / 7, decimals: 0)), .num(String(mine.reduce(0) { $0 + ($1.rejected ?? 0) }))])
        }
        page.tables.append(.init(title: "数据新鲜度与导入速率", headers: [("数据集", false), ("最新", false), ("累计", true), ("近24小时（行）", true), ("近7天日均（行/天）", true), ("近14天拒收（行）", true)],
                                 rows: rows, note: "按批次的导入时间统计被接受的行数；被拒收的行在导入报告中逐行列出原因。"))
    }
}
