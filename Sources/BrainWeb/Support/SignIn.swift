import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// A successful sign-in: who, with which factors, and the issued session token.
struct SignedIn {
    let result: LoginResult
    let token: String
    let expiresAt: Date
}

extension BrainServer {
    /// The one sign-in path of the API and the portal: checks the credentials, records the attempt in the audit ledger
    /// and the security monitor (a lockout raises a security event), and on success opens a session.
    /// Throws `Accounts.Problem` when the login is refused.
    func signIn(username: String, password: String, secondFactor: String?, request: Request, context: BrainContext, via: String) async throws -> SignedIn {
        let source = request.clientAddress(context)
        let name = String(username.prefix(64))
        let result: LoginResult
        do {
            result = try await services.accounts.login(username: username, password: password, secondFactor: secondFactor)
        } catch let problem as Accounts.Problem {
            try await services.ledger.record(AuditEvent(actor: name, action: "login", target: "user:\(name)", source: source, outcome: "denied",
                                                        detail: Self.auditDetail(["reason": problem.description, "code": problem.code, "via": via])))
            await services.monitor.observe(actor: name, source: source, action: "login", target: "user:\(name)", outcome: "denied", sensitiveRead: false)
            if problem.code == "account_locked", problem.description.contains("after") {
                do { try await services.monitor.raise(kind: "account_locked", level: "warning", actor: name, source: source,
                                                  summary: "account \(name) locked after \(Accounts.lockAfter) failed logins", trace: ["last": problem.description])
                } catch {
                    context.logger.error("could not save the account_locked security event for \(name): \(error)")
                }
            }
            throw problem
        }
        let p = result.principal
        let issued = services.signer.issue(for: p, factors: result.factors, pending: result.enrolmentRequired, passwordChange: result.passwordChangeRequired)
        try await services.accountDesk.recordSession(SessionRecord(jti: issued.jti, username: p.username, role: p.role.rawValue, createdAt: Timestamp.now(),
                                                          expiresAt: Timestamp.string(issued.expiresAt), source: source,
                                                          agent: String((request.headers[.userAgent] ?? "").prefix(200)),
                                                          factors: result.enrolmentRequired ? "password (enrolment pending)"
                                                              : result.passwordChangeRequired ? "password (password change pending)" : result.factors))
        try await services.ledger.record(AuditEvent(actor: p.username, action: "login", target: "user:\(p.username)", source: source, outcome: "ok",
                                                    detail: Self.auditDetail(["role": p.role.rawValue, "factors": result.factors, "session": issued.jti,
                                                                              "enrolmentRequired": String(result.enrolmentRequired),
                                                                              "passwordChangeRequired": String(result.passwordChangeRequired), "via": via])))
        return SignedIn(result: result, token: issued.token, expiresAt: issued.expiresAt)
    }
}
