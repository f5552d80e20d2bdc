import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    /// The weights in force.
    func evaluationWeights() async throws -> EvaluationWeights { try await services.programmes.weights() }

    func addEvaluationRoutes(_ api: APIRoutes) {
        let services = self.services
        let params: [ParamDoc] = [.query("by", "city (default) or zone", enumValues: ["city", "zone"]), .query("chain", "chain code such as NFM")]
        api.get("/api/v1/evaluation", RouteDoc(method: "get", path: "/api/v1/evaluation",
                                               summary: "产业评价: composite index per chain × city or zone (scale, growth, profitability, R&D intensity, digital level, energy productivity, 亩均效益) with the weights and each component's value and score, ranked within each chain",
                                               tag: "evaluation", params: params, access: .permission(.readStatistics))) { request, context in
            let q = try QueryReader(request, allowed: Set(params.map(\.name)))
            let by = try q.oneOf("by", EvaluationArea.self) ?? .city
            let chain = try self.chainParameter(q)
            return try await services.analyses.evaluation(for: try context.caller(), by: by, chain: chain)
        }
        api.get("/api/v1/evaluation/weights", RouteDoc(method: "get", path: "/api/v1/evaluation/weights", summary: "The evaluation index weights in force, by component",
                                                       tag: "evaluation", access: .permission(.readStatistics))) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await self.evaluationWeights()
        }
        api.put("/api/v1/evaluation/weights", RouteDoc(method: "put", path: "/api/v1/evaluation/weights",
                                                       summary: "Change the evaluation index weights (components left out get 0)", tag: "evaluation",
                                                       requestBody: .json(EvaluationWeights.self),
                                                       access: .permission(.configureRules))) { request, context in
            let body = try await Self.decodeBody(request, as: EvaluationWeights.self)
            return try await services.programmes.saveWeights(body.weights, by: try context.caller())
        }
        api.get("/api/v1/demonstration-projects", RouteDoc(method: "get", path: "/api/v1/demonstration-projects",
                                                           summary: "Registered demonstration projects (智能工厂, 数字化车间 …) with outcomes, within the caller's scope",
                                                           tag: "evaluation", params: [.query("chain", "chain code"), .query("kind", "project kind", enumValues: DemonstrationProject.kinds.keys.sorted())], access: .permission(.readEnterprises))) { request, context in
            let q = try QueryReader(request, allowed: ["chain", "kind"])
            let chain = try self.chainParameter(q)
            let items = try await services.programmes.projects(for: try context.caller(), chain: chain, kind: q.string("kind"), cube: services.cubes.cube)
            return ItemList(items)
        }
        api.post("/api/v1/demonstration-projects", RouteDoc(method: "post", path: "/api/v1/demonstration-projects",
                                                            summary: "Register a demonstration project of an enterprise in the caller's scope", tag: "evaluation",
                                                            requestBody: .json(DemonstrationProjectDraft.self),
                                                            access: .permission(.managePrograms), status: .created)) { request, context in
            let draft = try await Self.decodeBody(request, as: DemonstrationProjectDraft.self)
            return try await services.programmes.register(draft, by: try context.caller(), cube: services.cubes.cube)
        }
        let chainParams: [ParamDoc] = [.path("code", "chain code such as NEWENERGY")] + Self.sliceParams.filter { $0.name != "chain" && $0.name != "industry" }
        api.get("/api/v1/chains/:code/investment-leads", RouteDoc(method: "get", path: "/api/v1/chains/:code/investment-leads",
                                                                  summary: "精准招商: for each gap or weak link of the chain in the region or zone, ranked candidate firms outside the province with reasons; for a region or zone, links ranked by fit with the existing base",
                                                                  tag: "investment", params: chainParams + [.query("limit", "candidates per link 1–50", type: "integer")], access: .permission(.readStatistics))) { request, context in
            let chain = try Self.chainPath(context, services.catalog.chains)
            let scope = try self.slice(request, context, extra: ["limit"], excluding: ["chain", "industry"])
            let limit = try QueryReader(request, allowed: Set(Self.sliceParams.map(\.name) + ["limit"])).int("limit", default: 10, range: 1...50)
            return try await services.analyses.investmentLeads(chain: chain, scope: scope, limit: limit)
        }
        api.get("/api/v1/chains/:code/upgrade-brief", RouteDoc(method: "get", path: "/api/v1/chains/:code/upgrade-brief",
                                                               summary: "转型升级规划 brief for the chain in a region: figures, gaps and weak links, maturity distribution, demonstration projects, recommended actions; JSON with a Markdown rendering",
                                                               tag: "evaluation", params: chainParams, access: .permission(.readStatistics))) { request, context in
            let chain = try Self.chainPath(context, services.catalog.chains)
            let scope = try self.slice(request, context, excluding: ["chain", "industry"])
            return try await services.analyses.upgradeBrief(chain: chain, scope: scope, for: try context.caller())
        }
        api.get("/api/v1/investment/targets", RouteDoc(method: "get", path: "/api/v1/investment/targets", summary: "The imported list of investment targets (firms outside the province)",
                                                       tag: "investment", params: [.query("chain", "chain code")],
                                                       access: .permission(.readStatistics))) { request, context in
            let q = try QueryReader(request, allowed: ["chain"])
            let chain = try self.chainParameter(q)
            return ItemList(try await services.programmes.targets(chain: chain))
        }
        api.post("/api/v1/investment/targets", RouteDoc(method: "post", path: "/api/v1/investment/targets",
                                                        summary: "Import investment targets (JSON array); good rows are kept, bad rows listed by index with field and reason",
                                                        tag: "investment", requestBody: .json([InvestmentTargetDraft].self),
                                                        access: .permission(.managePrograms))) { request, context in
            let rows = try await Self.decodeBody(request, as: [InvestmentTargetDraft].self, limit: 4 * 1024 * 1024)
            return try await services.programmes.importTargets(rows, by: try context.caller())
        }
    }

    func chainParameter(_ q: QueryReader) throws -> String? {
        guard let c = q.string("chain")?.uppercased() else { return nil }
        guard services.catalog.chains.chain(c) != nil else { throw APIError.badRequest("chain", "\(c) is not a chain code; see /api/v1/chains") }
        return c
    }

    static func chainPath(_ context: BrainContext, _ book: ChainBook) throws -> IndustryChain {
        let raw = try context.parameters.require("code").uppercased()
        guard let chain = book.chain(raw) else {
            throw APIError.notFound("no chain \(raw); known: \(book.codes.joined(separator: ", "))")
        }
        return chain
    }

    /// Decodes a JSON body (at most `limit` bytes); a malformed body is a 400 naming the field.
    static func decodeBody<T: Decodable>(_ request: Request, as type: T.Type, limit: Int = 256 * 1024) async throws -> T {
        let buffer = try await request.body.collect(upTo: limit)
        guard buffer.readableBytes > 0 else { throw APIError(.badRequest, code: "bad_body", message: "request body is empty; JSON expected") }
        return try BodyDecoder.decode(T.self, from: Data(buffer: buffer))
    }
}
