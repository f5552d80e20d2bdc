import BrainApps
import BrainCore
import BrainSecurity
import Hummingbird

extension BrainServer {
    func addChainAnalysisRoutes(_ api: APIRoutes) {
        let services = self.services
        let params: [ParamDoc] = [.path("code", "chain code such as NEWENERGY")] + Self.sliceParams.filter { $0.name != "chain" && $0.name != "industry" }
        api.get("/api/v1/chains/:code/analysis", RouteDoc(method: "get", path: "/api/v1/chains/:code/analysis",
                                                          summary: "产业链分析 for a region: per link local firms, output and share, strength (强/较强/弱/缺), 链主 with centrality, 本地配套率, supplier HHI and single-supplier dependency; gaps (补链) and links to extend (延链)",
                                                          tag: "chains", params: params,
                                                          access: .permission(.readStatistics))) { request, context in
            let raw = try context.parameters.require("code").uppercased()
            guard let chain = services.catalog.chains.chain(raw) else {
                throw APIError.notFound("no chain \(raw); known: \(services.catalog.chains.codes.joined(separator: ", "))")
            }
            let scope = try self.slice(request, context, excluding: ["chain", "industry"])
            return services.analyses.chainAnalysis(chain, scope, for: try context.caller())
        }
    }
}
