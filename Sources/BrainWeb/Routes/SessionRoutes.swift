import BrainApps
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    func addSecondFactorRoutes(_ api: APIRoutes) {
        let services = self.services
        api.get("/api/v1/me/mfa", RouteDoc(method: "get", path: "/api/v1/me/mfa", summary: "The caller's second factor: enrolled or not, recovery codes left, whether the role requires it",
                                           tag: "auth", errors: [401])) { _, context in
            return try await services.accountDesk.secondFactor(of: try context.caller())
        }
        api.post("/api/v1/me/mfa/enrol", RouteDoc(method: "post", path: "/api/v1/me/mfa/enrol",
                                                  summary: "Start TOTP enrolment: a new secret (base32) and its otpauth:// URI for the authenticator app; not in force until confirmed",
                                                  tag: "auth", errors: [401, 409])) { _, context in
            let p = try context.caller()
            do {
                let (secret, uri) = try await services.accounts.startEnrolment(p.username)
                return MFAEnrolment(secret: secret, uri: uri)
            } catch let e as Accounts.Problem {
                throw APIError(.conflict, code: e.code, message: e.description)
            }
        }
        api.post("/api/v1/me/mfa/confirm", RouteDoc(method: "post", path: "/api/v1/me/mfa/confirm",
                                                    summary: "Confirm enrolment with a current code (`otp`); returns ten one-time recovery codes, shown only now. Log in again afterwards.",
                                                    tag: "auth", requestBody: .json(OTPBody.self), errors: [400, 401, 409])) { request, context in
            let p = try context.caller()
            let body = try await Self.decodeBody(request, as: OTPBody.self)
            guard let code = body.otp, !code.isEmpty else { throw APIError.badRequest("otp", "required: the 6-digit code the app shows") }
            do {
                let codes = try await services.accounts.confirmEnrolment(p.username, code: code)
                return RecoveryCodes(recoveryCodes: codes)
            } catch let e as Accounts.Problem {
                throw APIError(e.code == "bad_parameter" ? .badRequest : .conflict, code: e.code, message: e.description)
            }
        }
    }

    func addSessionRoutes(_ api: APIRoutes) {
        let services = self.services
        api.get("/api/v1/me/sessions", RouteDoc(method: "get", path: "/api/v1/me/sessions", summary: "The caller's active sessions (where and when they began, with which factors)",
                                                tag: "auth", errors: [401])) { _, context in
            return ItemList(try await services.accountDesk.sessions(of: try context.caller()))
        }
        api.post("/api/v1/me/sessions/:jti/revoke", RouteDoc(method: "post", path: "/api/v1/me/sessions/:jti/revoke", summary: "End one of the caller's sessions",
                                                             tag: "auth", params: [.path("jti", "session id")], errors: [401, 404])) { _, context in
            let ended = try await services.accountDesk.endOwnSession(try context.parameters.require("jti"), by: try context.caller())
            services.sessions.markRevoked(ended)
            return RevokedCount(revoked: ended.count)
        }
        api.get("/api/v1/sessions", RouteDoc(method: "get", path: "/api/v1/sessions", summary: "Every active session (administrators)",
                                             tag: "users", params: [.query("username", "only this user")],
                                             access: .permission(.manageUsers))) { request, context in
            let q = try QueryReader(request, allowed: ["username"])
            return ItemList(try await services.accountDesk.allSessions(username: q.string("username"), by: try context.caller()))
        }
        api.post("/api/v1/sessions/:jti/revoke", RouteDoc(method: "post", path: "/api/v1/sessions/:jti/revoke", summary: "End any session (administrators)",
                                                          tag: "users", params: [.path("jti", "session id")],
                                                          access: .permission(.manageUsers))) { _, context in
            let ended = try await services.accountDesk.endSession(try context.parameters.require("jti"), by: try context.caller())
            services.sessions.markRevoked(ended)
            return RevokedCount(revoked: ended.count)
        }
        api.get("/api/v1/users", RouteDoc(method: "get", path: "/api/v1/users", summary: "Accounts with role, scope, lock state and second factor (administrators)",
                                          tag: "users", access: .permission(.manageUsers))) { request, context in
            _ = try QueryReader(request, allowed: [])
            return ItemList(try await services.accountDesk.accountsList(by: try context.caller()))
        }
        api.get("/api/v1/security/events", RouteDoc(method: "get", path: "/api/v1/security/events",
                                                     summary: "Security events for the security administrator: failed-login bursts, lockouts, refused-request storms, bulk reads of enterprise data, ledger verification failures — with level and trace",
                                                     tag: "users", params: [.query("state", "open or acknowledged", enumValues: ["open", "acknowledged"]),
                                                                            .query("level", "warning or critical", enumValues: ["warning", "critical"])], access: .permission(.manageUsers))) { request, context in
            let q = try QueryReader(request, allowed: ["state", "level"])
            return ItemList(try await services.accountDesk.securityEvents(state: q.string("state"), level: q.string("level"), by: try context.caller()))
        }
        api.post("/api/v1/security/events/:id/acknowledge", RouteDoc(method: "post", path: "/api/v1/security/events/:id/acknowledge",
                                                                     summary: "Acknowledge a security event (who and when are kept)", tag: "users",
                                                                     params: [.path("id", "event id")],
                                                                     access: .permission(.manageUsers))) { _, context in
            return try await services.accountDesk.acknowledgeEvent(try context.parameters.require("id"), by: try context.caller())
        }
        for action in AccountAction.allCases {
            api.post("/api/v1/users/:username/\(action.rawValue)", RouteDoc(method: "post", path: "/api/v1/users/:username/\(action.rawValue)", summary: action.summary,
                                                                   tag: "users", params: [.path("username", "user name")],
                                                                   access: .permission(.manageUsers))) { _, context in
                let ended = try await services.accountDesk.administer(action, try context.parameters.require("username"), by: try context.caller())
                services.sessions.markRevoked(ended)
                return UpdatedCount(updated: 1)
            }
        }
    }
}
