import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    /// What the OpenAPI document says routes of enterprise data need.
    static let dataPermission = "indicators:read within the data scope, or a data grant"

    /// The enterprise in the path when the caller may read `dataset` of it: the enterprise itself, officials over it, or a
    /// user holding an active grant. Reads by anyone else, granted or refused, go to the enterprise's access log.
    func enterpriseData(_ request: Request, _ context: BrainContext, _ dataset: GrantDataset, uscc raw: String? = nil) async throws -> String {
        let p = try context.caller()
        let code: String
        let given = try raw ?? context.parameters.require("uscc")
        do { code = try CreditCode(given).value } catch { throw APIError.badRequest("uscc", "\(given) is not a valid credit code: \(error)") }
        let cube = services.cubes.cube
        guard let i = cube.firmIndex[code] else { throw APIError.notFound("no enterprise with credit code \(code)") }
        let e = cube.firms[i]
        let decision = try await services.grants.decide(p, owner: code, region: e.region, zone: e.zone, dataset: dataset, catalog: services.catalog)
        switch decision {
        case .ownerOrOfficial:
            return code
        case .grant(let id):
            try await services.grants.log(DataAccess(id: UUID().uuidString, owner: code, reader: p.username, dataset: dataset.rawValue,
                                                     target: request.uri.path, grantId: id, outcome: "granted", source: request.clientAddress(context), at: Timestamp.precise()))
            return code
        case .refused(let why):
            try await services.grants.log(DataAccess(id: UUID().uuidString, owner: code, reader: p.username, dataset: dataset.rawValue,
                                                     target: request.uri.path, grantId: nil, outcome: "refused", source: request.clientAddress(context), at: Timestamp.precise()))
            throw APIError.forbidden(why)
        }
    }

    func addGrantRoutes(_ api: APIRoutes) {
        let services = self.services
        let grants = services.grants
        api.post("/api/v1/enterprises/:uscc/grants", RouteDoc(method: "post", path: "/api/v1/enterprises/:uscc/grants",
                                                              summary: "授权才可用: the enterprise grants a user read access to some of its data for a purpose, until a date (`days` 1–366 or `expiresAt`)",
                                                              tag: "grants", params: [.path("uscc", "统一社会信用代码")], requestBody: .json(GrantRequest.self), access: .permission(.grantData), errors: [400, 401, 403, 404], status: .created)) { request, context in
            _ = try self.ownEnterprise(context)
            let body = try await Self.decodeBody(request, as: GrantRequest.self)
            var datasets: [GrantDataset] = []
            for (k, n) in (body.datasets ?? []).enumerated() {
                guard let d = GrantDataset(rawValue: n) else {
                    throw APIError.badRequest("datasets[\(k)]", "\(n) is not one of \(GrantDataset.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                datasets.append(d)
            }
            let expires: Date
            if let d = body.days {
                guard (1...GrantDesk.maxDays).contains(d) else { throw APIError.badRequest("days", "must be 1–\(GrantDesk.maxDays)") }
                expires = Date().addingTimeInterval(Double(d) * 86_400)
            } else if let t = body.expiresAt {
                guard let d = try? Date(t, strategy: .iso8601) else { throw APIError.badRequest("expiresAt", "must be an ISO 8601 time within the next year") }
                expires = d
            } else {
                throw APIError.badRequest("days", "give days (1–\(GrantDesk.maxDays)) or expiresAt")
            }
            let g = try await services.grantDesk.grant(to: body.grantee ?? "", datasets: datasets, purpose: body.purpose ?? "", expires: expires, by: try context.caller())
            return g
        }
        api.get("/api/v1/enterprises/:uscc/grants", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc/grants", summary: "The enterprise's data grants, active and past",
                                                             tag: "grants", params: [.path("uscc", "统一社会信用代码")],
                                                             access: .permission(.readIndicators))) { request, context in
            _ = try QueryReader(request, allowed: [])
            let owner = try self.visibleEnterprise(context)
            return ItemList(try await grants.grants(owner: owner))
        }
        api.get("/api/v1/enterprises/:uscc/access-log", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc/access-log",
                                                                 summary: "Who read the enterprise's data outside its own staff and officials over it: every read under a grant and every refused attempt, newest first",
                                                                 tag: "grants", params: [.path("uscc", "统一社会信用代码")],
                                                                 access: .permission(.readIndicators))) { request, context in
            _ = try QueryReader(request, allowed: [])
            let owner = try self.visibleEnterprise(context)
            return ItemList(try await grants.accessLog(owner: owner))
        }
        api.post("/api/v1/grants/:id/revoke", RouteDoc(method: "post", path: "/api/v1/grants/:id/revoke", summary: "Revoke a data grant (the enterprise that gave it)",
                                                       tag: "grants", params: [.path("id", "grant id")],
                                                       access: .permission(.grantData), errors: [400, 401, 403, 404, 409])) { _, context in
            return try await services.grantDesk.revoke(try context.parameters.require("id"), by: try context.caller())
        }
        api.get("/api/v1/me/grants", RouteDoc(method: "get", path: "/api/v1/me/grants", summary: "Grants given to the caller (what enterprise data it may read, why and until when)",
                                              tag: "grants", errors: [401])) { _, context in
            let p = try context.caller()
            return ItemList(try await grants.grants(grantee: p.username))
        }
    }
}
