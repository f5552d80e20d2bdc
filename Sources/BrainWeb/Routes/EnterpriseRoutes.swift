import BrainApps
import Foundation
import BrainCore
import BrainSecurity
import BrainStore
import Hummingbird

/// An enterprise as the API shows it: the registry record with readable names for its codes.
struct EnterpriseView: Codable, Sendable {
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
    /// The links the firm sits on with why: its registered links, or those its industry class places it on.
    let chainPlacement: [PlacedLink]
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
        chainPlacement = ChainPlacement.place(industry: e.industry, explicitLinks: e.chainLinks, book: c.chains, industries: services.industries).links
        founded = e.founded
    }

    enum CodingKeys: String, CodingKey {
        case uscc, name, region, regionName, city, cityName, zone, zoneName, industry, industryName, employees, revenue
        case sizeClass, sizeClassName, aboveScale, chains, chainLinks, chainPlacement, founded
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
        try c.encode(chainPlacement, forKey: .chainPlacement)
        try c.encode(founded, forKey: .founded)
    }
}

extension BrainServer {
    func addEnterpriseRoutes(_ api: APIRoutes) {
        let services = self.services
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
                                                tag: "enterprises", params: listParams,
                                                access: .permission(.readEnterprises))) { request, context in
            let q = try QueryReader(request, allowed: Set(listParams.map(\.name)))
            var f = EnterpriseFilter()
            f.region = q.string("region")
            f.zone = q.string("zone")
            f.chain = q.string("chain")
            f.link = q.string("link")
            f.industry = q.string("industry")
            f.size = try q.oneOf("size", SizeClass.self)
            f.aboveScale = try q.bool("above_scale")
            f.text = q.string("q")
            f.limit = try q.int("limit", default: 50, range: 1...500)
            f.offset = try q.int("offset", default: 0, range: 0...10_000_000)
            let page = try await services.enterpriseDesk.list(for: try context.caller(), f)
            return Page(total: page.total, limit: page.limit, offset: page.offset,
                                              items: page.items.map { EnterpriseView($0, services: services) })
        }
        api.get("/api/v1/enterprises/:uscc", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc", summary: "One enterprise with its monthly indicator history and supply links",
                                                      tag: "enterprises", params: [.path("uscc", "统一社会信用代码"), .query("from", "first month YYYY-MM of the history (default: all)")], access: .permission(.readEnterprises))) { request, context in
            let principal = try context.caller()
            let q = try QueryReader(request, allowed: ["from"])
            let from = try q.month("from")
            let record = try await services.enterpriseDesk.record(try context.parameters.require("uscc"), from: from, for: principal, cube: services.cubes.cube,
                                                                  source: request.clientAddress(context), target: request.uri.path)
            let e = record.enterprise
            // The profile is public; the figures and supply links need the scope or a data grant (a grant read is logged).
            let visible = record.figuresVisible
            let rows = record.reports.map { r in
                EnterpriseMonthRow(month: r.month.description, values: Dictionary(uniqueKeysWithValues: Indicator.allCases.map { ($0.rawValue, r[$0]) }))
            }
            let suppliers = record.suppliers, customers = record.customers
            return EnterpriseDetail(enterprise: EnterpriseView(e, services: services), indicatorsVisible: visible, indicators: rows,
                                                units: Dictionary(uniqueKeysWithValues: Indicator.allCases.map { ($0.rawValue, $0.unit) }),
                                                suppliers: suppliers, customers: customers, investmentProjects: record.projects, landUse: record.land)
        }
    }
}
