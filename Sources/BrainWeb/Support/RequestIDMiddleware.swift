import BrainCore
import BrainSecurity
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceContextModule

/// Gives every request an id: the `X-Request-Id` a trusted proxy sent (letters, digits, `.`, `_`, `-`, at most 64), or a
/// new one. The answer carries it in `X-Request-Id`, the request's log lines carry it as `request_id`, and every audit
/// entry written while serving it names it (through the task's `ServiceContext`). Runs first, so refusals of every kind
/// (429, 401, 413) carry it too.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = BrainContext
    static let header = HTTPField.Name("X-Request-Id")!

    static func usable(_ value: String) -> Bool {
        (1...64).contains(value.utf8.count) && value.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x2E || c == 0x5F
        }
    }

    /// 16 hexadecimal digits (64 random bits).
    static func newID() -> String {
        Hex.random(bytes: 8)
    }

    func handle(_ request: Request, context: BrainContext, next: (Request, BrainContext) async throws -> Response) async throws -> Response {
        var id = Self.newID()
        if let proxy = BrainServer.trustedProxy, proxy == context.peerAddress, let given = request.headers[Self.header], Self.usable(given) { id = given }
        var context = context
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var service = ServiceContext.current ?? .topLevel
        service.requestID = id
        var response = try await ServiceContext.withValue(service) { try await next(request, context) }
        response.headers[Self.header] = id
        return response
    }
}
