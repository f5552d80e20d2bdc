import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainSecurity

@Suite struct TOTPTests {
    @Test func rfc6238VectorsAndBase32() {
        // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", 8 digits.
        let seed = Array("12345678901234567890".utf8)
        for (t, expected) in [(59.0, "94287082"), (1_111_111_109, "07081804"), (1_234_567_890, "89005924"), (2_000_000_000, "69279037")] {
            #expect(TOTP.code(secret: seed, counter: TOTP.counter(at: Date(timeIntervalSince1970: t)), digits: 8) == expected)
        }
        #expect(TOTP.code(secret: seed, at: Date(timeIntervalSince1970: 59)) == "287082")
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("MZXW6YTBOI") == Array("foobar".utf8))
        let s = TOTP.newSecret()
        #expect(Base32.decode(Base32.encode(s)) == s)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let code = TOTP.code(secret: s, at: now)
        #expect(TOTP.matchingStep(code, secret: s, at: now) == TOTP.counter(at: now))
        #expect(TOTP.matchingStep(code, secret: s, at: now.addingTimeInterval(29)) != nil)
        #expect(TOTP.matchingStep(code, secret: s, at: now.addingTimeInterval(120)) == nil)
        #expect(TOTP.matchingStep("12345", secret: s, at: now) == nil)
        #expect(TOTP.uri(secret: s, account: "nc").hasPrefix("otpauth://totp/"))
    }

    @Test func fieldCipherRoundTripsAndRotates() throws {
        let old = FieldCipher(current: Array(repeating: 1, count: 32))
        let sealed = try old.encrypt("13800138000")
        #expect(FieldCipher.isEncrypted(sealed) && !sealed.contains("13800138000"))
        #expect(try old.decrypt(sealed) == "13800138000")
        let rotated = FieldCipher(current: Array(repeating: 2, count: 32), old: [Array(repeating: 1, count: 32)])
        #expect(try rotated.decrypt(sealed) == "13800138000")
        #expect(rotated.needsRotation(sealed))
        #expect(!rotated.needsRotation(try rotated.encrypt("x")))
        #expect(throws: FieldCipher.Problem.self) { try FieldCipher(current: Array(repeating: 3, count: 32)).decrypt(sealed) }
        var tampered = Array(sealed)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == "A" ? "B" : "A"
        #expect(throws: (any Error).self) { try old.decrypt(String(tampered)) }
        // A key file is created once with mode 0600 and read back.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-key-\(UUID().uuidString)").path
        let a = try FieldCipher.load(dataDirectory: dir, environment: [:])
        let b = try FieldCipher.load(dataDirectory: dir, environment: [:])
        #expect(a.currentID == b.currentID)
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/keys/data.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: FieldCipher.Problem.self) { try FieldCipher.load(dataDirectory: dir, environment: ["BRAIN_DATA_KEY": "short"]) }
    }
}

@Suite struct IdentityTests {
    /// Runs `body` with fresh accounts over a new store, closing the store however `body` ends.
    func withAccounts(_ policy: MFAPolicy, _ body: (Accounts) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-id-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        let a = Accounts(store: store, catalog: .jiangxi, cipher: FieldCipher(current: Array(repeating: 9, count: 32)), mfaPolicy: policy)
        do {
            _ = try await a.add(username: "nc", password: "Nanchang#2026", role: .cityOfficial, scope: "360100", cost: 4)
            try await body(a)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    @Test func sixWrongPasswordsLockTheAccount() async throws {
        try await withAccounts(.optional) { a in
        let now = Date()
        for k in 1...6 {
            do {
                _ = try await a.login(username: "nc", password: "Wrong#Pass\(k)", now: now)
                Issue.record("a wrong password was accepted")
            } catch let e as Accounts.Problem {
                #expect(e.code == (k >= 5 ? "account_locked" : "unauthorized"), "attempt \(k): \(e)")
            }
        }
        // Locked: even the right password is refused, until 15 minutes have passed.
        await #expect(throws: Accounts.Problem.self) { try await a.login(username: "nc", password: "Nanchang#2026", now: now.addingTimeInterval(60)) }
        #expect(try await a.login(username: "nc", password: "Nanchang#2026", now: now.addingTimeInterval(16 * 60)).principal.username == "nc")
        // A success clears the count.
        #expect(try await a.store.userSecurity("nc")?.failedLogins == 0)
        }
    }

    @Test func passwordsAreNotReused() async throws {
        try await withAccounts(.optional) { a in
        let passwords = (1...5).map { "Rotation#2026-\($0)" }
        var current = "Nanchang#2026"
        for p in passwords {
            try await a.changePassword("nc", current: current, new: p, cost: 4)
            current = p
        }
        // The last five (including the current one) are refused; the sixth-last is allowed again.
        for p in passwords { await #expect(throws: Accounts.Problem.self) { try await a.changePassword("nc", current: current, new: p, cost: 4) } }
        try await a.changePassword("nc", current: current, new: "Nanchang#2026", cost: 4)
        await #expect(throws: Accounts.Problem.self) { try await a.changePassword("nc", current: "Nanchang#2026", new: "weak", cost: 4) }
        await #expect(throws: Accounts.Problem.self) { try await a.changePassword("nc", current: "not-it", new: "Another#Pass99", cost: 4) }
        }
    }

    @Test func officialsMustEnrolAndThenUseTheSecondFactor() async throws {
        try await withAccounts(.required) { a in
        let first = try await a.login(username: "nc", password: "Nanchang#2026")
        #expect(first.enrolmentRequired)
        let (secret, uri) = try await a.startEnrolment("nc")
        #expect(uri.contains(secret))
        // The secret is stored encrypted.
        #expect(FieldCipher.isEncrypted(try await a.store.userSecurity("nc")?.mfaSecret ?? ""))
        let key = try #require(Base32.decode(secret))
        let t0 = Date()
        await #expect(throws: Accounts.Problem.self) { try await a.confirmEnrolment("nc", code: "000000", now: t0) }
        let recovery = try await a.confirmEnrolment("nc", code: TOTP.code(secret: key, at: t0), now: t0)
        #expect(recovery.count == 10)
        // Without the code: refused with mfa_required; with a fresh code: in, with both factors.
        do {
            _ = try await a.login(username: "nc", password: "Nanchang#2026")
            Issue.record("logged in without the second factor")
        } catch let e as Accounts.Problem { #expect(e.code == "mfa_required") }
        let t1 = t0.addingTimeInterval(30)
        let ok = try await a.login(username: "nc", password: "Nanchang#2026", secondFactor: TOTP.code(secret: key, at: t1), now: t1)
        #expect(ok.factors == "password+totp" && !ok.enrolmentRequired)
        // The same code cannot be used twice; a recovery code works once.
        await #expect(throws: Accounts.Problem.self) { try await a.login(username: "nc", password: "Nanchang#2026", secondFactor: TOTP.code(secret: key, at: t1), now: t1) }
        #expect(try await a.login(username: "nc", password: "Nanchang#2026", secondFactor: recovery[0]).factors == "password+recovery")
        await #expect(throws: Accounts.Problem.self) { try await a.login(username: "nc", password: "Nanchang#2026", secondFactor: recovery[0]) }
        }
    }
}

@Suite struct SecurityMonitorTests {
    @Test func burstsStormsAndBulkReadsRaiseOneEventPerWindow() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-sm-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        var t = SecurityMonitor.Thresholds()
        t.failedLoginsPerAddress = 3
        t.deniedPerSubject = 4
        t.sensitiveReadsPerUser = 5
        let m = SecurityMonitor(store: store, thresholds: t)
        let now = Date()
        for k in 0..<7 { await m.observe(actor: "x\(k)", source: "10.0.0.9", action: "login", target: "user:x\(k)", outcome: "denied", sensitiveRead: false, now: now) }
        for k in 0..<4 { await m.observe(actor: "nc", source: "10.0.0.2", action: "GET /api/v1/enterprises/{uscc}", target: "/e/\(k)", outcome: "denied", sensitiveRead: true, now: now) }
        for k in 0..<6 { await m.observe(actor: "reader", source: "10.0.0.3", action: "GET /api/v1/enterprises/{uscc}", target: "/e/\(k)", outcome: "ok", sensitiveRead: true, now: now) }
        // A read that is not sensitive counts for nothing.
        for _ in 0..<10 { await m.observe(actor: "stats", source: "10.0.0.4", action: "GET /api/v1/monitor/overview", target: "/m", outcome: "ok", sensitiveRead: false, now: now) }
        let events = try await m.events()
        #expect(events.filter { $0.kind == "login_burst" }.count == 1)
        #expect(events.first { $0.kind == "login_burst" }?.source == "10.0.0.9")
        #expect(events.filter { $0.kind == "access_denied_storm" }.count == 1)
        #expect(events.filter { $0.kind == "bulk_read" && $0.actor == "reader" }.count == 1)
        #expect(!events.contains { $0.actor == "stats" })
        let e = try #require(events.first)
        #expect(e.trace["count"] != nil && e.trace["samples"] != nil)
        let acked = try await m.acknowledge(e.id, by: "secadmin")
        #expect(acked?.state == "acknowledged" && acked?.handledBy == "secadmin")
        #expect(try await m.events(state: "open").count == events.count - 1)
        await store.close()
    }
}
