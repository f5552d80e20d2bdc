import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    func addPolicyRoutes(_ api: APIRoutes) {
        let services = self.services
        let catalog = services.catalog
        api.get("/api/v1/policies", RouteDoc(method: "get", path: "/api/v1/policies", summary: "Policies with their criteria and, within the caller's scope, how many enterprises qualify and were granted",
                                             tag: "policies", response: "PolicyList", access: .permission(.readCatalog))) { request, context -> Response in
            _ = try QueryReader(request, allowed: [])
            let p = try context.caller()
            guard let m = services.policies.matches else { throw APIError(.serviceUnavailable, code: "not_ready", message: "policy matching has not run yet") }
            let cube = services.cubes.cube
            let scope = p.role == .enterprise ? ScopeRestriction.nothing : p.enterpriseScope(in: catalog)
            let awards = try await services.store.awards()
            struct Item: Encodable {
                let id, name, issuer, category, summary, rule, formula, validFrom, validUntil: String
                let autoGrant: Bool
                let criteria: [String]
                let eligible, incomplete, ineligible, awarded: Int
                /// Absent when it would reveal one firm's award to a caller who may not read it (statistical disclosure control).
                let awardedAmount: Double?
            }
            let readable = p.indicatorScope(in: catalog)
            let items = m.policies.enumerated().map { k, pp -> Item in
                var counts = [MatchOutcome: Int]()
                for i in 0..<min(cube.firmCount, m.outcomes[k].count) {
                    let e = cube.firms[i]
                    if scope.admits(uscc: e.uscc, region: e.region, zone: e.zone) { counts[m.outcomes[k][i], default: 0] += 1 }
                }
                let mine = awards.filter { a in
                    a.policyId == pp.record.id && a.state != "rejected" && a.state != "applied"
                        && cube.firmIndex[a.uscc].map { let e = cube.firms[$0]; return scope.admits(uscc: e.uscc, region: e.region, zone: e.zone) } == true
                }
                var hidden = DisclosureRule.Hidden()
                for a in mine {
                    guard let i = cube.firmIndex[a.uscc] else { continue }
                    let e = cube.firms[i]
                    if !readable.admits(uscc: e.uscc, region: e.region, zone: e.zone) { hidden.add(PolicyAward.countable(a.amount) ?? 0) }
                }
                let total = (mine.reduce(0) { $0 + (PolicyAward.countable($1.amount) ?? 0) } * 100).rounded() / 100
                let r = pp.record
                return Item(id: r.id, name: r.name, issuer: r.issuer, category: r.category, summary: r.summary, rule: r.rule, formula: r.formula,
                            validFrom: r.validFrom, validUntil: r.validUntil, autoGrant: r.autoGrant, criteria: pp.rule.criteria,
                            eligible: counts[.eligible] ?? 0, incomplete: counts[.incomplete] ?? 0, ineligible: counts[.ineligible] ?? 0,
                            awarded: mine.count, awardedAmount: DisclosureRule().suppression(hidden) == nil ? total : nil)
            }
            return try JSONResponse.make(["items": items])
        }
        let matchParams: [ParamDoc] = [.path("id", "policy id"), .query("outcome", "eligible, incomplete or ineligible", enumValues: ["eligible", "incomplete", "ineligible"]),
                                       .query("region", "GB/T 2260 code"), .query("limit", "page size 1–500", type: "integer"), .query("offset", "rows to skip", type: "integer")]
        api.get("/api/v1/policies/:id/matches", RouteDoc(method: "get", path: "/api/v1/policies/:id/matches", summary: "Who qualifies for a policy (each criterion met, unmet or unknown) and who was granted, within the caller's scope",
                                                         tag: "policies", params: matchParams, response: "PolicyMatchPage", access: .permission(.readStatistics))) { request, context -> Response in
            let p = try context.caller()
            let q = try QueryReader(request, allowed: Set(matchParams.map(\.name)))
            let id = try context.parameters.require("id")
            guard let m = services.policies.matches, let k = m.policies.firstIndex(where: { $0.record.id == id }) else { throw APIError.notFound("no policy \(id)") }
            let outcome = try q.oneOf("outcome", MatchOutcome.self)
            var regions: Set<String>?
            if let r = q.string("region") {
                guard catalog.region(r) != nil else { throw APIError.badRequest("region", "\(r) is not a GB/T 2260 code of \(catalog.province.name)") }
                regions = Set([r] + catalog.counties(within: r))
            }
            let limit = try q.int("limit", default: 50, range: 1...500), offset = try q.int("offset", default: 0, range: 0...10_000_000)
            let cube = services.cubes.cube
            // One row per firm with its criteria and figures: only firms the caller may read one by one.
            let scope = p.indicatorScope(in: catalog)
            let awards = Dictionary(try await services.store.awards(policy: id).map { ($0.uscc, $0) }, uniquingKeysWith: { a, _ in a })
            let rows = (0..<min(cube.firmCount, m.outcomes[k].count)).filter { i in
                let e = cube.firms[i]
                return scope.admits(uscc: e.uscc, region: e.region, zone: e.zone) && (regions?.contains(e.region) ?? true)
                    && (outcome == nil || m.outcomes[k][i] == outcome)
            }.sorted { (m.outcomes[k][$0] == .eligible ? 0 : m.outcomes[k][$0] == .incomplete ? 1 : 2, -cube.firms[$0].revenue) < (m.outcomes[k][$1] == .eligible ? 0 : m.outcomes[k][$1] == .incomplete ? 1 : 2, -cube.firms[$1].revenue) }
            struct Row: Encodable {
                let uscc, name, region: String
                let outcome: MatchOutcome
                let amount: Double?
                let criteria: [CriterionResult]
                let award: PolicyAward?
            }
            let page = rows.dropFirst(offset).prefix(limit).map { i -> Row in
                let e = cube.firms[i]
                return Row(uscc: e.uscc, name: e.name, region: e.region, outcome: m.outcomes[k][i], amount: m.amounts[k][i].isNaN ? nil : m.amounts[k][i],
                           criteria: m.policies[k].rule.evaluate(m.facts[i]), award: awards[e.uscc])
            }
            return try JSONResponse.make(Page(total: rows.count, limit: limit, offset: offset, items: Array(page)))
        }
        api.get("/api/v1/enterprises/:uscc/policy-matches", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc/policy-matches",
                                                                     summary: "My policies: every policy read for one enterprise, each criterion met, unmet or unknown with its reason, the amount and any grant or application",
                                                                     tag: "policies", params: [.path("uscc", "统一社会信用代码")], response: "EnterprisePolicyMatches",
                                                                     access: .enterpriseData)) { request, context -> Response in
            _ = try QueryReader(request, allowed: [])
            let code = try await self.enterpriseData(request, context, .indicators)
            return try JSONResponse.make(["items": try await services.policies.matches(for: code, cube: services.cubes.cube)])
        }
        api.post("/api/v1/policies/:id/applications", RouteDoc(method: "post", path: "/api/v1/policies/:id/applications",
                                                              summary: "Apply for a policy (enterprise users, for their own enterprise)", tag: "policies",
                                                              params: [.path("id", "policy id")], requestBody: ("application/json", "PolicyApplication"),
                                                              response: "PolicyAward", access: .permission(.applyPolicies), errors: [400, 401, 403, 404, 409])) { request, context -> Response in
            let p = try context.caller()
            struct Body: Decodable { let note: String? }
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            let body = buffer.readableBytes == 0 ? Body(note: nil) : try BodyDecoder.decode(Body.self, from: Data(buffer: buffer))
            guard let uscc = p.scope else { throw APIError.forbidden("your account has no enterprise") }
            let id = try context.parameters.require("id")
            do {
                let award = try await services.policies.apply(policy: id, uscc: uscc, by: p.username, note: body.note, cube: services.cubes.cube)
                return try JSONResponse.make(award, status: .created)
            } catch let e as PolicyProblem {
                throw e.description.hasPrefix("no policy") ? APIError.notFound(e.description) : APIError(.conflict, code: "cannot_apply", message: e.description)
            }
        }
        for action in ["approve", "reject", "pay"] {
            let state = action == "approve" ? "approved" : action == "reject" ? "rejected" : "paid"
            api.post("/api/v1/awards/:id/\(action)", RouteDoc(method: "post", path: "/api/v1/awards/:id/\(action)",
                                                             summary: "\(action.capitalized) a policy award (who and when are recorded)", tag: "policies",
                                                             params: [.path("id", "award id")], requestBody: ("application/json", "AwardAction"),
                                                             response: "PolicyAward", access: .permission(.reviewAwards), errors: [400, 401, 403, 404, 409])) { request, context -> Response in
                let p = try context.caller()
                let id = try context.parameters.require("id")
                guard let existing = try await services.store.award(id) else { throw APIError.notFound("no award \(id)") }
                let cube = services.cubes.cube
                if let i = cube.firmIndex[existing.uscc] {
                    let e = cube.firms[i]
                    guard p.enterpriseScope(in: catalog).admits(uscc: e.uscc, region: e.region, zone: e.zone) else {
                        throw APIError.forbidden("award \(id) is for an enterprise outside your data scope")
                    }
                }
                struct Body: Decodable { let note: String?; let amount: Double? }
                let buffer = try await request.body.collect(upTo: 64 * 1024)
                let body = buffer.readableBytes == 0 ? Body(note: nil, amount: nil) : try BodyDecoder.decode(Body.self, from: Data(buffer: buffer))
                do {
                    return try JSONResponse.make(try await services.policies.advance(award: id, to: state, by: p.username, note: body.note, amount: body.amount))
                } catch let e as PolicyProblem where e.field == "amount" {
                    throw APIError.badRequest("amount", e.description)
                } catch let e as PolicyProblem {
                    throw APIError(.conflict, code: "wrong_state", message: e.description)
                }
            }
        }
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
