import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// The catalogue as the API lists it.
struct HubCatalogue: Codable, Sendable {
    let items: [HubListing]
}

/// Every parameter some service source takes, in a stable order (the data route documents them all).
enum OrderedParams {
    static let union: [String] = {
        var seen = Set<String>()
        return ServiceSource.allCases.flatMap(\.parameters).filter { seen.insert($0).inserted }
    }()
}

extension BrainServer {
    /// 服务资源目录: the catalogue, publishing, access requests and decisions, calls of a service, metered usage.
    func addHubRoutes(_ api: APIRoutes) {
        let hub = services.hub
        api.get("/api/v1/hub/services", RouteDoc(method: "get", path: "/api/v1/hub/services",
                                                 summary: "服务资源目录: the published services (and the caller's own withdrawn ones) with the caller's access to each",
                                                 tag: "hub", params: [.query("source", "what the service runs", enumValues: ServiceSource.allCases.map(\.rawValue)),
                                                                      .query("q", "words in the title, description or id")])) { request, context in
            let q = try QueryReader(request, allowed: ["source", "q"])
            return HubCatalogue(items: try await hub.catalogue(for: try context.caller(), source: try q.oneOf("source", ServiceSource.self), text: q.string("q")))
        }
        api.post("/api/v1/hub/services", RouteDoc(method: "post", path: "/api/v1/hub/services",
                                                  summary: "Publish a service: id, title, description, source (an analysis or a dataset), accepted parameters, fixed presets, daily quotas (calls, rows), price note",
                                                  tag: "hub", requestBody: .json(ServiceDraft.self), access: .permission(.publishServices),
                                                  errors: [400, 401, 403, 409], status: .created)) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await hub.publish(try await Self.decodeBody(request, as: ServiceDraft.self), by: try context.caller())
        }
        api.get("/api/v1/hub/services/:id", RouteDoc(method: "get", path: "/api/v1/hub/services/:id", summary: "One published service with the caller's access to it",
                                                     tag: "hub", params: [.path("id", "service id")])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await hub.service(try context.parameters.require("id"), for: try context.caller())
        }
        api.put("/api/v1/hub/services/:id", RouteDoc(method: "put", path: "/api/v1/hub/services/:id",
                                                     summary: "Edit one's own service (an administrator any): texts, parameters, quotas, price note; a withdrawn one is published again",
                                                     tag: "hub", params: [.path("id", "service id")], requestBody: .json(ServiceDraft.self),
                                                     access: .permission(.publishServices), errors: [400, 401, 403, 404])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await hub.edit(try context.parameters.require("id"), try await Self.decodeBody(request, as: ServiceDraft.self), by: try context.caller())
        }
        api.post("/api/v1/hub/services/:id/withdraw", RouteDoc(method: "post", path: "/api/v1/hub/services/:id/withdraw",
                                                               summary: "Withdraw one's own service: it leaves the catalogue and calls are refused; grants and usage stay on record",
                                                               tag: "hub", params: [.path("id", "service id")], access: .permission(.publishServices),
                                                               errors: [401, 403, 404, 409])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await hub.withdraw(try context.parameters.require("id"), by: try context.caller())
        }
        api.post("/api/v1/hub/services/:id/requests", RouteDoc(method: "post", path: "/api/v1/hub/services/:id/requests",
                                                               summary: "申请使用: ask the owner for access with a reason; asking again while pending or approved answers the same request",
                                                               tag: "hub", params: [.path("id", "service id")], requestBody: .json(AccessRequestBody.self),
                                                               errors: [400, 401, 404, 409], status: .created)) { request, context in
            _ = try QueryReader(request, allowed: [])
            let body = try await Self.decodeBody(request, as: AccessRequestBody.self)
            return try await hub.requestAccess(try context.parameters.require("id"), reason: body.reason, by: try context.caller())
        }
        api.get("/api/v1/hub/requests", RouteDoc(method: "get", path: "/api/v1/hub/requests",
                                                 summary: "Access requests to the caller's services (every service for an administrator) and the caller's own",
                                                 tag: "hub", params: [.query("state", "request state", enumValues: ["pending", "approved", "refused", "revoked"])])) { request, context in
            let q = try QueryReader(request, allowed: ["state"])
            return try await hub.requests(for: try context.caller(), state: q.string("state"))
        }
        for decision in AccessDecision.allCases {
            api.post("/api/v1/hub/requests/:id/\(decision.rawValue)", RouteDoc(method: "post", path: "/api/v1/hub/requests/:id/\(decision.rawValue)",
                                                                              summary: decision == .approve ? "Approve a pending request: the consumer may call the service at once"
                                                                                  : decision == .refuse ? "Refuse a pending request (the consumer may ask again)" : "Revoke an approved access: the consumer's next call is refused",
                                                                              tag: "hub", params: [.path("id", "access request id")], requestBody: .json(AccessDecisionBody.self),
                                                                              access: .permission(.publishServices), errors: [400, 401, 403, 404, 409])) { request, context in
                _ = try QueryReader(request, allowed: [])
                let buffer = try await request.body.collect(upTo: 64 * 1024)
                let body = buffer.readableBytes == 0 ? AccessDecisionBody() : try BodyDecoder.decode(AccessDecisionBody.self, from: Data(buffer: buffer))
                return try await hub.decide(try context.parameters.require("id"), decision, note: body.note, by: try context.caller())
            }
        }
        api.get("/api/v1/hub/services/:id/data", RouteDoc(method: "get", path: "/api/v1/hub/services/:id/data",
                                                          summary: "Call a published service: the underlying analysis or dataset read as JSON, within the consumer's region; only the service's parameters are accepted; past a daily quota 429 with Retry-After (seconds to the next Beijing midnight)",
                                                          tag: "hub", params: [.path("id", "service id")]
                                                              + OrderedParams.union.map { .query($0, "accepted only when the service lists it in its `parameters` (else 400 naming it)") },
                                                          response: BodyDoc(contentType: "application/json", schema: { _ in ["type": "object", "description": "the underlying use case's answer (MonitorOverview, ChainAnalysis, a page of warnings, policy matches or enterprises)"] }),
                                                          errors: [400, 401, 403, 404, 429])) { request, context in
            let p = try context.caller()
            let id = try context.parameters.require("id")
            let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
            do {
                let answer = try await hub.call(id, query: query, by: p, source: request.clientAddress(context))
                return JSONResponse.raw(answer.body, contentType: "application/json; charset=utf-8")
            } catch let q as QuotaExceeded {
                var response = try JSONResponse.make(APIError.Body(error: .init(code: "quota_exceeded", message: q.description)), status: .tooManyRequests)
                response.headers[.retryAfter] = String(q.retryAfter)
                return response
            }
        }
        api.get("/api/v1/hub/usage", RouteDoc(method: "get", path: "/api/v1/hub/usage",
                                              summary: "Metered usage per Beijing day, service and consumer (calls, rows, bytes, refused past the quota): the consumers of the caller's services and the caller's own calls",
                                              tag: "hub", params: [.query("from", "first Beijing day YYYY-MM-DD (default: 6 days before to)"), .query("to", "last Beijing day (default: today)"),
                                                                   .query("service", "one service id")])) { request, context in
            let q = try QueryReader(request, allowed: ["from", "to", "service"])
            return try await hub.usage(for: try context.caller(), from: try q.day("from")?.description, to: try q.day("to")?.description, service: q.string("service"))
        }
    }
}
