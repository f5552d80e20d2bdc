import BrainApps
import BrainCore
import BrainSecurity
import Hummingbird

extension BrainServer {
    /// Query parameters shared by the regional analyses.
    static let sliceParams: [ParamDoc] = [
        .query("region", "GB/T 2260 code (default: the caller's region, or the province)"), .query("zone", "development zone code"),
        .query("chain", "chain code such as NFM"), .query("industry", "GB/T 4754 division or class"),
        .query("period", "reporting period YYYY-MM: its 当月 and 1–N月累计 (default: the latest month with data; January is reported with February, so 2026-02 is 1–2月 and 2026-01 is refused)"),
    ]

    /// Reads the slice parameters and resolves them against the caller's scope and the cube's latest month.
    func slice(_ request: Request, _ context: BrainContext, extra: Set<String> = [], excluding: Set<String> = []) throws -> AnalysisScope {
        try Self.require(.readStatistics, context)
        let q = try QueryReader(request, allowed: Set(Self.sliceParams.map(\.name)).union(extra).subtracting(excluding))
        do {
            return try AnalysisScope.resolve(region: q.string("region"), zone: q.string("zone"), chain: q.string("chain"),
                                             industry: q.string("industry"), period: q.string("period"),
                                             principal: try context.caller(), catalog: services.catalog, latest: services.cubes.cube.lastMonth)
        } catch let e as AppError {
            throw APIError(e)
        }
    }

    func addMonitorRoutes(_ api: APIRoutes) {
        let services = self.services
        api.get("/api/v1/monitor/overview", RouteDoc(method: "get", path: "/api/v1/monitor/overview",
                                                     summary: "工业运行 overview: the ten indicators for the month and 1–N月累计 with 同比/环比 (comparable basis), 规上工业增加值增速 (constant-price output method), 目标完成率 against imported annual targets, 亏损面, 负增长面, firm counts, breakdowns and a 24-period series",
                                                     tag: "monitor", params: Self.sliceParams,
                                                     access: .permission(.readStatistics))) { request, context in
            let scope = try self.slice(request, context)
            return services.analyses.overview(scope)
        }
        api.get("/api/v1/monitor/electricity", RouteDoc(method: "get", path: "/api/v1/monitor/electricity",
                                                        summary: "电力看经济: electricity against output by region and chain (growth, elasticity, 24-month correlation) and firms whose power fell while reported output did not",
                                                        tag: "monitor", params: Self.sliceParams,
                                                        access: .permission(.readStatistics))) { request, context in
            let scope = try self.slice(request, context)
            return services.analyses.electricity(scope, for: try context.caller())
        }
    }
}
