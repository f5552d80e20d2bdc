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
