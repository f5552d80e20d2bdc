import BrainCore
import Foundation
import Testing
@testable import BrainWeb

/// The three datasets of their own tables through the API, as an official uses them: investment projects feeding a 技改
/// policy, land use feeding the evaluation's 亩均效益, daily electricity read back and checked against the month.
@Suite struct DatasetAPITests {
    func json(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test func investmentProjectsFeedATechUpgradePolicy() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let admin = try await s.login("admin", "Admin#20262026"), nc = try await s.login("nanchang", "Nanchang#2026")
        let firms = s.services.cubes.cube.firms.filter { $0.region.hasPrefix("3601") && $0.aboveScale }
        let a = firms[0].uscc
        let outside = try #require(s.services.cubes.cube.firms.first { $0.region.hasPrefix("3609") }).uscc
        let policy = try await s.request("POST", "/api/v1/policies", token: admin, body: try json([
            "id": "TECH-UPGRADE", "name": "技术改造补助", "issuer": "省工信厅", "category": "补助", "rule": "tech_upgrade_investment >= 500",
            "formula": "min(tech_upgrade_investment * 0.1, 300)", "autoGrant": true, "validFrom": "2026-01", "validUntil": "2026-12"]))
        #expect(policy.status == 201, "\(policy.errorMessage)")
        func match() async throws -> [String: Any]? {
            let items = try await s.get("/api/v1/enterprises/\(a)/policy-matches", token: nc).object["items"] as? [[String: Any]] ?? []
            return items.first { $0["policyId"] as? String == "TECH-UPGRADE" }
        }
        #expect(try await match()?["outcome"] as? String != "eligible", "no project, no 技改 investment")

        let csv = """
        统一社会信用代码,项目代码,项目名称,建设性质,计划总投资（万元）,累计完成投资（万元）,开工月份,计划竣工月份,项目状态
        \(a),P-001,智能产线技术改造,技术改造,2000,800,2025-03,2026-06,在建
        \(a),P-002,新厂房,新建,1000,1600,2025-01,2026-12,在建
        \(a),P-003,仓储改造,技术改造,100,50,2025-09,2025-01,在建
        \(outside),P-004,外市项目,新建,100,10,2025-01,2025-12,在建
        \(a),P-005,,技术改造,100,10,2025-01,2025-12,在建
        \(a),P-006,数字车间,翻新,100,10,2025-01,2025-12,在建

        """
        let r = try await s.request("POST", "/api/v1/imports/investments", token: nc, body: Data(csv.utf8), contentType: "text/csv")
        #expect(r.status == 200 && r.object["rowsAccepted"] as? Int == 1 && r.object["rowsRejected"] as? Int == 5 && r.object["rowsChanged"] as? Int == 1,
                "\(r.status) \(r.errorMessage) \(r.object)")
        let problems = (r.object["problems"] as? [[String: Any]] ?? []).map { "\($0["row"] ?? 0):\($0["field"] ?? "")" }
        #expect(problems == ["3:completed_investment", "4:end_month", "5:uscc", "6:project_name", "7:kind"], "\(problems)")

        let profile = try await s.get("/api/v1/enterprises/\(a)", token: nc)
        let projects = profile.object["investmentProjects"] as? [[String: Any]] ?? []
        #expect(projects.count == 1 && projects.first?["code"] as? String == "P-001" && projects.first?["completed"] as? Double == 800
                && projects.first?["region"] as? String == firms[0].region, "the region defaults to the firm's")
        let granted = try #require(try await match())
        #expect(granted["outcome"] as? String == "eligible" && (granted["award"] as? [String: Any])?["amount"] as? Double == 80, "\(granted)")

        // A file with only some columns updates those; an empty cell erases nothing; the merged project is checked.
        let part = try await s.request("POST", "/api/v1/imports/investments", token: nc,
                                       body: Data("uscc,project_code,completed_investment\n\(a),P-001,1200\n".utf8), contentType: "text/csv")
        #expect(part.object["rowsChanged"] as? Int == 1)
        let blank = try await s.request("POST", "/api/v1/imports/investments", token: nc,
                                        body: Data("uscc,project_code,project_name,completed_investment\n\(a),P-001,,\n".utf8), contentType: "text/csv")
        #expect(blank.object["rowsAccepted"] as? Int == 1 && blank.object["rowsChanged"] as? Int == 0)
        let over = try await s.request("POST", "/api/v1/imports/investments", token: nc,
                                       body: Data("uscc,project_code,completed_investment\n\(a),P-001,3500\n".utf8), contentType: "text/csv")
        #expect(over.object["rowsRejected"] as? Int == 1, "3500 > 1.5 × the stored plan of 2000")
        let stored = try await s.services.store.investmentProjects(uscc: a)
        #expect(stored.first?.name == "智能产线技术改造" && stored.first?.planned == 2000 && stored.first?.completed == 1200)

        // Who may import, the ledger, the template and the catalogue.
        let provider = try await s.login("provider", "Provider#2026")
        #expect(try await s.request("POST", "/api/v1/imports/investments", token: provider, body: Data(csv.utf8), contentType: "text/csv").status == 403)
        let entries = try await s.services.ledger.entries(limit: 100_000)
        #expect(entries.contains { $0.action == "import investments" && $0.actor == "nanchang" && $0.outcome == "partial" })
        let template = try await s.get("/api/v1/imports/templates/investments?format=csv", token: nc)
        #expect(template.status == 200 && String(decoding: template.data, as: UTF8.self).contains("累计完成投资（万元）"))
        let datasets = try await s.get("/api/v1/data/datasets", token: nc).object["items"] as? [[String: Any]] ?? []
        let entry = try #require(datasets.first { $0["code"] as? String == "investments" })
        #expect(entry["rows"] as? Int == 1 && entry["latestImport"] != nil)
    }

    @Test func landUseFeedsTheEvaluation() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let nc = try await s.login("nanchang", "Nanchang#2026")
        func landCell(_ chain: String) async throws -> [String: Any]? {
            let cells = try await s.get("/api/v1/evaluation?by=city&chain=\(chain)", token: nc).object["cells"] as? [[String: Any]] ?? []
            return cells.first { $0["area"] as? String == "360100" }
        }
        func land(_ cell: [String: Any]?) -> Double? {
            (cell?["components"] as? [[String: Any]])?.first { $0["component"] as? String == "land_efficiency" }?["value"] as? Double
        }
        let cube = s.services.cubes.cube
        let cells = try await s.get("/api/v1/evaluation?by=city", token: nc).object["cells"] as? [[String: Any]] ?? []
        let chain = try #require(cells.first { $0["area"] as? String == "360100" && $0["index"] != nil }?["chain"] as? String)
        let firm = try #require(cube.firms.first { $0.region.hasPrefix("3601") && $0.aboveScale && $0.chains.contains(chain) })
        let before = land(try await landCell(chain))
        let year = cube.lastMonth.year - 1
        let csv = """
        统一社会信用代码,年度,用地面积（亩）,税收（万元）
        \(firm.uscc),\(year),2,50000
        \(firm.uscc),\(year - 1),0,
        \(firm.uscc),\(year - 2),200000,
        \(firm.uscc),2099,10,

        """
        let r = try await s.request("POST", "/api/v1/imports/land", token: nc, body: Data(csv.utf8), contentType: "text/csv")
        #expect(r.status == 200 && r.object["rowsAccepted"] as? Int == 1 && r.object["rowsRejected"] as? Int == 3, "\(r.errorMessage) \(r.object)")
        let after = land(try await landCell(chain))
        #expect(after != nil && after != before, "\(String(describing: before)) → \(String(describing: after))")

        // The profile shows 亩均税收 from the file; a year without tax takes it from the complete year of indicators.
        let more = try await s.request("POST", "/api/v1/imports/land", token: nc,
                                       body: Data("uscc,year,area\n\(firm.uscc),\(year),4\n\(firm.uscc),\(year - 1),5\n".utf8), contentType: "text/csv")
        #expect(more.object["rowsAccepted"] as? Int == 2 && more.object["rowsChanged"] as? Int == 2)
        let profile = try await s.get("/api/v1/enterprises/\(firm.uscc)", token: nc)
        let years = profile.object["landUse"] as? [[String: Any]] ?? []
        let last = try #require(years.first { $0["year"] as? Int == year })
        #expect(last["tax"] as? Double == 50000 && last["taxPerMu"] as? Double == 12500 && last["taxFrom"] as? String == "file",
                "an empty tax cell left the stored tax: \(last)")
        let earlier = try #require(years.first { $0["year"] as? Int == year - 1 })
        #expect(earlier["taxFrom"] as? String == "indicators" && (earlier["taxPerMu"] as? Double ?? 0) > 0, "\(earlier)")
        // Another city may not read the firm's land figures.
        let yc = try await s.login("yichun", "Yichun#20262026")
        let seen = try await s.get("/api/v1/enterprises/\(firm.uscc)", token: yc)
        #expect(seen.status == 403 || (seen.object["landUse"] as? [Any])?.isEmpty == true)
    }

    @Test func dailyElectricityIsReadBackAndCheckedAgainstTheMonth() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let nc = try await s.login("nanchang", "Nanchang#2026"), yc = try await s.login("yichun", "Yichun#20262026")
        let cube = s.services.cubes.cube
        let month = cube.lastMonth
        let firms = (0..<cube.firmCount).filter { cube.firms[$0].region.hasPrefix("3601") && cube.value(.electricity, firm: $0, month: month) > 0 }
        let (i, j) = (firms[0], firms[1])
        let (a, b) = (cube.firms[i].uscc, cube.firms[j].uscc)
        let days = month.dayCount
        // A's days add up to its month (in 千瓦时, converted); B's to twice its month.
        var lines = ["统一社会信用代码,日期,日用电量（千瓦时）"]
        for d in 1...days {
            let day = CalendarDay(month: month, day: d)!.description
            lines.append("\(a),\(day),\(cube.value(.electricity, firm: i, month: month) * 10_000 / Double(days))")
            lines.append("\(b),\(day),\(cube.value(.electricity, firm: j, month: month) * 20_000 / Double(days))")
        }
        lines.append("\(a),\(month)-32,5")
        lines.append("\(a),2099-01-01,5")
        let body = Data((lines.joined(separator: "\n") + "\n").utf8)
        let r = try await s.request("POST", "/api/v1/imports/daily-electricity", token: nc, body: body, contentType: "text/csv")
        #expect(r.status == 200 && r.object["rowsAccepted"] as? Int == 2 * days && r.object["rowsRejected"] as? Int == 2
                && r.object["rowsChanged"] as? Int == 2 * days, "\(r.errorMessage) \(r.object)")
        #expect((r.object["problems"] as? [[String: Any]] ?? []).allSatisfy { $0["field"] as? String == "date" })
        let again = try await s.request("POST", "/api/v1/imports/daily-electricity", token: nc, body: body, contentType: "text/csv")
        #expect(again.object["rowsChanged"] as? Int == 0 && again.object["seenBefore"] as? Bool == true)
        // Half as much again on the first day: the month's sum moves by about 1.6 %, inside the tolerance.
        let firstDay = cube.value(.electricity, firm: i, month: month) * 1.5 / Double(days)
        let fix = try await s.request("POST", "/api/v1/imports/daily-electricity", token: nc,
                                      body: Data("uscc,date,electricity\n\(a),\(month)-01,\(firstDay)\n".utf8), contentType: "text/csv")
        #expect(fix.object["rowsChanged"] as? Int == 1, "a day imported again is replaced")

        let series = try await s.get("/api/v1/enterprises/\(a)/electricity/daily?from=\(month)-01&to=\(month)-\(days)", token: nc)
        #expect(series.status == 200 && (series.object["days"] as? [[String: Any]])?.count == days, "\(series.errorMessage)")
        #expect(abs(((series.object["days"] as? [[String: Any]])?.first?["electricity"] as? Double ?? 0) - firstDay) < 1e-9)
        #expect(try await s.get("/api/v1/enterprises/\(a)/electricity/daily", token: nc).object["from"] as? String == "\(month)-01", "the newest month by default")
        #expect(try await s.get("/api/v1/enterprises/\(a)/electricity/daily", token: yc).status == 403, "another city's firm")
        #expect(try await s.get("/api/v1/enterprises/\(a)/electricity/daily?from=2026-13-01", token: nc).errorMessage.hasPrefix("from:"))
        #expect(try await s.get("/api/v1/enterprises/\(a)/electricity/daily?day=1", token: nc).status == 400)

        let check = try await s.get("/api/v1/data/daily-electricity/consistency?month=\(month)", token: nc)
        let items = check.object["items"] as? [[String: Any]] ?? []
        #expect(check.object["firmsChecked"] as? Int == 2 && items.map { $0["uscc"] as? String } == [b], "\(check.object)")
        #expect(items.first?["differencePercent"] as? Double == 100)
        let other = try await s.get("/api/v1/data/daily-electricity/consistency?month=\(month)", token: yc)
        #expect(other.object["firmsChecked"] as? Int == 0 && (other.object["items"] as? [Any])?.isEmpty == true)
        #expect(try await s.get("/api/v1/data/daily-electricity/consistency?tolerance=2", token: nc).status == 400)
        let entries = try await s.services.ledger.entries(limit: 100_000)
        #expect(entries.contains { $0.action == "import daily-electricity" && $0.actor == "nanchang" })
    }
}
