import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
@testable import BrainWeb

/// A real server on a free loopback port over a freshly seeded small demo store.
final class TestServer: Sendable {
    let base: String
    let services: Services
    let task: Task<Void, any Error>
    let manifest: DemoManifest

    private init(base: String, services: Services, task: Task<Void, any Error>, manifest: DemoManifest) {
        self.base = base
        self.services = services
        self.task = task
        self.manifest = manifest
    }

    static func start(rateLimits: RateLimits = RateLimits(perAddressPerMinute: 100_000, perUserPerMinute: 100_000, loginsPerAddressPerMinute: 10_000,
                                                                    refusalsRecordedPerAddressPerMinute: 100_000)) async throws -> TestServer {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-web-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        let manifest = try await DemoSeeder(scale: .small, seed: 11, lastMonth: Month("2026-10")!).seed(into: store, dataDirectory: dir)
        // A catalogue of its own (not the shared `.jiangxi`), so an import of chain definitions stays in this server.
        let catalog = try RegionCatalog.province("36")
        let services = Services(store: store, catalog: catalog, signer: TokenSigner(secret: Data("test-secret-test-secret-test-sec".utf8)),
                                cubes: CubeHolder(try await CubeBuilder.build(from: store, catalog: catalog)),
                                networks: SupplyNetworkHolder(try await SupplyNetwork.load(from: store)),
                                cipher: FieldCipher(current: Array(repeating: 7, count: 32)), mfaPolicy: .optional,
                                rateLimits: rateLimits)
        try await services.policies.refresh(cube: services.cubes.cube)
        try await services.demo.load(from: store)
        let accounts = services.accounts
        _ = try await accounts.add(username: "admin", password: "Admin#20262026", role: .admin, scope: nil, cost: 4)
        _ = try await accounts.add(username: "nanchang", password: "Nanchang#2026", role: .cityOfficial, scope: "360100", cost: 4)
        _ = try await accounts.add(username: "yichun", password: "Yichun#20262026", role: .cityOfficial, scope: "360900", cost: 4)
        _ = try await accounts.add(username: "provider", password: "Provider#2026", role: .provider, scope: nil, cost: 4)
        let firm = try await store.enterprises({ var q = EnterpriseQuery(); q.regions = Set(RegionCatalog.jiangxi.counties(within: "360100")); q.limit = 1; return q }(), scope: .all).items[0]
        _ = try await accounts.add(username: "firm", password: "Firm#20262026", role: .enterprise, scope: firm.uscc, cost: 4)
        // The provider account answers for 江西赣数智能科技 (P019), which the firm asked to be put in touch with: the firm may
        // grant it data (grantees are the providers a firm deals with).
        try await services.catalogue.seedIfEmpty()
        try await store.linkProviderAccount(ProviderAccount(username: "provider", providerId: "P019", linkedBy: "test", linkedAt: Timestamp.now()))
        _ = try await services.catalogue.refer(uscc: firm.uscc, items: [("S001", "企业申请对接")], diagnosisId: nil, by: "firm")
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = try BrainServer(services: services).application(host: "127.0.0.1", port: 0) { port in continuation.yield(port) }
        let task = Task { try await app.run() }
        var port = 0
        for await p in stream { port = p; break }
        return TestServer(base: "http://127.0.0.1:\(port)", services: services, task: task, manifest: manifest)
    }

    /// A service client created by the administrator: its id, its API key and (when `signed`) its signing secret.
    func makeClient(id: String = "test-\(UUID().uuidString.prefix(8).lowercased())", writes: [String] = [], reads: [String] = [],
                    region: String = "360000", signed: Bool = false) async throws -> (id: String, key: String, signingSecret: String?) {
        let issued = try await services.clients.create(ClientRequest(id: id, name: "测试客户端 \(id)", region: region, writes: writes, reads: reads, signed: signed),
                                                       by: Principal(username: "admin", role: .admin, scope: nil))
        return (id, issued.key, issued.signingSecret)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        await services.store.close()
    }

    struct Reply {
        let status: Int
        let data: Data
        let contentType: String?
        var headers: [String: String] = [:]
        var json: Any { (try? JSONSerialization.jsonObject(with: data)) ?? [:] }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String { (object["error"] as? [String: Any])?["message"] as? String ?? "" }
    }

    func request(_ method: String, _ path: String, token: String? = nil, body: Data? = nil, contentType: String = "application/json") async throws -> Reply {
        var req = URLRequest(url: URL(string: base + path)!)
        req.httpMethod = method
        if let token { req.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        if let body {
            req.httpBody = body
            req.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: req)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
        return Reply(status: http.statusCode, data: data, contentType: http.value(forHTTPHeaderField: "Content-Type"), headers: headers)
    }

    func get(_ path: String, token: String? = nil) async throws -> Reply { try await request("GET", path, token: token) }

    func login(_ user: String, _ password: String) async throws -> String {
        let r = try await request("POST", "/api/v1/auth/login", body: try JSONSerialization.data(withJSONObject: ["username": user, "password": password]))
        guard let token = r.object["token"] as? String else { throw URLError(.userAuthenticationRequired) }
        return token
    }
}
