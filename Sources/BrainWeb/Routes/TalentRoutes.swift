import BrainApps
import BrainCore
import BrainSecurity
import Hummingbird

extension BrainServer {
    func addTalentRoutes(_ api: APIRoutes) {
        let services = self.services
        let params: [ParamDoc] = [.query("region", "a city code (a county or zone maps to its cities); default: the caller's scope"),
                                  .query("chain", "chain code"), .query("period", "quarter-end month YYYY-MM (default: the latest)")]
        api.get("/api/v1/talent/map", RouteDoc(method: "get", path: "/api/v1/talent/map",
                                               summary: "产业人才地图: supply and demand by city × occupation with skill level, education, experience, salary and a 1–5 star shortage index; top shortages per city and per chain",
                                               tag: "talent", params: params, access: .permission(.readStatistics))) { request, context in
            let q = try QueryReader(request, allowed: Set(params.map(\.name)))
            return try await services.talentDesk.map(for: try context.caller(), region: q.string("region"), chain: q.string("chain"),
                                                                          period: try q.month("period"))
        }
    }
}
