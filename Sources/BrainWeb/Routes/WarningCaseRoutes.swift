import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// 办结 of a case: the outcome and an optional note (`other` needs one).
struct CloseCaseBody: Codable, Sendable {
    let outcome: WarningOutcome
    let note: String?
}

extension BrainServer {
    /// The warnings an official works through: one row per firm and period (a case), its timeline, and the workflow
    /// (assign with a deadline, notes, 办结 with an outcome). The portal's /warnings pages call the same `WarningDesk`.
    func addWarningCaseRoutes(_ api: APIRoutes) {
        let desk = services.warningDesk
        let caseParams: [ParamDoc] = [
            .query("region", "GB/T 2260 code of a county or city (a city includes its counties)"), .query("zone", "development zone code"),
            .query("chain", "chain code"), .query("kind", "the case has a reason of this kind", enumValues: WarningKind.allCases.map(\.rawValue)),
            .query("level", "the case's highest level", enumValues: WarningLevel.allCases.map(\.rawValue)),
            .query("state", "case state (unresolved = open or acknowledged)", enumValues: WarningCaseState.allCases.map(\.rawValue)),
            .query("q", "part of the firm's name, or its whole credit code"),
            .query("category", "risk (经营风险, default) or data-check (数据核查)", enumValues: WarningCategory.allCases.map(\.rawValue)),
            .query("period", "reporting month YYYY-MM"), .query("overdue", "true for cases past their deadline only", type: "boolean"),
            .query("limit", "page size 1–500 (default 20)", type: "integer"), .query("offset", "rows to skip", type: "integer"),
        ]
        api.get("/api/v1/warnings/cases", RouteDoc(method: "get", path: "/api/v1/warnings/cases",
                                                   summary: "One row per firm and period (its highest level and every reason), most urgent first, inside the caller's scope",
                                                   tag: "warnings", params: caseParams, access: .permission(.readStatistics))) { request, context in
            let q = try QueryReader(request, allowed: Set(caseParams.map(\.name)))
            var f = WarningCaseFilter()
            f.region = q.string("region")
            f.zone = q.string("zone")
            f.chain = q.string("chain")?.uppercased()
            f.kind = try q.oneOf("kind", WarningKind.self)
            f.level = try q.oneOf("level", WarningLevel.self)
            f.state = try q.oneOf("state", WarningCaseState.self)
            f.name = q.string("q")
            f.category = try q.oneOf("category", WarningCategory.self) ?? .risk
            f.period = try q.month("period")
            f.overdueOnly = try q.bool("overdue") ?? false
            f.limit = try q.int("limit", default: 20, range: 1...500)
            f.offset = try q.int("offset", default: 0, range: 0...10_000_000)
            return try await desk.cases(for: try context.caller(), f)
        }
        api.get("/api/v1/warnings/:id/case", RouteDoc(method: "get", path: "/api/v1/warnings/:id/case",
                                                      summary: "The firm's case the warning belongs to: every reason, assignee, deadline, outcome and the timeline of actions",
                                                      tag: "warnings", params: [.path("id", "warning id")], access: .permission(.readStatistics))) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await desk.caseDetail(try context.parameters.require("id"), for: try context.caller())
        }
        api.post("/api/v1/warnings/:id/assign", RouteDoc(method: "post", path: "/api/v1/warnings/:id/assign",
                                                         summary: "Assign the firm's unresolved warnings of the period to an office of your area and/or a person, with a deadline",
                                                         tag: "warnings", params: [.path("id", "warning id")], requestBody: .json(WarningAssignment.self),
                                                         access: .permission(.handleWarnings), errors: [400, 401, 403, 404, 409])) { request, context in
            let body = try await Self.decodeBody(request, as: WarningAssignment.self, limit: 64 * 1024)
            return try await desk.assign(try context.parameters.require("id"), body, by: try context.caller())
        }
        api.post("/api/v1/warnings/:id/notes", RouteDoc(method: "post", path: "/api/v1/warnings/:id/notes",
                                                        summary: "Add a note to the case's timeline (at most 2,000 characters)",
                                                        tag: "warnings", params: [.path("id", "warning id")], requestBody: .json(NoteBody.self),
                                                        access: .permission(.handleWarnings), errors: [400, 401, 403, 404])) { request, context in
            let body = try await Self.decodeBody(request, as: NoteBody.self, limit: 64 * 1024)
            return try await desk.addNote(try context.parameters.require("id"), body.note, by: try context.caller())
        }
        api.post("/api/v1/warnings/:id/close", RouteDoc(method: "post", path: "/api/v1/warnings/:id/close",
                                                        summary: "Close (办结) the firm's unresolved warnings of the period with an outcome",
                                                        tag: "warnings", params: [.path("id", "warning id")], requestBody: .json(CloseCaseBody.self),
                                                        access: .permission(.handleWarnings), errors: [400, 401, 403, 404, 409])) { request, context in
            let body = try await Self.decodeBody(request, as: CloseCaseBody.self, limit: 64 * 1024)
            return try await desk.close(try context.parameters.require("id"), outcome: body.outcome, note: body.note, by: try context.caller())
        }
    }
}
