import BrainSecurity
import Hummingbird

/// Per-request context: the core storage plus the authenticated caller, if any.
public struct BrainContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` on /api/v1 routes.
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// Request bodies are bounded (imports are CSV files of up to 64 MiB).
    public var maxUploadSize: Int { 64 * 1024 * 1024 }

    /// The caller, or 401 when the route was reached without one.
    public func caller() throws -> Principal {
        guard let principal else { throw APIError.unauthorized("missing or invalid bearer token") }
        return principal
    }
}
