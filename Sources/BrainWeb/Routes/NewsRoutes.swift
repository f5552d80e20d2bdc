import BrainApps
import BrainSecurity
import Foundation
import Hummingbird

extension Services {
    /// The news a caller reads: its audiences' published items, and the drafts it may publish.
    func news(for p: Principal, limit: Int = 50) async throws -> [Announcement] {
        let cube = cubes.cube
        let place = p.ownEnterprise != nil ? p.ownEnterprise.flatMap { cube.firmIndex[$0] }.map { (cube.firms[$0].region, cube.firms[$0].zone) } : nil
        return try await newsDesk.list(for: p, catalog: catalog, firmPlace: place, limit: limit)
    }
}

extension BrainServer {
    func addNewsRoutes(_ api: APIRoutes) {
        let desk = services.newsDesk
        api.get("/api/v1/announcements", RouteDoc(method: "get", path: "/api/v1/announcements",
                                                  summary: "News and announcements: published ones for everyone; publishers (news:publish) also see drafts and scheduled ones",
                                                  tag: "news", errors: [401])) { request, context in
            let p = try context.caller()
            _ = try QueryReader(request, allowed: [])
            return ItemList(try await services.news(for: p))
        }
        api.post("/api/v1/announcements", RouteDoc(method: "post", path: "/api/v1/announcements",
                                                   summary: "Write an announcement: a draft, published now, or scheduled (publishAt)", tag: "news",
                                                   requestBody: .json(AnnouncementDraftBody.self),
                                                   access: .permission(.publishNews), status: .created)) { request, context in
            let b = try await Self.decodeBody(request, as: AnnouncementDraftBody.self)
            do {
                let a = try await desk.create(title: b.title, body: b.body, publishAt: b.publishAt, draft: b.draft ?? false, author: try context.caller())
                return a
            } catch let e as AppError { throw APIError(e) }
        }
        api.post("/api/v1/announcements/:id/publish", RouteDoc(method: "post", path: "/api/v1/announcements/:id/publish", summary: "Publish a draft now",
                                                               tag: "news", params: [.path("id", "announcement id")],
                                                               access: .permission(.publishNews))) { _, context in
            do { return try await desk.publish(try context.parameters.require("id"), by: try context.caller()) } catch let e as AppError { throw APIError(e) }
        }
    }
}
