import BrainApps
import BrainCore
import Foundation
import Testing
@testable import BrainWeb

/// The figures a bureau reports, through the API and the portal: the ten indicators with 当月, 环比 and 累计,
/// 规上工业增加值增速, the period, zone, chain and industry selectors and their refusals, the annual targets an
/// administrator imports and their 目标完成率, and the chain figures labelled with their scope.
@Suite(.serialized) struct FiguresTests {
    @Test func theOverviewCarriesEveryIndicatorAndTheSelectorsAreCheckedByName() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let admin = try await s.login("admin", "Admin#20262026")
        let june = try await s.get("/api/v1/monitor/overview?period=2026-06", token: admin)
        #expect(june.status == 200)
        let indicators = june.object["indicators"] as? [[String: Any]] ?? []
        #expect(indicators.count == 10)
        #expect(indicators.allSatisfy { $0["monthYoy"] is Double && $0["monthMom"] is Double && $0["cumulativeYoy"] is Double })
        let va = june.object["valueAdded"] as? [String: Any] ?? [:]
        #expect(va["method"] as? String == "constant-price-output" && va["priceIndex"] as? Double == 100)
        #expect(va["monthYoy"] is Double && va["cumulativeYoy"] is Double)
        #expect(june.object["cumulativeLabel"] as? String == "2026年1-6月")
        // 1–2月: one period, no 环比.
        let feb = try await s.get("/api/v1/monitor/overview?period=2026-02", token: admin)
        #expect(feb.object["periodLabel"] as? String == "2026年1-2月")
        #expect((feb.object["indicators"] as? [[String: Any]] ?? []).allSatisfy { $0["monthMom"] is NSNull || $0["monthMom"] == nil })
        let series = june.object["series"] as? [[String: Any]] ?? []
        #expect(series.count == 24 && !series.contains { ($0["period"] as? String)?.hasSuffix("-01") == true })
        #expect(series.filter { ($0["months"] as? Int) == 2 }.allSatisfy { ($0["label"] as? String)?.hasSuffix("1-2月") == true })
        // Chain, zone and industry narrow the slice; every bad value is refused by its name.
        let chain = try await s.get("/api/v1/monitor/overview?period=2026-06&chain=NFM", token: admin)
        #expect(chain.status == 200 && (chain.object["scope"] as? [String: Any])?["chain"] as? String == "NFM")
        let nfmFirms = ((chain.object["firms"] as? [String: Any])?["aboveScale"] as? Int) ?? 0
        let nfmRow = ((june.object["breakdown"] as? [String: Any])?["chains"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "NFM" }
        #expect(nfmFirms > 0 && nfmRow?["firms"] as? Int == nfmFirms, "the chain's row and the chain's own overview agree")
        #expect(try await s.get("/api/v1/monitor/overview?industry=32", token: admin).status == 200)
        for (query, name) in [("foo=1", "foo"), ("chain=XX", "chain"), ("industry=99", "industry"), ("zone=Z999", "zone"), ("period=2026-01", "period"), ("period=June", "period")] {
            let r = try await s.get("/api/v1/monitor/overview?\(query)", token: admin)
            #expect(r.status == 400 && r.errorMessage.hasPrefix(name + ":"), "\(query): \(r.errorMessage)")
        }
        let nanchang = try await s.login("nanchang", "Nanchang#2026")
        #expect(try await s.get("/api/v1/monitor/overview?region=360900", token: nanchang).status == 403)
        #expect(try await s.get("/api/v1/monitor/overview?period=2026-06&chain=NFM", token: nanchang).status == 200)
    }

    static let targets = """
        region,year,indicator,target
        360000,2026,value_added_growth,8
        360000,2026,output_value,{OUTPUT}
        360000,2026,producer_price_index,102
        360100,2026,revenue,1000000
        """

    @Test func anAdministratorImportsTargetsAndTheOverviewMeasuresThem() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let admin = try await s.login("admin", "Admin#20262026")
        let before = try await s.get("/api/v1/monitor/overview?period=2026-06", token: admin)
        let output = (before.object["indicators"] as? [[String: Any]])?.first?["cumulative"] as? Double ?? 0
        let table = Self.targets.replacingOccurrences(of: "{OUTPUT}", with: String(Int((output * 2).rounded())))
        let official = try await s.login("nanchang", "Nanchang#2026")
        #expect(try await s.request("POST", "/api/v1/reference/targets", token: official, body: Data(table.utf8), contentType: "text/csv").status == 403)
        let bad = try await s.request("POST", "/api/v1/reference/targets", token: admin,
                                      body: Data((table + "\n360000,2026,ppi,500\n").utf8), contentType: "text/csv")
        #expect(bad.status == 400 && bad.errorCode == "bad_rows" && bad.errorMessage.contains("row 6") && bad.errorMessage.contains("target"))
        #expect((try await s.get("/api/v1/monitor/overview?period=2026-06", token: admin).object["targets"] as? [Any])?.isEmpty == true, "nothing taken")
        let imported = try await s.request("POST", "/api/v1/reference/targets", token: admin, body: Data(table.utf8), contentType: "text/csv")
        #expect(imported.status == 201 && imported.object["entries"] as? Int == 4)
        let after = try await s.get("/api/v1/monitor/overview?period=2026-06", token: admin)
        let progress = after.object["targets"] as? [[String: Any]] ?? []
        #expect(progress.map { $0["measure"] as? String } == ["value_added_growth", "output_value"])
        let out = try #require(progress.last)
        #expect(out["completion"] as? Double == 50 && out["timeElapsed"] as? Double == 50 && out["gap"] as? Double == 0)
        let va = after.object["valueAdded"] as? [String: Any] ?? [:]
        #expect(va["priceIndex"] as? Double == 102 && (va["priceIndexSource"] as? String)?.hasPrefix("target table") == true)
        let nominal = ((before.object["valueAdded"] as? [String: Any])?["cumulativeYoy"] as? Double) ?? 0
        #expect(((va["cumulativeYoy"] as? Double) ?? 99) < nominal, "deflated by a rising price index")
        let growth = try #require(progress.first)
        #expect(growth["actual"] as? Double == va["cumulativeYoy"] as? Double && (growth["completion"] == nil || growth["completion"] is NSNull))
        // 南昌's own target; a slice by chain has none.
        let nc = try await s.get("/api/v1/monitor/overview?period=2026-06", token: official)
        #expect((nc.object["targets"] as? [[String: Any]])?.map { $0["measure"] as? String } == ["revenue"])
        #expect((try await s.get("/api/v1/monitor/overview?period=2026-06&chain=NFM", token: official).object["targets"] as? [Any])?.isEmpty == true)
        let export = try await s.get("/api/v1/reference/targets", token: admin)
        #expect(String(decoding: export.data, as: UTF8.self).contains("360000,2026,producer_price_index,102"))
        // A restart reads the newest stored version.
        let shelf = TargetShelf()
        try await ReferenceDesk.loadTargets(from: s.services.store, catalog: s.services.catalog, into: shelf)
        #expect(shelf.targets.count == 4 && shelf.origin == "imported version 1")
    }

    @Test func theProvinceOfficialPicksAPeriodAndSeesValueAddedWithMonthAndCumulative() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let admin = PortalClient(base: s.base)
        #expect(try await admin.login("admin", "Admin#20262026").status == 303)
        let page = try await admin.get("/dashboard?region=360000&period=2026-06&zone=&chain=&industry=")
        #expect(page.status == 200)
        for text in ["规上工业增加值增速", "当月同比", "环比", "累计同比", "2026年1-6月", "不变价产值法", "<option value=\"2026-06\" selected>2026年1-6月（6月）</option>",
                     "出口交货值", "研发费用", "产成品存货", "亿元", "分产业链（规上企业", "近12个月产值"] {
            #expect(page.html.contains(text), "\(text)")
        }
        #expect(!page.html.contains("NaN") && !page.html.contains("2026-01<"))
        let feb = try await admin.get("/dashboard?period=2026-02")
        #expect(feb.status == 200 && feb.html.contains("2026年1-2月") && feb.html.contains("1–2月合并为一期"))
        let refused = try await admin.get("/dashboard?foo=1")
        #expect(refused.status == 400 && refused.html.contains("foo"))
        let january = try await admin.get("/dashboard?period=2026-01")
        #expect(january.status == 400 && january.html.contains("1 月数据与 2 月合并报送") && january.html.contains("期别"))
        let badChain = try await admin.get("/dashboard?chain=XX")
        #expect(badChain.status == 400 && badChain.html.contains("不是已登记的产业链代码"))
        let chainPage = try await admin.get("/chains?chain=NFM")
        #expect(chainPage.status == 200 && chainPage.html.contains("含规下") && chainPage.html.contains("/dashboard?region=360000&chain=NFM"))
        // Targets on the page.
        let token = try await s.login("admin", "Admin#20262026")
        _ = try await s.request("POST", "/api/v1/reference/targets", token: token,
                                body: Data("region,year,indicator,target\n360000,2026,value_added_growth,8\n".utf8), contentType: "text/csv")
        let withTargets = try await admin.get("/dashboard?period=2026-06")
        #expect(withTargets.html.contains("2026年目标完成情况") && withTargets.html.contains("目标 8.0%"))
        let official = PortalClient(base: s.base)
        #expect(try await official.login("nanchang", "Nanchang#2026").status == 303)
        let nc = try await official.get("/dashboard?period=2026-06&chain=NFM")
        #expect(nc.status == 200 && nc.html.contains("南昌") && nc.html.contains("产业链：") && nc.html.contains("不显示目标完成率"))
        #expect(try await official.get("/dashboard?region=360900&period=2026-06").status == 403)
    }
}
