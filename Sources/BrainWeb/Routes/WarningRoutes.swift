import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    func addWarningRoutes(_ api: APIRoutes) {
        let services = self.services
        let desk = services.warningDesk
        let listParams: [ParamDoc] = [
            .query("region", "GB/T 2260 code; a city includes its counties"), .query("zone", "development zone code"),
            .query("chain", "chain code"), .query("enterprise", "credit code of the enterprise"),
            .query("level", "severity", enumValues: WarningLevel.allCases.map(\.rawValue)),
            .query("kind", "warning kind", enumValues: WarningKind.allCases.map(\.rawValue)),
            .query("period", "reporting month YYYY-MM"), .query("state", "lifecycle state", enumValues: ["open", "acknowledged", "resolved"]),
            .query("category", "risk (经营风险) or data-check (数据核查); both when absent", enumValues: WarningCategory.allCases.map(\.rawValue)),
            .query("limit", "page size 1–500 (default 50)", type: "integer"), .query("offset", "rows to skip", type: "integer"),
        ]
        api.get("/api/v1/warnings", RouteDoc(method: "get", path: "/api/v1/warnings", summary: "Risk warnings inside the caller's scope, most severe first",
                                             tag: "warnings", params: listParams,
                                             access: .permission(.readStatistics))) { request, context in
            let q = try QueryReader(request, allowed: Set(listParams.map(\.name)))
            var f = WarningFilter()
            f.region = q.string("region")
            f.zone = q.string("zone")
            f.chain = q.string("chain")?.uppercased()
            f.enterprise = q.string("enterprise")
            f.level = try q.oneOf("level", WarningLevel.self)
            f.kind = try q.oneOf("kind", WarningKind.self)
            f.period = try q.month("period")
            f.state = q.string("state")
            f.category = try q.oneOf("category", WarningCategory.self)
            f.limit = try q.int("limit", default: 50, range: 1...500)
            f.offset = try q.int("offset", default: 0, range: 0...10_000_000)
            return try await desk.list(for: try context.caller(), f)
        }
        api.get("/api/v1/warnings/:id", RouteDoc(method: "get", path: "/api/v1/warnings/:id", summary: "One warning with its rule, inputs, threshold, explanation and lifecycle",
                                                 tag: "warnings", params: [.path("id", "warning id")],
                                                 access: .permission(.readStatistics))) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await desk.warning(try context.parameters.require("id"), for: try context.caller())
        }
        for action in WarningAction.allCases {
            api.post("/api/v1/warnings/:id/\(action.rawValue)", RouteDoc(method: "post", path: "/api/v1/warnings/:id/\(action.rawValue)",
                                                                 summary: action == .acknowledge ? "Acknowledge an open warning (who and when are recorded)" : "Resolve a warning with a note",
                                                                 tag: "warnings", params: [.path("id", "warning id")], requestBody: .json(NoteBody.self), access: .permission(.handleWarnings),
                                                                 errors: [400, 401, 403, 404, 409])) { request, context in
                let buffer = try await request.body.collect(upTo: 64 * 1024)
                let body = buffer.readableBytes == 0 ? NoteBody(note: nil) : try BodyDecoder.decode(NoteBody.self, from: Data(buffer: buffer))
                return try await desk.handle(try context.parameters.require("id"), action, note: body.note, by: try context.caller())
            }
        }
        addWarningCaseRoutes(api)
        api.get("/api/v1/warnings/thresholds", RouteDoc(method: "get", path: "/api/v1/warnings/thresholds", summary: "The warning thresholds in force (yellow, orange, red bounds; per-chain overrides)",
                                                        tag: "warnings", access: .permission(.readStatistics))) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await desk.thresholds()
        }
        api.put("/api/v1/warnings/thresholds", RouteDoc(method: "put", path: "/api/v1/warnings/thresholds", summary: "Replace the warning thresholds and rescan the latest period",
                                                        tag: "warnings", requestBody: .json(RiskThresholds.self),
                                                        access: .permission(.configureRules))) { request, context in
            let t = try await Self.decodeBody(request, as: RiskThresholds.self)
            return try await desk.saveThresholds(t, by: try context.caller(), cube: services.cubes.cube)
        }
    }
}
