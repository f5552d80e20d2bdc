import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension BrainServer {
    func addDiagnosisRoutes(_ api: APIRoutes) {
        let services = self.services
        let desk = services.diagnoses
        api.get("/api/v1/diagnoses/questionnaire", RouteDoc(method: "get", path: "/api/v1/diagnoses/questionnaire",
                                                            summary: "转型问诊 questionnaire: MIIT SME digital-level areas, sub-areas and questions (levels at 20/40/60/80 points), plus the GB/T 39116 maturity items asked of large and medium firms",
                                                            tag: "diagnoses", params: [.query("large", "true to include the GB/T 39116 maturity items", type: "boolean")], access: .permission(.readCatalog))) { request, context in
            let q = try QueryReader(request, allowed: ["large"])
            let large = try q.bool("large") ?? true
            let full = desk.questionnaire
            return Questionnaire(version: full.version, title: full.title, levels: full.levels, areas: full.areas,
                                                       questions: full.questions(largeFirm: large), maturityLevels: large ? full.maturityLevels : [],
                                                       maturityThreshold: full.maturityThreshold)
        }
        api.post("/api/v1/diagnoses", RouteDoc(method: "post", path: "/api/v1/diagnoses",
                                               summary: "Submit a diagnosis for one's own enterprise: score per area, level, weakest area, weak points, peer percentile (same chain and city), catalogue recommendations and referrals. Missing or out-of-range answers: 400 listing every field; nothing is saved.",
                                               tag: "diagnoses", requestBody: .json(DiagnosisSubmission.self),
                                               access: .permission(.submitDiagnosis), errors: [400, 401, 403, 404], status: .created)) { request, context in
            let body = try await Self.decodeBody(request, as: DiagnosisSubmission.self)
            do {
                return try await desk.submit(body, by: try context.caller(), cube: services.cubes.cube, catalog: services.catalog, rematch: services.policies)
            } catch let e as DiagnosisFailure {
                throw APIError(.badRequest, code: "bad_answers",
                               message: "\(e.problems.count) problem(s): " + e.problems.map { "\($0.field): \($0.reason)" }.joined(separator: "; "))
            }
        }
        api.get("/api/v1/enterprises/:uscc/diagnoses", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc/diagnoses",
                                                                summary: "An enterprise's diagnosis history, newest first", tag: "diagnoses",
                                                                params: [.path("uscc", "统一社会信用代码")],
                                                                access: .enterpriseData)) { request, context in
            _ = try QueryReader(request, allowed: [])
            let code = try await self.enterpriseData(request, context, .diagnosis)
            return ItemList(try await desk.history(uscc: code))
        }
        api.get("/api/v1/diagnoses/:id", RouteDoc(method: "get", path: "/api/v1/diagnoses/:id", summary: "One diagnosis with its result and recommendations",
                                                  tag: "diagnoses", params: [.path("id", "diagnosis id")],
                                                  access: .enterpriseData)) { request, context in
            _ = try QueryReader(request, allowed: [])
            let id = try context.parameters.require("id")
            guard let d = try await desk.diagnosis(id) else { throw APIError.notFound("no diagnosis \(id)") }
            _ = try await self.enterpriseData(request, context, .diagnosis, uscc: d.uscc)
            return d
        }
    }
}
