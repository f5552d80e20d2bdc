import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainWeb

/// Accounts at province scale over HTTP and the portal: one account, an account file, the forced first password
/// change, the account page; and `brain user import` / `brain user add` as an operator runs them.
@Suite struct AccountAPITests {
    static func json(_ o: Any) throws -> Data { try JSONSerialization.data(withJSONObject: o) }

    @Test func createImportAndTheForcedPasswordChange() async throws {
        let s = try await TestServer.start()
        let nanchang = try await s.login("nanchang", "Nanchang#2026")
        let firmScope = try #require(try await s.services.store.user("firm")?.scope)

        // One account: a 南昌 county official with a contact; the initial password comes back once.
        let created = try await s.request("POST", "/api/v1/users", token: nanchang,
                                          body: try Self.json(["username": "api-county", "name": "李四", "role": "county-official", "scope": "360121", "contact": "13912345678"]))
        #expect(created.status == 201, "\(created.errorMessage)")
        let initial = try #require(created.object["initialPassword"] as? String)
        #expect(created.object["mustChangePassword"] as? Bool == true)
        // Refusals: an administrator, another city's county, a firm user creating anyone; a taken name; a bad field.
        for (body, status, code) in [(["username": "api-admin", "role": "admin"], 403, "forbidden"),
                                     (["username": "api-yc", "role": "county-official", "scope": "360902"], 403, "forbidden"),
                                     (["username": "api-county", "role": "county-official", "scope": "360121"], 409, "username_taken"),
                                     (["username": "api-x", "role": "county-official", "scope": "360121", "contact": "call me"], 400, "bad_parameter")] as [([String: String], Int, String)] {
            let r = try await s.request("POST", "/api/v1/users", token: nanchang, body: try Self.json(body))
            #expect(r.status == status && r.errorCode == code, "\(body): \(r.status) \(r.errorMessage)")
        }
        let firmToken = try await s.login("firm", "Firm#20262026")
        #expect(try await s.request("POST", "/api/v1/users", token: firmToken, body: try Self.json(["username": "q", "role": "enterprise", "scope": firmScope])).status == 403)
        let ledger = try await s.services.ledger.entries(actor: "nanchang")
        #expect(ledger.contains { $0.action == "user create" && $0.outcome == "ok" && $0.target == "user:api-county" })
        #expect(ledger.contains { $0.action == "user create" && $0.outcome == "denied" && $0.target == "user:api-admin" })
        #expect(!ledger.contains { $0.detail.contains("13912345678") || $0.detail.contains(initial) })

        // The first login: only the password change; every other route answers 403 password_change_required.
        let login = try await s.request("POST", "/api/v1/auth/login", body: try Self.json(["username": "api-county", "password": initial]))
        #expect(login.status == 200 && login.object["passwordChangeRequired"] as? Bool == true)
        let limited = try #require(login.object["token"] as? String)
        let blocked = try await s.get("/api/v1/monitor/overview", token: limited)
        #expect(blocked.status == 403 && blocked.errorCode == "password_change_required", "\(blocked.errorMessage)")
        #expect(try await s.get("/api/v1/me", token: limited).status == 200)
        let change = try await s.request("POST", "/api/v1/me/password", token: limited,
                                         body: try Self.json(["currentPassword": initial, "newPassword": "Chosen#County2026"]))
        #expect(change.status == 200, "\(change.errorMessage)")
        #expect(try await s.get("/api/v1/me", token: limited).status == 401, "the limited session ends with the change")
        let full = try await s.request("POST", "/api/v1/auth/login", body: try Self.json(["username": "api-county", "password": "Chosen#County2026"]))
        #expect(full.object["passwordChangeRequired"] as? Bool == false)
        #expect(try await s.get("/api/v1/monitor/overview", token: try #require(full.object["token"] as? String)).status == 200)

        // An administrator's reset: a new one-time password, the sessions end, the next login is limited again.
        let admin = try await s.login("admin", "Admin#20262026")
        let fullToken = try #require(full.object["token"] as? String)
        #expect(try await s.request("POST", "/api/v1/users/api-county/reset-password", token: nanchang).status == 403)
        #expect(try await s.request("POST", "/api/v1/users/nobody-here/reset-password", token: admin).status == 404)
        let reset = try await s.request("POST", "/api/v1/users/api-county/reset-password", token: admin)
        #expect(reset.status == 200 && reset.object["sessionsEnded"] as? Int == 1, "\(reset.errorMessage)")
        #expect(try await s.get("/api/v1/me", token: fullToken).status == 401)
        let again = try await s.request("POST", "/api/v1/auth/login", body: try Self.json(["username": "api-county", "password": try #require(reset.object["initialPassword"] as? String)]))
        #expect(again.object["passwordChangeRequired"] as? Bool == true)

        // An account file: good rows kept, bad rows named with field and reason, passwords once (also as CSV text).
        let csv = "username,name,role,scope,contact\nbulk-1,甲,county-official,360121,\nbulk-2,乙,enterprise,\(firmScope),a@b.cn\nbulk-1,丙,county-official,360121,\nbulk-3,丁,admin,,\n"
        let bulk = try await s.request("POST", "/api/v1/users/import", token: nanchang, body: Data(csv.utf8), contentType: "text/csv")
        #expect(bulk.status == 200, "\(bulk.errorMessage)")
        #expect(bulk.object["created"] as? Int == 2 && bulk.object["rejected"] as? Int == 2)
        let rows = try #require(bulk.object["results"] as? [[String: Any]])
        #expect(rows.first { $0["row"] as? Int == 4 }?["field"] as? String == "username")
        #expect(rows.first { $0["row"] as? Int == 5 }?["field"] as? String == "role")
        #expect((bulk.object["passwordsCSV"] as? String)?.contains("bulk-2,乙,enterprise") == true)
        #expect(try await s.request("POST", "/api/v1/users/import", token: firmToken, body: Data(csv.utf8), contentType: "text/csv").status == 403)

        // The portal: the page lists the city's accounts, creates one and shows its password once, takes a file.
        let portal = PortalClient(base: s.base)
        #expect(try await portal.login("nanchang", "Nanchang#2026").status == 303)
        let page = try await portal.get("/accounts")
        #expect(page.status == 200 && page.html.contains("账号管理") && page.html.contains("api-county") && !page.html.contains(">yichun<"))
        let token = try #require(page.csrf)
        let one = try await portal.post("/accounts", ["_csrf": token, "username": "portal-county", "name": "王五", "role": "county-official", "scope": "360121"])
        #expect(one.status == 200 && one.html.contains("初始密码") && one.html.contains("id=\"initial-password\""), "\(one.status)")
        let portalInitial = try #require(one.html.range(of: "<code id=\"initial-password\">").map { String(one.html[$0.upperBound...].prefix { $0 != "<" }) })
        let upload = try await portal.upload("/accounts/import", fields: ["_csrf": token],
                                             file: ("file", "a.csv", Data("用户名,姓名,角色,范围\nportal-bulk,赵六,county-official,360121\nportal-bad,钱七,county-official,360902\n".utf8)))
        #expect(upload.status == 200 && upload.html.contains("下载初始密码") && upload.html.contains("portal-bulk") && upload.html.contains("outside your scope"))
        // A role above the caller's is refused on the page too, with the reason.
        let refused = try await portal.post("/accounts", ["_csrf": token, "username": "portal-admin", "role": "admin"])
        #expect(refused.status == 403 && refused.html.contains("未创建"))

        // The portal's forced change: every page leads to the change-password page; after it, a fresh sign-in.
        let newcomer = PortalClient(base: s.base)
        let first = try await newcomer.login("portal-county", portalInitial)
        #expect(first.status == 303 && first.headers["location"] == "/password", "\(first.status) \(first.headers)")
        let home = try await newcomer.get("/dashboard")
        #expect(home.status == 303 && home.headers["location"] == "/password")
        let form = try await newcomer.get("/password")
        #expect(form.status == 200 && form.html.contains("修改密码"))
        let changed = try await newcomer.post("/password", ["_csrf": try #require(form.csrf), "current": portalInitial, "new": "Portal#County2026", "again": "Portal#County2026"])
        #expect(changed.status == 200 && changed.html.contains("密码已修改"), "\(changed.html.prefix(400))")
        #expect(try await newcomer.login("portal-county", "Portal#County2026").headers["location"] == "/")
        await s.stop()
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CommandTests.binary)))
    func theCommandImportsAccountsAndWritesThePasswords() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("brain-cli-acc-\(UUID().uuidString)").path
        let cli = CommandTests()
        // `brain user add` forces the first change unless told not to.
        #expect(try cli.brain(["user", "add", "forced", "--role", "expert", "--password-stdin", "--data", data], input: "Strong#Pass2026\n").status == 0)
        #expect(try cli.brain(["user", "add", "free", "--role", "expert", "--password-stdin", "--no-force-change", "--data", data], input: "Strong#Pass2026\n").status == 0)
        let csv = data + "/accounts.csv"
        try "用户名,姓名,角色,范围,联系方式\ncli-a,甲,county-official,360121,13800000000\ncli-b,乙,province-official,360000,\ncli-a,丙,expert,,\nforced,丁,expert,,\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let out = data + "/passwords.csv"
        let run = try cli.brain(["user", "import", csv, "--passwords", out, "--data", data])
        #expect(run.status == 3, "\(run.out)\(run.err)")
        #expect(run.out.contains("row 2\tcreated\tcli-a") && run.out.contains("row 3\tcreated\tcli-b"), "\(run.out)")
        #expect(run.out.contains("row 4\trejected\tcli-a\tusername") && run.out.contains("row 5\trejected\tforced\tusername"), "\(run.out)")
        #expect(!run.out.contains("13800000000"))
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.hasPrefix("username,name,role,scope,initialPassword") && written.contains("cli-b,乙,province-official,360000,"))
        // A second run refuses to overwrite the password file.
        #expect(try cli.brain(["user", "import", csv, "--passwords", out, "--data", data]).status != 0)
        let store = try await Store.openSQLite(path: data + "/brain.sqlite")
        #expect(try await store.accountProfile("forced")?.mustChangePassword == true)
        #expect(try await store.accountProfile("free")?.mustChangePassword == false)
        #expect(try await store.accountProfile("cli-a")?.contact?.hasPrefix("enc:v1:") == true)
        await store.close()
    }
}
