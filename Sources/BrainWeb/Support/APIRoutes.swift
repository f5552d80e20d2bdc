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
    var secured = true
    var permission: String? = nil
    var errors: [Int] = [400, 401, 403, 404]
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
        router.get(RouterPath(path), use: handler)
    }

    func put(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        docs.append(doc)
        router.put(RouterPath(path), use: handler)
    }

    func post(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        docs.append(doc)
        router.post(RouterPath(path), use: handler)
    }
}

extension RouteDoc {
    /// Converts a Hummingbird path `/api/v1/enterprises/:uscc` into OpenAPI's `/api/v1/enterprises/{uscc}`.
    var openAPIPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }
}
