import Foundation
import SQLKit

/// A service published in the 服务资源目录 (migration 27): an analysis or a dataset read that consumers may call once its
/// owner approved their request, within a daily quota.
public struct PublishedService: Sendable, Codable, Hashable {
    public var id: String
    public var title: String
    public var description: String
    /// What runs when it is called (`overview`, `chain-analysis`, `warnings`, `policy-matches`, `enterprises`).
    public var source: String
    /// The scopes a consumer needs: the service's own read scope (`service:<id>`) and the data it exposes.
    public var scopes: [String]
    /// Query parameters a consumer may pass (a subset of the source's).
    public var parameters: [String]
    /// Parameters fixed by the publisher (a chain code, a policy id); a consumer cannot change them.
    public var presets: [ServicePreset]
    /// Calls a consumer may make per Beijing day; nil for no limit.
    public var dailyCalls: Int?
    /// Rows a consumer may receive per Beijing day; nil for no limit.
    public var dailyRows: Int?
    /// 价格说明: 免费, 按次计费 …, as text.
    public var priceNote: String
    /// The publisher's user name.
    public var owner: String
    /// `published` or `withdrawn`.
    public var state: String
    public var createdAt: String
    public var updatedAt: String
    public var withdrawnAt: String?

    public init(id: String, title: String, description: String, source: String, scopes: [String], parameters: [String],
                presets: [ServicePreset], dailyCalls: Int?, dailyRows: Int?, priceNote: String, owner: String, state: String,
                createdAt: String, updatedAt: String, withdrawnAt: String? = nil) {
        self.id = id; self.title = title; self.description = description; self.source = source; self.scopes = scopes
        self.parameters = parameters; self.presets = presets; self.dailyCalls = dailyCalls; self.dailyRows = dailyRows
        self.priceNote = priceNote; self.owner = owner; self.state = state; self.createdAt = createdAt; self.updatedAt = updatedAt
        self.withdrawnAt = withdrawnAt
    }
}

/// A query parameter a publisher fixed for every call of its service.
public struct ServicePreset: Sendable, Codable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) { self.name = name; self.value = value }
}

/// One consumer's access to one published service: requested with a reason, approved or refused by the owner, revoked.
/// There is one record per service and consumer; asking again after a refusal reopens it (the steps stay in `history`).
public struct ServiceAccess: Sendable, Codable, Hashable {
    /// An opaque id (`A` and 16 hex digits), safe in a URL.
    public var id: String
    public var serviceId: String
    /// The consumer: a user name, or `client:<id>` for a service client.
    public var consumer: String
    public var reason: String
    /// `pending`, `approved`, `refused` or `revoked`.
    public var state: String
    public var requestedAt: String
    public var decidedBy: String?
    public var decidedAt: String?
    public var note: String?
    /// Earlier steps: "2026-12-01T07:00:00Z refused by admin: …".
    public var history: [String]

    public init(id: String, serviceId: String, consumer: String, reason: String, state: String, requestedAt: String, decidedBy: String? = nil,
                decidedAt: String? = nil, note: String? = nil, history: [String] = []) {
        self.id = id
        self.serviceId = serviceId; self.consumer = consumer; self.reason = reason; self.state = state; self.requestedAt = requestedAt
        self.decidedBy = decidedBy; self.decidedAt = decidedAt; self.note = note; self.history = history
    }

    /// A fresh id.
    public static func newID() -> String { "A" + String(format: "%016llx", UInt64.random(in: 0...UInt64.max)) }
}

/// What one consumer drew from one service on one Beijing day (or, as a delta, since the last flush).
public struct ServiceUsage: Sendable, Codable, Hashable {
    /// Beijing day `YYYY-MM-DD`.
    public var day: String
    public var serviceId: String
    public var consumer: String
    public var calls: Int
    public var rows: Int
    public var bytes: Int
    /// Calls refused past the quota.
    public var refused: Int

    public init(day: String, serviceId: String, consumer: String, calls: Int = 0, rows: Int = 0, bytes: Int = 0, refused: Int = 0) {
        self.day = day; self.serviceId = serviceId; self.consumer = consumer; self.calls = calls; self.rows = rows; self.bytes = bytes; self.refused = refused
    }
}

private struct UsageRow: Decodable {
    let day: String, service_id: String, consumer: String, calls: Int, rows_out: Int, bytes_out: Int, refused: Int
}

extension DocumentTable {
    /// Published services (migration 27).
    public static let hubServices = DocumentTable(name: "hub_services", key: "id", columns: ["owner", "state"])
    /// Access requests and grants to published services (migration 27).
    public static let hubAccess = DocumentTable(name: "hub_access", key: "id", columns: ["service_id", "consumer", "state"])
}

extension Store {
    /// Writes a published service (new or changed).
    public func putPublishedService(_ s: PublishedService) async throws {
        try await putDocuments(.hubServices, [DocumentRow(key: s.id, values: [s.owner, s.state], doc: s)])
    }

    /// One published service, withdrawn or not.
    public func publishedService(_ id: String) async throws -> PublishedService? {
        try await document(.hubServices, key: id, as: PublishedService.self)
    }

    /// Every published service (withdrawn ones too), by id.
    public func publishedServices() async throws -> [PublishedService] {
        try await documents(.hubServices, as: PublishedService.self)
    }

    /// Writes an access record (new or changed).
    public func putServiceAccess(_ a: ServiceAccess) async throws {
        try await putDocuments(.hubAccess, [DocumentRow(key: a.id, values: [a.serviceId, a.consumer, a.state], doc: a)])
    }

    /// One consumer's access record for a service.
    public func serviceAccess(service: String, consumer: String) async throws -> ServiceAccess? {
        try await serviceAccesses(service: service, consumer: consumer).first
    }

    /// One access record by id.
    public func serviceAccess(id: String) async throws -> ServiceAccess? {
        try await document(.hubAccess, key: id, as: ServiceAccess.self)
    }

    /// Access records filtered by service, consumer and state (each optional), by id.
    public func serviceAccesses(service: String? = nil, consumer: String? = nil, state: String? = nil) async throws -> [ServiceAccess] {
        var filters: [(String, String)] = []
        if let service { filters.append(("service_id", service)) }
        if let consumer { filters.append(("consumer", consumer)) }
        if let state { filters.append(("state", state)) }
        return try await documents(.hubAccess, as: ServiceAccess.self, where: filters)
    }

    /// The services a consumer may call (its approved access), the store's one answer to "what may it read":
    /// a client's `ClientGrant.reads` is filled from here.
    public func approvedServices(of consumer: String) async throws -> Set<String> {
        Set(try await serviceAccesses(consumer: consumer, state: "approved").map(\.serviceId))
    }

    /// Every consumer's approved, still published services: consumer → service id → the service's source.
    public func approvedPublishedServices() async throws -> [String: [String: String]] {
        let published = Dictionary(try await publishedServices().filter { $0.state == "published" }.map { ($0.id, $0.source) }, uniquingKeysWith: { a, _ in a })
        var out: [String: [String: String]] = [:]
        for a in try await serviceAccesses(state: "approved") {
            if let source = published[a.serviceId] { out[a.consumer, default: [:]][a.serviceId] = source }
        }
        return out
    }

    /// Adds metered counts to the day's totals, all in one transaction (a row per day, service and consumer).
    public func addServiceUsage(_ deltas: [ServiceUsage]) async throws {
        guard !deltas.isEmpty else { return }
        try await transaction { db in
            for chunk in deltas.chunked(maxBinds: 7, dialect: self.kind) {
                var insert = db.insert(into: "hub_usage").columns("day", "service_id", "consumer", "calls", "rows_out", "bytes_out", "refused")
                for d in chunk {
                    insert = insert.values(SQLBind(d.day), SQLBind(d.serviceId), SQLBind(d.consumer), SQLBind(d.calls), SQLBind(d.rows), SQLBind(d.bytes), SQLBind(d.refused))
                }
                try await insert.onConflict(with: ["day", "service_id", "consumer"]) { c in
                    var c = c
                    for col in ["calls", "rows_out", "bytes_out", "refused"] {
                        c = c.set(SQLColumn(col), to: SQLBinaryExpression(SQLColumn(col, table: "hub_usage"), .add, SQLExcludedColumn(col)))
                    }
                    return c
                }.run()
            }
        }
    }

    /// Stored usage from `from` to `to` (Beijing days, inclusive), optionally of some services or one consumer; by day,
    /// service and consumer.
    public func serviceUsage(from: String, to: String, services: Set<String>? = nil, consumer: String? = nil) async throws -> [ServiceUsage] {
        if services?.isEmpty == true { return [] }
        var q = sql.select().columns("day", "service_id", "consumer", "calls", "rows_out", "bytes_out", "refused").from("hub_usage")
            .where("day", .greaterThanOrEqual, from).where("day", .lessThanOrEqual, to)
        if let services { q = q.where("service_id", .in, SQLBind.group(Array(services).sorted())) }
        if let consumer { q = q.where("consumer", .equal, consumer) }
        return try await q.orderBy("day").orderBy("service_id").orderBy("consumer").all(decoding: UsageRow.self).map {
            ServiceUsage(day: $0.day, serviceId: $0.service_id, consumer: $0.consumer, calls: $0.calls, rows: $0.rows_out, bytes: $0.bytes_out, refused: $0.refused)
        }
    }
}
