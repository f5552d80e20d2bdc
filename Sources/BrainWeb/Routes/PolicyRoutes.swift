import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    func addPolicyRoutes(_ api: APIRoutes) {
        let services = self.services
        api.get("/api/v1/policies", RouteDoc(method: "get", path: "/api/v1/policies", summary: "Policies with their criteria and, within the caller's scope, how many enterprises qualify and were granted",
                                             tag: "policies", access: .permission(.readCatalog))) { request, context in
            _ = try QueryReader(request, allowed: [])
            return ItemList(try await services.policyOffice.overview(for: try context.caller(), cube: services.cubes.cube))
        }
        let matchParams: [ParamDoc] = [.path("id", "policy id"), .query("outcome", "eligible, incomplete or ineligible", enumValues: ["eligible", "incomplete", "ineligible"]),
                                       .query("region", "GB/T 2260 code"), .query("limit", "page size 1–500", type: "integer"), .query("offset", "rows to skip", type: "integer")]
        api.get("/api/v1/policies/:id/matches", RouteDoc(method: "get", path: "/api/v1/policies/:id/matches", summary: "Who qualifies for a policy (each criterion met, unmet or unknown) and who was granted, within the caller's scope",
                                                         tag: "policies", params: matchParams, access: .permission(.readStatistics))) { request, context in
            let q = try QueryReader(request, allowed: Set(matchParams.map(\.name)))
            let page = try await services.policyOffice.matches(policy: try context.parameters.require("id"), for: try context.caller(),
                                                               outcome: try q.oneOf("outcome", MatchOutcome.self), region: q.string("region"),
                                                               limit: try q.int("limit", default: 50, range: 1...500),
                                                               offset: try q.int("offset", default: 0, range: 0...10_000_000), cube: services.cubes.cube)
            return page
        }
        api.get("/api/v1/enterprises/:uscc/policy-matches", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc/policy-matches",
                                                                     summary: "My policies: every policy read for one enterprise, each criterion met, unmet or unknown with its reason, the amount and any grant or application",
                                                                     tag: "policies", params: [.path("uscc", "统一社会信用代码")],
                                                                     access: .enterpriseData)) { request, context in
            _ = try QueryReader(request, allowed: [])
            let code = try await self.enterpriseData(request, context, .indicators)
            return ItemList(try await services.policies.matches(for: code, cube: services.cubes.cube))
        }
        api.post("/api/v1/policies/:id/applications", RouteDoc(method: "post", path: "/api/v1/policies/:id/applications",
                                                              summary: "Apply for a policy (enterprise users, for their own enterprise)", tag: "policies",
                                                              params: [.path("id", "policy id")], requestBody: .json(NoteBody.self), access: .permission(.applyPolicies), errors: [400, 401, 403, 404, 409], status: .created)) { request, context in
            let p = try context.caller()
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            let body = buffer.readableBytes == 0 ? NoteBody(note: nil) : try BodyDecoder.decode(NoteBody.self, from: Data(buffer: buffer))
            guard let uscc = p.scope else { throw APIError.forbidden("your account has no enterprise") }
            let id = try context.parameters.require("id")
            do {
                let award = try await services.policies.apply(policy: id, uscc: uscc, by: p.username, note: body.note, cube: services.cubes.cube)
                return award
            } catch let e as PolicyProblem {
                throw e.description.hasPrefix("no policy") ? APIError.notFound(e.description) : APIError(.conflict, code: "cannot_apply", message: e.description)
            }
        }
        addAwardRoutes(api)
    }

    /// The credit code in the path, when the enterprise exists and the caller may read its data.
    func visibleEnterprise(_ context: BrainContext) throws -> String {
        let raw = try context.parameters.require("uscc")
        let code: String
        do { code = try CreditCode(raw).value } catch { throw APIError.badRequest("uscc", "\(raw) is not a valid credit code: \(error)") }
        let cube = services.cubes.cube
        guard let i = cube.firmIndex[code] else { throw APIError.notFound("no enterprise with credit code \(code)") }
        let e = cube.firms[i]
        guard try context.caller().indicatorScope(in: services.catalog).admits(uscc: e.uscc, region: e.region, zone: e.zone) else {
            throw APIError.forbidden("enterprise \(code) is outside your data scope")
        }
        return code
    }
}
