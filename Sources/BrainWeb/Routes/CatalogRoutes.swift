import BrainCore
import BrainData
import BrainSecurity
import Hummingbird

extension BrainServer {
    func addCatalogRoutes(_ api: APIRoutes) {
        let services = self.services
        let catalog = services.catalog
        api.get("/api/v1/regions", RouteDoc(method: "get", path: "/api/v1/regions", summary: "GB/T 2260 regions of the province (province, cities, counties)",
                                            tag: "catalog", params: [.query("level", "province, city or county", enumValues: RegionLevel.allCases.map(\.rawValue)),
                                                                     .query("parent", "only the children of this region code")], access: .permission(.readCatalog))) { request, context in
            let q = try QueryReader(request, allowed: ["level", "parent"])
            let level = try q.oneOf("level", RegionLevel.self)
            let parent = q.string("parent")
            if let parent, catalog.region(parent) == nil { throw APIError.badRequest("parent", "\(parent) is not a region code of \(catalog.province.name)") }
            let items = catalog.regions.filter { (level == nil || $0.level == level) && (parent == nil || $0.parent == parent) }
            return ItemList(items)
        }
        api.get("/api/v1/zones", RouteDoc(method: "get", path: "/api/v1/zones", summary: "Development zones (开发区/园区/新区) with the counties and cities they span",
                                          tag: "catalog", params: [.query("region", "only zones lying at least partly in this region")], access: .permission(.readCatalog))) { request, context in
            let q = try QueryReader(request, allowed: ["region"])
            var zones = catalog.zones
            if let r = q.string("region") {
                guard catalog.region(r) != nil else { throw APIError.badRequest("region", "\(r) is not a region code of \(catalog.province.name)") }
                zones = catalog.zones(within: r)
            }
            return ItemList(zones.map {
                ZoneView(code: $0.code, name: $0.name, shortName: $0.shortName, kind: $0.kind.rawValue, kindName: $0.kind.nameZh,
                         counties: $0.counties, cities: $0.cities, chains: $0.chains)
            })
        }
        api.get("/api/v1/industries", RouteDoc(method: "get", path: "/api/v1/industries", summary: "GB/T 4754-2017 divisions and the classes the chains use",
                                               tag: "catalog", access: .permission(.readCatalog))) { request, context in
            _ = try QueryReader(request, allowed: [])
            return IndustryList(divisions: services.industries.divisions, classes: services.industries.classes)
        }
        api.get("/api/v1/chains", RouteDoc(method: "get", path: "/api/v1/chains", summary: "The province's chains in force with their links: its imported chain definitions, or Jiangxi's 12 bundled \"1269\" chains, or none",
                                           tag: "catalog", access: .permission(.readCatalog))) { request, context in
            _ = try QueryReader(request, allowed: [])
            return ItemList(services.catalog.chains.chains.map {
                ChainSummary(code: $0.code, name: $0.name, clusters: $0.clusters, linkCount: $0.links.count, links: $0.links)
            })
        }
        api.get("/api/v1/chains/:code", RouteDoc(method: "get", path: "/api/v1/chains/:code", summary: "One chain: links upstream to downstream, products, classes and the link graph",
                                                 tag: "catalog", params: [.path("code", "chain code such as NFM")],
                                                 access: .permission(.readCatalog))) { request, context in
            _ = try QueryReader(request, allowed: [])
            let code = try context.parameters.require("code").uppercased()
            guard let chain = services.catalog.chains.chain(code) else {
                throw APIError.notFound("no chain \(code); known: \(services.catalog.chains.codes.joined(separator: ", "))")
            }
            var names: [String: String] = [:]
            for l in chain.links { for i in l.industries { names[i] = services.industries.name(of: i) } }
            return ChainDetail(code: chain.code, name: chain.name, clusters: chain.clusters, links: chain.links,
                                                     edges: chain.edges.map { ChainEdge(from: $0.from, to: $0.to) }, industryNames: names)
        }
        api.get("/api/v1/catalog/elements", RouteDoc(method: "get", path: "/api/v1/catalog/elements", summary: "The data dictionary: every stored field as a data element",
                                                     tag: "catalog", params: [.query("dataset", "the dataset of the elements", enumValues: Self.elementDatasets)], access: .permission(.readCatalog))) { request, context in
            let q = try QueryReader(request, allowed: ["dataset"])
            var items = DataDictionary.all
            if let d = q.string("dataset") {
                guard Self.elementDatasets.contains(d) else {
                    throw APIError.badRequest("dataset", "must be one of \(Self.elementDatasets.joined(separator: ", ")); got '\(d)'")
                }
                items = items.filter { $0.dataset == d }
            }
            return ItemList(items)
        }
    }

    /// Refuses the request unless the caller's role holds the permission (the one role × permission table).
    static func require(_ permission: Permission, _ context: BrainContext) throws {
        let p = try context.caller()
        guard p.can(permission) else {
            throw APIError.forbidden("role \(p.role.rawValue) lacks permission \(permission.rawValue)")
        }
    }
}

extension BrainServer {
    /// The datasets of the data dictionary, in its order.
    static let elementDatasets: [String] = DataDictionary.all.reduce(into: []) { if !$0.contains($1.dataset) { $0.append($1.dataset) } }
}
