import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// A solution as a catalogue editor submits it.
struct SolutionDraft: Decodable, Sendable {
    let id: String?
    let providerId: String?
    let title: String?
    let category: String?
    let tags: [String]?
    let chains: [String]?
    let areas: [String]?
    let priceMin: Double?
    let priceMax: Double?
    let summary: String?
    let cases: [ServiceSolution.Case]?

    func solution(providers: Set<String>, areas known: Set<String>, chains book: ChainBook) throws -> ServiceSolution {
        guard let id = id?.trimmingCharacters(in: .whitespaces), !id.isEmpty, id.count <= 40 else { throw APIError.badRequest("id", "required, at most 40 characters") }
        guard let provider = providerId, providers.contains(provider) else { throw APIError.badRequest("providerId", "no provider \(providerId ?? "(missing)") in the catalogue") }
        guard let title = title?.trimmingCharacters(in: .whitespaces), !title.isEmpty, title.count <= 200 else { throw APIError.badRequest("title", "required, at most 200 characters") }
        guard let category = category?.trimmingCharacters(in: .whitespaces), !category.isEmpty else { throw APIError.badRequest("category", "required") }
        for (k, c) in (chains ?? []).enumerated() where book.chain(c) == nil { throw APIError.badRequest("chains[\(k)]", "\(c) is not a chain code") }
        for (k, a) in (areas ?? []).enumerated() where !known.contains(a) {
            throw APIError.badRequest("areas[\(k)]", "\(a) is not a diagnosis sub-area; see /api/v1/diagnoses/questionnaire")
        }
        for (field, v) in [("priceMin", priceMin), ("priceMax", priceMax)] {
            if let v, !v.isFinite || v < 0 { throw APIError.badRequest(field, "must be a non-negative amount in 万元") }
        }
        if let lo = priceMin, let hi = priceMax, lo > hi { throw APIError.badRequest("priceMax", "is below priceMin") }
        return ServiceSolution(id: id, providerId: provider, title: title, category: category, tags: tags ?? [], chains: chains ?? [],
                               areas: areas ?? [], priceMin: priceMin, priceMax: priceMax, summary: summary ?? "", cases: cases ?? [])
    }
}

/// A provider as a catalogue editor submits it.
struct ProviderDraft: Decodable, Sendable {
    let id: String?
    let name: String?
    let kind: String?
    let region: String?
    let contact: String?
    let description: String?

    func provider() throws -> ServiceProvider {
        guard let id = id?.trimmingCharacters(in: .whitespaces), !id.isEmpty, id.count <= 40 else { throw APIError.badRequest("id", "required, at most 40 characters") }
        guard let name = name?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 200 else { throw APIError.badRequest("name", "required, at most 200 characters") }
        guard let kind, CatalogueDesk.kindNames[kind] != nil else { throw APIError.badRequest("kind", "must be government, industry or local") }
        guard let region, region.count == 6, region.allSatisfy(\.isNumber) else { throw APIError.badRequest("region", "must be a 6-digit GB/T 2260 code") }
        return ServiceProvider(id: id, name: name, kind: kind, region: region, contact: contact ?? "", description: description ?? "")
    }
}

extension BrainServer {
    func addServiceRoutes(_ api: APIRoutes) {
        let services = self.services
        let catalogue = services.catalogue
        let searchParams: [ParamDoc] = [
            .query("q", "words to look for in title, tags, summary and provider"), .query("category", "solution category such as 智能化改造"),
            .query("chain", "chain code; general solutions are included"), .query("area", "diagnosis area or sub-area code such as operation.production"),
            .query("kind", "provider kind", enumValues: ["government", "industry", "local"]), .query("region", "GB/T 2260 code of the provider's seat"),
            .query("maxPrice", "only solutions starting at or below this price (万元)", type: "number"),
        ]
        api.get("/api/v1/services/solutions", RouteDoc(method: "get", path: "/api/v1/services/solutions",
                                                       summary: "服务资源目录: search and filter the solutions of government, industry and local providers",
                                                       tag: "services", params: searchParams, access: .permission(.readCatalog))) { request, context in
            let q = try QueryReader(request, allowed: Set(searchParams.map(\.name)))
            var query = CatalogueQuery(text: q.string("q"), category: q.string("category"), chain: try self.chainParameter(q), area: q.string("area"),
                                       kind: q.string("kind"), region: q.string("region"))
            if let k = query.kind, CatalogueDesk.kindNames[k] == nil { throw APIError.badRequest("kind", "must be government, industry or local") }
            if let a = query.area, !Questionnaire.standard.isAreaCode(a) { throw APIError.badRequest("area", "\(a) is not a diagnosis area or sub-area code") }
            if let r = query.region, r.count != 6 || !r.allSatisfy(\.isNumber) { throw APIError.badRequest("region", "must be a 6-digit GB/T 2260 code") }
            if let m = q.string("maxPrice") {
                guard let v = Double(m), v.isFinite, v >= 0 else { throw APIError.badRequest("maxPrice", "must be a non-negative number, got '\(m)'") }
                query.maxPrice = v
            }
            return ItemList(try await catalogue.search(query))
        }
        api.get("/api/v1/services/providers", RouteDoc(method: "get", path: "/api/v1/services/providers", summary: "Service providers of the catalogue",
                                                       tag: "services", access: .permission(.readCatalog))) { request, context in
            _ = try QueryReader(request, allowed: [])
            return ItemList(try await catalogue.providers())
        }
        api.post("/api/v1/services/providers", RouteDoc(method: "post", path: "/api/v1/services/providers", summary: "Add or replace a service provider",
                                                        tag: "services", requestBody: .json(ProviderDraft.self),
                                                        access: .permission(.managePrograms), status: .created)) { request, context in
            let provider = try await Self.decodeBody(request, as: ProviderDraft.self).provider()
            try await catalogue.save(providers: [provider])
            return provider
        }
        api.post("/api/v1/services/solutions", RouteDoc(method: "post", path: "/api/v1/services/solutions", summary: "Add or replace a solution of a provider",
                                                        tag: "services", requestBody: .json(SolutionDraft.self),
                                                        access: .permission(.managePrograms), status: .created)) { request, context in
            let draft = try await Self.decodeBody(request, as: SolutionDraft.self)
            let solution = try draft.solution(providers: Set(try await catalogue.providers().map(\.id)), areas: Set(Questionnaire.standard.subareaCodes), chains: services.catalog.chains)
            try await catalogue.save(solutions: [solution])
            return solution
        }
        api.get("/api/v1/enterprises/:uscc/referrals", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc/referrals",
                                                                summary: "Referrals of an enterprise to catalogue solutions (referred, contacted, adopted, declined) with their history",
                                                                tag: "services", params: [.path("uscc", "统一社会信用代码")],
                                                                access: .enterpriseData)) { request, context in
            _ = try QueryReader(request, allowed: [])
            let code = try await self.enterpriseData(request, context, .referrals)
            return ItemList(try await catalogue.referrals(uscc: code))
        }
        api.post("/api/v1/enterprises/:uscc/referrals", RouteDoc(method: "post", path: "/api/v1/enterprises/:uscc/referrals",
                                                                 summary: "Ask to be referred to a catalogue solution (the enterprise itself)", tag: "services",
                                                                 params: [.path("uscc", "统一社会信用代码")], requestBody: .json(ReferralRequest.self),
                                                                 response: .json(ItemList<Referral>.self), access: .permission(.submitDiagnosis),
                                                                 status: .created, alternate: .ok)) { request, context -> Response in
            let code = try self.ownEnterprise(context)
            let body = try await Self.decodeBody(request, as: ReferralRequest.self)
            guard let id = body.solutionId, !id.isEmpty else { throw APIError.badRequest("solutionId", "required") }
            do {
                let made = try await catalogue.refer(uscc: code, items: [(id, body.note ?? "企业主动申请对接")], diagnosisId: nil, by: try context.caller().username)
                return try JSONResponse.make(["items": made], status: made.isEmpty ? .ok : .created)
            } catch let e as AppError { throw APIError(e) }
        }
        for state in ["contacted", "adopted", "declined"] {
            api.post("/api/v1/referrals/:id/\(state)", RouteDoc(method: "post", path: "/api/v1/referrals/:id/\(state)",
                                                               summary: "Mark a referral \(state) (the enterprise itself, or an official of its scope)", tag: "services",
                                                               params: [.path("id", "referral id")], requestBody: .json(NoteBody.self), access: .permission(.readIndicators), errors: [400, 401, 403, 404])) { request, context in
                let buffer = try await request.body.collect(upTo: 64 * 1024)
                let body = buffer.readableBytes == 0 ? NoteBody(note: nil) : try BodyDecoder.decode(NoteBody.self, from: Data(buffer: buffer))
                return try await catalogue.advance(referral: try context.parameters.require("id"), to: state, by: try context.caller(), note: body.note,
                                                   cube: services.cubes.cube, catalog: services.catalog)
            }
        }
    }

    /// The credit code in the path when it is the caller's own enterprise (administrators may act for any).
    func ownEnterprise(_ context: BrainContext) throws -> String {
        let code = try visibleEnterprise(context)
        let p = try context.caller()
        guard p.can(.manageUsers) || p.ownEnterprise == code else { throw APIError.forbidden("only enterprise \(code) itself can do this") }
        return code
    }
}
