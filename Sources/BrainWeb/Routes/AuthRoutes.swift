import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    func addAuthRoutes(_ api: APIRoutes) {
        let services = self.services
        api.post("/api/v1/auth/login", RouteDoc(method: "post", path: "/api/v1/auth/login",
                                                summary: "Log in with user name, password and, once enrolled, the second factor (`otp`: a TOTP code or a recovery code); returns a bearer token. Five failures lock the account for 15 minutes.",
                                                tag: "auth", requestBody: .json(LoginRequest.self),
                                                access: .open, errors: [400, 401])) { request, context in
            // Sign-in bodies are tiny: 16 KiB is plenty and keeps an anonymous caller from making the server read megabytes.
            let body = try await Self.decodeBody(request, as: LoginRequest.self, limit: 16 * 1024)
            guard !body.username.isEmpty, !body.password.isEmpty else {
                throw APIError.badRequest("username", "user name and password are both required")
            }
            let signedIn: SignedIn
            do {
                signedIn = try await self.signIn(username: body.username, password: body.password, secondFactor: body.otp, request: request, context: context, via: "api")
            } catch let problem as Accounts.Problem {
                throw APIError(.unauthorized, code: problem.code, message: problem.description)
            }
            let result = signedIn.result, p = result.principal
            return LoginAnswer(token: signedIn.token, expiresAt: signedIn.expiresAt.formatted(.iso8601), username: p.username,
                                                role: p.role.rawValue, scope: p.scope, factors: result.factors, enrolmentRequired: result.enrolmentRequired,
                               passwordChangeRequired: result.passwordChangeRequired)
        }
        api.post("/api/v1/auth/logout", RouteDoc(method: "post", path: "/api/v1/auth/logout", summary: "End the caller's session (its token stops working at once)",
                                                 tag: "auth", errors: [401])) { _, context in
            let p = try context.caller()
            guard let jti = context.sessionID else { throw APIError.unauthorized("no session") }
            let ended = try await services.accountDesk.endOwnSession(jti, by: p)
            services.sessions.markRevoked(ended)
            return RevokedCount(revoked: ended.count)
        }
        api.get("/api/v1/me", RouteDoc(method: "get", path: "/api/v1/me", summary: "The caller: user name, role, scope and permissions",
                                       tag: "auth", errors: [401])) { _, context in
            let p = try context.caller()
            let cube = services.cubes.cube
            let scopeName = p.scope.flatMap { services.catalog.region($0)?.name ?? services.catalog.zone($0)?.name ?? cube.firmIndex[$0].map { cube.firms[$0].name } }
            return CallerView(username: p.username, role: p.role.rawValue, roleName: p.role.nameZh, scope: p.scope,
                                            scopeName: scopeName, permissions: Permission.allCases.filter { p.can($0) }.map(\.rawValue))
        }
        api.post("/api/v1/me/password", RouteDoc(method: "post", path: "/api/v1/me/password",
                                                 summary: "Change one's password: the current one, and a new one of at least 10 characters from 3 classes that differs from the last five. Other sessions are ended; a session limited to the password change (a new or reset account's first login) ends too: log in again with the new password.",
                                                 tag: "auth", requestBody: .json(PasswordChange.self), errors: [400, 401])) { request, context in
            let p = try context.caller()
            let body = try await Self.decodeBody(request, as: PasswordChange.self)
            guard let current = body.currentPassword, !current.isEmpty else { throw APIError.badRequest("currentPassword", "required") }
            guard let new = body.newPassword, !new.isEmpty else { throw APIError.badRequest("newPassword", "required") }
            do {
                try await services.accounts.changePassword(p.username, current: current, new: new)
            } catch let e as Accounts.Problem {
                throw APIError(.badRequest, code: "bad_parameter", message: e.description)
            }
            let others = try await services.accountDesk.endOtherSessions(of: p, keeping: context.passwordChangeOnly ? nil : context.sessionID)
            services.sessions.markRevoked(others)
            return RevokedCount(revoked: others.count)
        }
        addSecondFactorRoutes(api)
        addSessionRoutes(api)
    }

    /// A small JSON object for an audit entry's content.
    static func auditDetail(_ fields: [String: String]) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? enc.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
