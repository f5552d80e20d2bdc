import BrainCore
import Crypto
import Foundation

/// Signed, expiring bearer tokens: `base64url(claims).base64url(HMAC-SHA256)`.
public struct TokenSigner: Sendable {
    let secret: Data
    var key: SymmetricKey { SymmetricKey(data: secret) }
    /// A key derived from the signing secret for the portal's CSRF tokens.
    public var csrfKey: SymmetricKey { SymmetricKey(data: Data(SHA256.hash(data: Data("csrf".utf8) + secret))) }
    /// Token lifetime.
    public let lifetime: TimeInterval

    public init(secret: Data, lifetime: TimeInterval = 8 * 3600) {
        self.secret = secret
        self.lifetime = lifetime
    }

    /// The claims a token carries.
    public struct Claims: Codable, Sendable {
        public let sub: String
        public let role: String
        public let scope: String?
        public let iat: Int
        public let exp: Int
        public let jti: String
        /// Factors used at login (`password`, `password+totp` …).
        public let fac: String?
        /// True for a token that may only enrol a second factor.
        public let pend: Bool?
        /// True for a token that may only change the account's password (a new or reset account's first login).
        public let chg: Bool?

        public init(sub: String, role: String, scope: String?, iat: Int, exp: Int, jti: String, fac: String? = nil, pend: Bool? = nil, chg: Bool? = nil) {
            self.sub = sub; self.role = role; self.scope = scope; self.iat = iat; self.exp = exp; self.jti = jti; self.fac = fac; self.pend = pend; self.chg = chg
        }
    }

    /// Why a token was refused.
    public enum Problem: Error, CustomStringConvertible {
        case malformed, badSignature, expired
        public var description: String {
            switch self {
            case .malformed: return "the bearer token is malformed"
            case .badSignature: return "the bearer token's signature is invalid"
            case .expired: return "the bearer token has expired; log in again"
            }
        }
    }

    /// Issues a token for a principal; returns it with its expiry and id.
    /// A token pending enrolment or a password change lives at most 15 minutes.
    public func issue(for p: Principal, factors: String = "password", pending: Bool = false, passwordChange: Bool = false,
                      now: Date = Date()) -> (token: String, expiresAt: Date, jti: String) {
        let exp = now.addingTimeInterval(pending || passwordChange ? min(lifetime, 900) : lifetime)
        let claims = Claims(sub: p.username, role: p.role.rawValue, scope: p.scope, iat: Int(now.timeIntervalSince1970),
                            exp: Int(exp.timeIntervalSince1970), jti: UUID().uuidString, fac: factors, pend: pending ? true : nil,
                            chg: passwordChange ? true : nil)
        let body = Base64URL.encode(try! JSONEncoder().encode(claims))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key)
        return (body + "." + Base64URL.encode(Data(mac)), exp, claims.jti)
    }

    /// Verifies signature and expiry and returns the principal.
    public func verify(_ token: String, now: Date = Date()) throws(Problem) -> Principal {
        let c = try verifyClaims(token, now: now)
        return Principal(username: c.sub, role: Role(rawValue: c.role)!, scope: c.scope)
    }

    /// Verifies signature and expiry and returns the claims.
    public func verifyClaims(_ token: String, now: Date = Date()) throws(Problem) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let sig = Base64URL.decode(String(parts[1])) else { throw .malformed }
        guard HMAC<SHA256>.isValidAuthenticationCode(sig, authenticating: Data(parts[0].utf8), using: key) else {
            throw .badSignature
        }
        guard let body = Base64URL.decode(String(parts[0])), let claims = try? JSONDecoder().decode(Claims.self, from: body),
              let role = Role(rawValue: claims.role) else { throw .malformed }
        guard Double(claims.exp) > now.timeIntervalSince1970 else { throw .expired }
        _ = role
        return claims
    }

    /// 32 random bytes, hex-encoded, for a new signing secret.
    public static func newSecret() -> String {
        return Hex.random(bytes: 32)
    }
}

/// URL-safe base64 without padding.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
