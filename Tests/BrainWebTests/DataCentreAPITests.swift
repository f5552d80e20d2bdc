import BrainCore
import Foundation
import Testing
@testable import BrainWeb

/// The data centre through the API, as an official uses it: an electricity file from the power company, where sources
/// disagree, the lineage of the city's electricity figure, what the batch changed, and the catalogue.
@Suite struct DataCentreAPITests {
    @Test func sourcesLineageAndCatalogue() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let nc = try await s.login("nanchang", "Nanchang#2026"), yc = try await s.login("yichun", "Yichun#20262026")
        let firm = try #require(s.services.cubes.cube.firms.first { $0.region.hasPrefix("3601") && $0.aboveScale })
        let month = "2026-10"
        let before = try await s.get("/api/v1/enterprises/\(firm.uscc)?from=\(month)", token: nc)
        let old = ((before.object["indicators"] as? [[String: Any]])?.first?["values"] as? [String: Any]) ?? [:]
        let power = try await s.request("POST", "/api/v1/imports/indicators?source=power", token: nc,
                                        body: Data("uscc,month,用电量\n\(firm.uscc),\(month),4321\n".utf8), contentType: "text/csv")
        #expect(power.status == 200 && power.object["source"] as? String == "power")
        #expect((power.object["notes"] as? [String])?.first?.contains("demo dataset") == true, "an import into the demo database says so")
        let batch = try #require(power.object["batchKey"] as? String)
        // The other indicators are as they were; 统计局's electricity is still the one read.
        let after = try await s.get("/api/v1/enterprises/\(firm.uscc)?from=\(month)", token: nc)
        let now = ((after.object["indicators"] as? [[String: Any]])?.first?["values"] as? [String: Any]) ?? [:]
        #expect("\(now["output_value"] ?? "")" == "\(old["output_value"] ?? "")" && "\(now["electricity"] ?? "")" == "\(old["electricity"] ?? "")")
        let disagreements = try await s.get("/api/v1/data/disagreements?month=\(month)&tolerance=0.01", token: nc)
        let items = disagreements.object["items"] as? [[String: Any]] ?? []
        #expect(items.contains { $0["uscc"] as? String == firm.uscc && $0["chosenSource"] as? String == "statistics" })
        #expect((try await s.get("/api/v1/data/disagreements?month=\(month)&tolerance=0.01", token: yc).object["items"] as? [[String: Any]])?.isEmpty == true,
                "another city sees none of 南昌's")
        // Quality by source: the power company delivered one value for one firm, and none of what is read rests on it
        // (统计局's value comes first); the demo's values count as 统计局's.
        let quality = try await s.get("/api/v1/quality?region=360100&period=\(month)", token: nc)
        let bySource = quality.object["sources"] as? [[String: Any]] ?? []
        #expect(bySource.map { $0["source"] as? String } == ["statistics", "power"], "\(bySource)")
        #expect(bySource.last?["firms"] as? Int == 1 && bySource.last?["values"] as? Int == 1 && bySource.last?["readShare"] as? Double == 0)
        #expect(bySource.first?["readShare"] as? Double == 1 && (bySource.first?["coverage"] as? Double ?? 0) > 0.9)
        // Lineage of 南昌's electricity in that month names the batch, its file and its importer.
        let lineage = try await s.get("/api/v1/data/lineage?indicator=electricity&region=360100&period=\(month)", token: nc)
        #expect(lineage.status == 200, "\(lineage.errorMessage)")
        let parts = lineage.object["contributions"] as? [[String: Any]] ?? []
        #expect(parts.contains { $0["batch"] as? String == batch && $0["source"] as? String == "power" && $0["importedBy"] as? String == "nanchang" && $0["values"] as? Int == 1 })
        #expect(parts.contains { $0["batch"] as? String == "legacy" && ($0["values"] as? Int ?? 0) > 1 }, "the demo's values are legacy statistics")
        #expect(try await s.get("/api/v1/data/lineage?region=360100", token: nc).errorMessage.hasPrefix("indicator:"))
        // As of a day before the delivery: only 统计局's (legacy) value; a time that is not one is refused by name.
        let past = try await s.get("/api/v1/enterprises/\(firm.uscc)/sources?month=\(month)&asOf=2020-01-01", token: nc)
        let pastElectricity = (past.object["values"] as? [String: Any])?["electricity"] as? [[String: Any]] ?? []
        #expect(pastElectricity.map { $0["source"] as? String } == ["statistics"] && (past.object["history"] as? [Any])?.isEmpty == true)
        #expect(try await s.get("/api/v1/enterprises/\(firm.uscc)/sources?month=\(month)&asOf=yesterday", token: nc).errorMessage.hasPrefix("asOf:"))
        // What the batch changed: one value, for 南昌; 宜春 cannot tell the batch exists.
        let changes = try await s.get("/api/v1/imports/batches/\(batch)/changes", token: nc)
        let changed = changes.object["items"] as? [[String: Any]] ?? []
        #expect(changes.object["total"] as? Int == 1 && changed.first?["indicator"] as? String == "electricity" && changed.first?["newValue"] as? Double == 4321)
        #expect(try await s.get("/api/v1/imports/batches/\(batch)/changes", token: yc).status == 404)
        // The same on the portal: the batch page lists the value from what to what; 宜春 gets the not-found page.
        let portal = PortalClient(base: s.base)
        _ = try await portal.login("nanchang", "Nanchang#2026")
        let page = try await portal.get("/data/batches/\(batch)")
        #expect(page.status == 200 && page.html.contains("本批次改变的数值") && page.html.contains(firm.name) && page.html.contains("4,321"), "\(page.status)")
        #expect(try await portal.get("/data/sources?period=\(month)&indicator=electricity").html.contains("/data/batches/\(batch)"), "the lineage links the batch")
        let other = PortalClient(base: s.base)
        _ = try await other.login("yichun", "Yichun#20262026")
        #expect(try await other.get("/data/batches/\(batch)").status == 404)
        // The catalogue counts what is there.
        let datasets = try await s.get("/api/v1/data/datasets", token: nc).object["items"] as? [[String: Any]] ?? []
        #expect(datasets.map { $0["code"] as? String ?? "" } == ["enterprises", "indicators", "supply-links", "talent", "qualifications",
                                                                 "investments", "land", "daily-electricity"])
        #expect(datasets.filter { !["investments", "daily-electricity"].contains($0["code"] as? String ?? "") }.allSatisfy { ($0["rows"] as? Int ?? 0) > 0 },
                "the demo holds every dataset but projects and daily electricity")
        #expect(datasets.first { $0["code"] as? String == "indicators" }?["latestImportFile"] as? String == "upload.csv")
        #expect(datasets.first { $0["code"] as? String == "indicators" }?["sensitivity"] as? String == "敏感")
        // Per dataset: the newest import's validity and whether it is on time; a dataset never imported has neither.
        let indicators = datasets.first { $0["code"] as? String == "indicators" }
        #expect(indicators?["latestValidity"] as? Double == 1 && indicators?["daysSinceImport"] as? Int == 0 && indicators?["stale"] as? Bool == false)
        let investments = datasets.first { $0["code"] as? String == "investments" }
        #expect(investments?["latestValidity"] == nil && investments?["stale"] == nil)
    }
}

extension DataCentreAPITests {
    /// A figure that rests on poor data says so: 统计局 withdraws output, revenue and electricity of a tenth of 南昌's 规上
    /// firms for the last month (the clear marker); the overview's data quality turns poor and the dashboard says so.
    @Test func anOverviewOnPoorDataSaysSo() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let admin = try await s.login("admin", "Admin#20262026")
        let cube = s.services.cubes.cube
        let month = cube.lastMonth.description
        let before = try await s.get("/api/v1/monitor/overview?region=360100&period=\(month)", token: admin)
        let q0 = try #require(before.object["dataQuality"] as? [String: Any])
        #expect(q0["poor"] as? Bool == false && q0["completeness"] as? Double == 1)
        let firms = cube.firms.filter { RegionCatalog.jiangxi.city(of: $0.region) == "360100" && $0.aboveScale }
        let withdrawn = firms.prefix(max(1, firms.count / 10 + 1))
        let rows = withdrawn.map { "\($0.uscc),\(month),清除,清除,清除" }.joined(separator: "\n")
        let r = try await s.request("POST", "/api/v1/imports/indicators", token: admin,
                                    body: Data("uscc,month,output_value,revenue,electricity\n\(rows)\n".utf8), contentType: "text/csv")
        #expect(r.status == 200 && r.object["rowsAccepted"] as? Int == withdrawn.count, "\(r.errorMessage)")
        let after = try await s.get("/api/v1/monitor/overview?region=360100&period=\(month)", token: admin)
        let q1 = try #require(after.object["dataQuality"] as? [String: Any])
        #expect(q1["poor"] as? Bool == true && q1["reporting"] as? Int == firms.count - withdrawn.count && q1["expected"] as? Int == firms.count)
        let api = try await s.get("/api/v1/quality?region=360100&period=\(month)", token: admin)
        #expect(api.object["firmsTotal"] as? Int == withdrawn.count)
        let portal = PortalClient(base: s.base)
        _ = try await portal.login("admin", "Admin#20262026")
        let page = try await portal.get("/dashboard?region=360100&period=\(month)")
        #expect(page.html.contains("本期数据完整率") && page.html.contains("/data/quality?region=360100"))
        #expect(page.html.contains("演示数据"), "the demo database says so on every page")
        // 负增长面 counts the firms whose output fell, not all 规上 firms.
        let negative = try #require((after.object["loss"] as? [String: Any])?["negativeGrowthFirms"] as? Int)
        #expect(page.html.contains("产值负增长企业 \(negative) 家"), "the 负增长面 card names the firms with negative growth")
        // A period the portal cannot show is explained in Chinese (the API keeps its English reason).
        let january = try await portal.get("/dashboard?region=360100&period=2026-01")
        #expect(january.status == 400 && january.html.contains("1 月数据与 2 月合并报送"), "\(january.status)")
        // The relaxed second factor (BRAIN_MFA=optional) is said to the administrators who set it, not to officials or enterprises.
        #expect(page.html.contains("BRAIN_MFA=optional"))
        let official = PortalClient(base: s.base)
        _ = try await official.login("nanchang", "Nanchang#2026")
        let officialHome = try await official.get("/")
        #expect(officialHome.status == 200 && !officialHome.html.contains("BRAIN_MFA=optional"), "\(officialHome.status)")
        let firmPortal = PortalClient(base: s.base)
        _ = try await firmPortal.login("firm", "Firm#20262026")
        let firmHome = try await firmPortal.get("/")
        #expect(firmHome.status == 200 && !firmHome.html.contains("BRAIN_MFA=optional") && firmHome.html.contains("演示数据"), "\(firmHome.status)")
        let quality = try await portal.get("/data/quality?region=360100&period=\(month)")
        #expect(quality.status == 200 && quality.html.contains("需要核查的企业（\(withdrawn.count) 家）"))
        #expect(try await portal.get("/data/sources?period=\(month)&indicator=output_value").html.contains("数据血缘：工业总产值"))
    }
}

extension DataCentreAPITests {
    /// 免申即享 works on imported qualifications: a 高新技术企业 imported for a firm is granted its award at once; a lapsed
    /// one is not; a qualification the platform does not know is refused naming the field.
    @Test func importedQualificationsFeedThePolicies() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let nc = try await s.login("nanchang", "Nanchang#2026")
        let qualified = try await s.services.store.qualifications()
        let firms = s.services.cubes.cube.firms.filter { $0.region.hasPrefix("3601") && $0.aboveScale && !(qualified[$0.uscc] ?? []).contains("高新技术企业") }
        let (fresh, lapsed) = (firms[0].uscc, firms[1].uscc)
        let csv = "统一社会信用代码,资质名称,认定年份,有效期至\n\(fresh),高新技术企业,2025,2028-12\n\(lapsed),高新技术企业,2019,2021-12\n\(firms[2].uscc),五星企业,2025,\n"
        let r = try await s.request("POST", "/api/v1/imports/qualifications", token: nc, body: Data(csv.utf8), contentType: "text/csv")
        #expect(r.status == 200 && r.object["rowsAccepted"] as? Int == 2 && r.object["rowsRejected"] as? Int == 1, "\(r.errorMessage)")
        #expect(((r.object["problems"] as? [[String: Any]])?.first?["field"] as? String) == "qualification")
        func reward(_ uscc: String) async throws -> [String: Any]? {
            let mine = try await s.get("/api/v1/enterprises/\(uscc)/policy-matches", token: nc).object["items"] as? [[String: Any]] ?? []
            return mine.first { $0["policyId"] as? String == "HNTE-REWARD" }
        }
        let granted = try #require(try await reward(fresh))
        #expect(granted["outcome"] as? String == "eligible" && (granted["award"] as? [String: Any])?["route"] as? String == "auto")
        #expect(try await reward(lapsed)?["outcome"] as? String != "eligible", "a lapsed qualification counts for nothing")
    }
}
