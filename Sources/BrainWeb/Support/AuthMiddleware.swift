import BrainSecurity
import Foundation
import Hummingbird

/// Requires a valid, unrevoked bearer token on every /api/v1 route except login, and records the caller in the
/// context. A token issued before second-factor enrolment only reaches the enrolment routes.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = BrainContext
    let signer: TokenSigner
    let sessions: SessionGuard
    let open: Set<String>
    /// Records every refusal (to the audit ledger and the security monitor).
    let refused: @Sendable (_ request: Request, _ context: BrainContext, _ actor: String, _ status: Int, _ reason: String) async -> Void
    /// Routes a token pending enrolment may use.
    static let enrolmentRoutes: Set<String> = ["/api/v1/me", "/api/v1/me/mfa", "/api/v1/me/mfa/enrol", "/api/v1/me/mfa/confirm", "/api/v1/auth/logout"]
    /// Routes a token of an account that must change its password may use.
    static let passwordChangeRoutes: Set<String> = ["/api/v1/me", "/api/v1/me/password", "/api/v1/auth/logout"]

    func handle(_ request: Request, context: BrainContext, next: (Request, BrainContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/v1/"), !open.contains(path) else { return try await next(request, context) }
        var actor = "anonymous"
        do {
            guard let header = request.headers[.authorization] else {
                throw APIError.unauthorized("this route needs Authorization: Bearer <token>; get one from POST /api/v1/auth/login")
            }
            guard header.lowercased().hasPrefix("bearer ") else {
                throw APIError.unauthorized("Authorization header must be 'Bearer <token>'")
            }
            let claims: TokenSigner.Claims
            do {
                claims = try signer.verifyClaims(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            } catch {
                throw APIError.unauthorized(error.description)
            }
            actor = claims.sub
            guard !sessions.isRevoked(claims.jti) else { throw APIError.unauthorized("this session was ended (logged out or revoked); log in again") }
            guard let role = Role(rawValue: claims.role) else { throw APIError.unauthorized("the bearer token is malformed") }
            if claims.pend == true, !Self.enrolmentRoutes.contains(path) {
                throw APIError(.forbidden, code: "mfa_enrolment_required",
                               message: "your role must use a second factor: enrol one with POST /api/v1/me/mfa/enrol and /api/v1/me/mfa/confirm, then log in again")
            }
            if claims.chg == true, !Self.passwordChangeRoutes.contains(path) {
                throw APIError(.forbidden, code: "password_change_required",
                               message: "this account must change its password first: POST /api/v1/me/password with currentPassword and newPassword, then log in again")
            }
            var context = context
            context.principal = Principal(username: claims.sub, role: role, scope: claims.scope)
            context.sessionID = claims.jti
            context.passwordChangeOnly = claims.chg == true
            return try await next(request, context)
        } catch let e as APIError where e.status == .unauthorized || (e.status == .forbidden && (e.code == "mfa_enrolment_required" || e.code == "password_change_required")) {
            await refused(request, context, actor, Int(e.status.code), e.message)
            throw e
        }
    }
}
