import BrainApps
import BrainCore
import BrainSecurity
import Foundation
import Testing
@testable import BrainWeb

/// One warning use case under both adapters: the API and the portal refuse the same notes, keep the same notes whole,
/// and show the same warnings.
@Suite struct WarningUseCaseTests {
    @Test func bothAdaptersAgree() async throws {
        let s = try await TestServer.start()
        try await s.services.refreshAnalyses()
        let nc = try await s.login("nanchang", "Nanchang#2026")
        let open = try #require(try await s.get("/api/v1/warnings?region=360100&state=open&limit=200", token: nc).object["items"] as? [[String: Any]])
            .filter { $0["subjectType"] as? String == "enterprise" }
        #expect(open.count >= 2)
        let a = try #require(open[0]["id"] as? String), b = try #require(open[1]["id"] as? String)
        let long = String(repeating: "备", count: WarningDesk.maxNote + 1)
        // API: too long is refused and nothing changes.
        let api = try await s.request("POST", "/api/v1/warnings/\(a)/acknowledge", token: nc, body: try JSONSerialization.data(withJSONObject: ["note": long]))
        #expect(api.status == 400 && api.errorMessage.contains("note"))
        // Portal: the same note is refused too (it used to be cut to 500 characters and saved).
        let portal = PortalClient(base: s.base)
        _ = try await portal.login("nanchang", "Nanchang#2026")
        let page = try await portal.get("/warnings/\(b)")
        let token = try #require(page.csrf)
        let refused = try await portal.post("/warnings/\(b)/acknowledge", ["_csrf": token, "note": long])
        #expect(refused.status == 400 && refused.html.contains("备注过长"))
        #expect(try await s.services.store.warning(b)?.state == "open")
        // A 600-character note is kept whole by either adapter.
        let fine = String(repeating: "记", count: 600)
        #expect(try await portal.post("/warnings/\(b)/acknowledge", ["_csrf": token, "note": fine]).status == 303)
        #expect(try await s.services.store.warning(b)?.note == fine)
        #expect(try await s.request("POST", "/api/v1/warnings/\(a)/acknowledge", token: nc, body: try JSONSerialization.data(withJSONObject: ["note": fine])).status == 200)
        #expect(try await s.services.store.warning(a)?.note == fine)
        // A second acknowledgement is a conflict over the API, a redirect back to the warning in the portal.
        #expect(try await s.request("POST", "/api/v1/warnings/\(a)/acknowledge", token: nc).errorCode == "wrong_state")
        // Experts see no warning about a single firm in the portal either.
        _ = try await s.services.accounts.add(username: "uc-expert", password: "Expert#20262026", role: .expert, scope: nil, cost: 4)
        let expert = PortalClient(base: s.base)
        _ = try await expert.login("uc-expert", "Expert#20262026")
        let list = try await expert.get("/warnings")
        #expect(list.status == 200)
        #expect(!list.html.contains(a) && !list.html.contains(b))
        await s.stop()
    }
}
