import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import BrainWeb

/// A new province from an empty folder (docs/adopt.md): a store set to Guangdong (44), the sample files of
/// `scripts/sample-province.py` imported over the API, then the overview by city, the chain analysis of the imported
/// chain (firms placed on links by their industry class), the warnings scan, and a Jiangxi row refused.
@Suite(.serialized) struct ProvinceAdoptionTests {
    /// A server over an empty store of province 44, with an administrator.
    static func guangdongServer() async throws -> (TestServerLite, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-gd-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        #expect(try await store.settleProvince(requested: "44") == "44")
        let catalog = try await ReferenceDesk.catalog(for: store, province: "44")
        let services = Services(store: store, catalog: catalog, signer: TokenSigner(secret: Data("test-secret-test-secret-test-sec".utf8)),
                                cubes: CubeHolder(try await CubeBuilder.build(from: store, catalog: catalog)),
                                networks: SupplyNetworkHolder(try await SupplyNetwork.load(from: store)),
                                cipher: FieldCipher(current: Array(repeating: 7, count: 32)), mfaPolicy: .optional,
                                rateLimits: RateLimits(perAddressPerMinute: 100_000, perUserPerMinute: 100_000, loginsPerAddressPerMinute: 10_000,
                                                       refusalsRecordedPerAddressPerMinute: 100_000))
        _ = try await services.accounts.add(username: "admin", password: "Admin#20262026", role: .admin, scope: nil, cost: 4)
        _ = try await services.accounts.add(username: "gd", password: "Guangdong#2026", role: .provinceOfficial, scope: "440000", cost: 4)
        let server = try await TestServerLite.start(services)
        return (server, try await server.login("admin", "Admin#20262026"))
    }

    /// Runs the sample script into a temporary folder.
    static func sampleFiles() throws -> URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("brain-gd-sample-\(UUID().uuidString)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", root.appendingPathComponent("scripts/sample-province.py").path, "--province", "44", "--out", out.path,
                       "--firms", "90", "--last-month", "2026-10", "--seed", "7"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "scripts/sample-province.py failed (python3 is needed)")
        return out
    }

    @Test func aNewProvinceFromAnEmptyFolder() async throws {
        let (s, admin) = try await Self.guangdongServer()
        defer { Task { await s.stop() } }
        let files = try Self.sampleFiles()
        func file(_ name: String) throws -> Data { try Data(contentsOf: files.appendingPathComponent(name)) }

        // Nothing at start: no chains, no zones, no policies.
        #expect((try await s.get("/api/v1/chains", token: admin).object["items"] as? [Any])?.isEmpty == true)

        // Chains: only administrators import them; a new version each time.
        let official = try await s.login("gd", "Guangdong#2026")
        #expect(try await s.request("POST", "/api/v1/reference/chains", token: official, body: try file("chains.csv"), contentType: "text/csv").status == 403)
        let imported = try await s.request("POST", "/api/v1/reference/chains", token: admin, body: try file("chains.csv"), contentType: "text/csv")
        #expect(imported.status == 201, "\(imported.errorMessage)")
        #expect(imported.object["version"] as? Int == 1 && imported.object["entries"] as? Int == 3 && imported.object["links"] as? Int == 12)
        let chains = try #require(try await s.get("/api/v1/chains", token: admin).object["items"] as? [[String: Any]])
        #expect(chains.compactMap { $0["code"] as? String } == ["EI", "NEV", "HA"])

        // A broken table is refused whole, naming row and column; the version in force stays.
        let broken = String(decoding: try file("chains.csv"), as: UTF8.self).replacingOccurrences(of: ",上游,", with: ",源头,")
        let refused = try await s.request("POST", "/api/v1/reference/chains", token: admin, body: Data(broken.utf8), contentType: "text/csv")
        #expect(refused.status == 400 && refused.errorCode == "bad_rows" && refused.errorMessage.contains("row 2, column stage \"源头\""))

        // Zones: none at start; the province's table, checked against its counties and chains.
        #expect((try await s.get("/api/v1/zones", token: admin).object["items"] as? [Any])?.isEmpty == true)
        let zones = try await s.request("POST", "/api/v1/reference/zones", token: admin, body: try file("zones.csv"), contentType: "text/csv")
        #expect(zones.status == 201 && zones.object["entries"] as? Int == 3, "\(zones.errorMessage)")
        let listed = try #require(try await s.get("/api/v1/zones", token: admin).object["items"] as? [[String: Any]])
        #expect(Set(listed.compactMap { $0["code"] as? String }) == ["Z440101", "Z440301", "Z440601"])
        #expect(try await s.get("/api/v1/reference/zones", token: admin).status == 200)

        // The register, with one Jiangxi firm slipped in: refused, naming its row and the province.
        var register = String(decoding: try file("enterprises.csv"), as: UTF8.self)
        let rows = register.split(whereSeparator: \.isNewline).count
        let jiangxiFirm = try #require(CreditCode.make(region: "360102", body: "JX000001"))
        register += "\(jiangxiFirm.value),南昌某电子有限公司,360102,3985,300,50000,,2010\n"
        let firms = try await s.request("POST", "/api/v1/imports/enterprises", token: admin, body: Data(register.utf8), contentType: "text/csv")
        #expect(firms.status == 200, "\(firms.errorMessage)")
        #expect(firms.object["rowsAccepted"] as? Int == rows - 1 && firms.object["rowsRejected"] as? Int == 1)
        let problem = try #require((firms.object["problems"] as? [[String: Any]])?.first)
        #expect(problem["row"] as? Int == rows + 1 && problem["field"] as? String == "region")
        let reason = problem["reason"] as? String ?? ""
        #expect(reason.contains("江西省") && reason.contains("广东省") && reason.contains("44"), "\(reason)")

        let figures = try await s.request("POST", "/api/v1/imports/indicators", token: admin, body: try file("indicators.csv"), contentType: "text/csv")
        #expect(figures.status == 200 && figures.object["rowsRejected"] as? Int == 0, "\(figures.errorMessage) \(figures.object["problems"] ?? "")")
        #expect(figures.object["rowsAccepted"] as? Int == (rows - 1) * 24)

        // The overview by city lists Guangdong's cities.
        let overview = try await s.get("/api/v1/monitor/overview?period=2026-10", token: admin)
        #expect(overview.status == 200, "\(overview.errorMessage)")
        let breakdown = try #require(overview.object["breakdown"] as? [String: Any])
        let cities = try #require(breakdown["regions"] as? [[String: Any]])
        #expect(cities.count >= 5)
        for c in cities {
            let code = c["code"] as? String ?? ""
            #expect(code.hasPrefix("44") && s.services.catalog.cities.contains { $0.code == code }, "\(code)")
        }
        #expect(cities.contains { ($0["name"] as? String)?.hasSuffix("市") == true })
        let byChain = try #require(breakdown["chains"] as? [[String: Any]])
        #expect(Set(byChain.compactMap { $0["code"] as? String }).isSubset(of: ["EI", "NEV", "HA"]) && !byChain.isEmpty)

        // The chain analysis of the imported chain has firms, placed on links by their industry class.
        let analysis = try await s.get("/api/v1/chains/EI/analysis?period=2026-10", token: admin)
        #expect(analysis.status == 200, "\(analysis.errorMessage)")
        #expect((analysis.object["firms"] as? Int ?? 0) > 0)
        let links = try #require(analysis.object["links"] as? [[String: Any]])
        #expect(links.count == 5 && links.contains { ($0["localFirms"] as? Int ?? 0) > 0 })
        let cube = s.services.cubes.cube
        let derived = try #require(cube.placements.firstIndex { $0.links.first?.basis == "industry" })
        let reasonText = cube.placements[derived].links[0].reason
        #expect(reasonText.hasPrefix("行业代码 \(cube.firms[derived].industry)（") && reasonText.hasSuffix(" 环节"))
        let detail = try await s.get("/api/v1/enterprises/\(cube.firms[derived].uscc)", token: admin)
        let placement = try #require((detail.object["enterprise"] as? [String: Any])?["chainPlacement"] as? [[String: Any]])
        #expect(placement.first?["reason"] as? String == reasonText)
        #expect(((detail.object["enterprise"] as? [String: Any])?["chainLinks"] as? [String])?.isEmpty == true, "the register is not changed")
        // The registry lists a firm on the chain and link its class places it on.
        let onChain = try await s.get("/api/v1/enterprises?chain=EI&limit=500", token: admin)
        let onChainCodes = Set((onChain.object["items"] as? [[String: Any]] ?? []).compactMap { $0["uscc"] as? String })
        let expected = Set(cube.firms.indices.filter { cube.firms[$0].chains.contains("EI") }.map { cube.firms[$0].uscc })
        #expect(!expected.isEmpty && onChainCodes == expected, "the registry and the cube agree on who is on EI")
        let placedLink = cube.placements[derived].links[0].link
        let onLink = try await s.get("/api/v1/enterprises?link=\(placedLink)&limit=500", token: admin)
        #expect((onLink.object["items"] as? [[String: Any]] ?? []).contains { $0["uscc"] as? String == cube.firms[derived].uscc })
        // Explicit links win: a firm that names its link sits only there.
        let explicit = try #require(cube.placements.firstIndex { $0.links.first?.basis == "explicit" })
        #expect(cube.placements[explicit].links.count == 1)

        // The warnings scan ran over the province's firms.
        let warnings = try await s.get("/api/v1/warnings?limit=500", token: admin)
        #expect(warnings.status == 200)
        for w in warnings.object["items"] as? [[String: Any]] ?? [] { #expect((w["region"] as? String ?? "44").hasPrefix("44")) }
        #expect(try await WarningService(store: s.services.store).rescan(cube: cube).warnings >= 0)

        // Versions and export.
        let again = try await s.request("POST", "/api/v1/reference/chains", token: admin, body: try file("chains.csv"), contentType: "text/csv")
        #expect(again.object["version"] as? Int == 2)
        let versions = try await s.get("/api/v1/reference/chains/versions", token: admin)
        #expect((versions.object["versions"] as? [[String: Any]])?.compactMap { $0["version"] as? Int } == [2, 1])
        #expect(versions.object["inForce"] as? String == "imported version 2" && versions.object["province"] as? String == "44")
        let export = try await s.get("/api/v1/reference/chains", token: admin)
        #expect(export.status == 200 && export.contentType?.hasPrefix("text/csv") == true)
        let exported = String(decoding: export.data, as: UTF8.self)
        #expect(exported.contains("chain_code,chain_name,cluster,link_code") && exported.contains("HA-02,空调与制冷,downstream"))
        #expect(try await s.get("/api/v1/reference/chains?version=1", token: admin).status == 200)
        #expect(try await s.get("/api/v1/reference/chains?version=9", token: admin).status == 404)
        #expect(try await s.get("/api/v1/reference/chains/versions", token: official).status == 403)

        // The chains survive a restart: a new catalogue read from the store has them.
        let reread = try await ReferenceDesk.catalog(for: s.services.store, province: "44")
        #expect(reread.chains.codes == ["EI", "NEV", "HA"] && reread.chains.origin == "imported version 2")
        // No Jiangxi policies were seeded for Guangdong.
        #expect(try await s.services.store.policies().isEmpty)
    }
}

/// A server on a free loopback port over given services (no demo data).
final class TestServerLite: Sendable {
    let base: String
    let services: Services
    let task: Task<Void, any Error>

    init(base: String, services: Services, task: Task<Void, any Error>) {
        self.base = base
        self.services = services
        self.task = task
    }

    static func start(_ services: Services) async throws -> TestServerLite {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = try BrainServer(services: services).application(host: "127.0.0.1", port: 0) { port in continuation.yield(port) }
        let task = Task { try await app.run() }
        var port = 0
        for await p in stream { port = p; break }
        return TestServerLite(base: "http://127.0.0.1:\(port)", services: services, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        await services.store.close()
    }

    func request(_ method: String, _ path: String, token: String? = nil, body: Data? = nil, contentType: String = "application/json") async throws -> TestServer.Reply {
        var req = URLRequest(url: URL(string: base + path)!)
        req.httpMethod = method
        if let token { req.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        if let body {
            req.httpBody = body
            req.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: req)
        let http = response as! HTTPURLResponse
        return TestServer.Reply(status: http.statusCode, data: data, contentType: http.value(forHTTPHeaderField: "Content-Type"))
    }

    func get(_ path: String, token: String? = nil) async throws -> TestServer.Reply { try await request("GET", path, token: token) }

    func login(_ user: String, _ password: String) async throws -> String {
        let r = try await request("POST", "/api/v1/auth/login", body: try JSONSerialization.data(withJSONObject: ["username": user, "password": password]))
        guard let token = r.object["token"] as? String else { throw URLError(.userAuthenticationRequired) }
        return token
    }
}
