import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainWeb

extension APITests {
    /// Issue 5 identity over HTTP: second factor for an official, logout, lockout, password change, sessions.
    func identityFlows(_ s: TestServer, _ admin: String) async throws {
        _ = try await s.services.accounts.add(username: "jiujiang", password: "Jiujiang#2026", role: .cityOfficial, scope: "360400", cost: 4)
        let token = try await s.login("jiujiang", "Jiujiang#2026")
        // Enrol: the secret comes back once; confirming with a wrong code fails, with the right one gives recovery codes.
        let enrol = try await s.request("POST", "/api/v1/me/mfa/enrol", token: token)
        #expect(enrol.status == 200)
        let secret = try #require(enrol.object["secret"] as? String)
        let key = try #require(Base32.decode(secret))
        #expect(try await s.request("POST", "/api/v1/me/mfa/confirm", token: token, body: try json(["otp": "000000"])).status == 400)
        let confirm = try await s.request("POST", "/api/v1/me/mfa/confirm", token: token, body: try json(["otp": TOTP.code(secret: key, at: Date())]))
        #expect(confirm.status == 200)
        #expect((confirm.object["recoveryCodes"] as? [String])?.count == 10)
        // An official cannot log in without the second factor once enrolled.
        let noCode = try await s.request("POST", "/api/v1/auth/login", body: try json(["username": "jiujiang", "password": "Jiujiang#2026"]))
        #expect(noCode.status == 401 && noCode.errorCode == "mfa_required")
        let later = Date().addingTimeInterval(30)
        let withCode = try await s.request("POST", "/api/v1/auth/login", body: try json(["username": "jiujiang", "password": "Jiujiang#2026",
                                                                                           "otp": TOTP.code(secret: key, at: later)]))
        #expect(withCode.status == 200, "\(withCode.errorMessage)")
        #expect(withCode.object["factors"] as? String == "password+totp")
        let strong = try #require(withCode.object["token"] as? String)
        #expect(try await s.get("/api/v1/monitor/overview", token: strong).status == 200)
        // Sessions are listed; logging out ends the token at once.
        let mine = try #require(try await s.get("/api/v1/me/sessions", token: strong).object["items"] as? [[String: Any]])
        #expect(mine.count >= 2)
        #expect(try await s.request("POST", "/api/v1/auth/logout", token: strong).status == 200)
        let after = try await s.get("/api/v1/monitor/overview", token: strong)
        #expect(after.status == 401 && after.errorMessage.contains("ended"))
        // An administrator sees and revokes sessions, resets the second factor and unlocks.
        let all = try #require(try await s.get("/api/v1/sessions?username=jiujiang", token: admin).object["items"] as? [[String: Any]])
        let jti = try #require(all.first?["jti"] as? String)
        #expect(try await s.request("POST", "/api/v1/sessions/\(jti)/revoke", token: admin).status == 200)
        #expect(try await s.get("/api/v1/me", token: token).status == 401, "the revoked first session")
        #expect(try await s.get("/api/v1/sessions", token: try await s.login("firm", "Firm#20262026")).status == 403)
        #expect(try await s.request("POST", "/api/v1/users/jiujiang/reset-mfa", token: admin).status == 200)

        // Six wrong passwords lock the account; the right one is then refused too; an administrator unlocks it.
        for k in 1...6 {
            let r = try await s.request("POST", "/api/v1/auth/login", body: try json(["username": "jiujiang", "password": "Wrong#Pass\(k)"]))
            #expect(r.status == 401)
            if k >= 5 { #expect(r.errorCode == "account_locked", "attempt \(k): \(r.errorMessage)") }
        }
        let locked = try await s.request("POST", "/api/v1/auth/login", body: try json(["username": "jiujiang", "password": "Jiujiang#2026"]))
        #expect(locked.errorCode == "account_locked")
        let users = try #require(try await s.get("/api/v1/users", token: admin).object["items"] as? [[String: Any]])
        #expect(users.contains { $0["username"] as? String == "jiujiang" && $0["lockedUntil"] is String })
        let events = try #require(try await s.get("/api/v1/security/events?state=open", token: admin).object["items"] as? [[String: Any]])
        let lockEvent = try #require(events.first { $0["kind"] as? String == "account_locked" && $0["actor"] as? String == "jiujiang" })
        #expect(try await s.request("POST", "/api/v1/security/events/\(lockEvent["id"] as! String)/acknowledge", token: admin).status == 200)
        #expect(try await s.get("/api/v1/security/events", token: try await s.login("nanchang", "Nanchang#2026")).status == 403)
        #expect(try await s.request("POST", "/api/v1/users/jiujiang/unlock", token: admin).status == 200)
        let fresh = try await s.login("jiujiang", "Jiujiang#2026")

        // Password change: the rule and the history are enforced; other sessions end.
        let weak = try await s.request("POST", "/api/v1/me/password", token: fresh, body: try json(["currentPassword": "Jiujiang#2026", "newPassword": "short"]))
        #expect(weak.status == 400 && weak.errorMessage.hasPrefix("newPassword:"))
        let same = try await s.request("POST", "/api/v1/me/password", token: fresh, body: try json(["currentPassword": "Jiujiang#2026", "newPassword": "Jiujiang#2026"]))
        #expect(same.status == 400 && same.errorMessage.contains("last 5"))
        let other = try await s.login("jiujiang", "Jiujiang#2026")
        let changed = try await s.request("POST", "/api/v1/me/password", token: fresh, body: try json(["currentPassword": "Jiujiang#2026", "newPassword": "Xunyang#2027!"]))
        #expect(changed.status == 200)
        #expect(try await s.get("/api/v1/me", token: other).status == 401)
        #expect(try await s.get("/api/v1/me", token: fresh).status == 200)
        // Disabling ends the sessions and refuses logins; enabling lets the user in again.
        #expect(try await s.request("POST", "/api/v1/users/jiujiang/disable", token: admin).status == 200)
        #expect(try await s.get("/api/v1/me", token: fresh).status == 401)
        #expect(try await s.request("POST", "/api/v1/auth/login", body: try json(["username": "jiujiang", "password": "Xunyang#2027!"])).status == 401)
        #expect(try await s.request("POST", "/api/v1/users/admin/disable", token: admin).status == 400)
        #expect(try await s.request("POST", "/api/v1/users/jiujiang/enable", token: admin).status == 200)
        _ = try await s.login("jiujiang", "Xunyang#2027!")
    }
}

extension APITests {
    /// 授权才可用: an enterprise grants a provider its diagnosis for 30 days; the provider reads it; after revocation the
    /// same read is refused; both reads are in the enterprise's access log.
    func dataGrants(_ s: TestServer) async throws {
        let firm = try await s.login("firm", "Firm#20262026")
        let provider = try await s.login("provider", "Provider#2026")
        let uscc = try #require(try await s.get("/api/v1/me", token: firm).object["scope"] as? String)
        let path = "/api/v1/enterprises/\(uscc)/diagnoses"
        #expect(try await s.get(path, token: provider).status == 403)
        let bad = try await s.request("POST", "/api/v1/enterprises/\(uscc)/grants", token: firm,
                                      body: try json(["grantee": "provider", "datasets": ["diagnosis", "secrets"], "purpose": "方案设计", "days": 30]))
        #expect(bad.status == 400 && bad.errorMessage.hasPrefix("datasets[1]:"))
        #expect(try await s.request("POST", "/api/v1/enterprises/\(uscc)/grants", token: provider,
                                    body: try json(["grantee": "provider", "datasets": ["diagnosis"], "purpose": "x", "days": 30])).status == 403)
        let made = try await s.request("POST", "/api/v1/enterprises/\(uscc)/grants", token: firm,
                                       body: try json(["grantee": "provider", "datasets": ["diagnosis"], "purpose": "智能化改造方案设计", "days": 30]))
        #expect(made.status == 201, "\(made.errorMessage)")
        let id = try #require(made.object["id"] as? String)
        let read = try await s.get(path, token: provider)
        #expect(read.status == 200)
        #expect(((read.object["items"] as? [Any])?.count ?? 0) >= 1)
        // The grant covers the diagnosis only, not the figures.
        #expect(try await s.get("/api/v1/enterprises/\(uscc)/referrals", token: provider).status == 403)
        let mine = try #require(try await s.get("/api/v1/me/grants", token: provider).object["items"] as? [[String: Any]])
        #expect(mine.contains { $0["id"] as? String == id })
        #expect(try await s.request("POST", "/api/v1/grants/\(id)/revoke", token: provider).status == 403)
        #expect(try await s.request("POST", "/api/v1/grants/\(id)/revoke", token: firm).status == 200)
        #expect(try await s.get(path, token: provider).status == 403)
        let log = try #require(try await s.get("/api/v1/enterprises/\(uscc)/access-log", token: firm).object["items"] as? [[String: Any]])
        let onPath = log.filter { $0["reader"] as? String == "provider" && $0["target"] as? String == path }
        #expect(onPath.contains { $0["outcome"] as? String == "granted" && $0["grantId"] as? String == id })
        #expect(onPath.contains { $0["outcome"] as? String == "refused" })
        // Officials over the firm see the grants; another city's do not.
        #expect(try await s.get("/api/v1/enterprises/\(uscc)/grants", token: try await s.login("nanchang", "Nanchang#2026")).status == 200)
        #expect(try await s.get("/api/v1/enterprises/\(uscc)/grants", token: try await s.login("yichun", "Yichun#20262026")).status == 403)
    }
}

extension APITests {
    /// Security headers on answers and errors; bodies are bounded.
    func hygiene(_ s: TestServer, _ admin: String) async throws {
        for path in ["/healthz", "/api/v1/me", "/api/v1/nothing"] {
            let r = try await s.get(path, token: admin)
            #expect(r.headers["x-content-type-options"] == "nosniff", "\(path)")
            #expect(r.headers["x-frame-options"] == "DENY", "\(path)")
            #expect(r.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true, "\(path)")
        }
        #expect(try await s.get("/api/v1/me", token: admin).headers["cache-control"] == "no-store")
        let big = Data(repeating: UInt8(ascii: "a"), count: 300 * 1024)
        let tooBig = try await s.request("POST", "/api/v1/market/listings", token: try await s.login("firm", "Firm#20262026"), body: big)
        #expect(tooBig.status == 413, "\(tooBig.status) \(tooBig.errorMessage)")
    }
}

@Suite struct RateLimiterTests {
    @Test func bucketsRefuseBurstsAndRefill() {
        let limiter = RateLimiter(limits: RateLimits(perAddressPerMinute: 60, perUserPerMinute: 60, loginsPerAddressPerMinute: 5))
        let t0 = 1_000_000.0
        for k in 0..<5 { #expect(limiter.take("l:1.2.3.4", perMinute: 5, now: t0 + Double(k) * 0.01) == nil) }
        let wait = limiter.take("l:1.2.3.4", perMinute: 5, now: t0 + 0.1)
        #expect(wait != nil && wait! > 0 && wait! <= 12)
        // Another address is not affected; after the wait the bucket has a token again.
        #expect(limiter.take("l:5.6.7.8", perMinute: 5, now: t0 + 0.1) == nil)
        #expect(limiter.take("l:1.2.3.4", perMinute: 5, now: t0 + 0.1 + wait! + 0.01) == nil)
    }
}

extension APITests {
    /// A token issued before second-factor enrolment reaches only the enrolment routes; refusals are audited.
    func pendingEnrolment(_ s: TestServer) async throws {
        let p = Principal(username: "nanchang", role: .cityOfficial, scope: "360100")
        let pending = s.services.signer.issue(for: p, pending: true).token
        let refused = try await s.get("/api/v1/monitor/overview", token: pending)
        #expect(refused.status == 403 && refused.errorCode == "mfa_enrolment_required")
        #expect(try await s.get("/api/v1/me", token: pending).status == 200)
        #expect(try await s.get("/api/v1/me/mfa", token: pending).status == 200)
        let noToken = try await s.get("/api/v1/monitor/overview")
        #expect(noToken.status == 401)
        let entries = try await s.services.ledger.entries(limit: 100_000)
        #expect(entries.contains { $0.actor == "nanchang" && $0.outcome == "denied" && $0.detail.contains("mfa_enrolment_required") == false && $0.target == "/api/v1/monitor/overview" })
        #expect(entries.contains { $0.actor == "anonymous" && $0.outcome == "denied" && $0.target == "/api/v1/monitor/overview" })
    }
}
