import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Synchronization

/// A published service as one caller sees it in the catalogue: the service, its source's name and the caller's access
/// (`owner`, `approved`, `pending`, `refused`, `revoked`, or nil when it never asked).
public struct HubListing: Codable, Sendable {
    public let service: PublishedService
    public let sourceName: String
    public let access: String?
}

/// The access requests a caller deals with: those to its own services (all of them for an administrator) and its own.
public struct AccessRequests: Codable, Sendable {
    public let incoming: [ServiceAccess]
    public let mine: [ServiceAccess]
}

/// A consumer's reason for asking to use a service.
public struct AccessRequestBody: Codable, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// An owner's note on approving, refusing or revoking access.
public struct AccessDecisionBody: Codable, Sendable {
    public var note: String?
    public init(note: String? = nil) { self.note = note }
}

/// Metered usage from one day to another, as one caller may see it (its services' consumers, or its own calls).
public struct UsageReport: Codable, Sendable {
    public let from: String
    public let to: String
    public let items: [ServiceUsage]
}

/// 服务资源目录: publishing services, access requests and their decisions, calls within quotas, metering. The API and the
/// portal both come here; neither decides who may do what.
public final class HubDesk: Sendable {
    let store: Store
    let catalog: RegionCatalog
    let cubes: CubeHolder
    let analyses: AnalysisDesk
    let warnings: WarningDesk
    let policies: PolicyDesk
    let enterprises: EnterpriseDesk
    let ledger: AuditLedger?
    /// Calls, rows and bytes per consumer, service and Beijing day (written in batches).
    public let meter: ServiceMeter
    /// Encoded answers of the analyses (overview, chain analysis) per slice, for the current cube.
    let answers = ResultCache<Data>(capacity: 1024)
    struct Snapshot {
        var services: [String: PublishedService]
        var approved: Set<String>
        var loadedAt: Date
    }
    private let snapshot = Mutex<Snapshot?>(nil)
    /// How long the in-memory copy of services and approvals is trusted (changes made through another server).
    static let snapshotLifetime: TimeInterval = 10

    /// Called after a decision on access or a change of a service (the server reloads its service clients' grants).
    let accessChanged: @Sendable () async throws -> Void

    public init(store: Store, catalog: RegionCatalog, cubes: CubeHolder, analyses: AnalysisDesk, warnings: WarningDesk, policies: PolicyDesk,
                enterprises: EnterpriseDesk, ledger: AuditLedger?, accessChanged: @escaping @Sendable () async throws -> Void = {}) {
        self.store = store; self.catalog = catalog; self.cubes = cubes; self.analyses = analyses; self.warnings = warnings
        self.policies = policies; self.enterprises = enterprises; self.ledger = ledger; self.accessChanged = accessChanged
        self.meter = ServiceMeter(store: store)
    }

    // MARK: - The in-memory copy the call path reads

    func current(now: Date = Date()) async throws -> Snapshot {
        if let s = snapshot.withLock({ $0 }), now.timeIntervalSince(s.loadedAt) < Self.snapshotLifetime { return s }
        return try await reload(now: now)
    }

    /// Reloads the in-memory copy of services and approvals now (after access changed elsewhere in this server).
    public func refresh() async throws { try await reload() }

    @discardableResult
    func reload(now: Date = Date()) async throws -> Snapshot {
        let services = Dictionary(try await store.publishedServices().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let approved = Set(try await store.serviceAccesses(state: "approved").map { Self.pair($0.serviceId, $0.consumer) })
        let s = Snapshot(services: services, approved: approved, loadedAt: now)
        snapshot.withLock { $0 = s }
        return s
    }

    static func pair(_ service: String, _ consumer: String) -> String { service + "\u{1F}" + consumer }

    /// The consumer id of a caller: its user name (`client:<id>` for a service client).
    public static func consumer(_ p: Principal) -> String { p.username }

    /// True when the caller may change the service and decide on its requests: its owner, or an administrator.
    public static func manages(_ s: PublishedService, _ p: Principal) -> Bool {
        p.can(.publishServices) && (s.owner == p.username || p.can(.manageUsers))
    }

    // MARK: - Catalogue

    /// The catalogue: published services (and the caller's own withdrawn ones), filtered by source and words.
    public func catalogue(for p: Principal, source: ServiceSource? = nil, text: String? = nil) async throws -> [HubListing] {
        let s = try await reload()
        let mine = Dictionary(try await store.serviceAccesses(consumer: Self.consumer(p)).map { ($0.serviceId, $0.state) }, uniquingKeysWith: { a, _ in a })
        let words = text?.trimmingCharacters(in: .whitespaces).lowercased()
        return s.services.values.filter { svc in
            (svc.state == "published" || Self.manages(svc, p))
                && (source == nil || svc.source == source!.rawValue)
                && (words?.isEmpty ?? true || (svc.title + " " + svc.description + " " + svc.id).lowercased().contains(words!))
        }.sorted { ($0.state, $0.id) < ($1.state, $1.id) }.map { entry($0, for: p, mine: mine[$0.id]) }
    }

    func entry(_ s: PublishedService, for p: Principal, mine: String?) -> HubListing {
        HubListing(service: s, sourceName: ServiceSource(rawValue: s.source)?.nameZh ?? s.source, access: s.owner == p.username ? "owner" : mine)
    }

    /// One service; a withdrawn one only to those who manage it (to others it is missing).
    public func service(_ id: String, for p: Principal) async throws -> HubListing {
        guard let s = try await store.publishedService(id), s.state == "published" || Self.manages(s, p) else { throw AppError.notFound("no published service \(id.prefix(60))") }
        return entry(s, for: p, mine: try await store.serviceAccess(service: id, consumer: Self.consumer(p))?.state)
    }

    /// Publishes a new service. The publisher must itself read the data the source exposes (a provider may publish the
    /// enterprise registry, not an analysis of regional statistics).
    public func publish(_ draft: ServiceDraft, by p: Principal) async throws -> PublishedService {
        try p.require(.publishServices)
        let s = try draft.validated(owner: p.username, now: Timestamp.now(), createdAt: nil)
        try Self.requireReads(s, p)
        if try await store.publishedService(s.id) != nil { throw AppError.conflict("exists", "a service with id \(s.id) exists; choose another id or edit it") }
        try await store.putPublishedService(s)
        try await reload()
        return s
    }

    static func requireReads(_ s: PublishedService, _ p: Principal) throws {
        let needed = ServiceSource(rawValue: s.source)?.dataScope ?? ""
        guard let permission = Permission(rawValue: needed), p.can(permission) else {
            throw AppError.forbidden("role \(p.role.rawValue) lacks permission \(needed), which \(s.source) services expose; it cannot publish one")
        }
    }

    /// Changes a service's texts, parameters, quotas or price note (its id, owner and creation stay; a withdrawn one is
    /// published again).
    public func edit(_ id: String, _ draft: ServiceDraft, by p: Principal) async throws -> PublishedService {
        try p.require(.publishServices)
        guard let old = try await store.publishedService(id), Self.manages(old, p) else { throw AppError.notFound("no service \(id.prefix(60)) of yours") }
        var d = draft
        d.id = old.id
        var s = try d.validated(owner: old.owner, now: Timestamp.now(), createdAt: old.createdAt)
        try Self.requireReads(s, p)
        s.withdrawnAt = nil
        try await store.putPublishedService(s)
        try await reload(); try await accessChanged()
        return s
    }

    /// Withdraws a service: it leaves the catalogue and calls are refused; grants and usage stay on record.
    public func withdraw(_ id: String, by p: Principal) async throws -> PublishedService {
        try p.require(.publishServices)
        guard var s = try await store.publishedService(id), Self.manages(s, p) else { throw AppError.notFound("no service \(id.prefix(60)) of yours") }
        guard s.state == "published" else { throw AppError.conflict("wrong_state", "service \(id) is already withdrawn") }
        let now = Timestamp.now()
        s.state = "withdrawn"; s.withdrawnAt = now; s.updatedAt = now
        try await store.putPublishedService(s)
        try await reload(); try await accessChanged()
        return s
    }

    // MARK: - Access

    /// Asks for access to a published service with a reason (4–500 characters). Asking again while pending or approved
    /// answers the existing request; after a refusal or revocation it is reopened.
    public func requestAccess(_ id: String, reason: String, by p: Principal) async throws -> ServiceAccess {
        guard let s = try await store.publishedService(id), s.state == "published" else { throw AppError.notFound("no published service \(id.prefix(60))") }
        let consumer = Self.consumer(p)
        guard s.owner != consumer else { throw AppError.conflict("owner", "you publish service \(id); its owner needs no access") }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (4...500).contains(why.count) else { throw AppError.bad("reason", "say why in 4–500 characters, got \(why.count)") }
        guard !why.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else { throw AppError.bad("reason", "control characters are not allowed") }
        let now = Timestamp.now()
        if var a = try await store.serviceAccess(service: id, consumer: consumer) {
            if a.state == "pending" || a.state == "approved" { return a }
            a.history.append("\(a.decidedAt ?? a.requestedAt) \(a.state) by \(a.decidedBy ?? "-")\(a.note.map { ": \($0)" } ?? "")")
            a.state = "pending"; a.reason = why; a.requestedAt = now; a.decidedBy = nil; a.decidedAt = nil; a.note = nil
            try await store.putServiceAccess(a)
            return a
        }
        let a = ServiceAccess(id: ServiceAccess.newID(), serviceId: id, consumer: consumer, reason: why, state: "pending", requestedAt: now)
        try await store.putServiceAccess(a)
        return a
    }

    /// The owner (or an administrator) approves or refuses a pending request, or revokes an approved one.
    public func decide(_ accessID: String, _ decision: AccessDecision, note: String?, by p: Principal) async throws -> ServiceAccess {
        try p.require(.publishServices)
        guard var a = try await store.serviceAccess(id: accessID), let s = try await store.publishedService(a.serviceId), Self.manages(s, p) else {
            throw AppError.notFound("no access request \(accessID.prefix(40)) to a service of yours")
        }
        guard decision.from.contains(a.state) else {
            throw AppError.conflict("wrong_state", "request \(a.id) is \(a.state); only \(decision.from.joined(separator: " or ")) requests can be \(decision.state)")
        }
        let text = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let t = text, t.count > 500 { throw AppError.bad("note", "at most 500 characters, got \(t.count)") }
        if decision == .approve, s.state != "published" { throw AppError.conflict("withdrawn", "service \(s.id) is withdrawn; publish it again before approving") }
        a.state = decision.state; a.decidedBy = p.username; a.decidedAt = Timestamp.now(); a.note = text.flatMap { $0.isEmpty ? nil : $0 }
        try await store.putServiceAccess(a)
        try await reload(); try await accessChanged()
        return a
    }

    /// Grants a consumer access at once, as approved by `p` (a client created with read scopes): the same record an
    /// approval writes, so that `hub_access` stays the one answer to "what may it read".
    public func grant(_ id: String, to consumer: String, by p: Principal, reason: String) async throws -> ServiceAccess {
        try p.require(.publishServices)
        guard let s = try await store.publishedService(id), s.state == "published", Self.manages(s, p) else { throw AppError.notFound("no published service \(id.prefix(60)) of yours") }
        let now = Timestamp.now()
        var a = try await store.serviceAccess(service: id, consumer: consumer)
            ?? ServiceAccess(id: ServiceAccess.newID(), serviceId: id, consumer: consumer, reason: reason, state: "approved", requestedAt: now)
        a.state = "approved"; a.decidedBy = p.username; a.decidedAt = now
        try await store.putServiceAccess(a)
        try await reload(); try await accessChanged()
        return a
    }

    /// Requests to the caller's services (every service for an administrator) and the caller's own, newest first.
    public func requests(for p: Principal, state: String? = nil) async throws -> AccessRequests {
        if let state, !["pending", "approved", "refused", "revoked"].contains(state) {
            throw AppError.bad("state", "must be pending, approved, refused or revoked, got '\(state.prefix(40))'")
        }
        let services = try await store.publishedServices()
        let managed = Set(services.filter { Self.manages($0, p) }.map(\.id))
        let all = managed.isEmpty ? [] : try await store.serviceAccesses(state: state)
        let incoming = all.filter { managed.contains($0.serviceId) }.sorted { $0.requestedAt > $1.requestedAt }
        let mine = try await store.serviceAccesses(consumer: Self.consumer(p), state: state).sorted { $0.requestedAt > $1.requestedAt }
        return AccessRequests(incoming: incoming, mine: mine)
    }

    // MARK: - Usage

    /// Metered usage from `from` to `to` (Beijing days, at most 92; default the last 7): the consumers of the caller's
    /// services (every service for an administrator) and the caller's own calls. Counts not yet written are written first.
    public func usage(for p: Principal, from: String?, to: String?, service: String? = nil, now: Date = Date()) async throws -> UsageReport {
        let today = BeijingDay.of(now)
        let end = to ?? today
        guard let endDay = BeijingDay.daysSinceEpoch(end) else { throw AppError.bad("to", "must be a day YYYY-MM-DD, got '\(end.prefix(20))'") }
        let start = from ?? BeijingDay.minus(6, from: end)!
        guard let startDay = BeijingDay.daysSinceEpoch(start) else { throw AppError.bad("from", "must be a day YYYY-MM-DD, got '\(start.prefix(20))'") }
        guard startDay <= endDay else { throw AppError.bad("from", "\(start) is after to \(end)") }
        guard endDay - startDay < 92 else { throw AppError.bad("from", "at most 92 days from \(start) to \(end)") }
        try await meter.flush(now: now)
        let managed = Set(try await store.publishedServices().filter { Self.manages($0, p) }.map(\.id))
        let consumer = Self.consumer(p)
        var rows = try await store.serviceUsage(from: start, to: end, services: service.map { [$0] })
        rows = rows.filter { managed.contains($0.serviceId) || $0.consumer == consumer }
        return UsageReport(from: start, to: end, items: rows)
    }
}

/// An owner's decision on an access request.
public enum AccessDecision: String, Sendable, CaseIterable {
    case approve, refuse, revoke
    var state: String { self == .approve ? "approved" : self == .refuse ? "refused" : "revoked" }
    var from: [String] { self == .revoke ? ["approved"] : ["pending"] }
}
