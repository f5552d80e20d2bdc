import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird
import SQLKit

extension Portal {
    func registerConsole(_ router: Router<BrainContext>) {
        router.get("/console") { request, context in try await self.console(request, context) }
    }

    /// 中控台: component health, data freshness per dataset, import volumes, warnings by level, ledger state, users and
    /// sessions, security events. Administrators only.
    func console(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard p.can(.manageUsers) else { return message(context, "无权访问", "中控台仅对系统管理员开放。", status: .forbidden) }
        let store = services.store
        let cube = services.cubes.cube
        let clock = ContinuousClock()
        let t0 = clock.now
        let version = try await store.schemaVersion()
        let dbTime = clock.now - t0
        var page = ReportPage(heading: "中控台", sub: "运行于 \(store.kind.rawValue) · 架构版本 \(version) · 已运行 \(Int(Date().timeIntervalSince(services.startedAt) / 60)) 分钟")
        let network = services.networks.network
        page.tables.append(.init(title: "组件健康", headers: [("组件", false), ("状态", false), ("说明", false)], rows: [
            [.init(text: "数据库"), .init(text: "正常", cls: "up"), .init(text: "\(store.kind.rawValue)，应答 \(NumberFormat.amount(Double(dbTime.components.seconds) * 1000 + Double(dbTime.components.attoseconds) / 1e15, decimals: 1)) ms")],
            [.init(text: "指标立方"), .init(text: "正常", cls: "up"), .init(text: "\(cube.firmCount) 家企业 × \(cube.monthCount) 个月，\(cube.reportCount) 条月报，构建于 \(Timestamp.string(cube.builtAt))")],
            [.init(text: "供应网络"), .init(text: "正常", cls: "up"), .init(text: "\(network.graph.nodeCount) 家企业，\(network.graph.edgeCount) 条供应关系")],
            [.init(text: "政策匹配"), .init(text: services.policies.matches == nil ? "未完成" : "正常", cls: services.policies.matches == nil ? "down" : "up"),
             .init(text: services.policies.matches.map { "\($0.policies.count) 项政策，耗时 \($0.duration)" } ?? "—")],
            [.init(text: "第二因子"), .init(text: services.mfaPolicy == .required ? "强制" : "已放宽", cls: services.mfaPolicy == .required ? "up" : "down"),
             .init(text: services.mfaPolicy == .required ? "管理员和政府用户须使用动态验证码" : "BRAIN_MFA=optional，仅用于演示和测试")],
        ]))
        // Data freshness: the newest month with reports, and imports per dataset.
        struct BatchRow: Decodable { let kind: String; let n: Int; let last: String?; let rows: Int? }
        let batches = try await store.sql.raw("SELECT kind, COUNT(*) AS n, MAX(imported_at) AS last, SUM(rows_accepted) AS rows FROM import_batches GROUP BY kind ORDER BY kind")
            .all(decoding: BatchRow.self)
        var freshness: [[ReportPage.Cell]] = [[.init(text: "月度指标"), .init(text: cube.lastMonth.description), .init(text: "\(cube.reportCount) 条"), .init(text: "—")]]
        for b in batches {
            freshness.append([.init(text: "导入：\(b.kind)"), .init(text: b.last ?? "—"), .init(text: "\(b.rows ?? 0) 行"), .init(text: "\(b.n) 批")])
        }
        page.tables.append(.init(title: "数据新鲜度与导入", headers: [("数据集", false), ("最新", false), ("数量", true), ("批次", true)], rows: freshness))
        // Warnings by level and state.
        struct LevelRow: Decodable { let level: String; let state: String; let n: Int }
        let levels = try await store.sql.raw("SELECT level, state, COUNT(*) AS n FROM warnings WHERE period = \(bind: cube.lastMonth.description) GROUP BY level, state")
            .all(decoding: LevelRow.self)
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
        let head = try await store.ledgerHead()
        let checkpoints = try await services.ledger.checkpoints()
        page.tables.append(.init(title: "审计账本（关键操作可信存证）", headers: [("项目", false), ("值", false)], rows: [
            [.init(text: "条目"), .init(text: String(head.seq))],
            [.init(text: "账本头"), .init(text: head.hash)],
            [.init(text: "最新检查点"), .init(text: checkpoints.last.map { "#\($0.id)，条目 \($0.firstSeq)–\($0.lastSeq)，\($0.at)" } ?? "尚无")],
            [.init(text: "检查点哈希"), .init(text: checkpoints.last?.checkpointHash ?? "—")],
            [.init(text: "校验"), .init(text: "服务启动时与每小时自动校验；命令 brain audit verify")],
        ]))
        // Users and sessions.
        let users = try await store.users()
        let sessions = try await store.sessions()
        var byRole: [String: Int] = [:]
        for u in users { byRole[u.role, default: 0] += 1 }
        page.tables.append(.init(title: "用户与会话", headers: [("角色", false), ("用户", true), ("活动会话", true)],
                                 rows: byRole.sorted { $0.key < $1.key }.map { role, n in
                                     [.init(text: Role(rawValue: role)?.nameZh ?? role), .num(String(n)), .num(String(sessions.filter { $0.role == role }.count))]
                                 }))
        let events = try await services.monitor.events(limit: 50)
        page.tables.append(.init(title: "安全事件", headers: [("时间", false), ("等级", false), ("类型", false), ("对象", false), ("来源", false), ("摘要", false), ("状态", false)],
                                 rows: events.map { e in
                                     [.init(text: e.at), .init(text: e.level == "critical" ? "严重" : "警告", cls: e.level == "critical" ? "down" : ""), .init(text: e.kind),
                                      .init(text: e.actor), .init(text: e.source), .init(text: e.summary), .init(text: e.state == "open" ? "待处理" : "已确认")]
                                 }))
        return page.respond(self, request, context, title: "中控台", active: "/console", file: "console")
    }
}
