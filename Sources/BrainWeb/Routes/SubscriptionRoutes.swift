import BrainApps
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// Which inbox messages to mark read: these ids, or all when `ids` is absent.
struct InboxReadBody: Codable, Sendable {
    let ids: [String]?
}

/// How many messages a call changed or counted.
struct CountBody: Codable, Sendable {
    let count: Int
}

extension BrainServer {
    /// Subscriptions, deliveries (dead letters, redelivery) and the inbox (docs/subscriptions.md).
    func addSubscriptionRoutes(_ api: APIRoutes) {
        let desk = services.subscriptions
        api.get("/api/v1/subscriptions", RouteDoc(method: "get", path: "/api/v1/subscriptions",
                                                  summary: "The caller's subscriptions (an administrator's: everyone's) with delivery counts",
                                                  tag: "subscriptions", errors: [401])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return ItemList(try await desk.list(for: try context.caller()))
        }
        api.post("/api/v1/subscriptions", RouteDoc(method: "post", path: "/api/v1/subscriptions",
                                                   summary: "Subscribe to warnings (officials, clients; filters: regions, chains, levels, kinds) or import completions; channel webhook (answers its signing secret once), inbox, email or sms",
                                                   tag: "subscriptions", requestBody: .json(SubscriptionDraft.self), errors: [400, 401, 403, 409],
                                                   status: .created)) { request, context in
            let draft = try await Self.decodeBody(request, as: SubscriptionDraft.self)
            return try await desk.create(draft, by: try context.caller())
        }
        api.get("/api/v1/subscriptions/:id", RouteDoc(method: "get", path: "/api/v1/subscriptions/:id", summary: "One subscription of the caller",
                                                      tag: "subscriptions", params: [.path("id", "subscription id")], errors: [401, 404])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await desk.subscription(try context.parameters.require("id"), for: try context.caller())
        }
        for (action, active) in [("pause", false), ("resume", true)] {
            api.post("/api/v1/subscriptions/:id/\(action)", RouteDoc(method: "post", path: "/api/v1/subscriptions/:id/\(action)",
                                                                     summary: active ? "Resume a paused subscription" : "Pause a subscription (no new deliveries; queued ones still go)",
                                                                     tag: "subscriptions", params: [.path("id", "subscription id")], errors: [401, 404])) { _, context in
                try await desk.setState(try context.parameters.require("id"), active: active, by: try context.caller())
            }
        }
        api.post("/api/v1/subscriptions/:id/delete", RouteDoc(method: "post", path: "/api/v1/subscriptions/:id/delete",
                                                               summary: "Delete a subscription; its deliveries not yet made are cancelled, the history stays",
                                                               tag: "subscriptions", params: [.path("id", "subscription id")], errors: [401, 404])) { _, context in
            let id: String = try context.parameters.require("id")
            try await desk.delete(id, by: try context.caller())
            return CountBody(count: 1)
        }
        api.get("/api/v1/subscriptions/:id/deliveries", RouteDoc(method: "get", path: "/api/v1/subscriptions/:id/deliveries",
                                                                 summary: "Deliveries of one subscription, newest first (state=dead: its dead letters)", tag: "subscriptions",
                                                                 params: [.path("id", "subscription id"), .query("state", "pending, delivered, dead or cancelled", enumValues: ["pending", "delivered", "dead", "cancelled"]),
                                                                          .query("limit", "at most this many (1–500, default 100)", type: "integer")],
                                                                 errors: [400, 401, 404])) { request, context in
            let q = try QueryReader(request, allowed: ["state", "limit"])
            return ItemList(try await desk.deliveries(subscription: try context.parameters.require("id"), state: q.string("state"), by: try context.caller(),
                                                      limit: try q.int("limit", default: 100, range: 1...500)))
        }
        api.get("/api/v1/deliveries", RouteDoc(method: "get", path: "/api/v1/deliveries",
                                               summary: "Deliveries of all the caller's subscriptions, newest first; state=dead is the dead-letter list", tag: "subscriptions",
                                               params: [.query("state", "pending, delivered, dead or cancelled", enumValues: ["pending", "delivered", "dead", "cancelled"]),
                                                        .query("limit", "at most this many (1–500, default 100)", type: "integer")],
                                               errors: [400, 401])) { request, context in
            let q = try QueryReader(request, allowed: ["state", "limit"])
            return ItemList(try await desk.deliveries(subscription: nil, state: q.string("state"), by: try context.caller(),
                                                      limit: try q.int("limit", default: 100, range: 1...500)))
        }
        api.post("/api/v1/deliveries/:id/redeliver", RouteDoc(method: "post", path: "/api/v1/deliveries/:id/redeliver",
                                                              summary: "Send a dead (or delivered) delivery again now with a fresh retry window; 409 while it is pending",
                                                              tag: "subscriptions", params: [.path("id", "delivery id")], errors: [401, 404, 409])) { _, context in
            try await desk.redeliver(try context.parameters.require("id"), by: try context.caller())
        }
        api.get("/api/v1/inbox", RouteDoc(method: "get", path: "/api/v1/inbox", summary: "The caller's inbox (消息), newest first",
                                          tag: "subscriptions", params: [.query("unread", "true: only unread messages", type: "boolean"),
                                                                         .query("limit", "1–200, default 50", type: "integer"), .query("offset", "default 0", type: "integer")],
                                          errors: [400, 401])) { request, context in
            let q = try QueryReader(request, allowed: ["unread", "limit", "offset"])
            return try await desk.inbox(for: try context.caller(), unreadOnly: try q.bool("unread") ?? false,
                                        limit: try q.int("limit", default: 50, range: 1...200), offset: try q.int("offset", default: 0, range: 0...1_000_000))
        }
        api.post("/api/v1/inbox/read", RouteDoc(method: "post", path: "/api/v1/inbox/read", summary: "Mark inbox messages read (ids, or all when ids is absent); answers how many changed",
                                                tag: "subscriptions", requestBody: .json(InboxReadBody.self), errors: [400, 401])) { request, context in
            let body = try await Self.decodeBody(request, as: InboxReadBody.self)
            return CountBody(count: try await desk.markRead(body.ids, by: try context.caller()))
        }
    }
}
