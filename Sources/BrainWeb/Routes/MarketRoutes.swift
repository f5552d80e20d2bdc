import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    func addMarketRoutes(_ api: APIRoutes) {
        let services = self.services
        let market = services.market
        api.post("/api/v1/market/listings", RouteDoc(method: "post", path: "/api/v1/market/listings",
                                                     summary: "贸易撮合: post a supply or demand listing for one's own enterprise (product, spec, quantity, unit, region, dates)",
                                                     tag: "market", requestBody: .json(ListingDraft.self),
                                                     access: .permission(.trade), status: .created)) { request, context in
            let draft = try await Self.decodeBody(request, as: ListingDraft.self)
            return try await market.post(draft, by: try context.caller(), cube: services.cubes.cube)
        }
        let listParams: [ParamDoc] = [.query("uscc", "统一社会信用代码 (officials: any enterprise in scope)"), .query("kind", "supply or demand", enumValues: ["supply", "demand"]),
                                      .query("state", "open or closed", enumValues: ["open", "closed"]), .query("limit", "page size 1–500", type: "integer"),
                                      .query("offset", "rows to skip", type: "integer")]
        api.get("/api/v1/market/listings", RouteDoc(method: "get", path: "/api/v1/market/listings",
                                                    summary: "Listings: an enterprise sees its own; officials see those of enterprises in their scope; others with a data grant (listings) of the enterprise given as uscc",
                                                    tag: "market", params: listParams, access: .enterpriseData)) { request, context in
            let q = try QueryReader(request, allowed: Set(listParams.map(\.name)))
            let kind = try q.oneOf("kind", ListingKind.self)
            let limit = try q.int("limit", default: 50, range: 1...500), offset = try q.int("offset", default: 0, range: 0...10_000_000)
            // A named enterprise passes the scope-or-grant decision first (a grant read is logged there).
            var admitted: String? = nil
            if let uscc = q.string("uscc") { admitted = try await self.enterpriseData(request, context, .listings, uscc: uscc) }
            return try await market.listings(for: try context.caller(), admitted: admitted, kind: kind, state: q.string("state"), limit: limit, offset: offset,
                                             cube: services.cubes.cube, catalog: services.catalog)
        }
        api.post("/api/v1/market/listings/:id/close", RouteDoc(method: "post", path: "/api/v1/market/listings/:id/close", summary: "Close one's own listing",
                                                               tag: "market", params: [.path("id", "listing id")],
                                                               access: .permission(.trade))) { request, context in
            return try await market.close(try context.parameters.require("id"), by: try context.caller())
        }
        api.get("/api/v1/market/listings/:id/matches", RouteDoc(method: "get", path: "/api/v1/market/listings/:id/matches",
                                                                summary: "Ranked counterparts of a listing (supply for a demand, demand for a supply) with the score explained by product, industry, chain adjacency, distance, capacity and past relations",
                                                                tag: "market", params: [.path("id", "listing id"), .query("limit", "1–50", type: "integer")], access: .permission(.trade))) { request, context in
            let limit = try QueryReader(request, allowed: ["limit"]).int("limit", default: 10, range: 1...50)
            return ItemList(try await market.matches(try context.parameters.require("id"), by: try context.caller(), limit: limit))
        }
    }
}
