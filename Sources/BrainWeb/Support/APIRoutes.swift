import BrainApps
import BrainSecurity
import Hummingbird

/// One query or path parameter in the OpenAPI document.
struct ParamDoc: Sendable {
    let name: String
    let location: String
    let type: String
    let description: String
    var required = false
    var enumValues: [String]? = nil

    static func query(_ name: String, _ description: String, type: String = "string", enumValues: [String]? = nil) -> ParamDoc {
        ParamDoc(name: name, location: "query", type: type, description: description, enumValues: enumValues)
    }
    static func path(_ name: String, _ description: String) -> ParamDoc {
        ParamDoc(name: name, location: "path", type: "string", description: description, required: true)
    }
}

/// What the OpenAPI document says about one route.
struct RouteDoc: Sendable {
    let method: String
    let path: String
    let summary: String
    let tag: String
    var params: [ParamDoc] = []
    var requestBody: (contentType: String, schema: String)? = nil
    /// Name of the response schema in components, if any.
    var response: String? = nil
    /// Who may call the route: enforced by `APIRoutes` before the handler runs, and stated in the OpenAPI document.
    var access: RouteAccess = .signedIn
    var errors: [Int] = [400, 401, 403, 404]

    /// The permission the route needs, as the OpenAPI document's `x-permission` says it.
    var permission: String? { access.note }
    /// False only for routes open without a token.
    var secured: Bool { access != .open }
}

/// Who may call an API route. One value per route feeds the router's check, the OpenAPI document and the access-matrix
/// test, so a route cannot say one thing and do another.
enum RouteAccess: Sendable, Equatable {
    /// No token (signing in).
    case open
    /// Any signed-in caller.
    case signedIn
    /// A caller whose role holds the permission in the one role × permission table.
    case permission(Permission)
    /// One enterprise's data: the enterprise itself, officials over it (`indicators:read` within the scope) or a holder
    /// of the enterprise's data grant; the handler decides against the enterprise in the path and logs grant reads.
    case enterpriseData

    var note: String? {
        switch self {
        case .open, .signedIn: return nil
        case .permission(let p): return p.rawValue
        case .enterpriseData: return "indicators:read within the data scope, or a data grant"
        }
    }

    /// Refuses the call before the handler runs: 401 without a caller (except `open`), 403 without the permission.
    func enforce(_ context: BrainContext) throws {
        switch self {
        case .open: return
        case .signedIn, .enterpriseData: _ = try context.caller()
        case .permission(let permission):
            let p = try context.caller()
            guard p.can(permission) else { throw APIError.forbidden("role \(p.role.rawValue) lacks permission \(permission.rawValue)") }
        }
    }
}

/// Registers API routes on the router and records their documentation, so the OpenAPI document lists
/// exactly the routes that exist.
final class APIRoutes: @unchecked Sendable {
    // Mutated only while the router is being built, before the server starts; read-only afterwards.
    let router: Router<BrainContext>
    private(set) var docs: [RouteDoc] = []

    init(router: Router<BrainContext>) { self.router = router }

    func get(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        docs.append(doc)
        let access = doc.access
        router.get(RouterPath(path)) { request, context in
            try access.enforce(context)
            do { return try await handler(request, context) } catch let e as AppError { throw APIError(e) }
        }
    }

    func put(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        docs.append(doc)
        let access = doc.access
        router.put(RouterPath(path)) { request, context in
            try access.enforce(context)
            do { return try await handler(request, context) } catch let e as AppError { throw APIError(e) }
        }
    }

    func post(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        docs.append(doc)
        let access = doc.access
        router.post(RouterPath(path)) { request, context in
            try access.enforce(context)
            do { return try await handler(request, context) } catch let e as AppError { throw APIError(e) }
        }
    }
}

extension RouteDoc {
    /// Converts a Hummingbird path `/api/v1/enterprises/:uscc` into OpenAPI's `/api/v1/enterprises/{uscc}`.
    var openAPIPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }
}
