import BrainCore
import BrainSecurity
import BrainStore
import Foundation

/// A 贸易撮合 contact exchange: one firm asks the owner of a matching listing to exchange contacts; the contacts of
/// both are shown to both only once the counterpart accepted (`requested` → `accepted` or `declined`).
public struct MarketContact: Codable, Sendable, Hashable {
    /// One step with who and when.
    public struct Step: Codable, Sendable, Hashable {
        public let state: String
        public let by: String
        public let at: String
    }
    public var id: String
    public var fromUscc: String
    public var fromCompany: String
    public var fromListing: String
    public var toUscc: String
    public var toCompany: String
    public var toListing: String
    public var product: String
    /// `requested`, `accepted` or `declined`.
    public var state: String
    /// The contacts as stored (ciphertext when a field key is configured); never sent out as such.
    public var fromContact: String
    public var toContact: String?
    public var history: [Step]
    public var createdAt: String
}

/// A contact exchange as one side sees it: the counterpart's contact only after both agreed.
public struct MarketContactView: Codable, Sendable, Hashable {
    public let id: String
    /// `outgoing` (the caller asked) or `incoming` (the caller is asked).
    public let direction: String
    public let myListing: String
    public let counterpartUscc: String
    public let counterpartCompany: String
    public let counterpartListing: String
    public let product: String
    public let state: String
    /// The counterpart's contact: nil until the exchange is accepted.
    public let counterpartContact: String?
    /// The caller's own contact as given.
    public let myContact: String?
    public let history: [MarketContact.Step]
    public let createdAt: String
}

/// 贸易撮合 contact exchange for the API and the portal: a request from one's own listing to a matching listing of
/// another firm, the counterpart's acceptance (with its own contact) or refusal. Both sides are checked: the requester
/// owns the listing it asks from, only the named counterpart answers.
public struct ContactExchangeDesk: Sendable {
    public let store: Store
    public let market: MarketDesk
    public let cipher: FieldCipher?

    public init(store: Store, market: MarketDesk, cipher: FieldCipher? = nil) {
        self.store = store; self.market = market; self.cipher = cipher
    }

    /// Asks the owner of `toListing` to exchange contacts about the caller's own `fromListing`.
    public func request(from fromListing: String, to toListing: String, contact: String, by p: Principal, now: String = Timestamp.now()) async throws -> MarketContactView {
        try p.require(.trade)
        guard let mine = p.ownEnterprise else { throw AppError.forbidden("only an enterprise user asks to exchange contacts") }
        guard let from = try await market.listing(fromListing) else { throw AppError.bad("fromListing", "no listing \(fromListing)") }
        guard from.uscc == mine else { throw AppError.forbidden("listing \(fromListing) belongs to another enterprise") }
        guard let to = try await market.listing(toListing) else { throw AppError.bad("toListing", "no listing \(toListing)") }
        guard to.uscc != mine else { throw AppError.bad("toListing", "listing \(toListing) is your own enterprise's") }
        guard to.kind != from.kind else { throw AppError.bad("toListing", "listing \(toListing) is a \(to.kind.rawValue) like yours; a counterpart offers what you seek or seeks what you offer") }
        guard from.state == "open", to.state == "open" else { throw AppError.bad(from.state == "open" ? "toListing" : "fromListing", "the listing is closed") }
        let text = try Self.checkedContact(contact, field: "contact")
        let existing = try await store.documents(.marketContacts, as: MarketContact.self, where: [("from_uscc", mine)])
        if let open = existing.first(where: { $0.fromListing == fromListing && $0.toListing == toListing && $0.state != "declined" }) {
            throw AppError.conflict("already_requested", "you already asked about listing \(toListing) (\(open.id), \(open.state))")
        }
        let c = MarketContact(id: "MC-" + UUID().uuidString.prefix(8).lowercased(), fromUscc: mine, fromCompany: from.company, fromListing: from.id,
                              toUscc: to.uscc, toCompany: to.company, toListing: to.id, product: to.product, state: "requested",
                              fromContact: try seal(text), toContact: nil, history: [.init(state: "requested", by: p.username, at: now)], createdAt: now)
        try await save(c)
        return try view(c, for: mine)
    }

    /// The named counterpart accepts, giving its own contact; from then on both see each other's.
    public func accept(_ id: String, contact: String, by p: Principal, now: String = Timestamp.now()) async throws -> MarketContactView {
        var c = try await addressed(id, by: p)
        c.toContact = try seal(try Self.checkedContact(contact, field: "contact"))
        c.state = "accepted"
        c.history.append(.init(state: "accepted", by: p.username, at: now))
        try await save(c)
        return try view(c, for: c.toUscc)
    }

    /// The named counterpart declines; no contact is shown to either side.
    public func decline(_ id: String, by p: Principal, now: String = Timestamp.now()) async throws -> MarketContactView {
        var c = try await addressed(id, by: p)
        c.state = "declined"
        c.history.append(.init(state: "declined", by: p.username, at: now))
        try await save(c)
        return try view(c, for: c.toUscc)
    }

    /// The caller's exchanges, asked and asked of, newest first.
    public func exchanges(for p: Principal) async throws -> [MarketContactView] {
        try p.require(.trade)
        guard let mine = p.ownEnterprise else { throw AppError.forbidden("only an enterprise user has contact exchanges") }
        let out = try await store.documents(.marketContacts, as: MarketContact.self, where: [("from_uscc", mine)])
        let inc = try await store.documents(.marketContacts, as: MarketContact.self, where: [("to_uscc", mine)])
        return try (out + inc).sorted { $0.createdAt > $1.createdAt }.map { try view($0, for: mine) }
    }

    /// Requests addressed to an enterprise still waiting for its answer.
    public func waiting(uscc: String) async throws -> Int {
        try await store.documents(.marketContacts, as: MarketContact.self, where: [("to_uscc", uscc), ("state", "requested")]).count
    }

    private func addressed(_ id: String, by p: Principal) async throws -> MarketContact {
        try p.require(.trade)
        // Another firm's exchange answers as a missing one.
        guard let c = try await store.document(.marketContacts, key: id, as: MarketContact.self), let mine = p.ownEnterprise,
              c.toUscc == mine || c.fromUscc == mine else { throw AppError.notFound("no contact exchange \(id)") }
        guard c.toUscc == mine else { throw AppError.forbidden("only the counterpart \(c.toCompany) answers exchange \(id)") }
        guard c.state == "requested" else { throw AppError.conflict("already_answered", "exchange \(id) is already \(c.state)") }
        return c
    }

    private func view(_ c: MarketContact, for uscc: String) throws -> MarketContactView {
        let outgoing = c.fromUscc == uscc
        let accepted = c.state == "accepted"
        var theirs: String? = nil
        if accepted { theirs = try (outgoing ? c.toContact : c.fromContact).map(open) }
        let mine = try (outgoing ? c.fromContact : c.toContact).map(open)
        return MarketContactView(id: c.id, direction: outgoing ? "outgoing" : "incoming", myListing: outgoing ? c.fromListing : c.toListing,
                                 counterpartUscc: outgoing ? c.toUscc : c.fromUscc, counterpartCompany: outgoing ? c.toCompany : c.fromCompany,
                                 counterpartListing: outgoing ? c.toListing : c.fromListing, product: c.product, state: c.state,
                                 counterpartContact: theirs, myContact: mine, history: c.history, createdAt: c.createdAt)
    }

    private func save(_ c: MarketContact) async throws {
        try await store.putDocuments(.marketContacts, [DocumentRow(key: c.id, values: [c.fromUscc, c.toUscc, c.state], doc: c)])
    }

    private func seal(_ text: String) throws -> String { try cipher.map { try $0.encrypt(text) } ?? text }
    private func open(_ stored: String) throws -> String {
        guard FieldCipher.isEncrypted(stored) else { return stored }
        guard let cipher else { return "（已加密）" }
        return (try? cipher.decrypt(stored)) ?? "（已加密）"
    }

    /// A contact line: a person and a phone or e-mail, 2–100 characters, no control characters.
    static func checkedContact(_ raw: String, field: String) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= 2, text.count <= 100 else { throw AppError.bad(field, "required: a contact person and phone or e-mail, 2–100 characters") }
        guard !text.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else { throw AppError.bad(field, "must not contain control characters") }
        return text
    }
}
