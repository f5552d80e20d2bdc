import BrainCore
import BrainSecurity
import Foundation
import Testing
@testable import BrainWeb

/// The portal's access matrix, like the API's: every registered page and form × every role. A role the page's declared
/// access refuses gets the 403 page before the handler runs; a role it admits never gets that refusal; nothing answers
/// 5xx; a caller without a session is sent to the sign-in page.
@Suite struct PortalAccessMatrixTests {
    @Test func everyPageForEveryRole() async throws {
        let s = try await TestServer.start()
        let cube = s.services.cubes.cube
        let firm = try #require(cube.firms.first { RegionCatalog.jiangxi.city(of: $0.region) == "360100" && $0.zone != nil })
        let scopes: [Role: String?] = [.admin: nil, .provinceOfficial: "360000", .cityOfficial: "360100", .countyOfficial: firm.region,
                                       .zoneManager: firm.zone, .enterprise: firm.uscc, .provider: nil, .expert: nil]
        var clients: [Role: PortalClient] = [:]
        for role in Role.people {
            let name = "pm-\(role.rawValue)"
            _ = try await s.services.accounts.add(username: name, password: "Matrix#2026x", role: role, scope: scopes[role] ?? nil, cost: 4)
            let c = PortalClient(base: s.base)
            #expect(try await c.login(name, "Matrix#2026x").status == 303, "\(role.rawValue) signs in")
            clients[role] = c
        }
        try await s.services.refreshAnalyses()
        let admin = try await s.login("admin", "Admin#20262026")
        let warning = try #require((try await s.get("/api/v1/warnings?region=360100&limit=1", token: admin).object["items"] as? [[String: Any]])?.first?["id"] as? String)
        let pages = try BrainServer(services: s.services).registeredPages()
        #expect(pages.count >= 45)
        // Pages that end or change the caller's own session are exercised in the portal tests.
        let skipped: Set<String> = ["POST /logout", "POST /login", "GET /enrol", "POST /enrol/confirm"]
        let refusal = "不能使用此页面"
        var checked = 0
        for page in pages where !skipped.contains("\(page.method) \(page.path)") {
            let path = page.path.replacingOccurrences(of: ":uscc", with: firm.uscc).replacingOccurrences(of: ":id", with: page.path.hasPrefix("/warnings") ? warning : "no-such-id")
            // Without a session: the sign-in page (open pages answer themselves).
            if page.access != .open {
                let anonymous = try await PortalClient(base: s.base).send(page.method, path, form: page.method == "POST" ? [:] : nil)
                #expect(anonymous.status == 303 && anonymous.headers["location"] == "/login", "anonymous \(page.method) \(page.path) → \(anonymous.status)")
            }
            for role in Role.people {
                let c = clients[role]!
                let r = try await c.send(page.method, path, form: page.method == "POST" ? [:] : nil)
                let label = "\(role.rawValue) \(page.method) \(page.path) → \(r.status)"
                #expect(r.status < 500, "\(label)")
                let admitted = PageAccess.admits(page.access)(Principal(username: "x", role: role, scope: scopes[role] ?? nil))
                if admitted {
                    #expect(!(r.status == 403 && r.html.contains(refusal)), "\(label): refused though admitted")
                } else {
                    #expect(r.status == 403 && r.html.contains(refusal), "\(label): admitted though the declaration refuses")
                }
                checked += 1
            }
        }
        #expect(checked == (pages.count - skipped.count) * Role.people.count)
        // A form post the declaration admits still needs its token (no change without it).
        let csrf = try await clients[.cityOfficial]!.post("/news", ["title": "无令牌", "body": "x", "mode": "now"])
        #expect(csrf.status == 403 && csrf.html.contains("CSRF"))
        await s.stop()
    }
}
