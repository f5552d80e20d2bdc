import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle

/// The HTTP server: JSON API under /api/v1, health, metrics and the OpenAPI document.
public struct BrainServer: Sendable {
    public let services: Services
    public static let version = "0.1.0"
    /// Address of a reverse proxy whose `X-Forwarded-For` header is believed (BRAIN_TRUSTED_PROXY).
    static let trustedProxy = ProcessInfo.processInfo.environment["BRAIN_TRUSTED_PROXY"].flatMap { $0.isEmpty ? nil : $0 }

    public init(services: Services) { self.services = services }

    /// Metrics go to one Prometheus registry per process (the metrics system can be bootstrapped only once).
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// Builds the application; `onRunning` receives the bound port (useful with port 0).
    public func application(host: String, port: Int, logger: Logger = Logger(label: "brain"), background: [any Service] = [],
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let router = Router(context: BrainContext.self)
        // Order matters: the request id first (every answer carries it), then headers, errors and metrics; the address
        // limits before any token is looked at, so a flood is answered 429 without touching the ledger; then the caller,
        // its own limit, and the audit of what it did. One statically composed chain (Hummingbird's `addMiddleware`
        // builder): the middlewares call each other directly, not through a responder each.
        router.addMiddleware {
            RequestIDMiddleware()
            SecurityHeadersMiddleware()
            ErrorMiddleware(logger: logger)
            RequestMetricsMiddleware()
            RateLimitMiddleware(stage: .beforeAuthentication, limiter: services.rateLimiter, monitor: services.monitor, ledger: services.ledger)
            AuthMiddleware(signer: services.signer, sessions: services.sessions, keyring: services.keyring, signatures: services.signatures,
                           open: ["/api/v1/auth/login"],
                           refused: AuditMiddleware.refusal(ledger: services.ledger, monitor: services.monitor, logger: logger,
                                                            individuallyRecorded: services.rateLimiter.limits.refusalsRecordedPerAddressPerMinute))
            PortalAuthMiddleware(signer: services.signer, sessions: services.sessions)
            RateLimitMiddleware(stage: .afterAuthentication, limiter: services.rateLimiter, monitor: services.monitor, ledger: services.ledger)
            AuditMiddleware(ledger: services.ledger, monitor: services.monitor, logger: logger)
        }
        let api = APIRoutes(router: router)
        addAPIRoutes(api)
        let openAPI = try OpenAPIDocument.build(api.docs, version: Self.version)
        addSystemRoutes(router, registry: Self.registry, openAPI: { openAPI })
        let portal = Portal(server: self, renderer: try PortalRenderer.load())
        portal.register(PortalPages(router: router, portal: portal))
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "brain"),
                           services: background,
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                           logger: logger)
    }

    /// The routes the OpenAPI document lists (method and path), for tests and docs.
    /// The OpenAPI document of the API routes; throws, naming the type, when a body's schema cannot be derived.
    public func openAPIDocument() throws -> Data {
        let api = APIRoutes(router: Router(context: BrainContext.self))
        addAPIRoutes(api)
        return try OpenAPIDocument.build(api.docs, version: Self.version)
    }

    public func documentedRoutes() -> [(method: String, path: String, permission: String?)] {
        let api = APIRoutes(router: Router(context: BrainContext.self))
        addAPIRoutes(api)
        return api.docs.map { ($0.method, $0.openAPIPath, $0.permission) }
    }

    /// The portal's pages with their access (method, path), for tests and docs.
    func registeredPages() throws -> [PageDoc] {
        let portal = Portal(server: self, renderer: try PortalRenderer.load())
        let pages = PortalPages(router: Router(context: BrainContext.self), portal: portal)
        portal.register(pages)
        return pages.docs
    }

    /// Registers every API route (the server and the OpenAPI document use the same list).
    func addAPIRoutes(_ api: APIRoutes) {
        addAuthRoutes(api)
        addCatalogRoutes(api)
        addEnterpriseRoutes(api)
        addImportRoutes(api)
        addAccountRoutes(api)
        addReferenceRoutes(api)
        addImportTemplateRoute(api)
        addDataCentreRoutes(api)
        addLineageRoutes(api)
        addDatasetRoutes(api)
        addQualityRoutes(api)
        addMonitorRoutes(api)
        addWarningRoutes(api)
        addChainAnalysisRoutes(api)
        addTalentRoutes(api)
        addPolicyRoutes(api)
        addPolicyAdminRoutes(api)
        addDiagnosisRoutes(api)
        addServiceRoutes(api)
        addMarketRoutes(api)
        addEvaluationRoutes(api)
        addGrantRoutes(api)
        addNewsRoutes(api)
        addFollowThroughRoutes(api)
        addClientRoutes(api)
        addSubscriptionRoutes(api)
        addIngestRoutes(api)
        addHubRoutes(api)
    }
}
