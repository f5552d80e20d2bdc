import BrainSecurity
import Foundation
import HTTPTypes
import Hummingbird

/// Requires a valid, unrevoked bearer token or a service client's API key on every /api/v1 route except login, and
/// records the caller in the context. A token issued before second-factor enrolment only reaches the enrolment routes;
/// a client that signs its requests must sign every one (`RequestSigning`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = BrainContext
    let signer: TokenSigner
    let sessions: SessionGuard
    let keyring: ClientKeyring
    let signatures: SignatureMemory
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
            if let key = Self.apiKey(request) {
                return try await client(key, request, context: context, actor: &actor, next: next)
            }
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

    static let apiKeyHeader = HTTPField.Name("X-API-Key")!
    static let timestampHeader = HTTPField.Name("X-Brain-Timestamp")!
    static let signatureHeader = HTTPField.Name("X-Brain-Signature")!

    /// The API key a request carries: `X-API-Key: bk_…` or `Authorization: Bearer bk_…`.
    static func apiKey(_ request: Request) -> String? {
        if let k = request.headers[apiKeyHeader] { return trimmed(k) }
        if let h = request.headers[.authorization], h.lowercased().hasPrefix("bearer "),
           case let t = trimmed(String(h.dropFirst(7))), t.hasPrefix(APIKeyFormat.prefix) {
            return t
        }
        return nil
    }

    /// A header value without surrounding white space; a value that starts and ends with a visible ASCII character (every
    /// well-formed key and token) is returned as it is, without Foundation's slower trimming (a cost on every request).
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        if first > 0x20 && first < 0x7F && last > 0x20 && last < 0x7F { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// A service client's call: the key, then (for a signing client) the signature over the body.
    private func client(_ key: String, _ request: Request, context: BrainContext, actor: inout String,
                        next: (Request, BrainContext) async throws -> Response) async throws -> Response {
        do { try await keyring.ensureLoaded() } catch { throw APIError(.serviceUnavailable, code: "keys_unavailable", message: "API keys cannot be checked right now") }
        let (principal, client): (Principal, ClientKeyring.Client)
        switch keyring.authenticate(key) {
        case .success(let found): (principal, client) = found
        case .failure(let refusal):
            if let id = refusal.clientID { actor = ClientGrant.actor(id) }
            throw APIError.unauthorized(refusal.description)
        }
        actor = principal.username
        var request = request
        if let secret = client.signingSecret {
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            request.body = .init(buffer: body)
            if let why = RequestSigning.refusal(secret: secret, timestamp: request.headers[Self.timestampHeader], signature: request.headers[Self.signatureHeader],
                                                method: request.method.rawValue, target: request.uri.description, body: Data(buffer: body), seen: signatures) {
                throw APIError.unauthorized(why)
            }
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
