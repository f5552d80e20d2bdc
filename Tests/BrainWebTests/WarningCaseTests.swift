import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainWeb

/// Warnings an official works through: one row per firm, sorted by urgency, filtered and paged; the workflow (assign
/// with a deadline, notes, 办结) with its scope refusals and overdue cases; the same through the API and the portal.
@Suite struct WarningCaseTests {
    static let nanchang = Principal(username: "nanchang", role: .cityOfficial, scope: "360100")

    @Test func casesGroupSortFilterAndPage() async throws {
        let s = try await TestServer.start()
        try await s.services.refreshAnalyses()
        let desk = s.services.warningDesk
        let nc = Self.nanchang
        var all = WarningCaseFilter()
        all.limit = 10_000
        all.state = .unresolved
        let cases = try await desk.cases(for: nc, all).items
        #expect(cases.count >= 2, "the fixture gives 南昌 at least two firms to work through")
        // One row per firm and period, every risk warning of the scope in exactly one row, no data check among them.
        #expect(Set(cases.map { $0.subject + $0.period }).count == cases.count)
        var raw = WarningFilter()
        raw.limit = 100_000
        raw.category = .risk
        let warnings = try await desk.list(for: nc, raw).items.filter { $0.state != "resolved" }
        #expect(cases.reduce(0) { $0 + $1.reasons.filter { $0.state != "resolved" }.count } == warnings.count)
        #expect(cases.allSatisfy { c in c.reasons.allSatisfy { WarningKind(rawValue: $0.kind)?.category == .risk } })
        #expect(cases.allSatisfy { c in c.region.map { RegionCatalog.jiangxi.city(of: $0) == "360100" } ?? false })
        // The highest level is the row's; sorted by level, then weight.
        func rank(_ l: String) -> Int { ["yellow": 0, "orange": 1, "red": 2][l]! }
        #expect(cases.allSatisfy { c in rank(c.level) == c.reasons.filter { $0.state != "resolved" }.map { rank($0.level) }.max() })
        for (a, b) in zip(cases, cases.dropFirst()) {
            #expect(rank(a.level) > rank(b.level) || (rank(a.level) == rank(b.level) && a.urgency >= b.urgency) || a.period != b.period,
                    "\(a.subjectName) before \(b.subjectName)")
        }
        // Paging: the second page starts where the first ends, with the same total.
        let size = max(1, cases.count / 2)
        var p1 = all, p2 = all
        p1.limit = size; p2.limit = size; p2.offset = size
        let first = try await desk.cases(for: nc, p1), second = try await desk.cases(for: nc, p2)
        #expect(first.total == cases.count && second.total == cases.count)
        #expect(first.items.map(\.leadID) == cases.prefix(size).map(\.leadID) && second.items.map(\.leadID) == cases.dropFirst(size).prefix(size).map(\.leadID))
        #expect(!second.items.isEmpty)
        // Filters: county, name, kind, level.
        let county = try #require(cases.first?.region)
        var byCounty = all; byCounty.region = county
        #expect(try await desk.cases(for: nc, byCounty).items.allSatisfy { $0.region == county })
        var byName = all; byName.name = String(cases[0].subjectName.prefix(6))
        #expect(try await desk.cases(for: nc, byName).items.contains { $0.subject == cases[0].subject })
        var byCode = all; byCode.name = cases[0].subject
        #expect(try await desk.cases(for: nc, byCode).items.map(\.subject) == [cases[0].subject])
        let kind = try #require(WarningKind(rawValue: cases[0].reasons[0].kind))
        var byKind = all; byKind.kind = kind
        #expect(try await desk.cases(for: nc, byKind).items.allSatisfy { $0.reasons.contains { $0.kind == kind.rawValue } })
        var yellow = all; yellow.level = .yellow
        #expect(try await desk.cases(for: nc, yellow).items.allSatisfy { $0.level == "yellow" })
        // The data checks are their own list.
        var checks = all; checks.category = .dataCheck
        #expect(try await desk.cases(for: nc, checks).items.allSatisfy { c in c.reasons.allSatisfy { WarningKind(rawValue: $0.kind)?.category == .dataCheck } })
        // A county outside the caller's area is refused.
        var outside = all; outside.region = "360902"
        await #expect(throws: AppError.self) { try await desk.cases(for: nc, outside) }
        await s.stop()
    }

    @Test func assignmentStaysInsideTheCallersAreaAndGoesOverdue() async throws {
        let s = try await TestServer.start()
        try await s.services.refreshAnalyses()
        let desk = s.services.warningDesk
        let nc = Self.nanchang
        var f = WarningCaseFilter(); f.state = .unresolved; f.limit = 3
        let target = try #require(try await desk.cases(for: nc, f).items.first)
        let county = try #require(target.region)
        let today = WarningDesk.beijingToday()
        func refused(_ a: WarningAssignment, by p: Principal = nc, _ kind: AppError.Kind, _ parameter: String = "") async {
            do { _ = try await desk.assign(target.leadID, a, by: p); Issue.record("accepted \(a)") } catch let e as AppError {
                #expect(e.kind == kind && (parameter.isEmpty || e.parameter == parameter), "\(e)")
            } catch { Issue.record("\(error)") }
        }
        // Another city's county, another city's official, an expert, someone who cannot see the firm, a past deadline.
        await refused(WarningAssignment(region: "360902", user: nil, dueDate: today, note: nil), .forbidden)
        await refused(WarningAssignment(region: "360000", user: nil, dueDate: today, note: nil), .badParameter, "region")
        await refused(WarningAssignment(region: county, user: nil, dueDate: today, note: nil), by: Principal(username: "yichun", role: .cityOfficial, scope: "360900"), .notFound)
        await refused(WarningAssignment(region: county, user: nil, dueDate: today, note: nil), by: Principal(username: "x", role: .expert, scope: nil), .forbidden)
        await refused(WarningAssignment(region: nil, user: "yichun", dueDate: today, note: nil), .badParameter, "user")
        await refused(WarningAssignment(region: nil, user: nil, dueDate: today, note: nil), .badParameter, "region")
        await refused(WarningAssignment(region: county, user: nil, dueDate: "2020-01-01", note: nil), .badParameter, "dueDate")
        await refused(WarningAssignment(region: county, user: nil, dueDate: "2026-02-30", note: nil), .badParameter, "dueDate")
        #expect(try await s.services.store.warningActions(subject: target.subject, period: target.period).isEmpty, "nothing written by a refusal")
        // Assigned to the firm's county and to nanchang himself, due today.
        let detail = try await desk.assign(target.leadID, WarningAssignment(region: county, user: "nanchang", dueDate: today, note: "请上门核实"), by: nc)
        #expect(detail.summary.assigneeRegion == county && detail.summary.assigneeUser == "nanchang" && detail.summary.dueDate == today)
        #expect(detail.timeline.map(\.action) == ["raise", "assign"] && detail.timeline.last?.note == "请上门核实")
        #expect(detail.warnings.filter { $0.state != "resolved" }.allSatisfy { $0.assigneeRegion == county }, "the whole case is assigned")
        #expect(!detail.summary.overdue)
        // The day after, it is overdue, first among its level, and found by the overdue filter.
        let tomorrow = Portal.plusDays(today, 1)
        var overdue = WarningCaseFilter(); overdue.overdueOnly = true
        let late = try await desk.cases(for: nc, overdue, today: tomorrow).items
        #expect(late.map(\.subject) == [target.subject] && late[0].overdue)
        // A note, then 办结: "other" needs a note; after closing nothing more is assigned; nothing is overdue once closed.
        _ = try await desk.addNote(target.leadID, "已与企业负责人通话", by: nc)
        await #expect(throws: AppError.self) { try await desk.close(target.leadID, outcome: .other, note: nil, by: nc) }
        let closed = try await desk.close(target.leadID, outcome: .helped, note: "企业恢复生产", by: nc)
        #expect(closed.summary.state == "resolved" && closed.summary.outcome == "helped")
        #expect(closed.timeline.map(\.action) == ["raise", "assign", "note", "close"])
        await refused(WarningAssignment(region: county, user: nil, dueDate: today, note: nil), .conflict)
        #expect(try await desk.cases(for: nc, overdue, today: tomorrow).items.isEmpty)
        await s.stop()
    }

    @Test func theAPIListsAssignsAndShowsTheTimeline() async throws {
        let s = try await TestServer.start()
        try await s.services.refreshAnalyses()
        let nc = try await s.login("nanchang", "Nanchang#2026")
        #expect(try await s.get("/api/v1/warnings/cases?colour=red", token: nc).status == 400)
        #expect(try await s.get("/api/v1/warnings/cases?state=closed", token: nc).errorMessage.contains("state"))
        let page = try await s.get("/api/v1/warnings/cases?state=unresolved&limit=2", token: nc).object
        let items = try #require(page["items"] as? [[String: Any]])
        #expect(items.count == 2 && (page["total"] as? Int ?? 0) >= 2)
        let lead = try #require(items[0]["leadID"] as? String), county = try #require(items[0]["region"] as? String)
        #expect(items[0]["regionName"] is String && items[0]["reasons"] is [Any])
        let checks = try #require(try await s.get("/api/v1/warnings?category=data-check&limit=500", token: nc).object["items"] as? [[String: Any]])
        #expect(checks.allSatisfy { ["missed-report", "output-jump"].contains($0["kind"] as? String ?? "") })
        let encoded = lead
        let due = Portal.plusDays(WarningDesk.beijingToday(), 7)
        let outside = try await s.request("POST", "/api/v1/warnings/\(encoded)/assign", token: nc,
                                          body: try JSONSerialization.data(withJSONObject: ["region": "360902", "dueDate": due]))
        #expect(outside.status == 403)
        let badDate = try await s.request("POST", "/api/v1/warnings/\(encoded)/assign", token: nc,
                                          body: try JSONSerialization.data(withJSONObject: ["region": county, "dueDate": "next week"]))
        #expect(badDate.status == 400 && badDate.errorMessage.contains("dueDate"))
        let ok = try await s.request("POST", "/api/v1/warnings/\(encoded)/assign", token: nc,
                                     body: try JSONSerialization.data(withJSONObject: ["region": county, "dueDate": due, "note": "请县局核实"]))
        #expect(ok.status == 200)
        #expect((ok.object["summary"] as? [String: Any])?["dueDate"] as? String == due)
        #expect(try await s.request("POST", "/api/v1/warnings/\(encoded)/notes", token: nc, body: try JSONSerialization.data(withJSONObject: ["note": "已通话"])).status == 200)
        let yichun = try await s.login("yichun", "Yichun#20262026")
        #expect(try await s.get("/api/v1/warnings/\(encoded)/case", token: yichun).status == 404)
        let detail = try await s.get("/api/v1/warnings/\(encoded)/case", token: nc).object
        let timeline = try #require(detail["timeline"] as? [[String: Any]])
        #expect(timeline.compactMap { $0["action"] as? String } == ["raise", "assign", "note"])
        #expect(timeline.contains { $0["note"] as? String == "已通话" && $0["actor"] as? String == "nanchang" })
        let close = try await s.request("POST", "/api/v1/warnings/\(encoded)/close", token: nc, body: try JSONSerialization.data(withJSONObject: ["outcome": "fixed"]))
        #expect(close.status == 400)
        // Every step and every refusal is in the ledger, with who.
        let ledger = try await s.services.ledger.entries(actor: "nanchang")
        #expect(ledger.contains { $0.action.hasPrefix("POST") && $0.target.hasSuffix("/assign") && $0.outcome == "ok" })
        #expect(ledger.contains { $0.target.hasSuffix("/assign") && $0.outcome == "denied" })
        #expect(ledger.contains { $0.target.hasSuffix("/notes") && $0.outcome == "ok" })
        await s.stop()
    }

    @Test func thePortalTakesTheOfficialFromTheFiveFirmsToTheTimeline() async throws {
        let s = try await TestServer.start()
        try await s.services.refreshAnalyses()
        let portal = PortalClient(base: s.base)
        _ = try await portal.login("nanchang", "Nanchang#2026")
        let list = try await portal.get("/warnings")
        #expect(list.status == 200 && list.html.contains("优先处置") && list.html.contains("县（市、区）") && list.html.contains("企业画像"))
        #expect(!list.html.contains("对数") && !list.html.contains("model:") && !list.html.contains("稳健"))
        #expect(list.html.contains("action=\"/search\""), "the header's enterprise search")
        // The first of the five.
        let start = try #require(list.html.range(of: "<ol class=\"priority\">"))
        let link = try #require(list.html[start.upperBound...].range(of: "href=\"/warnings/"))
        let id = String(list.html[link.upperBound...].prefix { $0 != "\"" })
        let page = try await portal.get("/warnings/\(id)")
        #expect(page.status == 200 && page.html.contains("处置记录（北京时间）") && page.html.contains("查看企业画像") && page.html.contains("分析人员"))
        let w = try #require(try await s.services.store.warning(id.removingPercentEncoding ?? id))
        let county = try #require(w.region)
        let token = try #require(page.csrf)
        let due = Portal.plusDays(WarningDesk.beijingToday(), 5)
        // Another city's county is refused and nothing changes.
        let refused = try await portal.post("/warnings/\(id)/assign", ["_csrf": token, "region": "360902", "due": due, "note": "x"])
        #expect(refused.status == 403 && refused.html.contains("本辖区"))
        let past = try await portal.post("/warnings/\(id)/assign", ["_csrf": token, "region": county, "due": "2020-01-01", "note": "x"])
        #expect(past.status == 400 && past.html.contains("不能早于今天"))
        #expect(try await portal.post("/warnings/\(id)/assign", ["_csrf": token, "region": county, "due": due, "note": "请县局三日内上门核实"]).status == 303)
        #expect(try await portal.post("/warnings/\(id)/note", ["_csrf": token, "note": "已与企业负责人通话"]).status == 303)
        let after = try await portal.get("/warnings/\(id)")
        let countyName = try #require(RegionCatalog.jiangxi.region(county)?.name)
        #expect(after.html.contains("请县局三日内上门核实") && after.html.contains("已与企业负责人通话") && after.html.contains("承办单位：" + countyName))
        #expect(after.html.contains("办理期限：" + due) && after.html.contains("nanchang"))
        // The list shows the assignee and the deadline on the firm's row; the times are Beijing's.
        let listed = try await portal.get("/warnings?q=\(Portal.formEncode(w.subject))")
        #expect(listed.html.contains(countyName) && listed.html.contains(due))
        let action = try #require(try await s.services.store.warningActions(subject: w.subject, period: w.period).first)
        #expect(after.html.contains(PortalTime.beijing(action.at)))
        // 办结 needs an outcome; with one the case is closed.
        #expect(try await portal.post("/warnings/\(id)/close", ["_csrf": token, "note": "x"]).status == 400)
        #expect(try await portal.post("/warnings/\(id)/close", ["_csrf": token, "outcome": "normal"]).status == 303)
        #expect(try await portal.get("/warnings/\(id)").html.contains("经核实属正常波动"))
        // The data checks have their own tab; the search finds a firm by name and opens its profile.
        let checks = try await portal.get("/warnings?category=data-check")
        #expect(checks.status == 200 && (checks.html.contains("优先核查") || checks.html.contains("没有符合条件的预警")))
        let found = try await portal.get("/search?q=\(Portal.formEncode(w.subject))")
        #expect(found.status == 303 && found.headers["location"] == "/enterprises/\(w.subject)")
        let other = PortalClient(base: s.base)
        _ = try await other.login("yichun", "Yichun#20262026")
        let hidden = try await other.get("/search?q=\(Portal.formEncode(w.subject))")
        #expect(hidden.status == 200 && hidden.html.contains("找到 0 家"), "another city's official does not find the firm")
        await s.stop()
    }
}
