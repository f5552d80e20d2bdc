import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    func addWarningRoutes(_ api: APIRoutes) {
        let services = self.services
        let catalog = services.catalog
        let listParams: [ParamDoc] = [
            .query("region", "GB/T 2260 code; a city includes its counties"), .query("zone", "development zone code"),
            .query("chain", "chain code"), .query("enterprise", "credit code of the enterprise"),
            .query("level", "severity", enumValues: WarningLevel.allCases.map(\.rawValue)),
            .query("kind", "warning kind", enumValues: WarningKind.allCases.map(\.rawValue)),
            .query("period", "reporting month YYYY-MM"), .query("state", "lifecycle state", enumValues: ["open", "acknowledged", "resolved"]),
            .query("limit", "page size 1–500 (default 50)", type: "integer"), .query("offset", "rows to skip", type: "integer"),
        ]
        api.get("/api/v1/warnings", RouteDoc(method: "get", path: "/api/v1/warnings", summary: "Risk warnings inside the caller's scope, most severe first",
                                             tag: "warnings", params: listParams, response: "WarningPage",
                                             access: .permission(.readStatistics))) { request, context -> Response in
            let principal = try context.caller()
            let q = try QueryReader(request, allowed: Set(listParams.map(\.name)))
            var query = WarningQuery()
            let scope = principal.enterpriseScope(in: catalog)
            if let r = q.string("region") {
                guard let region = catalog.region(r) else { throw APIError.badRequest("region", "\(r) is not a GB/T 2260 code of \(catalog.province.name)") }
                let codes = Set([r] + catalog.counties(within: r))
                if case .regions(let allowed) = scope, allowed.isDisjoint(with: codes) {
                    throw APIError.forbidden("region \(r) \(region.name) is outside your data scope (\(principal.scope ?? "-"))")
                }
                if region.level != .province { query.regions = codes }
            }
            if let z = q.string("zone") {
                guard catalog.zone(z) != nil else { throw APIError.badRequest("zone", "\(z) is not a known development zone code") }
                query.zone = z
            }
            if let c = q.string("chain")?.uppercased() {
                guard ChainCatalog.chain(c) != nil else { throw APIError.badRequest("chain", "\(c) is not a chain code") }
                query.chain = c
            }
            if let e = q.string("enterprise") {
                do { query.subject = try CreditCode(e).value } catch { throw APIError.badRequest("enterprise", "\(e) is not a valid credit code: \(error)") }
            }
            query.level = try q.oneOf("level", WarningLevel.self)?.rawValue
            query.kind = try q.oneOf("kind", WarningKind.self)?.rawValue
            if let p = try q.month("period") { query.period = p.description }
            if let s = q.string("state") {
                guard ["open", "acknowledged", "resolved"].contains(s) else { throw APIError.badRequest("state", "must be open, acknowledged or resolved, got '\(s)'") }
                query.state = s
            }
            query.limit = try q.int("limit", default: 50, range: 1...500)
            query.offset = try q.int("offset", default: 0, range: 0...10_000_000)
            // Experts read statistics but no enterprise figures: warnings about single firms carry them, so they are left out.
            query.aggregatesOnly = !principal.can(.readIndicators)
            return try JSONResponse.make(try await services.store.warnings(query, scope: scope))
        }
        api.get("/api/v1/warnings/:id", RouteDoc(method: "get", path: "/api/v1/warnings/:id", summary: "One warning with its rule, inputs, threshold, explanation and lifecycle",
                                                 tag: "warnings", params: [.path("id", "warning id")], response: "Warning",
                                                 access: .permission(.readStatistics))) { request, context -> Response in
            _ = try QueryReader(request, allowed: [])
            return try JSONResponse.make(try await self.visibleWarning(context))
        }
        for (action, state, from) in [("acknowledge", "acknowledged", ["open"]), ("resolve", "resolved", ["open", "acknowledged"])] {
            api.post("/api/v1/warnings/:id/\(action)", RouteDoc(method: "post", path: "/api/v1/warnings/:id/\(action)",
                                                                 summary: action == "acknowledge" ? "Acknowledge an open warning (who and when are recorded)" : "Resolve a warning with a note",
                                                                 tag: "warnings", params: [.path("id", "warning id")], requestBody: ("application/json", "WarningAction"),
                                                                 response: "Warning", access: .permission(.handleWarnings),
                                                                 errors: [400, 401, 403, 404, 409])) { request, context -> Response in
                let w = try await self.visibleWarning(context)
                struct Body: Decodable { let note: String? }
                let buffer = try await request.body.collect(upTo: 64 * 1024)
                let body = buffer.readableBytes == 0 ? Body(note: nil) : try BodyDecoder.decode(Body.self, from: Data(buffer: buffer))
                guard from.contains(w.state) else {
                    throw APIError(.conflict, code: "wrong_state", message: "warning \(w.id) is \(w.state); only \(from.joined(separator: " or ")) warnings can be \(state)")
                }
                if let note = body.note, note.count > 2_000 { throw APIError.badRequest("note", "at most 2000 characters") }
                try await services.store.transitionWarning(w.id, to: state, by: try context.caller().username, note: body.note)
                return try JSONResponse.make(try await services.store.warning(w.id))
            }
        }
        api.get("/api/v1/warnings/thresholds", RouteDoc(method: "get", path: "/api/v1/warnings/thresholds", summary: "The warning thresholds in force (yellow, orange, red bounds; per-chain overrides)",
                                                        tag: "warnings", response: "Thresholds", access: .permission(.readStatistics))) { request, context -> Response in
            _ = try QueryReader(request, allowed: [])
            return try JSONResponse.make(try await WarningService(store: services.store).thresholds())
        }
        api.put("/api/v1/warnings/thresholds", RouteDoc(method: "put", path: "/api/v1/warnings/thresholds", summary: "Replace the warning thresholds and rescan the latest period",
                                                        tag: "warnings", requestBody: ("application/json", "Thresholds"), response: "Thresholds",
                                                        access: .permission(.configureRules))) { request, context -> Response in
            let t = try await Self.decodeBody(request, as: RiskThresholds.self)
            let service = WarningService(store: services.store)
            do { try await service.saveThresholds(t) } catch let e as AppError { throw APIError(e) }
            try await service.rescan(cube: services.cubes.cube)
            return try JSONResponse.make(t)
        }
    }

    /// The warning named in the path, if it exists and lies in the caller's scope.
    func visibleWarning(_ context: BrainContext) async throws -> WarningRecord {
        let id = try context.parameters.require("id")
        guard let w = try await services.store.warning(id) else { throw APIError.notFound("no warning \(id)") }
        guard try context.caller().canSee(warning: w, in: services.catalog) else { throw APIError.notFound("no warning \(id)") }
        return w
    }
}
