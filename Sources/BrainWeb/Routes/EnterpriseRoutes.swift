import Foundation
import BrainCore
import BrainSecurity
import BrainStore
import Hummingbird

/// An enterprise as the API shows it: the registry record with readable names for its codes.
struct EnterpriseView: Encodable, Sendable {
    let uscc, name, region, regionName: String
    let city: String?
    let cityName: String?
    let zone: String?
    let zoneName: String?
    let industry, industryName: String
    let employees: Int
    let revenue: Double
    let sizeClass, sizeClassName: String
    let aboveScale: Bool
    let chains: [String]
    let chainLinks: [String]
    let founded: Int?

    init(_ e: Enterprise, services: Services) {
        let c = services.catalog
        uscc = e.uscc
        name = e.name
        region = e.region
        regionName = c.region(e.region)?.name ?? e.region
        city = c.city(of: e.region)
        cityName = city.flatMap { c.region($0)?.name }
        zone = e.zone
        zoneName = e.zone.flatMap { c.zone($0)?.shortName }
        industry = e.industry
        industryName = services.industries.name(of: e.industry)
        employees = e.employees
        revenue = e.revenue
        sizeClass = e.sizeClass.rawValue
        sizeClassName = e.sizeClass.nameZh
        aboveScale = e.aboveScale
        chains = e.chains
        chainLinks = e.chainLinks
        founded = e.founded
    }

    enum CodingKeys: String, CodingKey {
        case uscc, name, region, regionName, city, cityName, zone, zoneName, industry, industryName, employees, revenue
        case sizeClass, sizeClassName, aboveScale, chains, chainLinks, founded
    }

    /// Encodes absent values as `null` so every enterprise has the same keys.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(uscc, forKey: .uscc)
        try c.encode(name, forKey: .name)
        try c.encode(region, forKey: .region)
        try c.encode(regionName, forKey: .regionName)
        try c.encode(city, forKey: .city)
        try c.encode(cityName, forKey: .cityName)
        try c.encode(zone, forKey: .zone)
        try c.encode(zoneName, forKey: .zoneName)
        try c.encode(industry, forKey: .industry)
        try c.encode(industryName, forKey: .industryName)
        try c.encode(employees, forKey: .employees)
        try c.encode(revenue, forKey: .revenue)
        try c.encode(sizeClass, forKey: .sizeClass)
        try c.encode(sizeClassName, forKey: .sizeClassName)
        try c.encode(aboveScale, forKey: .aboveScale)
        try c.encode(chains, forKey: .chains)
        try c.encode(chainLinks, forKey: .chainLinks)
        try c.encode(founded, forKey: .founded)
    }
}

extension BrainServer {
    func addEnterpriseRoutes(_ api: APIRoutes) {
        let services = self.services
        let catalog = services.catalog
        let listParams: [ParamDoc] = [
            .query("region", "GB/T 2260 code; a city includes its counties"), .query("zone", "development zone code"),
            .query("chain", "chain code such as NFM"), .query("link", "chain link code such as NFM-04"),
            .query("industry", "GB/T 4754 division (2 digits) or class (4 digits)"),
            .query("size", "size class", enumValues: SizeClass.allCases.map(\.rawValue)),
            .query("above_scale", "true for 规上 firms only, false for the others", type: "boolean"),
            .query("q", "part of the name, or a whole credit code"), .query("limit", "page size, 1–500 (default 50)", type: "integer"),
            .query("offset", "rows to skip (default 0)", type: "integer"),
        ]
        api.get("/api/v1/enterprises", RouteDoc(method: "get", path: "/api/v1/enterprises", summary: "Enterprises inside the caller's scope, largest revenue first, paginated with a total",
                                                tag: "enterprises", params: listParams, response: "EnterprisePage",
                                                access: .permission(.readEnterprises))) { request, context -> Response in
            let principal = try context.caller()
            let q = try QueryReader(request, allowed: Set(listParams.map(\.name)))
            var query = EnterpriseQuery()
            let scope = principal.enterpriseScope(in: catalog)
            if let region = q.string("region") {
                guard let r = catalog.region(region) else { throw APIError.badRequest("region", "\(region) is not a GB/T 2260 code of \(catalog.province.name)") }
                let codes = Set([r.code] + catalog.counties(within: r.code) + (r.level == .province ? catalog.cities.map(\.code) : []))
                if case .regions(let allowed) = scope, allowed.isDisjoint(with: codes) {
                    throw APIError.forbidden("region \(region) \(r.name) is outside your data scope (\(principal.scope ?? "-"))")
                }
                query.regions = r.level == .province ? nil : codes
            }
            if let zone = q.string("zone") {
                guard catalog.zone(zone) != nil else { throw APIError.badRequest("zone", "\(zone) is not a known development zone code") }
                if case .zone(let mine) = scope, mine != zone { throw APIError.forbidden("zone \(zone) is outside your data scope (\(mine))") }
                query.zone = zone
            }
            if let chain = q.string("chain")?.uppercased() {
                guard ChainCatalog.chain(chain) != nil else { throw APIError.badRequest("chain", "\(chain) is not a chain code; see /api/v1/chains") }
                query.chain = chain
            }
            if let link = q.string("link")?.uppercased() {
                guard ChainCatalog.chain(String(link.split(separator: "-").first ?? ""))?.link(link) != nil else {
                    throw APIError.badRequest("link", "\(link) is not a chain link code")
                }
                query.link = link
            }
            if let industry = q.string("industry") {
                guard services.industries.isValid(industry) else { throw APIError.badRequest("industry", "\(industry) is not a GB/T 4754-2017 division or class") }
                query.industry = industry
            }
            query.size = try q.oneOf("size", SizeClass.self)
            query.aboveScale = try q.bool("above_scale")
            query.text = q.string("q")
            query.limit = try q.int("limit", default: 50, range: 1...500)
            query.offset = try q.int("offset", default: 0, range: 0...10_000_000)
            let page = try await services.store.enterprises(query, scope: scope)
            return try JSONResponse.make(Page(total: page.total, limit: page.limit, offset: page.offset,
                                              items: page.items.map { EnterpriseView($0, services: services) }))
        }
        api.get("/api/v1/enterprises/:uscc", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc", summary: "One enterprise with its monthly indicator history and supply links",
                                                      tag: "enterprises", params: [.path("uscc", "统一社会信用代码"), .query("from", "first month YYYY-MM of the history (default: all)")],
                                                      response: "EnterpriseDetail", access: .permission(.readEnterprises))) { request, context -> Response in
            let principal = try context.caller()
            let q = try QueryReader(request, allowed: ["from"])
            let from = try q.month("from")
            let raw = try context.parameters.require("uscc")
            let code: String
            do { code = try CreditCode(raw).value } catch { throw APIError.badRequest("uscc", "\(raw) is not a valid credit code: \(error)") }
            var found = try await services.store.enterprise(code, scope: principal.enterpriseScope(in: catalog))
            if found == nil, let i = services.cubes.cube.firmIndex[code] {
                // Outside the caller's scope, a data grant from the enterprise opens it, as on every other route of its data.
                let place = services.cubes.cube.firms[i]
                if case .grant = try await services.grants.decide(principal, owner: code, region: place.region, zone: place.zone, dataset: .indicators, catalog: catalog) {
                    found = try await services.store.enterprise(code, scope: .all)
                }
            }
            guard let e = found else {
                if try await services.store.enterpriseExists(code) {
                    throw APIError.forbidden("enterprise \(code) is outside your data scope (\(principal.scope ?? "-"))")
                }
                throw APIError.notFound("no enterprise with credit code \(code)")
            }
            struct MonthRow: Encodable {
                let month: String
                let values: [String: Double?]
            }
            struct Detail: Encodable {
                let enterprise: EnterpriseView
                let indicatorsVisible: Bool
                let indicators: [MonthRow]
                let units: [String: String]
                let suppliers: [SupplyLink]
                let customers: [SupplyLink]
            }
            // The profile is public; the figures and supply links need the scope or a data grant (a grant read is logged).
            var visible = principal.indicatorScope(in: catalog).admits(uscc: e.uscc, region: e.region, zone: e.zone)
            if !visible, case .grant(let id) = try await services.grants.decide(principal, owner: code, region: e.region, zone: e.zone, dataset: .indicators, catalog: catalog) {
                try await services.grants.log(DataAccess(id: UUID().uuidString, owner: code, reader: principal.username, dataset: GrantDataset.indicators.rawValue,
                                                         target: request.uri.path, grantId: id, outcome: "granted", source: request.clientAddress(context), at: Timestamp.precise()))
                visible = true
            }
            var rows: [MonthRow] = []
            var suppliers: [SupplyLink] = [], customers: [SupplyLink] = []
            if visible {
                rows = try await services.store.reports(uscc: code, from: from).map { r in
                    MonthRow(month: r.month.description, values: Dictionary(uniqueKeysWithValues: Indicator.allCases.map { ($0.rawValue, r[$0]) }))
                }
                let links = try await services.store.supplyLinks(of: code)
                suppliers = links.filter { $0.customer == code }
                customers = links.filter { $0.supplier == code }
            }
            return try JSONResponse.make(Detail(enterprise: EnterpriseView(e, services: services), indicatorsVisible: visible, indicators: rows,
                                                units: Dictionary(uniqueKeysWithValues: Indicator.allCases.map { ($0.rawValue, $0.unit) }),
                                                suppliers: suppliers, customers: customers))
        }
    }
}
