import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// `POST /api/v1/referrals/{id}/consent`.
struct ConsentBody: Codable, Sendable {
    let agree: Bool?
}

/// `POST /api/v1/services/providers/{id}/accounts`.
struct ProviderAccountBody: Codable, Sendable {
    let username: String?
}

/// `POST /api/v1/market/contacts`.
struct ContactRequestBody: Codable, Sendable {
    let fromListing: String?
    let toListing: String?
    let contact: String?
}

/// `POST /api/v1/market/contacts/{id}/accept`.
struct ContactAnswerBody: Codable, Sendable {
    let contact: String?
}

extension BrainServer {
    /// Enterprise follow-through: consent to referrals, 申请对接, the provider's inbox, the grantees an enterprise may
    /// pick and 贸易撮合 contact exchanges. Both sides are checked in the use cases (the firm owns the request, only the
    /// named provider or counterpart answers); every write reaches the audit ledger through the middleware.
    func addFollowThroughRoutes(_ api: APIRoutes) {
        let services = self.services
        let catalogue = services.catalogue
        api.post("/api/v1/referrals/:id/consent", RouteDoc(method: "post", path: "/api/v1/referrals/:id/consent",
                                                           summary: "The enterprise agrees (agree=true: the provider sees the referral) or refuses a referral its diagnosis proposed; only a proposed referral of one's own enterprise (409 once answered)",
                                                           tag: "services", params: [.path("id", "referral id")], requestBody: .json(ConsentBody.self),
                                                           access: .permission(.submitDiagnosis), errors: [400, 401, 403, 404, 409])) { request, context in
            let body = try await Self.decodeBody(request, as: ConsentBody.self)
            guard let agree = body.agree else { throw APIError.badRequest("agree", "required: true to be put in touch with the provider, false to refuse") }
            return try await catalogue.consent(referral: try context.parameters.require("id"), agree: agree, by: try context.caller())
        }
        api.post("/api/v1/services/solutions/:id/connect", RouteDoc(method: "post", path: "/api/v1/services/solutions/:id/connect",
                                                                    summary: "申请对接: the enterprise asks to be put in touch with a solution's provider (201 new, 200 when an open referral exists)",
                                                                    tag: "services", params: [.path("id", "solution id")], requestBody: .json(NoteBody.self),
                                                                    response: .json(Referral.self), access: .permission(.submitDiagnosis),
                                                                    errors: [400, 401, 403], status: .created, alternate: .ok)) { request, context -> Response in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            let body = buffer.readableBytes == 0 ? NoteBody(note: nil) : try BodyDecoder.decode(NoteBody.self, from: Data(buffer: buffer))
            let made = try await catalogue.requestConnection(solution: try context.parameters.require("id"), note: body.note, by: try context.caller())
            return try JSONResponse.make(made.referral, status: made.created ? .created : .ok)
        }
        api.get("/api/v1/provider/referrals", RouteDoc(method: "get", path: "/api/v1/provider/referrals",
                                                       summary: "A service provider's account: the referrals enterprises agreed to or asked for, addressed to its provider, newest first (proposals still waiting for consent are never shown)",
                                                       tag: "services", errors: [401, 403])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return ItemList(try await catalogue.inbox(for: try context.caller()).referrals)
        }
        for state in ["contacted", "declined"] {
            api.post("/api/v1/provider/referrals/:id/\(state)", RouteDoc(method: "post", path: "/api/v1/provider/referrals/:id/\(state)",
                                                                         summary: "The provider named on a referral marks it \(state) (anyone else: 404)", tag: "services",
                                                                         params: [.path("id", "referral id")], requestBody: .json(NoteBody.self), errors: [400, 401, 404])) { request, context in
                let buffer = try await request.body.collect(upTo: 64 * 1024)
                let body = buffer.readableBytes == 0 ? NoteBody(note: nil) : try BodyDecoder.decode(NoteBody.self, from: Data(buffer: buffer))
                return try await catalogue.answer(referral: try context.parameters.require("id"), to: state, by: try context.caller(), note: body.note)
            }
        }
        api.post("/api/v1/services/providers/:id/accounts", RouteDoc(method: "post", path: "/api/v1/services/providers/:id/accounts",
                                                                     summary: "Link a provider-role account to a catalogue provider (it then sees the provider's referrals and may be granted data)",
                                                                     tag: "services", params: [.path("id", "provider id")], requestBody: .json(ProviderAccountBody.self),
                                                                     access: .permission(.manageUsers), errors: [400, 401, 403])) { request, context in
            let body = try await Self.decodeBody(request, as: ProviderAccountBody.self)
            guard let name = body.username, !name.isEmpty else { throw APIError.badRequest("username", "required") }
            return try await catalogue.link(account: name, to: try context.parameters.require("id"), by: try context.caller())
        }
        api.get("/api/v1/enterprises/:uscc/grantees", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc/grantees",
                                                               summary: "The accounts the enterprise may grant data to: those of the service providers it deals with (consented referrals, connection requests)",
                                                               tag: "grants", params: [.path("uscc", "统一社会信用代码")], access: .permission(.grantData))) { request, context in
            _ = try QueryReader(request, allowed: [])
            let code = try self.ownEnterprise(context)
            return ItemList(try await services.grantDesk.grantees(owner: code))
        }
        addContactRoutes(api)
    }

    func addContactRoutes(_ api: APIRoutes) {
        let contacts = services.contacts
        api.post("/api/v1/market/contacts", RouteDoc(method: "post", path: "/api/v1/market/contacts",
                                                     summary: "贸易撮合: ask the owner of a matching listing to exchange contacts about one's own listing; the counterpart sees the request but no contact until it accepts",
                                                     tag: "market", requestBody: .json(ContactRequestBody.self), response: .json(MarketContactView.self),
                                                     access: .permission(.trade), errors: [400, 401, 403, 409], status: .created)) { request, context in
            let body = try await Self.decodeBody(request, as: ContactRequestBody.self)
            guard let from = body.fromListing, !from.isEmpty else { throw APIError.badRequest("fromListing", "required: the id of your own listing") }
            guard let to = body.toListing, !to.isEmpty else { throw APIError.badRequest("toListing", "required: the id of the counterpart's listing") }
            return try await contacts.request(from: from, to: to, contact: body.contact ?? "", by: try context.caller())
        }
        api.get("/api/v1/market/contacts", RouteDoc(method: "get", path: "/api/v1/market/contacts",
                                                    summary: "The caller's contact exchanges, asked and asked of; the counterpart's contact only once accepted",
                                                    tag: "market", access: .permission(.trade), errors: [401, 403])) { request, context in
            _ = try QueryReader(request, allowed: [])
            return ItemList(try await contacts.exchanges(for: try context.caller()))
        }
        api.post("/api/v1/market/contacts/:id/accept", RouteDoc(method: "post", path: "/api/v1/market/contacts/:id/accept",
                                                                summary: "The counterpart named on a request accepts, giving its own contact; both then see each other's",
                                                                tag: "market", params: [.path("id", "exchange id")], requestBody: .json(ContactAnswerBody.self),
                                                                access: .permission(.trade), errors: [400, 401, 403, 404, 409])) { request, context in
            let body = try await Self.decodeBody(request, as: ContactAnswerBody.self)
            return try await contacts.accept(try context.parameters.require("id"), contact: body.contact ?? "", by: try context.caller())
        }
        api.post("/api/v1/market/contacts/:id/decline", RouteDoc(method: "post", path: "/api/v1/market/contacts/:id/decline",
                                                                 summary: "The counterpart named on a request declines; no contact is shown to either side",
                                                                 tag: "market", params: [.path("id", "exchange id")],
                                                                 access: .permission(.trade), errors: [401, 403, 404, 409])) { _, context in
            return try await contacts.decline(try context.parameters.require("id"), by: try context.caller())
        }
    }
}
