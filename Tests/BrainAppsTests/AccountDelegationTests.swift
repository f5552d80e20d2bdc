import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// Delegated account administration (issue 13 item 8): who may create which account, the initial password, the
/// encrypted contact, the ledger, the account file and the forced password change.
@Suite struct AccountDelegationTests {
    static let nanchang = Principal(username: "nc-official", role: .cityOfficial, scope: "360100")
    static let admin = Principal(username: "root", role: .admin, scope: nil)
    static let origin = AdminOrigin(source: "test", via: "test")

    /// A store with one firm in 南昌县 (360121) and one in 袁州区 (360902, 宜春), and the desk over it.
    static func desk() async throws -> (AccountDesk, SmallWorld) {
        let world = try await SmallWorld.make([SmallWorld.Firm(n: 1, region: "360121"), SmallWorld.Firm(n: 2, region: "360902")], months: 1)
        let accounts = Accounts(store: world.store, catalog: .jiangxi, cipher: FieldCipher(current: Array(repeating: 9, count: 32)), mfaPolicy: .optional)
        return (AccountDesk(store: world.store, accounts: accounts, monitor: SecurityMonitor(store: world.store), mfaPolicy: .optional), world)
    }

    static func refusal(_ body: () async throws -> Void) async -> AppError? {
        do { try await body(); return nil } catch let e as AppError { return e } catch { return nil }
    }

    @Test func aCityOfficialCreatesCountyOfficialsOfItsCityOnly() async throws {
        let (desk, world) = try await Self.desk()
        let created = try await desk.create(NewAccount(username: "nc-county", name: "张三", role: "county-official", scope: "360121", contact: "13800138000"),
                                            by: Self.nanchang, origin: Self.origin)
        #expect(created.scope == "360121" && created.mustChangePassword)
        let initial = try #require(created.initialPassword)
        #expect(Passwords.weakness(initial) == nil && initial.count == 16)
        // The contact is stored encrypted and read back only through the cipher.
        let profile = try #require(try await world.store.accountProfile("nc-county"))
        #expect(profile.contact?.hasPrefix("enc:v1:") == true && profile.contact?.contains("13800138000") == false)
        #expect(try await desk.accounts.contact(of: "nc-county") == "13800138000")
        #expect(profile.displayName == "张三" && profile.createdBy == "nc-official" && profile.mustChangePassword)

        // Another city's county, an administrator, a province official, another city official: refused, and audited.
        let outside = await Self.refusal { _ = try await desk.create(NewAccount(username: "yc-county", role: "county-official", scope: "360902"), by: Self.nanchang, origin: Self.origin) }
        #expect(outside?.kind == .forbidden && outside?.message.contains("outside your scope") == true)
        for (name, role, scope) in [("x-admin", "admin", nil), ("x-province", "province-official", "360000"), ("x-city", "city-official", "360100"),
                                    ("x-expert", "expert", nil)] as [(String, String, String?)] {
            let e = await Self.refusal { _ = try await desk.create(NewAccount(username: name, role: role, scope: scope), by: Self.nanchang, origin: Self.origin) }
            #expect(e?.kind == .forbidden, "\(role)")
            #expect(try await world.store.user(name) == nil)
        }
        let entries = try await AuditLedger(store: world.store).entries(actor: "nc-official")
        #expect(entries.filter { $0.action == "user create" && $0.outcome == "ok" }.count == 1)
        #expect(entries.filter { $0.action == "user create" && $0.outcome == "denied" }.count == 5)
        #expect(!entries.contains { $0.detail.contains("13800138000") || $0.detail.contains(initial) }, "no contact or password in the ledger")
        // A taken name is a conflict; an administrator may create any role.
        let taken = await Self.refusal { _ = try await desk.create(NewAccount(username: "nc-county", role: "county-official", scope: "360121"), by: Self.nanchang, origin: Self.origin) }
        #expect(taken?.kind == .conflict)
        let province = try await desk.create(NewAccount(username: "pv", role: "province-official", scope: "360000", password: "Given#Pass2026"), by: Self.admin, origin: Self.origin)
        #expect(province.initialPassword == nil, "a given password is not echoed")
    }

    @Test func enterpriseAccountsOnlyForFirmsInTheCreatorsScope() async throws {
        let (desk, _) = try await Self.desk()
        let inCity = SmallWorld.code(1), elsewhere = SmallWorld.code(2)
        #expect(try await desk.create(NewAccount(username: "firm-1", role: "enterprise", scope: inCity), by: Self.nanchang, origin: Self.origin).scope == inCity)
        let out = await Self.refusal { _ = try await desk.create(NewAccount(username: "firm-2", role: "enterprise", scope: elsewhere), by: Self.nanchang, origin: Self.origin) }
        #expect(out?.kind == .forbidden && out?.message.contains("not registered in your scope") == true)
        let unknown = CreditCode.make(region: "360121", body: "Q0000001")!.value
        let missing = await Self.refusal { _ = try await desk.create(NewAccount(username: "firm-3", role: "enterprise", scope: unknown), by: Self.nanchang, origin: Self.origin) }
        #expect(missing?.kind == .badParameter && missing?.parameter == "scope")
        // A county official: enterprise users of its county, nothing else.
        let county = Principal(username: "cty", role: .countyOfficial, scope: "360121")
        #expect(try await desk.create(NewAccount(username: "firm-1b", role: "enterprise", scope: inCity), by: county, origin: Self.origin).role == "enterprise")
        let peer = await Self.refusal { _ = try await desk.create(NewAccount(username: "cty2", role: "county-official", scope: "360121"), by: county, origin: Self.origin) }
        #expect(peer?.kind == .forbidden)
        // The list within scope: the city official sees its county official and firm users, not the 宜春 ones.
        _ = try await desk.create(NewAccount(username: "firm-2", role: "enterprise", scope: elsewhere), by: Self.admin, origin: Self.origin)
        let listed = Set(try await desk.accountsInScope(by: Self.nanchang, catalog: .jiangxi).map(\.username))
        #expect(listed == ["firm-1", "firm-1b"])
        // An enterprise user may not create accounts at all.
        let firmUser = Principal(username: "firm-1", role: .enterprise, scope: inCity)
        #expect(await Self.refusal { _ = try await desk.create(NewAccount(username: "z", role: "enterprise", scope: inCity), by: firmUser, origin: Self.origin) }?.kind == .forbidden)
    }

    @Test func anAccountFileIsCreatedRowByRow() async throws {
        let (desk, world) = try await Self.desk()
        _ = try await desk.create(NewAccount(username: "taken", role: "expert"), by: Self.admin, origin: Self.origin)
        let csv = """
        \u{FEFF}用户名,姓名,角色,范围,联系方式
        nc-a,甲,county-official,360121,13900000001
        nc-b,乙,企业用户,\(SmallWorld.code(1)),b@example.cn
        nc-a,丙,county-official,360121,
        taken,丁,county-official,360121,
        yc-c,戊,county-official,360902,
        bad-role,己,mayor,360121,
        nc-d,庚,county-official,360121,not-a-phone

        """
        let result = try await desk.importAccounts(Data(csv.utf8), by: Self.nanchang, origin: Self.origin)
        #expect(result.rows == 7 && result.created == 2 && result.rejected == 5)
        let byRow = Dictionary(uniqueKeysWithValues: result.results.map { ($0.row, $0) })
        #expect(byRow[2]?.outcome == "created" && byRow[3]?.outcome == "created" && byRow[3]?.role == "enterprise")
        #expect(byRow[4]?.field == "username" && byRow[4]?.reason?.contains("row 2") == true)
        #expect(byRow[5]?.field == "username" && byRow[5]?.reason?.contains("already exists") == true)
        #expect(byRow[6]?.field == "scope" && byRow[6]?.reason?.contains("outside your scope") == true)
        #expect(byRow[7]?.field == "role")
        #expect(byRow[8]?.field == "contact")
        let lines = result.passwordsCSV.split(separator: "\r\n")
        #expect(lines.count == 3 && lines[0] == "username,name,role,scope,initialPassword" && lines[1].hasPrefix("nc-a,甲,county-official,360121,"))
        #expect(try await world.store.user("nc-a") != nil)
        #expect(try await world.store.user("yc-c") == nil)
        let ledger = try await AuditLedger(store: world.store).entries(actor: "nc-official")
        #expect(ledger.filter { $0.action == "user create" }.count == 7)
        // A file without the role column is refused whole.
        let noRole = await Self.refusal { _ = try await desk.importAccounts(Data("username,name\nx,y\n".utf8), by: Self.nanchang, origin: Self.origin) }
        #expect(noRole?.parameter == "header")
    }

    @Test func theFirstLoginMustChangeThePasswordAndAResetForcesItAgain() async throws {
        let (desk, world) = try await Self.desk()
        let created = try await desk.create(NewAccount(username: "newbie", role: "county-official", scope: "360121"), by: Self.nanchang, origin: Self.origin)
        let initial = try #require(created.initialPassword)
        let first = try await desk.accounts.login(username: "newbie", password: initial)
        #expect(first.passwordChangeRequired && !first.enrolmentRequired)
        try await desk.accounts.changePassword("newbie", current: initial, new: "Chosen#Pass2026", cost: 4)
        #expect(try await world.store.accountProfile("newbie")?.mustChangePassword == false)
        #expect(try await desk.accounts.login(username: "newbie", password: "Chosen#Pass2026").passwordChangeRequired == false)
        try await desk.accounts.setPassword("newbie", "Reset#Pass20261", cost: 4)
        #expect(try await desk.accounts.login(username: "newbie", password: "Reset#Pass20261").passwordChangeRequired)
        try await desk.accounts.setPassword("newbie", "Reset#Pass20262", forceChange: false, cost: 4)
        #expect(try await desk.accounts.login(username: "newbie", password: "Reset#Pass20262").passwordChangeRequired == false)
    }
}
