import BrainCore
import BrainSecurity
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The portal's cookie: the same signed session token the API uses, kept HttpOnly and SameSite=Strict.
enum PortalCookie {
    static let name = "brain_session"

    static func value(in request: Request) -> String? {
        guard let header = request.headers[.cookie] else { return nil }
        for part in header.split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == name { return String(kv[1]) }
        }
        return nil
    }

    static func set(_ token: String, secure: Bool, maxAge: Int) -> String {
        "\(name)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)" + (secure ? "; Secure" : "")
    }

    static func clear(secure: Bool) -> String { set("", secure: secure, maxAge: 0) }

    static func isSecure(_ request: Request) -> Bool {
        request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
    }
}

/// CSRF tokens for the portal's forms: an HMAC of the session id under the token-signing secret, so that only pages
/// served to this session can post for it.
struct CSRF {
    let signer: TokenSigner

    func token(session: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(("csrf:" + session).utf8), using: signer.csrfKey))
    }

    func check(_ given: String?, session: String) -> Bool {
        guard let given else { return false }
        return TOTPCompare.equal(given, token(session: session))
    }
}

/// Constant-time comparison of short strings.
enum TOTPCompare {
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in 0..<x.count { d |= x[i] ^ y[i] }
        return d == 0
    }
}

/// Reads the portal cookie on page routes (everything outside /api/ and the system routes) and puts the caller in the
/// context; a revoked, expired or enrolment-only session counts as no session.
struct PortalAuthMiddleware: RouterMiddleware {
    typealias Context = BrainContext
    let signer: TokenSigner
    let sessions: SessionGuard

    func handle(_ request: Request, context: BrainContext, next: (Request, BrainContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !path.hasPrefix("/api/"), path != "/healthz", path != "/metrics", path != "/openapi.json",
              let token = PortalCookie.value(in: request), let claims = try? signer.verifyClaims(token),
              !sessions.isRevoked(claims.jti), let role = Role(rawValue: claims.role) else {
            return try await next(request, context)
        }
        var context = context
        if claims.pend != true, claims.chg != true {
            context.principal = Principal(username: claims.sub, role: role, scope: claims.scope)
        }
        context.passwordChangeOnly = claims.chg == true
        context.sessionID = claims.jti
        return try await next(request, context)
    }
}

/// Reads an `application/x-www-form-urlencoded` body.
enum FormBody {
    static func parse(_ request: Request, limit: Int = 64 * 1024) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: limit)
        let text = String(decoding: Data(buffer: buffer), as: UTF8.self)
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let k = kv.first { out[k] = kv.count > 1 ? kv[1] : "" }
        }
        return out
    }
}
