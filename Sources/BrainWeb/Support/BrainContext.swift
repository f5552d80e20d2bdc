import BrainSecurity
import Foundation
import HTTPTypes
import Hummingbird

/// Per-request context: the core storage plus the authenticated caller, if any, and where the request came from.
public struct BrainContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` on /api/v1 routes.
    public var principal: Principal?
    /// The peer's IP address (the connection's, not a forwarded header).
    public let peerAddress: String
    /// Id of the caller's session (the token's `jti`), set with `principal`.
    public var sessionID: String?
    /// The request's id (`X-Request-Id`), set by `RequestIDMiddleware`.
    public var requestID: String?
    /// True when the session may only change the account's password (first login of a new or reset account).
    public var passwordChangeOnly: Bool

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        sessionID = nil
        requestID = nil
        passwordChangeOnly = false
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Request bodies are bounded (imports are CSV files of up to 64 MiB).
    public var maxUploadSize: Int { 64 * 1024 * 1024 }

    /// The caller, or 401 when the route was reached without one.
    public func caller() throws -> Principal {
        guard let principal else { throw APIError.unauthorized("missing or invalid bearer token") }
        return principal
    }
}

extension Request {
    /// The client's address: the first `X-Forwarded-For` hop when `BRAIN_TRUSTED_PROXY` names the peer (a reverse
    /// proxy in front of the server), otherwise the peer itself.
    func clientAddress(_ context: BrainContext) -> String {
        if let proxy = BrainServer.trustedProxy, proxy == context.peerAddress,
           let forwarded = headers[HTTPField.Name("X-Forwarded-For")!]?.split(separator: ",").first?.trimmingCharacters(in: .whitespaces), !forwarded.isEmpty {
            return forwarded
        }
        return context.peerAddress
    }
}
