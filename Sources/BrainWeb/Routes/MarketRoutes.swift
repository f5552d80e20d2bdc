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
            let p = try context.caller()
            let draft = try await Self.decodeBody(request, as: ListingDraft.self)
            guard let uscc = p.scope, let i = services.cubes.cube.firmIndex[uscc] else { throw APIError.forbidden("your account has no enterprise") }
            let today = MarketDesk.today()
            let listing: MarketListing
            do {
                listing = try draft.validated(for: services.cubes.cube.firms[i], id: "L-\(String(UInt64(Date().timeIntervalSince1970 * 1_000_000), radix: 36))",
                                              by: p.username, today: today)
            } catch let e as AppError { throw APIError(e) }
            try await market.save([listing])
            return listing
        }
        let listParams: [ParamDoc] = [.query("uscc", "统一社会信用代码 (officials: any enterprise in scope)"), .query("kind", "supply or demand", enumValues: ["supply", "demand"]),
                                      .query("state", "open or closed", enumValues: ["open", "closed"]), .query("limit", "page size 1–500", type: "integer"),
                                      .query("offset", "rows to skip", type: "integer")]
        api.get("/api/v1/market/listings", RouteDoc(method: "get", path: "/api/v1/market/listings",
                                                    summary: "Listings: an enterprise sees its own; officials see those of enterprises in their scope; others with a data grant (listings) of the enterprise given as uscc",
                                                    tag: "market", params: listParams, access: .enterpriseData)) { request, context in
            let p = try context.caller()
            let q = try QueryReader(request, allowed: Set(listParams.map(\.name)))
            let kind = try q.oneOf("kind", ListingKind.self)
            let state = q.string("state")
            if let s = state, s != "open", s != "closed" { throw APIError.badRequest("state", "must be open or closed") }
            let limit = try q.int("limit", default: 50, range: 1...500), offset = try q.int("offset", default: 0, range: 0...10_000_000)
            var uscc = q.string("uscc")
            if let u = uscc {
                uscc = try await self.enterpriseData(request, context, .listings, uscc: u)
            } else if p.ownEnterprise != nil {
                uscc = p.scope
            } else {
                try Self.require(.readIndicators, context)
            }
            let asked = uscc
            let all = try await market.listings(uscc: uscc, state: state).filter { l in
                (kind == nil || l.kind == kind) && (asked != nil || self.inScope(p, uscc: l.uscc))
            }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
            return Page(total: all.count, limit: limit, offset: offset, items: Array(all.dropFirst(offset).prefix(limit)))
        }
        api.post("/api/v1/market/listings/:id/close", RouteDoc(method: "post", path: "/api/v1/market/listings/:id/close", summary: "Close one's own listing",
                                                               tag: "market", params: [.path("id", "listing id")],
                                                               access: .permission(.trade))) { request, context in
            let l = try await self.ownListing(context)
            do { return try await market.close(l.id) } catch let e as AppError { throw APIError(e) }
        }
        api.get("/api/v1/market/listings/:id/matches", RouteDoc(method: "get", path: "/api/v1/market/listings/:id/matches",
                                                                summary: "Ranked counterparts of a listing (supply for a demand, demand for a supply) with the score explained by product, industry, chain adjacency, distance, capacity and past relations",
                                                                tag: "market", params: [.path("id", "listing id"), .query("limit", "1–50", type: "integer")], access: .permission(.trade))) { request, context in
            let limit = try QueryReader(request, allowed: ["limit"]).int("limit", default: 10, range: 1...50)
            let l = try await self.ownListing(context)
            return ItemList(try await market.matches(for: l, limit: limit))
        }
    }

    /// The listing in the path when it belongs to the caller's enterprise (administrators: any).
    func ownListing(_ context: BrainContext) async throws -> MarketListing {
        let id = try context.parameters.require("id")
        guard let l = try await services.market.listing(id) else { throw APIError.notFound("no listing \(id)") }
        let p = try context.caller()
        guard p.can(.manageUsers) || p.ownEnterprise == l.uscc else { throw APIError.forbidden("listing \(id) belongs to another enterprise") }
        return l
    }
}
