import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// A policy as an official writes it; checked whole before anything is saved.
struct PolicyDraft: Decodable, Sendable {
    let id: String?
    let name: String?
    let issuer: String?
    let category: String?
    let summary: String?
    let rule: String?
    let formula: String?
    let autoGrant: Bool?
    let validFrom: String?
    let validUntil: String?
    /// 文号; omitted: the stored one stays.
    let documentNo: String?
    /// Region scope (GB/T 2260 codes of the province); omitted: the stored one stays; `[]` clears it.
    let regions: [String]?

    func record(by user: String) throws -> PolicyRecord {
        func required(_ field: String, _ value: String?, max: Int) throws -> String {
            let v = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !v.isEmpty else { throw APIError.badRequest(field, "required") }
            guard v.count <= max else { throw APIError.badRequest(field, "at most \(max) characters") }
            return v
        }
        let id = try required("id", id, max: 40)
        guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw APIError.badRequest("id", "letters, digits, - and _ only")
        }
        let from = try required("validFrom", validFrom, max: 7), until = try required("validUntil", validUntil, max: 7)
        guard let f = Month(from) else { throw APIError.badRequest("validFrom", "must be a month YYYY-MM") }
        guard let u = Month(until) else { throw APIError.badRequest("validUntil", "must be a month YYYY-MM") }
        guard f <= u else { throw APIError.badRequest("validUntil", "\(until) is before validFrom \(from)") }
        let base = PolicyRecord(id: id, name: try required("name", name, max: 200), issuer: try required("issuer", issuer, max: 100),
                                  category: try required("category", category, max: 40), summary: summary ?? "",
                                  rule: try required("rule", rule, max: 20_000), formula: formula?.trimmingCharacters(in: .whitespaces).nilIfBlank ?? "0",
                                  autoGrant: autoGrant ?? false, validFrom: f.description, validUntil: u.description, createdBy: user)
        var withScope = base
        if let documentNo {
            let v = documentNo.trimmingCharacters(in: .whitespacesAndNewlines)
            guard v.count <= 100 else { throw APIError.badRequest("documentNo", "at most 100 characters") }
            withScope.documentNo = v
        }
        if let regions {
            guard regions.count <= 200 else { throw APIError.badRequest("regions", "at most 200 codes") }
            withScope.regions = regions
        }
        let record = withScope
        do {
            _ = try ParsedPolicy.parse(record)
        } catch let e as PolicyProblem {
            throw APIError(.badRequest, code: "bad_rule", message: "\(e.field): \(e.description)")
        }
        return record
    }
}

extension String {
    var nilIfBlank: String? { isEmpty ? nil : self }
}

extension BrainServer {
    func addPolicyAdminRoutes(_ api: APIRoutes) {
        let services = self.services
        api.post("/api/v1/policies", RouteDoc(method: "post", path: "/api/v1/policies",
                                              summary: "Create or replace a policy written in the rule language; a rule or formula that does not parse is a 400 with line and column. Matching reruns at once and 免申即享 grants go out.",
                                              tag: "policies", requestBody: .json(PolicyDraft.self), response: .json(PolicySaved.self),
                                              access: .permission(.configureRules), errors: [400, 401, 403], status: .created, alternate: .ok)) { request, context -> Response in
            let p = try context.caller()
            let draft = try await Self.decodeBody(request, as: PolicyDraft.self)
            let record = try draft.record(by: p.username)
            let saved = try await services.policyOffice.save(record, by: p, cube: services.cubes.cube)
            return try JSONResponse.make(saved, status: saved.created ? .created : .ok)
        }
        api.post("/api/v1/policies/:id/withdraw", RouteDoc(method: "post", path: "/api/v1/policies/:id/withdraw",
                                                           summary: "Withdraw a policy (撤销): it grants nothing more and takes no applications; awards already made go on through review and payment. 409 when already withdrawn",
                                                           tag: "policies", params: [.path("id", "policy id")],
                                                           access: .permission(.configureRules), errors: [401, 403, 404, 409])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return try await services.policyOffice.withdraw(policy: try context.parameters.require("id"), by: try context.caller(), cube: services.cubes.cube)
        }
    }
}
