import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    /// 政策兑现审核 (list, one award, one step, a batch step) and 我的政策 as data; the portal's pages call the same desks.
    func addAwardRoutes(_ api: APIRoutes) {
        let services = self.services
        let listParams: [ParamDoc] = [.query("state", "pending, approved, publicized, paid or rejected", enumValues: AwardState.allCases.map(\.rawValue)),
                                      .query("policy", "policy id"), .query("region", "GB/T 2260 code inside the caller's scope"),
                                      .query("check", "failing (some criterion unmet), undecided (data missing) or met", enumValues: AwardFilter.Check.allCases.map(\.rawValue)),
                                      .query("q", "enterprise name or credit code fragment"),
                                      .query("limit", "page size 1–500", type: "integer"), .query("offset", "rows to skip", type: "integer")]
        api.get("/api/v1/awards", RouteDoc(method: "get", path: "/api/v1/awards",
                                           summary: "Awards of the enterprises in the caller's scope (every application, those failing the policy's criteria included), with the failed criteria as sentences, the steps allowed and the count per state",
                                           tag: "policies", params: listParams, access: .permission(.reviewAwards))) { request, context in
            let q = try QueryReader(request, allowed: Set(listParams.map(\.name)))
            var filter = AwardFilter()
            filter.state = try q.oneOf("state", AwardState.self)
            filter.policy = q.string("policy")
            filter.region = q.string("region")
            filter.check = try q.oneOf("check", AwardFilter.Check.self)
            filter.name = q.string("q")
            filter.limit = try q.int("limit", default: 50, range: 1...500)
            filter.offset = try q.int("offset", default: 0, range: 0...10_000_000)
            return try await services.policyOffice.awards.list(for: try context.caller(), filter, cube: services.cubes.cube)
        }
        api.get("/api/v1/awards/:id", RouteDoc(method: "get", path: "/api/v1/awards/:id", summary: "One award: firm, policy, state, 公示 dates, history (who and when), criteria as sentences, steps allowed",
                                               tag: "policies", params: [.path("id", "award id")], access: .permission(.reviewAwards), errors: [401, 403, 404])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await services.policyOffice.awards.detail(try context.parameters.require("id"), for: try context.caller(), cube: services.cubes.cube)
        }
        for action in AwardAction.allCases {
            api.post("/api/v1/awards/:id/\(action.rawValue)", RouteDoc(method: "post", path: "/api/v1/awards/:id/\(action.rawValue)",
                                                                    summary: "\(action.rawValue.capitalized) (\(action.nameZh)) an award: \(action.from.map(\.rawValue).joined(separator: "/")) → \(action.target.rawValue); who and when recorded, audited",
                                                                    tag: "policies", params: [.path("id", "award id")], requestBody: .json(AwardActionBody.self),
                                                                    access: .permission(.reviewAwards), errors: [400, 401, 403, 404, 409])) { request, context in
                let buffer = try await request.body.collect(upTo: 64 * 1024)
                let body = buffer.readableBytes == 0 ? AwardActionBody(note: nil, amount: nil) : try BodyDecoder.decode(AwardActionBody.self, from: Data(buffer: buffer))
                return try await services.policyOffice.awards.act(action, on: try context.parameters.require("id"), by: try context.caller(), note: body.note,
                                                                  amount: body.amount, days: body.days, origin: AdminOrigin(source: request.clientAddress(context), via: "api"),
                                                                  cube: services.cubes.cube)
            }
        }
        api.post("/api/v1/awards/batch", RouteDoc(method: "post", path: "/api/v1/awards/batch",
                                                  summary: "One step (approve, publish, pay, reject) on up to 500 awards; each is taken or refused on its own and audited",
                                                  tag: "policies", requestBody: .json(AwardBatchBody.self), access: .permission(.reviewAwards), errors: [400, 401, 403])) { request, context in
            let body = try await Self.decodeBody(request, as: AwardBatchBody.self)
            guard let action = AwardAction(rawValue: body.action) else {
                throw APIError.badRequest("action", "must be one of \(AwardAction.allCases.map(\.rawValue).joined(separator: ", ")), got \(body.action)")
            }
            return ItemList(try await services.policyOffice.awards.act(action, on: body.ids, by: try context.caller(), note: body.note, days: body.days,
                                                                       origin: AdminOrigin(source: request.clientAddress(context), via: "api"), cube: services.cubes.cube))
        }
        api.get("/api/v1/enterprises/:uscc/policies", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc/policies",
                                                               summary: "我的政策 as data: every policy in plain Chinese (criteria as sentences with names, the firm's values, missing facts), 文号, issuer, validity, the award with its 公示 dates, whether it may apply, and the total received (sum of paid awards)",
                                                               tag: "policies", params: [.path("uscc", "统一社会信用代码")], access: .enterpriseData)) { request, context in
            _ = try QueryReader(request, allowed: [])
            let code = try await self.enterpriseData(request, context, .indicators)
            return try await services.policyOffice.enterprisePolicies(code, cube: services.cubes.cube)
        }
    }
}
