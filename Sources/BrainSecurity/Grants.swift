import BrainCore
import BrainStore
import Foundation
import SQLKit

/// The kinds of enterprise data an enterprise can grant access to (授权才可用). The public registry profile needs none.
public enum GrantDataset: String, Codable, Sendable, CaseIterable {
    case indicators, listings, diagnosis, referrals, telemetry

    public var nameZh: String {
        switch self {
        case .indicators: return "月度经营数据"
        case .listings: return "供需信息"
        case .diagnosis: return "转型问诊结果"
        case .referrals: return "服务对接记录"
        case .telemetry: return "设备运行数据"
        }
    }
}

/// An enterprise's grant of some of its data to one user, for a purpose, until it expires or is revoked.
public struct DataGrant: Codable, Sendable, Hashable {
    public var id: String
    /// The enterprise's credit code.
    public var owner: String
    /// The user name allowed to read.
    public var grantee: String
    public var datasets: [GrantDataset]
    public var purpose: String
    public var expiresAt: String
    public var createdBy: String
    public var createdAt: String
    public var revokedAt: String?
    public var revokedBy: String?

    public func isActive(at now: String = Timestamp.now()) -> Bool { revokedAt == nil && expiresAt > now }

    public init(id: String, owner: String, grantee: String, datasets: [GrantDataset], purpose: String, expiresAt: String, createdBy: String,
                createdAt: String, revokedAt: String?, revokedBy: String?) {
        self.id = id; self.owner = owner; self.grantee = grantee; self.datasets = datasets; self.purpose = purpose; self.expiresAt = expiresAt
        self.createdBy = createdBy; self.createdAt = createdAt; self.revokedAt = revokedAt; self.revokedBy = revokedBy
    }
}

/// One read (or refused read) of an enterprise's data by someone who is neither the enterprise nor an official over
/// it, as the enterprise sees it in its access log.
public struct DataAccess: Codable, Sendable, Hashable {
    public let id: String
    public let owner: String
    public let reader: String
    public let dataset: String
    public let target: String
    public let grantId: String?
    /// `granted` or `refused`.
    public let outcome: String
    public let source: String
    public let at: String

    public init(id: String, owner: String, reader: String, dataset: String, target: String, grantId: String?, outcome: String, source: String, at: String) {
        self.id = id; self.owner = owner; self.reader = reader; self.dataset = dataset; self.target = target; self.grantId = grantId
        self.outcome = outcome; self.source = source; self.at = at
    }
}

/// How a caller may read one enterprise's data.
public enum DataAccessDecision: Sendable, Equatable {
    /// The enterprise itself, or an official (or administrator) whose scope covers it.
    case ownerOrOfficial
    /// Through an active grant.
    case grant(String)
    case refused(String)
}

/// Keeps grants and the access log, and decides every read of enterprise data in one place.
public struct DataGrants: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// The one decision: scope first (owner, officials over it), then an active grant of the dataset to this user.
    public func decide(_ p: Principal, owner: String, region: String, zone: String?, dataset: GrantDataset, catalog: RegionCatalog) async throws -> DataAccessDecision {
        if p.can(.readIndicators), p.indicatorScope(in: catalog).admits(uscc: owner, region: region, zone: zone) { return .ownerOrOfficial }
        let now = Timestamp.now()
        let grants = try await store.documents(.dataGrants, as: DataGrant.self, where: [("owner", owner), ("grantee", p.username)])
        if let g = grants.first(where: { $0.isActive(at: now) && $0.datasets.contains(dataset) }) { return .grant(g.id) }
        return .refused("\(dataset.nameZh) of enterprise \(owner) is readable only by the enterprise, officials over it, or through a data grant from the enterprise")
    }

    public func create(_ g: DataGrant) async throws {
        try await store.putDocuments(.dataGrants, [DocumentRow(key: g.id, values: [g.owner, g.grantee], doc: g)])
    }

    public func grants(owner: String? = nil, grantee: String? = nil) async throws -> [DataGrant] {
        var filters: [(String, String)] = []
        if let owner { filters.append(("owner", owner)) }
        if let grantee { filters.append(("grantee", grantee)) }
        return try await store.documents(.dataGrants, as: DataGrant.self, where: filters).sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    public func grant(_ id: String) async throws -> DataGrant? { try await store.document(.dataGrants, key: id, as: DataGrant.self) }

    /// Revokes a grant; nil when there is none, `alreadyRevoked` when it was revoked before (nothing changes then).
    public func revoke(_ id: String, by user: String) async throws -> (grant: DataGrant, alreadyRevoked: Bool)? {
        guard var g = try await grant(id) else { return nil }
        if g.revokedAt != nil { return (g, true) }
        g.revokedAt = Timestamp.now()
        g.revokedBy = user
        try await create(g)
        return (g, false)
    }

    /// Records a read (or refused read) made by someone other than the owner and officials.
    public func log(_ a: DataAccess) async throws {
        try await store.transaction { db in
            try await db.insert(into: "data_access_log").columns("id", "owner", "reader", "dataset", "target", "grant_id", "outcome", "source", "at")
                .values(SQLBind(a.id), SQLBind(a.owner), SQLBind(a.reader), SQLBind(a.dataset), SQLBind(a.target), SQLBind(a.grantId),
                        SQLBind(a.outcome), SQLBind(a.source), SQLBind(a.at)).run()
        }
    }

    /// The owner's access log, newest first.
    public func accessLog(owner: String, limit: Int = 500) async throws -> [DataAccess] {
        struct Row: Decodable { let id, owner, reader, dataset, target: String; let grant_id: String?; let outcome, source, at: String }
        return try await store.sql.select().columns("id", "owner", "reader", "dataset", "target", "grant_id", "outcome", "source", "at")
            .from("data_access_log").where("owner", .equal, owner).orderBy("at", .descending).orderBy("id", .descending).limit(limit)
            .all(decoding: Row.self).map { DataAccess(id: $0.id, owner: $0.owner, reader: $0.reader, dataset: $0.dataset, target: $0.target,
                                                      grantId: $0.grant_id, outcome: $0.outcome, source: $0.source, at: $0.at) }
    }
}
