import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainSecurity

@Suite struct TokenTests {
    let signer = TokenSigner(secret: Data("0123456789abcdef0123456789abcdef".utf8), lifetime: 60)
    let p = Principal(username: "nc", role: .cityOfficial, scope: "360100")

    @Test func issuedTokensVerify() throws {
        let (token, exp, _) = signer.issue(for: p)
        #expect(exp > Date())
        #expect(try signer.verify(token) == p)
    }

    @Test func tamperedExpiredAndForeignTokensAreRefused() throws {
        let (token, _, _) = signer.issue(for: p)
        let parts = token.split(separator: ".")
        let forged = Base64URL.encode(try JSONEncoder().encode(TokenSigner.Claims(sub: "nc", role: "admin", scope: nil, iat: 0, exp: Int.max / 2, jti: "x")))
        #expect(throws: TokenSigner.Problem.badSignature) { try signer.verify(forged + "." + parts[1]) }
        #expect(throws: TokenSigner.Problem.expired) { try signer.verify(token, now: Date().addingTimeInterval(120)) }
        let other = TokenSigner(secret: Data("another-secret-another-secret-xx".utf8))
        #expect(throws: TokenSigner.Problem.badSignature) { try other.verify(token) }
        #expect(throws: TokenSigner.Problem.malformed) { try signer.verify("garbage") }
    }
}

@Suite struct AccessTests {
    let catalog = RegionCatalog.jiangxi

    @Test func tableGivesImportOnlyToOfficialsAndAdmins() {
        #expect(AccessPolicy.roles(with: .importData) == [.admin, .provinceOfficial, .cityOfficial, .countyOfficial, .zoneManager])
        #expect(AccessPolicy.roles(with: .manageUsers) == [.admin])
        #expect(AccessPolicy.roles(with: .createAccounts) == [.admin, .provinceOfficial, .cityOfficial, .countyOfficial, .zoneManager])
        #expect(!AccessPolicy.allows(.provider, .readIndicators))
        #expect(Role.allCases.allSatisfy { AccessPolicy.allows($0, .readCatalog) })
    }

    @Test func scopesResolveToRows() {
        let city = Principal(username: "a", role: .cityOfficial, scope: "360100").enterpriseScope(in: catalog)
        #expect(city.admits(uscc: "x", region: "360121", zone: nil))
        #expect(!city.admits(uscc: "x", region: "360681", zone: nil))
        let zone = Principal(username: "z", role: .zoneManager, scope: "Z360001").enterpriseScope(in: catalog)
        #expect(zone.admits(uscc: "x", region: "360425", zone: "Z360001"))
        #expect(!zone.admits(uscc: "x", region: "360425", zone: nil))
        let firm = Principal(username: "e", role: .enterprise, scope: "91360681MA00000000").enterpriseScope(in: catalog)
        #expect(firm.admits(uscc: "91360681MA00000000", region: "360681", zone: nil))
        #expect(!firm.admits(uscc: "91360681MA00000001", region: "360681", zone: nil))
        #expect(Principal(username: "p", role: .provider, scope: nil).indicatorScope(in: catalog) == .nothing)
    }

    @Test func scopeMustFitTheRole() {
        func check(_ r: Role, _ s: String?) -> Bool {
            if case .success = ScopeValidator.validate(role: r, scope: s, catalog: catalog) { return true }
            return false
        }
        #expect(check(.cityOfficial, "360100"))
        #expect(!check(.cityOfficial, "360121"))
        #expect(!check(.cityOfficial, nil))
        #expect(check(.countyOfficial, "360121"))
        #expect(check(.zoneManager, "Z360101"))
        #expect(!check(.zoneManager, "360100"))
        #expect(check(.provinceOfficial, nil))
        #expect(!check(.admin, "360100"))
        #expect(!check(.enterprise, "not-a-code"))
    }

    @Test func passwordRule() {
        #expect(Passwords.weakness("short") != nil)
        #expect(Passwords.weakness("alllowercaseletters") != nil)
        #expect(Passwords.weakness("Good#Password1") == nil)
        #expect(Passwords.weakness(Passwords.generate()) == nil)
    }
}

@Suite struct AccountTests {
    @Test func addAndLogin() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-sec-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        let accounts = Accounts(store: store, catalog: .jiangxi)
        _ = try await accounts.add(username: "nc", password: "Nanchang#2026", role: .cityOfficial, scope: "360100", cost: 4)
        #expect(try await accounts.login(username: "nc", password: "Nanchang#2026").principal.scope == "360100")
        await #expect(throws: Accounts.Problem.self) { try await accounts.login(username: "nc", password: "wrong") }
        await #expect(throws: Accounts.Problem.self) { try await accounts.login(username: "nobody", password: "Nanchang#2026") }
        await #expect(throws: Accounts.Problem.self) {
            try await accounts.add(username: "nc", password: "Nanchang#2026", role: .cityOfficial, scope: "360100", cost: 4)
        }
        await #expect(throws: Accounts.Problem.self) {
            try await accounts.add(username: "firm", password: "Firm#20262026", role: .enterprise, scope: CreditCode.make(region: "360100", body: "AAAAAAAA")!.value, cost: 4)
        }
        await store.close()
    }
}

/// Finding 1 of the hardening issue: a flood of refused requests followed by one more after the window crashed the
/// process (samples were capped at 50 but times were not, so pruning emptied samples first).
@Suite struct MonitorFloodTests {
    /// Runs `body` with a monitor over a fresh store, closing the store afterwards.
    func withMonitor(window: Double = 300, _ body: (SecurityMonitor) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-monitor-\(UUID().uuidString)").path
        var t = SecurityMonitor.Thresholds()
        t.window = window
        let store = try await Store.openSQLite(path: dir + "/m.sqlite")
        do { try await body(SecurityMonitor(store: store, thresholds: t)) } catch { await store.close(); throw error }
        await store.close()
    }

    /// The audit middleware skips `observe` when `counts` says no: such a call must never track anything.
    @Test func whatCountsSaysIsSkippedWouldHaveCountedNothing() async throws {
        try await withMonitor { m in
            for outcome in ["ok", "denied", "rejected", "failed"] {
                for sensitive in [false, true] {
                    for (k, action) in ["login", "GET /api/v1/enterprises/{uscc}"].enumerated() {
                        let before = m.trackedKeys
                        await m.observe(actor: "a-\(outcome)-\(sensitive)-\(k)", source: "10.1.\(k).\(sensitive ? 1 : 2)\(outcome.count)", action: action, target: "/x", outcome: outcome,
                                        sensitiveRead: sensitive)
                        let counted = m.trackedKeys > before
                        #expect(counted == SecurityMonitor.counts(outcome: outcome, sensitiveRead: sensitive), "\(outcome) \(sensitive) \(action)")
                    }
                }
            }
        }
    }

    @Test func floodOfBadTokensThenOneAfterTheWindowDoesNotCrash() async throws {
        try await withMonitor { m in
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        for k in 0..<60 {
            await m.observe(actor: "anonymous", source: "10.0.0.9", action: "GET /api/v1/chains", target: "/api/v1/chains", outcome: "denied",
                            sensitiveRead: false, now: t0.addingTimeInterval(Double(k) / 10))
        }
        // Past the 5-minute window: every time is pruned; before the fix the samples ran out first and the process trapped.
        await m.observe(actor: "anonymous", source: "10.0.0.9", action: "GET /api/v1/chains", target: "/api/v1/chains", outcome: "denied",
                        sensitiveRead: false, now: t0.addingTimeInterval(400))
        let events = try await m.events()
        let storms = events.filter { $0.kind == "access_denied_storm" }
        // One event per subject (the actor, then the address) in the first window; nothing yet in the second.
        #expect(storms.filter { $0.summary.contains("actor:anonymous") }.count == 1)
        #expect(storms.filter { $0.summary.contains("source:10.0.0.9") }.count == 1)
        #expect(storms.count == 2)
        }
    }

    @Test func countsAndSamplesStayWithinTheWindow() async throws {
        try await withMonitor(window: 10) { m in
        let t0 = 1_800_000_000.0
        for k in 0..<500 { _ = m.count("k", sample: "s\(k)", window: 10, threshold: 1_000_000, now: t0 + Double(k) / 100) }
        // 500 occurrences within 5 s: all counted, at most 50 samples kept.
        let r = m.count("k", sample: "last", window: 10, threshold: 1, now: t0 + 5)
        #expect(r?.0 == 501)
        #expect(r?.1.last == "last")
        // 20 s later only the new one is in the window.
        let later = m.count("k", sample: "new", window: 10, threshold: 1, now: t0 + 25)
        #expect(later?.0 == 1)
        #expect(later?.1 == ["new"])
        }
    }

    @Test func arbitraryActorsDoNotGrowMemoryForever() async throws {
        try await withMonitor(window: 1) { m in
        let t0 = 1_800_000_000.0
        for k in 0..<(SecurityMonitor.sweepEvery * 2) { _ = m.count("denied:actor:x\(k)", sample: "", window: 1, threshold: 1_000_000, now: t0 + Double(k)) }
        #expect(m.trackedKeys < SecurityMonitor.sweepEvery, "stale keys are swept")
        }
    }

    @Test func windowComesFromTheEnvironment() {
        #expect(SecurityMonitor.Thresholds.fromEnvironment(["BRAIN_MONITOR_WINDOW": "3"]).window == 3)
        #expect(SecurityMonitor.Thresholds.fromEnvironment(["BRAIN_MONITOR_WINDOW": "nan"]).window == 300)
        #expect(SecurityMonitor.Thresholds.fromEnvironment([:]).window == 300)
    }
}
