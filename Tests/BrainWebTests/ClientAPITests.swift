import BrainApps
import BrainSecurity
import BrainStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import BrainWeb

extension APITests {
    @Test func serviceClientsTest() async throws { try await withServer { s, admin in try await serviceClients(s, admin) } }
    @Test func signedClientsTest() async throws { try await withServer { s, _ in try await signedClients(s) } }

    /// Issue 15, part 1: an administrator creates a client; its key is shown once and stored hashed; every call of the
    /// client reaches the ledger under its id; a refusal names it; a revoked key is refused by the next request; a
    /// rotation keeps the old key for its overlap only; providers manage only their own read-only clients.
    func serviceClients(_ s: TestServer, _ admin: String) async throws {
        let made = try await s.request("POST", "/api/v1/clients", token: admin, body: try json([
            "id": "stats-nc", "name": "南昌市统计局数据交换", "region": "360100", "writes": ["indicators"], "expires": "2027-06-30"]))
        #expect(made.status == 201, "\(made.errorMessage)")
        let key = try #require(made.object["key"] as? String)
        #expect(key.hasPrefix("bk_"))
        // The key is never stored or listed: only its id and hash.
        let listed = try await s.get("/api/v1/clients", token: admin)
        #expect(listed.status == 200)
        #expect(!String(decoding: listed.data, as: UTF8.self).contains(String(key.split(separator: "_").last!)))
        let stored = try await s.services.store.clientKeys(of: "stats-nc")
        #expect(stored.count == 1 && stored[0].secretHash.count == 64 && !key.contains(stored[0].secretHash))

        // The client is who the key says, with its region.
        let me = try await s.get("/api/v1/me", token: key)
        #expect(me.status == 200 && me.object["username"] as? String == "client:stats-nc" && me.object["role"] as? String == "client"
                && me.object["scope"] as? String == "360100", "\(me.status) \(me.errorMessage)")
        #expect(try await s.get("/api/v1/chains", token: key).status == 200)
        // A route it has no permission for: 403, and the ledger names the client.
        let refused = try await s.get("/api/v1/enterprises?limit=1", token: key)
        #expect(refused.status == 403 && refused.errorMessage.contains("client"), "\(refused.errorMessage)")
        let entries = try await s.services.ledger.entries(actor: "client:stats-nc")
        #expect(entries.contains { $0.action.hasPrefix("GET /api/v1/chains") && $0.outcome == "ok" }, "every call of a client is recorded, reads included")
        #expect(entries.contains { $0.target == "/api/v1/enterprises" && $0.outcome == "denied" })
        // X-API-Key works as well as the bearer form.
        var req = URLRequest(url: URL(string: s.base + "/api/v1/me")!)
        req.setValue(key, forHTTPHeaderField: "X-API-Key")
        #expect(((try await URLSession.shared.data(for: req)).1 as! HTTPURLResponse).statusCode == 200)

        // Rotation: both keys work during the overlap; with no overlap the old one stops at once.
        let rotated = try await s.request("POST", "/api/v1/clients/stats-nc/keys", token: admin, body: try json(["overlapHours": 2]))
        #expect(rotated.status == 201, "\(rotated.errorMessage)")
        let second = try #require(rotated.object["key"] as? String)
        #expect(try await s.get("/api/v1/me", token: key).status == 200)
        #expect(try await s.get("/api/v1/me", token: second).status == 200)
        let third = try #require(try await s.request("POST", "/api/v1/clients/stats-nc/keys", token: admin, body: try json(["overlapHours": 0])).object["key"] as? String)
        #expect(try await s.get("/api/v1/me", token: second).status == 401)
        #expect(try await s.get("/api/v1/me", token: key).status == 401)
        #expect(try await s.get("/api/v1/me", token: third).status == 200)
        #expect(try await s.request("POST", "/api/v1/clients/stats-nc/keys", token: admin, body: try json(["overlapHours": 721])).status == 400)

        // Revocation takes effect at the very next request, and the refusal names the client in the ledger.
        let keyID = String(third.dropFirst(3).split(separator: "_")[0])
        #expect(try await s.request("POST", "/api/v1/clients/stats-nc/keys/\(keyID)/revoke", token: admin).status == 200)
        let gone = try await s.get("/api/v1/me", token: third)
        #expect(gone.status == 401 && gone.errorMessage.contains("revoked"), "\(gone.errorMessage)")
        #expect(try await s.services.ledger.entries(actor: "client:stats-nc").contains { $0.outcome == "denied" && $0.detail.contains("revoked") })
        #expect(try await s.request("POST", "/api/v1/clients/stats-nc/keys/\(keyID)/revoke", token: admin).status == 409)
        // A whole client revoked: its keys stop.
        let fourth = try #require(try await s.request("POST", "/api/v1/clients/stats-nc/keys", token: admin).object["key"] as? String)
        #expect(try await s.get("/api/v1/me", token: fourth).status == 200)
        #expect(try await s.request("POST", "/api/v1/clients/stats-nc/revoke", token: admin).status == 200)
        #expect(try await s.get("/api/v1/me", token: fourth).status == 401)
        // A made-up key, and a malformed one.
        #expect(try await s.get("/api/v1/me", token: "bk_nosuchkey_" + String(repeating: "A", count: 43)).status == 401)
        #expect(try await s.get("/api/v1/me", token: "bk_x").status == 401)

        // Bad requests name their field.
        for (body, field) in [(["id": "Bad ID", "name": "x"], "id"), (["id": "ok-id", "name": "x", "region": "440100"], "region"),
                              (["id": "ok-id", "name": "x", "writes": ["salaries"]], "writes"), (["id": "ok-id", "name": "x", "expires": "2020-01-01"], "expires"),
                              (["id": "ok-id", "name": ""], "name"), (["id": "ok-id", "name": "x", "expires": "2099-01-01"], "expires")] as [([String: Any], String)] {
            let r = try await s.request("POST", "/api/v1/clients", token: admin, body: try json(body))
            #expect(r.status == 400 && r.errorMessage.contains(field), "\(body) → \(r.status) \(r.errorMessage)")
        }
        #expect(try await s.request("POST", "/api/v1/clients", token: admin, body: try json(["id": "stats-nc", "name": "again"])).status == 409)

        // A provider manages only its own clients, which write nothing; a city official manages none.
        let provider = try await s.login("provider", "Provider#2026"), nanchang = try await s.login("nanchang", "Nanchang#2026")
        #expect(try await s.request("POST", "/api/v1/clients", token: nanchang, body: try json(["id": "nc-own", "name": "x"])).status == 403)
        #expect(try await s.request("POST", "/api/v1/clients", token: provider, body: try json(["id": "p-own", "name": "x", "writes": ["indicators"]])).status == 403)
        #expect(try await s.request("POST", "/api/v1/clients", token: provider, body: try json(["id": "p-own", "name": "服务商自用"])).status == 201)
        let theirs = try #require(try await s.get("/api/v1/clients", token: provider).object["items"] as? [[String: Any]])
        #expect(theirs.map { $0["id"] as? String } == ["p-own"])
        #expect(try await s.get("/api/v1/clients/stats-nc", token: provider).status == 404)
        #expect(try await s.request("POST", "/api/v1/clients/stats-nc/keys", token: provider).status == 404)
        // An account is never given the client role.
        let person = try await s.request("POST", "/api/v1/users", token: admin, body: try json(["username": "robot", "role": "client", "scope": "360100"]))
        #expect(person.status == 400 || person.status == 403, "\(person.status) \(person.errorMessage)")
    }

    /// A client that signs: unsigned, wrongly signed, stale and replayed requests are refused; a signed one passes.
    func signedClients(_ s: TestServer) async throws {
        let (_, key, secret) = try await s.makeClient(id: "signed-box", writes: ["indicators"], region: "360100", signed: true)
        let signing = try #require(secret)
        func call(_ path: String, body: Data = Data(), method: String = "GET", timestamp: String? = nil, signature: ((String) -> String)? = nil) async throws -> Int {
            var req = URLRequest(url: URL(string: s.base + path)!)
            req.httpMethod = method
            req.setValue("Bearer " + key, forHTTPHeaderField: "Authorization")
            if !body.isEmpty { req.httpBody = body; req.setValue("application/json", forHTTPHeaderField: "Content-Type") }
            if let timestamp { req.setValue(timestamp, forHTTPHeaderField: "X-Brain-Timestamp") }
            if let signature, let timestamp { req.setValue(signature(timestamp), forHTTPHeaderField: "X-Brain-Signature") }
            return ((try await URLSession.shared.data(for: req)).1 as! HTTPURLResponse).statusCode
        }
        let now = String(Int(Date().timeIntervalSince1970))
        #expect(try await call("/api/v1/me") == 401)
        #expect(try await call("/api/v1/me", timestamp: now, signature: { RequestSigning.signature(secret: signing, timestamp: $0, method: "GET", target: "/api/v1/me", body: Data()) }) == 200)
        // The same signature again is a replay.
        #expect(try await call("/api/v1/me", timestamp: now, signature: { RequestSigning.signature(secret: signing, timestamp: $0, method: "GET", target: "/api/v1/me", body: Data()) }) == 401)
        // A query is part of what is signed.
        let t2 = String(Int(Date().timeIntervalSince1970) - 1)
        #expect(try await call("/api/v1/chains?x=1", timestamp: t2, signature: { RequestSigning.signature(secret: signing, timestamp: $0, method: "GET", target: "/api/v1/chains", body: Data()) }) == 401)
        // A stale timestamp, and a wrong secret.
        let old = String(Int(Date().timeIntervalSince1970) - 3600)
        #expect(try await call("/api/v1/me", timestamp: old, signature: { RequestSigning.signature(secret: signing, timestamp: $0, method: "GET", target: "/api/v1/me", body: Data()) }) == 401)
        #expect(try await call("/api/v1/me", timestamp: now, signature: { RequestSigning.signature(secret: "bs_wrong", timestamp: $0, method: "GET", target: "/api/v1/me", body: Data()) }) == 401)
        // The body is signed: a changed body is refused.
        let body = Data("{\"overlapHours\":1}".utf8)
        let t3 = String(Int(Date().timeIntervalSince1970) - 2)
        #expect(try await call("/api/v1/clients", body: body, method: "POST", timestamp: t3, signature: {
            RequestSigning.signature(secret: signing, timestamp: $0, method: "POST", target: "/api/v1/clients", body: Data("{}".utf8)) }) == 401)
        // Signed right but without the permission: the signature passes, the route refuses.
        #expect(try await call("/api/v1/clients", body: body, method: "POST", timestamp: t3, signature: {
            RequestSigning.signature(secret: signing, timestamp: $0, method: "POST", target: "/api/v1/clients", body: body) }) == 403)
        // The signing secret is stored encrypted.
        let stored = try #require(try await s.services.store.serviceClient("signed-box")?.signingSecret)
        #expect(FieldCipher.isEncrypted(stored) && !stored.contains(signing))
    }
}

extension APITests {
    @Test func clientPagesTest() async throws { try await withServer { s, _ in try await clientPages(s) } }

    /// 服务中枢 › 接口客户端与密钥 as an administrator: create a client with the form, see the key once, use it, revoke it.
    func clientPages(_ s: TestServer) async throws {
        let admin = PortalClient(base: s.base)
        #expect(try await admin.login("admin", "Admin#20262026").status == 303)
        let page = try await admin.get("/hub/clients")
        #expect(page.status == 200 && page.html.contains("开设客户端") && page.html.contains("月度指标"))
        let token = try #require(page.csrf)
        let made = try await admin.post("/hub/clients", ["_csrf": token, "id": "power-nc", "name": "国网南昌供电公司", "region": "360100", "w_daily-electricity": "1"])
        #expect(made.status == 200 && made.html.contains("此密钥不会再次显示"), "\(made.status)")
        let key = try #require(made.html.range(of: "bk_").map { String(made.html[$0.lowerBound...].prefix { $0 != "<" }) })
        #expect(try await s.get("/api/v1/me", token: key).object["username"] as? String == "client:power-nc")
        // Listed afterwards without the secret.
        let listed = try await admin.get("/hub/clients")
        #expect(listed.html.contains("国网南昌供电公司") && listed.html.contains("日用电量") && !listed.html.contains(key))
        // A bad id is explained and nothing is created.
        let bad = try await admin.post("/hub/clients", ["_csrf": token, "id": "Bad Id", "name": "x"])
        #expect(bad.html.contains("无法开设") && bad.html.contains("id"))
        #expect(try await admin.post("/hub/clients/power-nc/revoke", ["_csrf": token]).status == 303)
        #expect(try await s.get("/api/v1/me", token: key).status == 401)
        #expect(try await admin.get("/hub/clients").html.contains("已吊销"))
        // A city official has no such page; the provider has, for its own clients.
        let official = PortalClient(base: s.base)
        #expect(try await official.login("nanchang", "Nanchang#2026").status == 303)
        #expect(try await official.get("/hub/clients").status == 403)
        #expect(try await admin.get("/hub").html.contains("接口客户端与密钥"))
    }
}
