import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// What creating a service client asks: who it is, where its data lies, what it may write and read, until when, and
/// whether it signs its requests.
public struct ClientRequest: Codable, Sendable {
    /// Lower-case letters, digits and dashes, 3–40 (`stats-bureau-nc`); the ledger names the client `client:<id>`.
    public var id: String
    public var name: String
    public var description: String?
    /// The province (default), a city or a county code.
    public var region: String?
    /// Dataset ids it may write through POST /api/v1/ingest/{dataset}.
    public var writes: [String]?
    /// Published service ids it may read.
    public var reads: [String]?
    /// The client's last valid day (YYYY-MM-DD, Beijing) or an ISO 8601 time; default one year ahead, at most three.
    public var expires: String?
    /// True: every request must carry X-Brain-Timestamp and X-Brain-Signature (a signing secret is shown once).
    public var signed: Bool?

    public init(id: String, name: String, description: String? = nil, region: String? = nil, writes: [String]? = nil, reads: [String]? = nil,
                expires: String? = nil, signed: Bool? = nil) {
        self.id = id; self.name = name; self.description = description; self.region = region; self.writes = writes; self.reads = reads
        self.expires = expires; self.signed = signed
    }
}

/// A change to a client: only the fields given change.
public struct ClientChange: Codable, Sendable {
    public var name: String?
    public var description: String?
    public var writes: [String]?
    public var reads: [String]?
    public var expires: String?
    public init(name: String? = nil, description: String? = nil, writes: [String]? = nil, reads: [String]? = nil, expires: String? = nil) {
        self.name = name; self.description = description; self.writes = writes; self.reads = reads; self.expires = expires
    }
}

/// One API key as listed: its id and state, never its secret.
public struct ClientKeyView: Codable, Sendable {
    public let keyID: String
    /// How the key starts (`bk_<id>_…`), to recognise it.
    public let prefix: String
    public let createdAt: String
    public let createdBy: String
    public let expiresAt: String?
    public let revokedAt: String?
    /// `active`, `expiring` (inside a rotation's overlap), `expired` or `revoked`.
    public let state: String
}

/// A client as listed: no secret, with its keys.
public struct ClientView: Codable, Sendable {
    public let id: String
    public let name: String
    public let owner: String
    public let description: String
    public let region: String
    public let regionName: String
    public let writes: [String]
    public let reads: [String]
    public let expiresAt: String?
    public let signed: Bool
    public let createdAt: String
    public let createdBy: String
    public let revokedAt: String?
    /// `active`, `expired` or `revoked`.
    public let state: String
    public let keys: [ClientKeyView]
}

/// A new key (creation or rotation): the key and, when the client signs, its signing secret, shown this once.
public struct IssuedClientKey: Codable, Sendable {
    public let client: ClientView
    public let keyID: String
    /// The whole API key: send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`. It is not stored and cannot be shown again.
    public let key: String
    /// The signing secret (only at creation of a signed client).
    public let signingSecret: String?
    /// When the keys the rotation replaced stop working (rotation only).
    public let previousKeysExpireAt: String?
}

/// Service clients (统一数据接口的接入方) and their API keys: administrators manage any client; a provider only its own, which
/// may read its own published services and write nothing. Every change reloads the keyring before it answers, so a
/// revoked key is refused by the very next request.
public struct ClientDesk: Sendable {
    let store: Store
    let keyring: ClientKeyring
    let catalog: RegionCatalog
    let cipher: FieldCipher?
    /// Called after the client's read access changed (the server reloads the service catalogue's in-memory copy).
    let accessChanged: @Sendable () async throws -> Void

    public init(store: Store, keyring: ClientKeyring, catalog: RegionCatalog, cipher: FieldCipher?,
                accessChanged: @escaping @Sendable () async throws -> Void = {}) {
        self.store = store; self.keyring = keyring; self.catalog = catalog; self.cipher = cipher; self.accessChanged = accessChanged
    }

    /// The dataset ids a client may be given write scope for (the data centre's import kinds).
    public static var datasets: [String] { ImportKind.allCases.map(\.rawValue) }
    /// Longest life of a client.
    static let longestLife: TimeInterval = 3 * 366 * 86_400
    /// Longest overlap of a rotation, hours.
    public static let longestOverlapHours = 720

    /// Creates a client and its first key.
    public func create(_ r: ClientRequest, by caller: Principal, now: Date = Date()) async throws -> IssuedClientKey {
        try caller.require(.manageClients)
        let id = r.id.trimmingCharacters(in: .whitespaces)
        guard (3...40).contains(id.count), id.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }),
              id.first != "-", id.last != "-" else {
            throw AppError.bad("id", "must be 3–40 lower-case letters, digits or dashes, not starting or ending with a dash (e.g. stats-bureau-nc); got \(id.prefix(60))")
        }
        let name = try Self.text(r.name, field: "name", limit: 100, required: true)
        let description = try Self.text(r.description ?? "", field: "description", limit: 500, required: false)
        let region: String
        switch ScopeValidator.clientRegion(r.region, catalog: catalog) {
        case .success(let c): region = c
        case .failure(let p): throw AppError.bad("region", p.description)
        }
        let writes = try validWrites(r.writes ?? [], by: caller)
        let reads = try await validReads(r.reads ?? [], by: caller)
        let expires = try Self.expiry(r.expires, now: now)
        if try await store.serviceClient(id) != nil { throw AppError.conflict("exists", "a client with id \(id) already exists") }
        let signing = r.signed == true ? APIKeyFormat.signingSecret() : nil
        let stamp = Timestamp.now()
        let record = ServiceClientRecord(id: id, name: name, owner: caller.username, region: region, writes: writes, description: description,
                                         expiresAt: Timestamp.string(expires), signingSecret: try signing.map { try cipher?.encrypt($0) ?? $0 },
                                         createdBy: caller.username, createdAt: stamp)
        let key = APIKeyFormat.generate()
        try await store.addServiceClient(record, key: ClientKeyRecord(keyID: key.keyID, clientID: id, secretHash: key.hash, createdBy: caller.username,
                                                                      createdAt: stamp, expiresAt: nil))
        try await setReads(reads, of: id, by: caller)
        try await keyring.reload()
        return IssuedClientKey(client: try await view(id), keyID: key.keyID, key: key.key, signingSecret: signing, previousKeysExpireAt: nil)
    }

    /// The clients the caller manages (administrators: all; providers: their own).
    public func list(by caller: Principal) async throws -> [ClientView] {
        try caller.require(.manageClients)
        let owner: String? = caller.can(.manageUsers) ? nil : caller.username
        let keys = Dictionary(grouping: try await store.clientKeys(), by: \.clientID)
        let access = try await store.approvedPublishedServices()
        return try await store.serviceClients(owner: owner).map {
            Self.view($0, keys: keys[$0.id] ?? [], reads: (access[ClientGrant.actor($0.id)] ?? [:]).keys.sorted(), catalog: catalog)
        }
    }

    /// One client the caller manages; a client it may not manage answers as a missing one.
    public func client(_ id: String, by caller: Principal) async throws -> ClientView {
        _ = try await managed(id, by: caller)
        return try await view(id)
    }

    /// Issues a new key; the client's other keys keep working for `overlapHours` (0: they stop at once).
    public func rotate(_ id: String, overlapHours: Int = 24, by caller: Principal, now: Date = Date()) async throws -> IssuedClientKey {
        let c = try await managed(id, by: caller)
        guard c.revokedAt == nil else { throw AppError.conflict("revoked", "client \(id) was revoked; create a new client") }
        guard (0...Self.longestOverlapHours).contains(overlapHours) else {
            throw AppError.bad("overlapHours", "must be 0–\(Self.longestOverlapHours) hours, got \(overlapHours)")
        }
        let ends = Timestamp.string(now.addingTimeInterval(Double(overlapHours) * 3600))
        let key = APIKeyFormat.generate()
        try await store.addClientKey(ClientKeyRecord(keyID: key.keyID, clientID: id, secretHash: key.hash, createdBy: caller.username,
                                                     createdAt: Timestamp.now(), expiresAt: nil), othersExpireAt: ends)
        try await keyring.reload()
        return IssuedClientKey(client: try await view(id), keyID: key.keyID, key: key.key, signingSecret: nil, previousKeysExpireAt: ends)
    }

    /// Revokes one key at once.
    public func revokeKey(_ id: String, key keyID: String, by caller: Principal) async throws -> ClientView {
        _ = try await managed(id, by: caller)
        guard let key = try await store.clientKeys(of: id).first(where: { $0.keyID == keyID }) else {
            throw AppError.notFound("client \(id) has no key \(keyID.prefix(40))")
        }
        guard key.revokedAt == nil else { throw AppError.conflict("already_revoked", "key \(keyID) was revoked at \(key.revokedAt!)") }
        try await store.revokeClientKey(keyID, at: Timestamp.now(), by: caller.username)
        try await keyring.reload()
        return try await view(id)
    }

    /// Revokes the whole client (every key stops at once); the record stays for the ledger.
    public func revoke(_ id: String, by caller: Principal) async throws -> ClientView {
        var c = try await managed(id, by: caller)
        guard c.revokedAt == nil else { throw AppError.conflict("already_revoked", "client \(id) was revoked at \(c.revokedAt!)") }
        c.revokedAt = Timestamp.now()
        c.revokedBy = caller.username
        try await store.updateServiceClient(c)
        try await keyring.reload()
        return try await view(id)
    }

    /// Changes the given fields of a client.
    public func update(_ id: String, _ change: ClientChange, by caller: Principal, now: Date = Date()) async throws -> ClientView {
        var c = try await managed(id, by: caller)
        guard c.revokedAt == nil else { throw AppError.conflict("revoked", "client \(id) was revoked; create a new client") }
        if let n = change.name { c.name = try Self.text(n, field: "name", limit: 100, required: true) }
        if let d = change.description { c.description = try Self.text(d, field: "description", limit: 500, required: false) }
        if let w = change.writes { c.writes = try validWrites(w, by: caller) }
        var reads: [String]?
        if let r = change.reads { reads = try await validReads(r, by: caller) }
        if let e = change.expires { c.expiresAt = Timestamp.string(try Self.expiry(e, now: now)) }
        try await store.updateServiceClient(c)
        if let reads { try await setReads(reads, of: id, by: caller) }
        try await keyring.reload()
        return try await view(id)
    }

    /// Makes the services the caller manages that the client may read exactly `reads`: each missing one is approved in
    /// `hub_access` (the record an approved access request writes, so the catalogue's owner sees it and may revoke it),
    /// each approved one no longer listed is revoked. Access to services the caller does not manage is left alone.
    func setReads(_ reads: [String], of id: String, by caller: Principal) async throws {
        let consumer = ClientGrant.actor(id)
        let wanted = Set(reads)
        let now = Timestamp.now()
        var changed = false
        for a in try await store.serviceAccesses(consumer: consumer) where a.state == "approved" && !wanted.contains(a.serviceId) {
            guard let s = try await store.publishedService(a.serviceId), caller.can(.manageUsers) || s.owner == caller.username else { continue }
            var revoked = a
            revoked.history.append("\(a.decidedAt ?? a.requestedAt) approved by \(a.decidedBy ?? "-")")
            revoked.state = "revoked"; revoked.decidedBy = caller.username; revoked.decidedAt = now; revoked.note = "客户端读取范围变更"
            try await store.putServiceAccess(revoked)
            changed = true
        }
        for service in wanted.sorted() {
            let existing = try await store.serviceAccess(service: service, consumer: consumer)
            if existing?.state == "approved" { continue }
            var a = existing ?? ServiceAccess(id: ServiceAccess.newID(), serviceId: service, consumer: consumer, reason: "接口客户端读取范围（由 \(caller.username) 授予）",
                                               state: "approved", requestedAt: now)
            if let e = existing { a.history.append("\(e.decidedAt ?? e.requestedAt) \(e.state) by \(e.decidedBy ?? "-")") }
            a.state = "approved"; a.decidedBy = caller.username; a.decidedAt = now; a.note = "创建或修改接口客户端时授予"
            try await store.putServiceAccess(a)
            changed = true
        }
        if changed { try await accessChanged() }
    }

    // MARK: - checks

    private func managed(_ id: String, by caller: Principal) async throws -> ServiceClientRecord {
        try caller.require(.manageClients)
        guard let c = try await store.serviceClient(id), caller.can(.manageUsers) || c.owner == caller.username else {
            throw AppError.notFound("no client \(id.prefix(60)) that you manage")
        }
        return c
    }

    private func validWrites(_ writes: [String], by caller: Principal) throws -> [String] {
        let known = Set(Self.datasets)
        for w in writes where !known.contains(w) {
            throw AppError.bad("writes", "\(w.prefix(60)) is not a dataset; one of \(Self.datasets.joined(separator: ", "))")
        }
        if !writes.isEmpty, !caller.can(.manageUsers) {
            throw AppError.forbidden("writes: only an administrator gives a client write scope; a provider's clients read its own services")
        }
        return Array(Set(writes)).sorted()
    }

    private func validReads(_ reads: [String], by caller: Principal) async throws -> [String] {
        for r in Set(reads) {
            guard let s = try await store.publishedService(r), s.state == "published" else {
                throw AppError.bad("reads", "\(r.prefix(60)) is not a published service")
            }
            if !caller.can(.manageUsers), s.owner != caller.username {
                throw AppError.forbidden("reads: \(r) is not a service you publish; its consumers request access from its owner")
            }
        }
        return Array(Set(reads)).sorted()
    }

    static func text(_ raw: String, field: String, limit: Int, required: Bool) throws -> String {
        let t = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, t.isEmpty { throw AppError.bad(field, "required") }
        guard t.count <= limit else { throw AppError.bad(field, "at most \(limit) characters, got \(t.count)") }
        guard !t.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
            throw AppError.bad(field, "contains control characters")
        }
        return t
    }

    /// A day (the end of that Beijing day) or an ISO 8601 time; in the future and at most three years ahead.
    static func expiry(_ raw: String?, now: Date) throws -> Date {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return now.addingTimeInterval(365 * 86_400) }
        var date: Date?
        if raw.count == 10, let day = try? Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 8 * 3600)!).year().month().day().parse(raw) {
            date = day.addingTimeInterval(86_400 - 1)
        } else {
            date = Timestamp.date(raw)
        }
        guard let date else { throw AppError.bad("expires", "must be a day (YYYY-MM-DD) or an ISO 8601 time, got \(raw.prefix(40))") }
        guard date > now else { throw AppError.bad("expires", "\(raw) is in the past") }
        guard date.timeIntervalSince(now) <= longestLife else { throw AppError.bad("expires", "at most three years ahead, got \(raw)") }
        return date
    }

    private func view(_ id: String) async throws -> ClientView {
        guard let c = try await store.serviceClient(id) else { throw AppError.notFound("no client \(id)") }
        let reads = try await store.approvedPublishedServices()[ClientGrant.actor(id)] ?? [:]
        return Self.view(c, keys: try await store.clientKeys(of: id), reads: reads.keys.sorted(), catalog: catalog)
    }

    static func view(_ c: ServiceClientRecord, keys: [ClientKeyRecord], reads: [String], catalog: RegionCatalog, now: Date = Date()) -> ClientView {
        let expired = c.expiresAt.flatMap(Timestamp.date).map { $0 <= now } ?? false
        let keyViews = keys.map { k -> ClientKeyView in
            let ends = k.expiresAt.flatMap(Timestamp.date)
            let state = k.revokedAt != nil ? "revoked" : ends.map { $0 <= now ? "expired" : "expiring" } ?? "active"
            return ClientKeyView(keyID: k.keyID, prefix: "\(APIKeyFormat.prefix)\(k.keyID)_…", createdAt: k.createdAt, createdBy: k.createdBy,
                                 expiresAt: k.expiresAt, revokedAt: k.revokedAt, state: state)
        }
        return ClientView(id: c.id, name: c.name, owner: c.owner, description: c.description, region: c.region,
                          regionName: catalog.region(c.region)?.name ?? c.region, writes: c.writes, reads: reads, expiresAt: c.expiresAt,
                          signed: c.signingSecret != nil, createdAt: c.createdAt, createdBy: c.createdBy, revokedAt: c.revokedAt,
                          state: c.revokedAt != nil ? "revoked" : expired ? "expired" : "active", keys: keyViews)
    }
}
