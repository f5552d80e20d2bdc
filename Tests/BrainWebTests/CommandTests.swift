import BrainStore
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `brain` command as an operator runs it: exit statuses and messages. Runs the debug binary `swift build` made.
@Suite(.serialized) struct CommandTests {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/brain").path

    struct Run { let status: Int32; let out: String; let err: String }

    func brain(_ args: [String], input: String? = nil) throws -> Run {
        let p = Process()
        p.environment = ProcessInfo.processInfo.environment.merging(["BRAIN_MFA": "optional", "BRAIN_ADMIN_PASSWORD": "Admin#Cli20262026"]) { _, new in new }
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CommandTests.binary)))
    func operatorsSeeStatusesAndReasons() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("brain-cli-\(UUID().uuidString)").path
        // A role that does not exist is refused with the roles that do.
        let badRole = try brain(["user", "add", "x", "--role", "mayor", "--password-stdin", "--data", data], input: "Strong#Pass2026\n")
        #expect(badRole.status != 0)
        #expect((badRole.out + badRole.err).contains("city-official"), "\(badRole.err)")
        // A weak password is refused and says why.
        let weak = try brain(["user", "add", "y", "--role", "admin", "--password-stdin", "--data", data], input: "short\n")
        #expect(weak.status != 0 && (weak.out + weak.err).contains("10 characters"), "\(weak.err)")
        // Seed, then import a file with one good and one bad row: exit status 3, the bad row named.
        #expect(try brain(["demo", "--scale", "small", "--data", data]).status == 0)
        let store = try await Store.openSQLite(path: data + "/brain.sqlite")
        let firm = try #require(try await store.enterprises({ var q = EnterpriseQuery(); q.limit = 1; return q }(), scope: .all).items.first)
        await store.close()
        let csv = data + "/ind.csv"
        try "uscc,month,output_value\n\(firm.uscc),2026-01,100\n\(firm.uscc),2026-02,1e308\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let imported = try brain(["import", "indicators", csv, "--data", data])
        #expect(imported.status == 3, "\(imported.out)\(imported.err)")
        #expect(imported.out.contains("row 3") && imported.out.contains("output_value"), "\(imported.out)")
        // The operator may move a firm; the move is in the ledger.
        let move = data + "/move.csv"
        let other = firm.region == "360102" ? "360103" : "360102"
        try "uscc,name,region,industry,employees,revenue\n\(firm.uscc),\(firm.name),\(other),\(firm.industry),\(firm.employees),\(firm.revenue)\n"
            .write(toFile: move, atomically: true, encoding: .utf8)
        #expect(try brain(["import", "enterprises", move, "--data", data]).status == 0)
        let log = try brain(["audit", "log", "--target", firm.uscc, "--data", data])
        #expect(log.out.contains("relocate enterprise"), "\(log.out)")
        // The ledger verifies; after an edit it does not, exit status 2, naming the entry.
        #expect(try brain(["audit", "verify", "--data", data]).status == 0)
        let tamper = try await Store.openSQLite(path: data + "/brain.sqlite")
        try await tamper.sql.raw("UPDATE audit_ledger SET actor = 'someone-else' WHERE seq = 2").run()
        await tamper.close()
        let verify = try brain(["audit", "verify", "--data", data])
        #expect(verify.status == 2, "\(verify.out)\(verify.err)")
        #expect((verify.out + verify.err).contains("entry 2 ") && (verify.out + verify.err).contains("a field was changed"), "\(verify.out)\(verify.err)")
    }

    /// `brain serve` starts on a database holding any value an import or a JSON body could once have written — written
    /// here straight into the tables — and answers the overview, policies and warnings.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CommandTests.binary)))
    func serveStartsOnAPoisonedDatabase() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("brain-poison-\(UUID().uuidString)").path
        #expect(try brain(["demo", "--scale", "small", "--data", data]).status == 0)
        let store = try await Store.openSQLite(path: data + "/brain.sqlite")
        let firm = try #require(try await store.enterprises({ var q = EnterpriseQuery(); q.limit = 1; return q }(), scope: .all).items.first)
        try await store.sql.raw("UPDATE indicators SET output_value = 1e308, revenue = 1e308, profit = -1e308, electricity = 1e-300 WHERE uscc = \(bind: firm.uscc)").run()
        try await store.sql.raw("UPDATE enterprises SET revenue = 1e308, employees = 2000000000 WHERE uscc = \(bind: firm.uscc)").run()
        try await store.saveAwards([PolicyAward(id: "A-POISON", policyId: "HNTE-REWARD", uscc: firm.uscc, route: "application", state: "paid",
                                                amount: 1e308, basis: "[]", history: [])])
        await store.close()
        let port = 18_600 + Int.random(in: 0..<300)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.binary)
        server.arguments = ["serve", "--data", data, "--port", String(port)]
        server.environment = ProcessInfo.processInfo.environment.merging(["BRAIN_MFA": "optional", "BRAIN_ADMIN_PASSWORD": "Admin#Cli20262026"]) { _, new in new }
        let log = Pipe()
        server.standardOutput = log
        server.standardError = log
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        var healthy = false
        for _ in 0..<120 where !healthy {
            try await Task.sleep(for: .milliseconds(250))
            if let (_, r) = try? await URLSession.shared.data(from: URL(string: base + "/healthz")!), (r as? HTTPURLResponse)?.statusCode == 200 { healthy = true }
        }
        #expect(healthy, "brain serve started on the poisoned database")
        var login = URLRequest(url: URL(string: base + "/api/v1/auth/login")!)
        login.httpMethod = "POST"
        login.httpBody = Data(#"{"username":"admin","password":"Admin#Cli20262026"}"#.utf8)
        let (body, _) = try await URLSession.shared.data(for: login)
        let token = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["token"] as? String)
        for path in ["/api/v1/monitor/overview", "/api/v1/policies", "/api/v1/warnings", "/api/v1/enterprises/\(firm.uscc)", "/api/v1/evaluation"] {
            var r = URLRequest(url: URL(string: base + path)!)
            r.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
            let (_, answer) = try await URLSession.shared.data(for: r)
            #expect((answer as? HTTPURLResponse)?.statusCode == 200, "\(path)")
        }
    }
}
