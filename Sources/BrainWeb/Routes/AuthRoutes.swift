import BrainSecurity
import Foundation
import Hummingbird

extension BrainServer {
    func addAuthRoutes(_ api: APIRoutes) {
        let services = self.services
        api.post("/api/v1/auth/login", RouteDoc(method: "post", path: "/api/v1/auth/login", summary: "Log in with user name and password; returns a bearer token",
                                                tag: "auth", requestBody: ("application/json", "LoginRequest"), response: "LoginResponse",
                                                secured: false, errors: [400, 401])) { request, context -> Response in
            struct Login: Decodable {
                let username: String
                let password: String
            }
            struct Answer: Encodable {
                let token: String
                let expiresAt: String
                let username: String
                let role: String
                let scope: String?
            }
            let body = try await request.decode(as: Login.self, context: context)
            guard !body.username.isEmpty, !body.password.isEmpty else {
                throw APIError.badRequest("username", "user name and password are both required")
            }
            let principal: Principal
            let source = request.clientAddress(context)
            do {
                principal = try await services.accounts.login(username: body.username, password: body.password)
            } catch let problem as Accounts.Problem {
                try await services.ledger.record(AuditEvent(actor: String(body.username.prefix(64)), action: "login", target: "user:\(body.username.prefix(64))",
                                                            source: source, outcome: "denied", detail: Self.auditDetail(["reason": problem.description])))
                throw APIError.unauthorized(problem.description)
            }
            try await services.ledger.record(AuditEvent(actor: principal.username, action: "login", target: "user:\(principal.username)", source: source,
                                                        outcome: "ok", detail: Self.auditDetail(["role": principal.role.rawValue])))
            let issued = services.signer.issue(for: principal)
            return try JSONResponse.make(Answer(token: issued.token, expiresAt: issued.expiresAt.formatted(.iso8601),
                                                username: principal.username, role: principal.role.rawValue, scope: principal.scope))
        }
        api.get("/api/v1/me", RouteDoc(method: "get", path: "/api/v1/me", summary: "The caller: user name, role, scope and permissions",
                                       tag: "auth", response: "Me", errors: [401])) { _, context -> Response in
            struct Me: Encodable {
                let username: String
                let role: String
                let roleName: String
                let scope: String?
                let scopeName: String?
                let permissions: [String]
            }
            let p = try context.caller()
            let scopeName = p.scope.flatMap { services.catalog.region($0)?.name ?? services.catalog.zone($0)?.name }
            return try JSONResponse.make(Me(username: p.username, role: p.role.rawValue, roleName: p.role.nameZh, scope: p.scope,
                                            scopeName: scopeName, permissions: Permission.allCases.filter { p.can($0) }.map(\.rawValue)))
        }
    }

    /// A small JSON object for an audit entry's content.
    static func auditDetail(_ fields: [String: String]) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? enc.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
