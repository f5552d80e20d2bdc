import BrainApps
import BrainStore
import Foundation
import Hummingbird
import Prometheus

extension BrainServer {
    func addSystemRoutes(_ router: Router<BrainContext>, registry: PrometheusCollectorRegistry, openAPI: @escaping @Sendable () -> Data) {
        let services = self.services
        router.get("/healthz") { _, _ -> Response in
            struct Health: Encodable {
                let status: String
                let database: String
                let schemaVersion: Int
                let enterprises: Int
                let uptimeSeconds: Int
                /// `required`, or `optional` with a warning when BRAIN_MFA=optional relaxes the second factor.
                let secondFactor: String
                let warnings: [String]
            }
            do {
                let db = try await services.systemStatus.check()
                let h = Health(status: "ok", database: db.database, schemaVersion: db.schemaVersion, enterprises: db.enterprises,
                               uptimeSeconds: Int(Date().timeIntervalSince(services.startedAt)), secondFactor: services.mfaPolicy.rawValue,
                               warnings: services.mfaPolicy == .optional ? ["BRAIN_MFA=optional: administrators and officials may log in without a second factor"] : [])
                return try JSONResponse.make(h)
            } catch {
                throw APIError(.serviceUnavailable, code: "database_unavailable", message: "the database does not answer: \(error)")
            }
        }
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return JSONResponse.raw(Data(buffer), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/openapi.json") { _, _ in
            JSONResponse.raw(openAPI(), contentType: "application/json; charset=utf-8")
        }
    }
}
