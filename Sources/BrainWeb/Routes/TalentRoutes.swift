import BrainApps
import BrainCore
import BrainSecurity
import Hummingbird

extension BrainServer {
    func addTalentRoutes(_ api: APIRoutes) {
        let services = self.services
        let catalog = services.catalog
        let params: [ParamDoc] = [.query("region", "a city code (a county or zone maps to its cities); default: the caller's scope"),
                                  .query("chain", "chain code"), .query("period", "quarter-end month YYYY-MM (default: the latest)")]
        api.get("/api/v1/talent/map", RouteDoc(method: "get", path: "/api/v1/talent/map",
                                               summary: "产业人才地图: supply and demand by city × occupation with skill level, education, experience, salary and a 1–5 star shortage index; top shortages per city and per chain",
                                               tag: "talent", params: params, response: "TalentMap", access: .permission(.readStatistics))) { request, context -> Response in
            let p = try context.caller()
            let q = try QueryReader(request, allowed: Set(params.map(\.name)))
            // Talent figures are city aggregates: officials see their city, zone managers the cities their zone spans.
            var allowed: Set<String>? = nil
            switch p.role {
            case .cityOfficial, .countyOfficial:
                allowed = p.scope.flatMap { catalog.city(of: $0) }.map { [$0] } ?? []
            case .zoneManager:
                allowed = Set(p.scope.flatMap { catalog.zone($0)?.cities } ?? [])
            default: break
            }
            var cities = allowed
            if let r = q.string("region") {
                guard let region = catalog.region(r) else { throw APIError.badRequest("region", "\(r) is not a GB/T 2260 code of \(catalog.province.name)") }
                let asked: Set<String> = region.level == .province ? Set(catalog.cities.map(\.code)) : [catalog.city(of: r) ?? r]
                if let allowed, asked.isDisjoint(with: allowed) { throw APIError.forbidden("region \(r) is outside your data scope") }
                cities = allowed.map { $0.intersection(asked) } ?? (region.level == .province ? nil : asked)
            }
            var chain: String?
            if let c = q.string("chain")?.uppercased() {
                guard ChainCatalog.chain(c) != nil else { throw APIError.badRequest("chain", "\(c) is not a chain code") }
                chain = c
            }
            let period = try q.month("period")?.description
            let records = try await services.store.talent(cities: cities)
            if let period, !records.contains(where: { $0.period == period }) {
                throw APIError.badRequest("period", "no talent data for \(period); periods with data: \(Set(records.map(\.period)).sorted().suffix(8).joined(separator: ", "))")
            }
            return try JSONResponse.make(TalentMap.build(records: records, cities: cities, chain: chain, period: period, catalog: catalog))
        }
    }
}
