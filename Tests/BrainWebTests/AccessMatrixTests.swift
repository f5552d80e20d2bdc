import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainWeb

extension APITests {
    /// Walks every route of the OpenAPI document for every role: a role without the route's permission gets 403, a role
    /// with it never gets a permission refusal, nothing answers 5xx, and list answers of regional officials hold no row
    /// outside their scope.
    func accessMatrix(_ s: TestServer) async throws {
        let catalog = RegionCatalog.jiangxi
        let firm = try #require(try await s.get("/api/v1/me", token: try await s.login("firm", "Firm#20262026")).object["scope"] as? String)
        let cube = s.services.cubes.cube
        // The firm's county, and the zone with the most firms, so that every regional role has rows to see.
        let county = try #require(cube.firmIndex[firm].map { cube.firms[$0].region })
        let zone = try #require(Dictionary(grouping: cube.firms.compactMap(\.zone), by: { $0 }).max { $0.value.count < $1.value.count }?.key)
        var tokens: [Role: String] = [:]
        let scopes: [Role: String?] = [.admin: nil, .provinceOfficial: "360000", .cityOfficial: "360100", .countyOfficial: county,
                                       .zoneManager: zone, .enterprise: firm, .provider: nil, .expert: nil]
        for role in Role.people {
            let name = "matrix-\(role.rawValue)"
            _ = try await s.services.accounts.add(username: name, password: "Matrix#2026x", role: role, scope: scopes[role] ?? nil, cost: 4)
            tokens[role] = try await s.login(name, "Matrix#2026x")
        }
        // A service client calls with its API key (a city's client, with a dataset's write scope).
        tokens[.client] = try await s.makeClient(id: "matrix-client", writes: ["indicators"], region: "360100").key
        // Routes that end the caller's own session would log the walk out; they are tested in identityFlows.
        let skipped: Set<String> = ["/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/me/password"]
        let routes = BrainServer(services: s.services).documentedRoutes().filter { !skipped.contains($0.path) }
        #expect(routes.count >= 65)
        var checked = 0
        for route in routes {
            let path = route.path.replacingOccurrences(of: "{uscc}", with: firm).replacingOccurrences(of: "{code}", with: "NFM")
                .replacingOccurrences(of: "{kind}", with: "enterprises").replacingOccurrences(of: "{username}", with: "nobody-here")
                .replacingOccurrences(of: "{jti}", with: "no-such-session").replacingOccurrences(of: "{id}", with: "no-such-id")
            for role in Role.allCases {
                let token = tokens[role]!
                let body: Data? = route.method == "get" ? nil : Data("{}".utf8)
                let r = try await s.request(route.method.uppercased(), path, token: token, body: body)
                let label = "\(role.rawValue) \(route.method.uppercased()) \(route.path) → \(r.status) \(r.errorMessage)"
                #expect(r.status < 500, "\(label)")
                #expect(r.status != 401, "\(label)")
                if let raw = route.permission, let permission = Permission(rawValue: raw) {
                    if AccessPolicy.allows(role, permission) {
                        #expect(!(r.status == 403 && r.errorMessage.contains("lacks permission")), "\(label)")
                    } else {
                        #expect(r.status == 403, "\(label)")
                    }
                }
                checked += 1
            }
        }
        #expect(checked == routes.count * Role.allCases.count)

        // No row outside the scope: lists answered to the city, county and zone officials.
        func region(of uscc: String) -> String? { cube.firmIndex[uscc].map { cube.firms[$0].region } }
        func zoneOf(_ uscc: String) -> String? { cube.firmIndex[uscc].flatMap { cube.firms[$0].zone } }
        for role in [Role.cityOfficial, .countyOfficial, .zoneManager] {
            let scope = scopes[role]!!
            let admits: (String) -> Bool = role == .zoneManager ? { zoneOf($0) == scope } : { u in
                guard let r = region(of: u) else { return false }
                return r == scope || catalog.counties(within: scope).contains(r)
            }
            let token = tokens[role]!
            let firms = try #require(try await s.get("/api/v1/enterprises?limit=500", token: token).object["items"] as? [[String: Any]])
            #expect(!firms.isEmpty, "\(role.rawValue) sees its firms")
            for f in firms { #expect(admits(f["uscc"] as! String), "\(role.rawValue) got \(f["uscc"]!)") }
            let warnings = try #require(try await s.get("/api/v1/warnings?limit=500", token: token).object["items"] as? [[String: Any]])
            for w in warnings where w["subjectType"] as? String == "enterprise" { #expect(admits(w["subject"] as! String), "\(role.rawValue) warning \(w["id"]!)") }
            let matches = try #require(try await s.get("/api/v1/policies/HNTE-REWARD/matches?limit=500", token: token).object["items"] as? [[String: Any]])
            for m in matches { #expect(admits(m["uscc"] as! String), "\(role.rawValue) policy match \(m["uscc"]!)") }
            let listings = try #require(try await s.get("/api/v1/market/listings?limit=500", token: token).object["items"] as? [[String: Any]])
            for l in listings { #expect(admits(l["uscc"] as! String), "\(role.rawValue) listing \(l["id"]!)") }
            let projects = try #require(try await s.get("/api/v1/demonstration-projects", token: token).object["items"] as? [[String: Any]])
            for p in projects { #expect(admits(p["uscc"] as! String), "\(role.rawValue) project \(p["id"]!)") }
        }
        // Out of scope: another city's firm is refused to the 南昌 official and to the county and zone managers.
        let other = try #require(cube.firms.first { $0.region.hasPrefix("3609") }?.uscc)
        for role in [Role.cityOfficial, .countyOfficial, .zoneManager] {
            for path in ["/api/v1/enterprises/\(other)/diagnoses", "/api/v1/enterprises/\(other)/policy-matches", "/api/v1/enterprises/\(other)/referrals",
                         "/api/v1/enterprises/\(other)/electricity/daily"] {
                #expect(try await s.get(path, token: tokens[role]!).status == 403, "\(role.rawValue) \(path)")
            }
            let detail = try await s.get("/api/v1/enterprises/\(other)", token: tokens[role]!)
            #expect(detail.status == 403 || (detail.object["indicatorsVisible"] as? Bool) == false, "\(role.rawValue) detail of \(other)")
        }
    }
}
