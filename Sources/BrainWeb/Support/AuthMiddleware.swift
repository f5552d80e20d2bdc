import Foundation
import BrainSecurity
import Hummingbird

/// Requires a valid bearer token on every /api/v1 route except login, and records the caller in the context.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = BrainContext
    let signer: TokenSigner
    let open: Set<String>

    func handle(_ request: Request, context: BrainContext, next: (Request, BrainContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/v1/"), !open.contains(path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("this route needs Authorization: Bearer <token>; get one from POST /api/v1/auth/login")
        }
        guard header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized("Authorization header must be 'Bearer <token>'")
        }
        var context = context
        do {
            context.principal = try signer.verify(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        } catch {
            throw APIError.unauthorized(error.description)
        }
        return try await next(request, context)
    }
}
