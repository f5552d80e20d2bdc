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

    static func query(_ name: String, _ description: String, type: String = "string", enumValues: [String]? = nil, required: Bool = false) -> ParamDoc {
        ParamDoc(name: name, location: "query", type: type, description: description, required: required, enumValues: enumValues)
    }
    static func path(_ name: String, _ description: String) -> ParamDoc {
        ParamDoc(name: name, location: "path", type: "string", description: description, required: true)
    }
}

/// A request or response body in the OpenAPI document, its schema derived from the Codable type the handler reads or
/// returns (see `SchemaBook`).
struct BodyDoc: Sendable {
    let contentType: String
    let schema: @Sendable (SchemaBook) throws -> [String: Any]
    /// Further content types the body may have (a table as CSV or XLSX), each with its schema.
    var alternatives: [(contentType: String, schema: @Sendable (SchemaBook) throws -> [String: Any])] = []

    /// Every content type of the body with its schema, for the OpenAPI document.
    func content(_ book: SchemaBook) throws -> [String: Any] {
        var out: [String: Any] = [contentType: ["schema": try schema(book)]]
        for a in alternatives { out[a.contentType] = ["schema": try a.schema(book)] }
        return out
    }

    /// A JSON body of type `T`.
    static func json<T: Decodable>(_ type: T.Type) -> BodyDoc {
        BodyDoc(contentType: "application/json", schema: { try $0.schema(of: T.self).schema })
    }
    /// A CSV file (UTF-8 or GB18030) as the importers read it.
    static let csv = BodyDoc(contentType: "text/csv", schema: { _ in ["type": "string", "description": "CSV with a header row; UTF-8 or GB18030"] })
    /// An XLSX workbook (binary).
    static let xlsx = BodyDoc(contentType: XLSXDownload.contentType, schema: { _ in ["type": "string", "format": "binary", "description": "XLSX workbook"] })
    /// An import table: a CSV file or an XLSX workbook (told apart by the file's first bytes, not by the content type).
    static let table = BodyDoc(contentType: "text/csv", schema: csv.schema, alternatives: [(XLSXDownload.contentType, xlsx.schema)])
    /// A downloaded table: XLSX by default, CSV with `?format=csv`.
    static let tableDownload = BodyDoc(contentType: XLSXDownload.contentType, schema: xlsx.schema, alternatives: [("text/csv", csv.schema)])
    /// JSON of type `T` by default, or the same rows as a CSV or XLSX download (`?format=csv|xlsx`).
    static func jsonOrTable<T: Decodable>(_ type: T.Type) -> BodyDoc {
        BodyDoc(contentType: "application/json", schema: { try $0.schema(of: T.self).schema },
                alternatives: [("text/csv", csv.schema), (XLSXDownload.contentType, xlsx.schema)])
    }
}

/// What the OpenAPI document says about one route.
struct RouteDoc: Sendable {
    let method: String
    let path: String
    let summary: String
    let tag: String
    var params: [ParamDoc] = []
    var requestBody: BodyDoc? = nil
    /// The success body; typed handlers fill it from their return type.
    var response: BodyDoc? = nil
    /// The 202 answer of a request run in the background (`?async=true`), with a `Location` header naming the job.
    var accepted: BodyDoc? = nil
    /// Who may call the route: enforced by `APIRoutes` before the handler runs, and stated in the OpenAPI document.
    var access: RouteAccess = .signedIn
    var errors: [Int] = [400, 401, 403, 404]
    /// The success status of a typed handler (201 for routes that create).
    var status: HTTPResponse.Status = .ok
    /// A second success status with the same body (201 when something was created, 200 when it already existed).
    var alternate: HTTPResponse.Status? = nil

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

    /// A route whose handler builds its own response (CSV, Markdown, a status chosen at run time); `doc.response` names
    /// the JSON body if there is one.
    func get(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        add(.get, path, doc, handler)
    }
    func put(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        add(.put, path, doc, handler)
    }
    func post(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        add(.post, path, doc, handler)
    }

    /// A route answering a JSON body of type `Out` with `doc.status`; the document's response schema is `Out`'s.
    func get<Out: Codable & Sendable>(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Out) {
        add(.get, path, typed(doc, Out.self), encoding(doc.status, handler))
    }
    func put<Out: Codable & Sendable>(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Out) {
        add(.put, path, typed(doc, Out.self), encoding(doc.status, handler))
    }
    func post<Out: Codable & Sendable>(_ path: String, _ doc: RouteDoc, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Out) {
        add(.post, path, typed(doc, Out.self), encoding(doc.status, handler))
    }

    private func typed<Out: Decodable>(_ doc: RouteDoc, _ type: Out.Type) -> RouteDoc {
        var doc = doc
        doc.response = .json(Out.self)
        return doc
    }

    private func encoding<Out: Encodable & Sendable>(_ status: HTTPResponse.Status,
                                                      _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Out)
        -> @Sendable (Request, BrainContext) async throws -> Response {
        { request, context in try JSONResponse.make(try await handler(request, context), status: status) }
    }

    private func add(_ method: HTTPRequest.Method, _ path: String, _ doc: RouteDoc,
                     _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        docs.append(doc)
        let access = doc.access
        router.on(RouterPath(path), method: method) { request, context in
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
