import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    func addSecondFactorRoutes(_ api: APIRoutes) {
        let services = self.services
        api.get("/api/v1/me/mfa", RouteDoc(method: "get", path: "/api/v1/me/mfa", summary: "The caller's second factor: enrolled or not, recovery codes left, whether the role requires it",
                                           tag: "auth", response: "MFAState", errors: [401])) { _, context -> Response in
            let p = try context.caller()
            let security = try await services.store.userSecurity(p.username)
            struct State: Encodable { let enrolled: Bool; let recoveryCodesLeft: Int; let required: Bool; let policy: String }
            return try JSONResponse.make(State(enrolled: security?.mfaEnabled ?? false, recoveryCodesLeft: try await services.store.unusedRecoveryCodes(p.username),
                                               required: services.mfaPolicy == .required && MFAPolicy.roleNeedsSecondFactor(p.role), policy: services.mfaPolicy.rawValue))
        }
        api.post("/api/v1/me/mfa/enrol", RouteDoc(method: "post", path: "/api/v1/me/mfa/enrol",
                                                  summary: "Start TOTP enrolment: a new secret (base32) and its otpauth:// URI for the authenticator app; not in force until confirmed",
                                                  tag: "auth", response: "MFAEnrolment", errors: [401, 409])) { _, context -> Response in
            let p = try context.caller()
            do {
                let (secret, uri) = try await services.accounts.startEnrolment(p.username)
                return try JSONResponse.make(["secret": secret, "uri": uri])
            } catch let e as Accounts.Problem {
                throw APIError(.conflict, code: e.code, message: e.description)
            }
        }
        api.post("/api/v1/me/mfa/confirm", RouteDoc(method: "post", path: "/api/v1/me/mfa/confirm",
                                                    summary: "Confirm enrolment with a current code (`otp`); returns ten one-time recovery codes, shown only now. Log in again afterwards.",
                                                    tag: "auth", requestBody: ("application/json", "OTP"), response: "RecoveryCodes", errors: [400, 401, 409])) { request, context -> Response in
            let p = try context.caller()
            struct Body: Decodable { let otp: String? }
            let body = try await Self.decodeBody(request, as: Body.self)
            guard let code = body.otp, !code.isEmpty else { throw APIError.badRequest("otp", "required: the 6-digit code the app shows") }
            do {
                let codes = try await services.accounts.confirmEnrolment(p.username, code: code)
                return try JSONResponse.make(["recoveryCodes": codes])
            } catch let e as Accounts.Problem {
                throw APIError(e.code == "bad_parameter" ? .badRequest : .conflict, code: e.code, message: e.description)
            }
        }
    }

    func addSessionRoutes(_ api: APIRoutes) {
        let services = self.services
        api.get("/api/v1/me/sessions", RouteDoc(method: "get", path: "/api/v1/me/sessions", summary: "The caller's active sessions (where and when they began, with which factors)",
                                                tag: "auth", response: "SessionList", errors: [401])) { _, context -> Response in
            let p = try context.caller()
            return try JSONResponse.make(["items": try await services.store.sessions(username: p.username)])
        }
        api.post("/api/v1/me/sessions/:jti/revoke", RouteDoc(method: "post", path: "/api/v1/me/sessions/:jti/revoke", summary: "End one of the caller's sessions",
                                                             tag: "auth", params: [.path("jti", "session id")], response: "Count", errors: [401, 404])) { _, context -> Response in
            let p = try context.caller()
            let jti = try context.parameters.require("jti")
            let n = try await services.store.revokeSessions(username: p.username, jti: jti, by: p.username)
            guard n > 0 else { throw APIError.notFound("no active session \(jti) of yours") }
            services.sessions.markRevoked([jti])
            return try JSONResponse.make(["revoked": n])
        }
        api.get("/api/v1/sessions", RouteDoc(method: "get", path: "/api/v1/sessions", summary: "Every active session (administrators)",
                                             tag: "users", params: [.query("username", "only this user")], response: "SessionList",
                                             access: .permission(.manageUsers))) { request, context -> Response in
            let q = try QueryReader(request, allowed: ["username"])
            return try JSONResponse.make(["items": try await services.store.sessions(username: q.string("username"))])
        }
        api.post("/api/v1/sessions/:jti/revoke", RouteDoc(method: "post", path: "/api/v1/sessions/:jti/revoke", summary: "End any session (administrators)",
                                                          tag: "users", params: [.path("jti", "session id")], response: "Count",
                                                          access: .permission(.manageUsers))) { _, context -> Response in
            let p = try context.caller()
            let jti = try context.parameters.require("jti")
            guard let s = try await services.store.session(jti) else { throw APIError.notFound("no session \(jti)") }
            let n = try await services.store.revokeSessions(username: s.username, jti: jti, by: p.username)
            services.sessions.markRevoked([jti])
            return try JSONResponse.make(["revoked": n])
        }
        api.get("/api/v1/users", RouteDoc(method: "get", path: "/api/v1/users", summary: "Accounts with role, scope, lock state and second factor (administrators)",
                                          tag: "users", response: "UserList", access: .permission(.manageUsers))) { request, context -> Response in
            _ = try QueryReader(request, allowed: [])
            struct Row: Encodable { let username, role: String; let scope: String?; let createdAt: String; let disabled: Bool; let lockedUntil: String?; let secondFactor: Bool }
            var rows: [Row] = []
            for u in try await services.store.users() {
                let s = try await services.store.userSecurity(u.username)
                let locked = s?.lockedUntil.flatMap { until in (try? Date(until, strategy: .iso8601)).map { $0 > Date() ? until : nil } ?? nil }
                rows.append(Row(username: u.username, role: u.role, scope: u.scope, createdAt: u.createdAt, disabled: u.disabled, lockedUntil: locked,
                                secondFactor: s?.mfaEnabled ?? false))
            }
            return try JSONResponse.make(["items": rows])
        }
        api.get("/api/v1/security/events", RouteDoc(method: "get", path: "/api/v1/security/events",
                                                     summary: "Security events for the security administrator: failed-login bursts, lockouts, refused-request storms, bulk reads of enterprise data, ledger verification failures — with level and trace",
                                                     tag: "users", params: [.query("state", "open or acknowledged", enumValues: ["open", "acknowledged"]),
                                                                            .query("level", "warning or critical", enumValues: ["warning", "critical"])],
                                                     response: "SecurityEventList", access: .permission(.manageUsers))) { request, context -> Response in
            let q = try QueryReader(request, allowed: ["state", "level"])
            let state = q.string("state"), level = q.string("level")
            if let state, !["open", "acknowledged"].contains(state) { throw APIError.badRequest("state", "must be open or acknowledged") }
            if let level, !["warning", "critical"].contains(level) { throw APIError.badRequest("level", "must be warning or critical") }
            return try JSONResponse.make(["items": try await services.monitor.events(state: state, level: level)])
        }
        api.post("/api/v1/security/events/:id/acknowledge", RouteDoc(method: "post", path: "/api/v1/security/events/:id/acknowledge",
                                                                     summary: "Acknowledge a security event (who and when are kept)", tag: "users",
                                                                     params: [.path("id", "event id")], response: "SecurityEvent",
                                                                     access: .permission(.manageUsers))) { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let e = try await services.monitor.acknowledge(id, by: try context.caller().username) else { throw APIError.notFound("no security event \(id)") }
            return try JSONResponse.make(e)
        }
        for action in ["unlock", "reset-mfa", "disable", "enable"] {
            api.post("/api/v1/users/:username/\(action)", RouteDoc(method: "post", path: "/api/v1/users/:username/\(action)",
                                                                   summary: ["unlock": "Lift a lockout (administrators)", "reset-mfa": "Remove a user's second factor so they can enrol again (administrators)",
                                                                             "disable": "Disable an account and end its sessions (administrators; not one's own)",
                                                                             "enable": "Enable a disabled account (administrators)"][action]!,
                                                                   tag: "users", params: [.path("username", "user name")], response: "Count",
                                                                   access: .permission(.manageUsers))) { _, context -> Response in
                let name = try context.parameters.require("username")
                guard try await services.store.user(name) != nil else { throw APIError.notFound("no user \(name)") }
                switch action {
                case "unlock": try await services.store.clearLoginFailures(name)
                case "reset-mfa": try await services.accounts.resetSecondFactor(name)
                case "disable":
                    guard name != (try context.caller().username) else { throw APIError.badRequest("username", "you cannot disable your own account") }
                    try await services.store.setDisabled(name, true)
                    let ended = try await services.store.sessions(username: name).map(\.jti)
                    try await services.store.revokeSessions(username: name, by: try context.caller().username)
                    services.sessions.markRevoked(ended)
                default: try await services.store.setDisabled(name, false)
                }
                return try JSONResponse.make(["updated": 1])
            }
        }
    }
}
