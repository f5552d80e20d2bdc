import BrainApps
import BrainCore
import Hummingbird

extension BrainServer {
    /// Reads of the datasets kept in their own tables: one firm's daily electricity, and the check of daily against monthly
    /// electricity. (Investment projects and land years are part of `GET /api/v1/enterprises/{uscc}`.)
    func addDatasetRoutes(_ api: APIRoutes) {
        let services = self.services
        let desk = services.datasets
        api.get("/api/v1/enterprises/:uscc/electricity/daily", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc/electricity/daily",
                                                                        summary: "One enterprise's daily electricity (日用电量, 万千瓦时) from the power company, day by day with the total; at most a year per request",
                                                                        tag: "data", params: [.path("uscc", "统一社会信用代码"),
                                                                                              .query("from", "first day YYYY-MM-DD (default: the first day of to's month, or of the newest month held)"),
                                                                                              .query("to", "last day YYYY-MM-DD (default: the last day of from's month, or of the newest month held)")],
                                                                        access: .enterpriseData)) { request, context in
            let q = try QueryReader(request, allowed: ["from", "to"])
            let from = try q.day("from"), to = try q.day("to")
            let code = try await self.enterpriseData(request, context, .indicators)
            return try await desk.daily(admitted: code, from: from, to: to)
        }
        let params: [ParamDoc] = [.query("month", "month YYYY-MM (default: the newest month with daily values)"),
                                  .query("tolerance", "allowed relative difference, 0–1 (default 0.05)", type: "number"),
                                  .query("limit", "page size, 1–500 (default 50)", type: "integer"), .query("offset", "rows to skip (default 0)", type: "integer")]
        api.get("/api/v1/data/daily-electricity/consistency", RouteDoc(method: "get", path: "/api/v1/data/daily-electricity/consistency",
                                                                       summary: "Firm-months in the caller's scope whose daily electricity does not add up to the monthly electricity indicator within the tolerance (or that have daily values but no monthly figure), largest difference first",
                                                                       tag: "data", params: params, access: .permission(.readIndicators))) { request, context in
            let q = try QueryReader(request, allowed: Set(params.map(\.name)))
            return try await desk.consistency(for: try context.caller(), month: try q.month("month"), tolerance: try q.double("tolerance", default: 0.05),
                                              limit: try q.int("limit", default: 50, range: 1...500), offset: try q.int("offset", default: 0, range: 0...10_000_000),
                                              cube: services.cubes.cube)
        }
    }
}
