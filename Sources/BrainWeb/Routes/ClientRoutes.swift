import BrainApps
import BrainSecurity
import Foundation
import Hummingbird

/// `POST /api/v1/clients/{id}/keys`: a rotation.
struct RotationBody: Codable, Sendable {
    /// Hours the client's other keys keep working (0–720, default 24).
    let overlapHours: Int?
}

extension BrainServer {
    /// Service clients (统一数据接口的接入方) and their API keys: administrators manage every client, providers their own.
    /// Keys and signing secrets are answered once, when issued; the store keeps only their hashes (signing secrets
    /// encrypted). Revocation takes effect at the next request.
    func addClientRoutes(_ api: APIRoutes) {
        let desk = services.clients
        api.get("/api/v1/clients", RouteDoc(method: "get", path: "/api/v1/clients",
                                            summary: "The service clients the caller manages (administrators: all; providers: their own), with their keys' ids and states, never a secret",
                                            tag: "clients", access: .permission(.manageClients), errors: [401, 403])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return ItemList(try await desk.list(by: try context.caller()))
        }
        api.post("/api/v1/clients", RouteDoc(method: "post", path: "/api/v1/clients",
                                             summary: "Creates a service client (id, name, region, dataset write scopes, published service read scopes, expiry, signed) and its first API key, answered this once with the signing secret of a signed client",
                                             tag: "clients", requestBody: .json(ClientRequest.self), access: .permission(.manageClients),
                                             errors: [400, 401, 403, 409], status: .created)) { request, context in
            try await desk.create(try await Self.decodeBody(request, as: ClientRequest.self), by: try context.caller())
        }
        api.get("/api/v1/clients/:id", RouteDoc(method: "get", path: "/api/v1/clients/:id", summary: "One service client the caller manages",
                                                tag: "clients", params: [.path("id", "client id")], access: .permission(.manageClients),
                                                errors: [401, 403, 404])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await desk.client(try context.parameters.require("id"), by: try context.caller())
        }
        api.put("/api/v1/clients/:id", RouteDoc(method: "put", path: "/api/v1/clients/:id",
                                                summary: "Changes a client's name, description, write or read scopes or expiry; only the fields given change",
                                                tag: "clients", params: [.path("id", "client id")], requestBody: .json(ClientChange.self),
                                                access: .permission(.manageClients), errors: [400, 401, 403, 404, 409])) { request, context in
            try await desk.update(try context.parameters.require("id"), try await Self.decodeBody(request, as: ClientChange.self), by: try context.caller())
        }
        api.post("/api/v1/clients/:id/keys", RouteDoc(method: "post", path: "/api/v1/clients/:id/keys",
                                                      summary: "Rotates: issues a new API key (answered this once); the client's other keys keep working for overlapHours (0–720, default 24), then stop",
                                                      tag: "clients", params: [.path("id", "client id")], requestBody: .json(RotationBody.self),
                                                      access: .permission(.manageClients), errors: [400, 401, 403, 404, 409], status: .created)) { request, context in
            let buffer = try await request.body.collect(upTo: 16 * 1024)
            let body = buffer.readableBytes == 0 ? RotationBody(overlapHours: nil) : try BodyDecoder.decode(RotationBody.self, from: Data(buffer: buffer))
            return try await desk.rotate(try context.parameters.require("id"), overlapHours: body.overlapHours ?? 24, by: try context.caller())
        }
        api.post("/api/v1/clients/:id/keys/:key/revoke", RouteDoc(method: "post", path: "/api/v1/clients/:id/keys/:key/revoke",
                                                                  summary: "Revokes one API key at once (the next request with it is refused)",
                                                                  tag: "clients", params: [.path("id", "client id"), .path("key", "key id")],
                                                                  access: .permission(.manageClients), errors: [401, 403, 404, 409])) { _, context in
            try await desk.revokeKey(try context.parameters.require("id"), key: try context.parameters.require("key"), by: try context.caller())
        }
        api.post("/api/v1/clients/:id/revoke", RouteDoc(method: "post", path: "/api/v1/clients/:id/revoke",
                                                        summary: "Revokes a client: every key stops at once; the record stays for the ledger",
                                                        tag: "clients", params: [.path("id", "client id")],
                                                        access: .permission(.manageClients), errors: [401, 403, 404, 409])) { _, context in
            try await desk.revoke(try context.parameters.require("id"), by: try context.caller())
        }
    }
}
