import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainWeb

extension APITests {
    @Test func hubTest() async throws { try await withServer { s, admin in try await hubAPI(s, admin); try await hubPortal(s) } }

    /// 服务资源目录 over HTTP: publish, 申请使用, approve, call within the consumer's region, unknown parameters refused,
    /// the quota's 429 with Retry-After (in the ledger), usage per owner and consumer.
    func hubAPI(_ s: TestServer, _ admin: String) async throws {
        let nanchang = try await s.login("nanchang", "Nanchang#2026"), yichun = try await s.login("yichun", "Yichun#20262026")
        let provider = try await s.login("provider", "Provider#2026")
        let draft: [String: Any] = ["id": "api-overview", "title": "总览接口", "description": "按调用方地区的工业运行总览", "source": "overview",
                                    "parameters": ["period", "chain"], "dailyCalls": 3, "priceNote": "免费"]
        #expect(try await s.request("POST", "/api/v1/hub/services", token: nanchang, body: try json(draft)).status == 403)
        let refused = try await s.request("POST", "/api/v1/hub/services", token: provider, body: try json(draft))
        #expect(refused.status == 403 && refused.errorMessage.contains("statistics:read"))
        let published = try await s.request("POST", "/api/v1/hub/services", token: admin, body: try json(draft))
        #expect(published.status == 201 && published.object["owner"] as? String == "admin", "\(published.errorMessage)")
        #expect(try await s.request("POST", "/api/v1/hub/services", token: admin, body: try json(draft)).status == 409)
        var bad = draft; bad["id"] = "api-bad"; bad["presets"] = [["name": "colour", "value": "red"]]
        let badReply = try await s.request("POST", "/api/v1/hub/services", token: admin, body: try json(bad))
        #expect(badReply.status == 400 && badReply.errorMessage.hasPrefix("presets[0].name:"))
        let catalogue = try #require(try await s.get("/api/v1/hub/services?source=overview", token: nanchang).object["items"] as? [[String: Any]])
        #expect(catalogue.contains { ($0["service"] as? [String: Any])?["id"] as? String == "api-overview" && $0["access"] == nil })
        #expect(try await s.get("/api/v1/hub/services?colour=red", token: nanchang).status == 400)

        // Not before approval (403 naming the consumer); then asked, approved, called.
        let early = try await s.get("/api/v1/hub/services/api-overview/data", token: nanchang)
        #expect(early.status == 403 && early.errorMessage.contains("nanchang has no approved access to service api-overview"))
        let asked = try await s.request("POST", "/api/v1/hub/services/api-overview/requests", token: nanchang, body: try json(["reason": "南昌市经济运行日报"]))
        #expect(asked.status == 201 && asked.object["state"] as? String == "pending")
        let id = try #require(asked.object["id"] as? String)
        #expect(try await s.request("POST", "/api/v1/hub/requests/\(id)/approve", token: provider, body: nil).status == 404)
        let incoming = try #require(try await s.get("/api/v1/hub/requests?state=pending", token: admin).object["incoming"] as? [[String: Any]])
        #expect(incoming.contains { $0["id"] as? String == id })
        #expect(try await s.request("POST", "/api/v1/hub/requests/\(id)/approve", token: admin, body: try json(["note": "同意"])).object["state"] as? String == "approved")
        let data = try await s.get("/api/v1/hub/services/api-overview/data", token: nanchang)
        #expect(data.status == 200 && ((data.object["scope"] as? [String: Any])?["region"] as? String) == "360100", "\(data.errorMessage)")
        let unknown = try await s.get("/api/v1/hub/services/api-overview/data?region=360900", token: nanchang)
        #expect(unknown.status == 400 && unknown.errorMessage.hasPrefix("region: unknown parameter"))
        #expect(try await s.get("/api/v1/hub/services/api-overview/data?chain=NFM", token: nanchang).status == 200)
        #expect(try await s.get("/api/v1/hub/services/api-overview/data", token: nanchang).status == 200)
        // Past the quota: 429, Retry-After to Beijing midnight, the quota named, the first refusal in the ledger.
        let over = try await s.get("/api/v1/hub/services/api-overview/data", token: nanchang)
        #expect(over.status == 429 && over.errorCode == "quota_exceeded" && over.errorMessage.contains("3 calls per Beijing day"))
        let retry = try #require(over.headers["retry-after"].flatMap(Int.init))
        #expect(retry == BeijingDay.secondsToMidnight(Date()) || abs(retry - BeijingDay.secondsToMidnight(Date())) <= 2)
        let entries = try await s.services.ledger.entries().filter { $0.actor == "nanchang" && $0.target == "service:api-overview" }
        #expect(entries.count == 1 && entries[0].outcome == "rejected" && entries[0].detail.contains("\"quota\":\"calls\""))
        // Usage: the owner sees its consumer, the consumer its own calls, another city nothing.
        let usage = try #require(try await s.get("/api/v1/hub/usage", token: admin).object["items"] as? [[String: Any]])
        let row = try #require(usage.first { $0["serviceId"] as? String == "api-overview" && $0["consumer"] as? String == "nanchang" })
        #expect(row["calls"] as? Int == 3 && row["refused"] as? Int == 1 && row["rows"] as? Int == 3 && (row["bytes"] as? Int ?? 0) > 1_000)
        #expect((try await s.get("/api/v1/hub/usage", token: nanchang).object["items"] as? [[String: Any]])?.count == 1)
        #expect((try await s.get("/api/v1/hub/usage", token: yichun).object["items"] as? [[String: Any]])?.isEmpty == true)
        #expect(try await s.get("/api/v1/hub/usage?from=2026-13-01", token: yichun).status == 400)
        // A service client (API key, region 南昌) asks, is approved, and reads within its region only.
        let client = try await s.makeClient(region: "360100")
        _ = try await s.request("POST", "/api/v1/hub/services", token: admin, body: try json(["id": "api-registry", "title": "名录接口", "description": "企业名录",
                                                                                             "source": "enterprises", "parameters": ["limit"]]))
        let before = try await s.get("/api/v1/hub/services/api-registry/data", token: client.key)
        #expect(before.status == 403 && before.errorMessage.contains("client:\(client.id) has no approved access"), "\(before.status) \(before.errorMessage)")
        let clientAsk = try await s.request("POST", "/api/v1/hub/services/api-registry/requests", token: client.key, body: try json(["reason": "南昌市统计局系统读取名录"]))
        #expect(clientAsk.status == 201 && clientAsk.object["consumer"] as? String == "client:\(client.id)")
        _ = try await s.request("POST", "/api/v1/hub/requests/\(try #require(clientAsk.object["id"] as? String))/approve", token: admin, body: nil)
        let read = try #require(try await s.get("/api/v1/hub/services/api-registry/data?limit=200", token: client.key).object["items"] as? [[String: Any]])
        let nanchangCounties = Set(["360100"] + RegionCatalog.jiangxi.counties(within: "360100"))
        #expect(!read.isEmpty && read.allSatisfy { nanchangCounties.contains($0["region"] as? String ?? "") })
        // One record of read access: the approval is the client's read scope (its view and its grant), a client created
        // with `reads` is an approved request in the catalogue, and revoking there takes the scope away at once.
        #expect((try await s.get("/api/v1/clients/\(client.id)", token: admin).object["reads"] as? [String]) == ["api-registry"])
        #expect(s.services.keyring.principal(ofClient: client.id)?.client?.reads == ["api-registry"])
        _ = try await s.request("POST", "/api/v1/hub/services", token: admin, body: try json(["id": "api-warnings", "title": "预警接口", "description": "预警清单",
                                                                                             "source": "warnings", "parameters": ["limit"]]))
        let reader = try await s.makeClient(reads: ["api-warnings"], region: "360100")
        #expect(s.services.keyring.principal(ofClient: reader.id)?.client?.readSources == ["warnings"])
        #expect(try await s.get("/api/v1/hub/services/api-warnings/data?limit=5", token: reader.key).status == 200, "granted at creation, callable at once")
        let granted = try #require((try await s.get("/api/v1/hub/requests?state=approved", token: admin).object["incoming"] as? [[String: Any]])?
            .first { $0["consumer"] as? String == "client:\(reader.id)" })
        #expect(granted["serviceId"] as? String == "api-warnings" && granted["decidedBy"] as? String == "admin")
        let revoked = try await s.request("POST", "/api/v1/hub/requests/\(try #require(granted["id"] as? String))/revoke", token: admin, body: nil)
        #expect(revoked.object["state"] as? String == "revoked")
        #expect(s.services.keyring.principal(ofClient: reader.id)?.client?.reads.isEmpty == true, "the grant follows the revocation at once")
        #expect(try await s.get("/api/v1/hub/services/api-warnings/data", token: reader.key).status == 403)
        #expect((try await s.get("/api/v1/clients/\(reader.id)", token: admin).object["reads"] as? [String]) == [])
        // Setting reads through the client's desk approves again; an unknown or unpublished service is refused by name.
        let put = try await s.request("PUT", "/api/v1/clients/\(reader.id)", token: admin, body: try json(["reads": ["api-warnings"]]))
        #expect(put.status == 200 && put.object["reads"] as? [String] == ["api-warnings"], "\(put.errorMessage)")
        #expect(try await s.get("/api/v1/hub/services/api-warnings/data?limit=5", token: reader.key).status == 200)
        let unknownRead = try await s.request("PUT", "/api/v1/clients/\(reader.id)", token: admin, body: try json(["reads": ["no-such-service"]]))
        #expect(unknownRead.status == 400 && unknownRead.errorMessage.hasPrefix("reads:"))
        // Withdrawn: gone from the catalogue, calls 404; revoking works on approved access only.
        #expect(try await s.request("POST", "/api/v1/hub/services/api-overview/withdraw", token: admin, body: nil).object["state"] as? String == "withdrawn")
        #expect(try await s.get("/api/v1/hub/services/api-overview/data", token: nanchang).status == 404)
        #expect(try await s.get("/api/v1/hub/services/api-overview", token: nanchang).status == 404)
        #expect(try await s.request("POST", "/api/v1/hub/requests/\(id)/refuse", token: admin, body: nil).status == 409)
    }

    /// The portal: the catalogue with the demo services, a service's page with 申请使用, the owner's approval, usage charts.
    func hubPortal(_ s: TestServer) async throws {
        _ = try await HubDemoSeeder(store: s.services.store).seed(owner: "admin")
        let yichun = PortalClient(base: s.base)
        #expect(try await yichun.login("yichun", "Yichun#20262026").status == 303)
        let list = try await yichun.get("/hub/services")
        #expect(list.status == 200 && list.html.contains("服务资源目录") && list.html.contains("全省工业运行总览") && !list.html.contains("发布服务"))
        let page = try await yichun.get("/hub/services/warnings-list")
        #expect(page.html.contains("申请使用") && page.html.contains("按次计费") && page.html.contains("/api/v1/hub/services/warnings-list/data"))
        let token = try #require(page.csrf)
        #expect(try await yichun.post("/hub/services/warnings-list/request", ["_csrf": token, "reason": "x"]).html.contains("请填写申请理由"))
        #expect(try await yichun.post("/hub/services/warnings-list/request", ["_csrf": token, "reason": "宜春市预警日报"]).status == 303)
        #expect(try await yichun.get("/hub/services/warnings-list").html.contains("待审批"))
        #expect(try await yichun.post("/hub/requests/no-such-id/approve", ["_csrf": token]).status == 403)
        let admin = PortalClient(base: s.base)
        #expect(try await admin.login("admin", "Admin#20262026").status == 303)
        let requests = try await admin.get("/hub/requests")
        #expect(requests.html.contains("待我审批") && requests.html.contains("宜春市预警日报"))
        let approve = try #require(requests.html.range(of: "/approve\""))
        let id = String(requests.html[..<approve.lowerBound].reversed().prefix { $0 != "/" }.reversed())
        let approved = try await admin.post("/hub/requests/\(id)/approve", ["_csrf": try #require(requests.csrf)])
        #expect(approved.status == 303, "\(id) \(approved.status)")
        #expect(try await yichun.get("/hub/services/warnings-list").html.contains("已获批准"))
        let yichunToken = try await s.login("yichun", "Yichun#20262026")
        #expect(try await s.get("/api/v1/hub/services/warnings-list/data?limit=5", token: yichunToken).status == 200)
        let usage = try await admin.get("/hub/usage")
        #expect(usage.status == 200 && usage.html.contains("调用量统计") && usage.html.contains("<svg") && usage.html.contains("yichun"))
        let catalogue = try await admin.get("/hub/services")
        #expect(catalogue.html.contains("发布服务"))
        let made = try await admin.post("/hub/services", ["_csrf": try #require(catalogue.csrf), "id": "portal-chain", "title": "产业链分析门户发布",
                                                           "description": "测试", "source": "chain-analysis", "presets": "chain=NFM", "dailyCalls": "100"])
        #expect(made.status == 303)
        #expect(try await admin.get("/hub/services/portal-chain").html.contains("chain=NFM"))
        let wrong = try await admin.post("/hub/services", ["_csrf": try #require(catalogue.csrf), "id": "portal-x", "title": "错误", "description": "测试",
                                                            "source": "chain-analysis", "presets": "chain"])
        #expect(wrong.html.contains("未能发布") && wrong.html.contains("presets"))
    }
}
