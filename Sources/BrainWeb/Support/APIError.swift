import BrainApps
import BrainStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// An API error: status, a stable machine code and a message a person can act on.
/// Rendered as `{"error":{"code":"…","message":"…"}}`.
public struct APIError: HTTPResponseError {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public static func badRequest(_ parameter: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "bad_parameter", message: "\(parameter): \(message)")
    }
    public static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, code: "unauthorized", message: message) }
    public static func forbidden(_ message: String) -> APIError { APIError(.forbidden, code: "forbidden", message: message) }
    public static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message: message) }

    struct Body: Encodable {
        struct Inner: Encodable {
            let code: String
            let message: String
        }
        let error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse.make(Body(error: .init(code: code, message: message)), status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }
}

extension APIError {
    /// Maps an application error to its HTTP form.
    init(_ e: AppError) {
        switch e.kind {
        case .badParameter: self = .badRequest(e.parameter, e.message)
        case .forbidden: self = .forbidden(e.message)
        case .notFound: self = .notFound(e.message)
        case .conflict: self = APIError(.conflict, code: e.code ?? "conflict", message: e.message)
        case .unavailable: self = APIError(.serviceUnavailable, code: e.code ?? "unavailable", message: e.message)
        }
    }

    /// The status an error ends in once the error middleware has answered it (for the audit ledger, which sees the error
    /// before the answer is made).
    static func status(of error: any Error) -> Int {
        switch error {
        case let e as any HTTPResponseError: return Int(e.status.code)
        case let e as AppError: return Int(APIError(e).status.code)
        case is NIOTooManyBytesError: return 413
        case is DecodingError: return 400
        default: return 500
        }
    }
}

/// Turns every error into the JSON error shape; unknown routes become 404 JSON, unexpected errors 500 without detail.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as AppError {
            return try APIError(error).response(from: request, context: context)
        } catch let error as HTTPError {
            let code: String
            let message: String
            switch error.status {
            case .notFound:
                code = "not_found"
                message = "no route \(request.method) \(request.uri.path)"
            case .methodNotAllowed:
                code = "method_not_allowed"
                message = "\(request.method) is not allowed on \(request.uri.path)"
            case .contentTooLarge:
                code = "body_too_large"
                message = "request body is larger than the limit"
            default:
                code = error.status.code >= 500 ? "internal" : "bad_request"
                message = error.body ?? error.status.reasonPhrase
            }
            return try APIError(error.status, code: code, message: message).response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            return try APIError(.contentTooLarge, code: "body_too_large", message: "request body is larger than this route accepts (JSON bodies: 256 KiB; imports: 64 MiB)")
                .response(from: request, context: context)
        } catch let error as DecodingError {
            return try APIError(.badRequest, code: "bad_body", message: "request body is not valid JSON for this route: \(Self.describe(error))")
                .response(from: request, context: context)
        } catch where StoreContention.matches(error) {
            // Another writer held the database past the wait: nothing was written, the same request may be sent again.
            logger.warning("database busy on \(request.method) \(request.uri.path): \(String(reflecting: error))")
            var response = try APIError(.serviceUnavailable, code: "busy", message: "the database is busy with other writes; nothing was written, send the same request again in \(StoreContention.retryAfterSeconds) s")
                .response(from: request, context: context)
            response.headers[.retryAfter] = String(StoreContention.retryAfterSeconds)
            return response
        } catch {
            var log = logger
            if let id = (context as? BrainContext)?.requestID { log[metadataKey: "request_id"] = .string(id) }
            log.error("unhandled error on \(request.method) \(request.uri.path): \(String(reflecting: error))")
            return try APIError(.internalServerError, code: "internal", message: "internal error; the server log has the details")
                .response(from: request, context: context)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "missing field \(key.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return "field \(c.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        case .dataCorrupted(let c): return c.debugDescription
        @unknown default: return "\(error)"
        }
    }
}
