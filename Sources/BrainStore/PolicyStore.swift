import BrainCore
import Foundation
import SQLKit

/// A stored policy: its criteria in the rule language, the amount formula and whether it is 免申即享.
public struct PolicyRecord: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var issuer: String
    public var category: String
    public var summary: String
    public var rule: String
    public var formula: String
    /// 免申即享: grants go out without an application when every criterion is met with complete data.
    public var autoGrant: Bool
    public var validFrom: String
    public var validUntil: String
    public var createdBy: String
    public var createdAt: String
    /// When and by whom the policy was withdrawn (撤销); nil while it stands.
    public var withdrawnAt: String? = nil
    public var withdrawnBy: String? = nil
    /// 文号: the issuing document's number (e.g. 赣工信字〔2024〕12号); nil or empty when not given.
    public var documentNo: String? = nil
    /// Region scope: GB/T 2260 codes (a city, a county) the policy is limited to; nil or empty for the whole province.
    /// Matching adds `region has any [...]` to the criteria.
    public var regions: [String]? = nil

    public init(id: String, name: String, issuer: String, category: String, summary: String, rule: String, formula: String,
                autoGrant: Bool, validFrom: String, validUntil: String, createdBy: String, createdAt: String = Timestamp.now()) {
        self.id = id; self.name = name; self.issuer = issuer; self.category = category; self.summary = summary; self.rule = rule
        self.formula = formula; self.autoGrant = autoGrant; self.validFrom = validFrom; self.validUntil = validUntil
        self.createdBy = createdBy; self.createdAt = createdAt
    }
}

/// A benefit on its way to an enterprise: a 免申即享 grant or an application, with every step's who and when.
public struct PolicyAward: Codable, Sendable, Hashable {
    /// The amounts an award may carry, in 万元: not negative, at most 100 亿元 (far above any single enterprise benefit).
    public static let amountRange: ClosedRange<Double> = 0...1_000_000

    /// The amount if it may be counted (finite and inside `amountRange`); nil otherwise, so a stored bad value can never
    /// make a total infinite.
    public static func countable(_ amount: Double?) -> Double? {
        guard let a = amount, a.isFinite, amountRange.contains(a) else { return nil }
        return a
    }

    /// One step of the award's history.
    public struct Step: Codable, Sendable, Hashable {
        public let state: String
        public let by: String
        public let at: String
        public let note: String?
        public init(state: String, by: String, at: String = Timestamp.now(), note: String?) {
            self.state = state; self.by = by; self.at = at; self.note = note
        }
    }
    public var id: String
    public var policyId: String
    public var uscc: String
    /// `auto` (免申即享) or `application` (快申快享).
    public var route: String
    /// pending (待审核) / approved / publicized (公示中) / paid (已拨付) / rejected (驳回); see `AwardState` in BrainApps.
    public var state: String
    public var amount: Double?
    /// The criteria results the award rests on (JSON).
    public var basis: String
    public var history: [Step]
    public var createdAt: String
    public var updatedAt: String
    /// The 公示 period (Beijing dates, `YYYY-MM-DD`, both inclusive) once the award was published.
    public var publicityFrom: String? = nil
    public var publicityUntil: String? = nil

    public init(id: String, policyId: String, uscc: String, route: String, state: String, amount: Double?, basis: String,
                history: [Step], createdAt: String = Timestamp.now(), updatedAt: String = Timestamp.now(),
                publicityFrom: String? = nil, publicityUntil: String? = nil) {
        self.id = id; self.policyId = policyId; self.uscc = uscc; self.route = route; self.state = state; self.amount = amount
        self.basis = basis; self.history = history; self.createdAt = createdAt; self.updatedAt = updatedAt
        self.publicityFrom = publicityFrom; self.publicityUntil = publicityUntil
    }
}

private struct PolicyRow: Decodable {
    let id, name, issuer, category, summary, rule, formula: String
    let auto_grant: Int
    let valid_from, valid_until, created_by, created_at: String
    let withdrawn_at, withdrawn_by: String?
    let document_no, regions: String?
}

private struct AwardRow: Decodable {
    let id, policy_id, uscc, route, state: String
    let amount: Double?
    let basis, history, created_at, updated_at: String
    let publicity_from, publicity_until: String?
    var award: PolicyAward {
        PolicyAward(id: id, policyId: policy_id, uscc: uscc, route: route, state: state, amount: amount, basis: basis,
                    history: Store.storedJSON([PolicyAward.Step].self, history, what: "history of award \(id)") ?? [],
                    createdAt: created_at, updatedAt: updated_at, publicityFrom: publicity_from, publicityUntil: publicity_until)
    }
}

extension Store {
    static let policyColumns = ["id", "name", "issuer", "category", "summary", "rule", "formula", "auto_grant", "valid_from", "valid_until", "created_by", "created_at",
                                "withdrawn_at", "withdrawn_by", "document_no", "regions"]
    static let awardColumns = ["id", "policy_id", "uscc", "route", "state", "amount", "basis", "history", "created_at", "updated_at",
                               "publicity_from", "publicity_until"]

    /// Inserts or replaces policies by id.
    public func upsertPolicies(_ policies: [PolicyRecord]) async throws {
        guard !policies.isEmpty else { return }
        try await transaction { db in try await Store.upsertPolicies(policies, in: db) }
    }

    /// Puts a new version of the policy table (政策表) in force in one transaction: every listed policy is written (one
    /// withdrawn before stands again), every stored policy not listed and not yet withdrawn is withdrawn by `actor` (its
    /// awards and applications stay), and the table is stored as a new reference version. Returns the version and the
    /// ids withdrawn.
    public func replacePolicies(_ policies: [PolicyRecord], kind: String, actor: String, fileName: String, rowCount: Int,
                                content: String) async throws -> (version: ReferenceVersion, withdrawn: [String]) {
        let listed = Set(policies.map(\.id))
        let now = Timestamp.now()
        return try await transaction { db in
            let standing = try await db.select().column("id").from("policies").where("withdrawn_at", .is, SQLLiteral.null).all()
                .map { try $0.decode(column: "id", as: String.self) }
            let gone = standing.filter { !listed.contains($0) }.sorted()
            if !policies.isEmpty { try await Store.upsertPolicies(policies, in: db) }
            if !gone.isEmpty {
                try await db.update("policies").set("withdrawn_at", to: now).set("withdrawn_by", to: actor)
                    .where("id", .in, SQLBind.group(gone)).run()
            }
            let version = try await self.addReferenceVersion(kind: kind, actor: actor, fileName: fileName, rowCount: rowCount, content: content, in: db)
            return (version, gone)
        }
    }

    static func upsertPolicies(_ policies: [PolicyRecord], in db: any SQLDatabase) async throws {
        for start in stride(from: 0, to: policies.count, by: 100) {
            var insert = db.insert(into: "policies").columns(Store.policyColumns)
            for p in policies[start..<min(start + 100, policies.count)] {
                insert = insert.values(SQLBind(p.id), SQLBind(p.name), SQLBind(p.issuer), SQLBind(p.category), SQLBind(p.summary),
                                       SQLBind(p.rule), SQLBind(p.formula), SQLBind(p.autoGrant ? 1 : 0), SQLBind(p.validFrom),
                                       SQLBind(p.validUntil), SQLBind(p.createdBy), SQLBind(p.createdAt), SQLBind(p.withdrawnAt), SQLBind(p.withdrawnBy),
                                       SQLBind(p.documentNo), SQLBind(p.regions.map { $0.joined(separator: ";") }))
            }
            try await insert.onConflict(with: ["id"]) { c in
                var c = c
                for col in Store.policyColumns.dropFirst() { c = c.set(excludedValueOf: col) }
                return c
            }.run()
        }
    }

    public func policies() async throws -> [PolicyRecord] {
        try await sql.select().columns(Store.policyColumns.map { SQLColumn($0) }).from("policies").orderBy("id").all(decoding: PolicyRow.self).map {
            var r = PolicyRecord(id: $0.id, name: $0.name, issuer: $0.issuer, category: $0.category, summary: $0.summary, rule: $0.rule,
                                 formula: $0.formula, autoGrant: $0.auto_grant != 0, validFrom: $0.valid_from, validUntil: $0.valid_until,
                                 createdBy: $0.created_by, createdAt: $0.created_at)
            r.withdrawnAt = $0.withdrawn_at
            r.withdrawnBy = $0.withdrawn_by
            r.documentNo = $0.document_no
            r.regions = $0.regions.map { $0.split(separator: ";").map(String.init) }
            return r
        }
    }

    /// Lifts a policy's withdrawal (a new version of the policy table lists it again).
    public func reinstatePolicy(_ id: String) async throws {
        try await sql.update("policies").set("withdrawn_at", to: SQLLiteral.null).set("withdrawn_by", to: SQLLiteral.null).where("id", .equal, id).run()
    }

    /// Marks a policy withdrawn (撤销); its awards stay as they are.
    public func withdrawPolicy(_ id: String, by user: String, at time: String = Timestamp.now()) async throws {
        try await sql.update("policies").set("withdrawn_at", to: time).set("withdrawn_by", to: user).where("id", .equal, id).run()
    }

    /// Qualifications per enterprise (高新技术企业, 专精特新 …); with `validIn`, only those not lapsed before that month.
    public func qualifications(validIn month: Month? = nil) async throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        var q = sql.select().columns("uscc", "qualification").from("enterprise_qualifications")
        if let month {
            q = q.where { $0.where("valid_until", .is, SQLLiteral.null).orWhere("valid_until", .greaterThanOrEqual, month.description) }
        }
        for row in try await q.all() {
            out[try row.decode(column: "uscc", as: String.self), default: []].append(try row.decode(column: "qualification", as: String.self))
        }
        return out
    }

    public func addQualifications(_ rows: [(uscc: String, qualification: String, since: Int?)]) async throws {
        guard !rows.isEmpty else { return }
        try await transaction { db in
            for chunk in rows.chunked(maxBinds: 3, dialect: self.kind) {
                var insert = db.insert(into: "enterprise_qualifications").columns("uscc", "qualification", "since")
                for r in chunk { insert = insert.values(SQLBind(r.uscc), SQLBind(r.qualification), SQLBind(r.since)) }
                try await insert.ignoringConflicts(with: ["uscc", "qualification"]).run()
            }
        }
    }

    /// Investment amounts per enterprise for a year and kind (e.g. `smart` 智能化改造).
    public func investments(year: Int, kind: String) async throws -> [String: Double] {
        var out: [String: Double] = [:]
        for row in try await sql.select().columns("uscc", "amount").from("enterprise_investments").where("year", .equal, year).where("kind", .equal, kind).all() {
            out[try row.decode(column: "uscc", as: String.self)] = try row.decode(column: "amount", as: Double.self)
        }
        return out
    }

    /// Writes imported qualifications: a firm's qualification is replaced (year granted, validity), never duplicated.
    public func upsertQualifications(_ rows: [QualificationRecord], in db: any SQLDatabase) async throws -> Int {
        for chunk in rows.chunked(maxBinds: 4, dialect: self.kind) {
            var insert = db.insert(into: "enterprise_qualifications").columns("uscc", "qualification", "since", "valid_until")
            for r in chunk { insert = insert.values(SQLBind(r.uscc), SQLBind(r.qualification), SQLBind(r.since), SQLBind(r.validUntil)) }
            try await insert.onConflict(with: ["uscc", "qualification"]) { $0.set(excludedValueOf: "since").set(excludedValueOf: "valid_until") }.run()
        }
        return rows.count
    }

    public func addInvestments(_ rows: [(uscc: String, year: Int, kind: String, amount: Double)]) async throws {
        guard !rows.isEmpty else { return }
        try await transaction { db in
            for chunk in rows.chunked(maxBinds: 4, dialect: self.kind) {
                var insert = db.insert(into: "enterprise_investments").columns("uscc", "year", "kind", "amount")
                for r in chunk { insert = insert.values(SQLBind(r.uscc), SQLBind(r.year), SQLBind(r.kind), SQLBind(r.amount)) }
                try await insert.onConflict(with: ["uscc", "year", "kind"]) { $0.set(excludedValueOf: "amount") }.run()
            }
        }
    }

    /// Per policy: how many awards in the given states, and their amount, for enterprises inside the scope (one query).
    public func awardTotals(states: [String], scope: ScopeRestriction) async throws -> [String: (count: Int, amount: Double)] {
        var q = sql.select().column(SQLColumn("policy_id", table: "a")).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            // Only amounts inside the award range add up, so a value stored before the checks cannot make the total infinite.
            .column(SQLRaw("SUM(CASE WHEN a.amount >= 0 AND a.amount <= \(Int(PolicyAward.amountRange.upperBound)) THEN a.amount ELSE 0 END)"), as: "total")
            .from(SQLAlias(SQLIdentifier("policy_awards"), as: SQLIdentifier("a")))
            .join(SQLAlias(SQLIdentifier("enterprises"), as: SQLIdentifier("e")), method: SQLJoinMethod.inner,
                  on: SQLColumn("uscc", table: "e"), .equal, SQLColumn("uscc", table: "a"))
            .where(SQLColumn("state", table: "a"), .in, SQLBind.group(states))
        switch scope {
        case .all: break
        case .regions(let set): q = q.where(SQLColumn("region", table: "e"), .in, SQLBind.group(Array(set)))
        case .zone(let z): q = q.where(SQLColumn("zone", table: "e"), .equal, SQLBind(z))
        case .enterprise(let u): q = q.where(SQLColumn("uscc", table: "a"), .equal, SQLBind(u))
        case .nothing: return [:]
        }
        var out: [String: (count: Int, amount: Double)] = [:]
        for row in try await q.groupBy(SQLColumn("policy_id", table: "a")).all() {
            out[try row.decode(column: "policy_id", as: String.self)] = (try row.decode(column: "n", as: Int.self), try row.decode(column: "total", as: Double?.self) ?? 0)
        }
        return out
    }

    /// Every award's policy, enterprise, state and amount, without the history (for counting).
    public func awardSummaries() async throws -> [(policyId: String, uscc: String, state: String, amount: Double?)] {
        struct Row: Decodable { let policy_id, uscc, state: String; let amount: Double? }
        return try await sql.select().columns("policy_id", "uscc", "state", "amount").from("policy_awards").all(decoding: Row.self)
            .map { ($0.policy_id, $0.uscc, $0.state, $0.amount) }
    }

    /// Awards, optionally of one policy or one enterprise.
    public func awards(policy: String? = nil, uscc: String? = nil) async throws -> [PolicyAward] {
        var q = sql.select().columns(Store.awardColumns.map { SQLColumn($0) }).from("policy_awards")
        if let policy { q = q.where("policy_id", .equal, policy) }
        if let uscc { q = q.where("uscc", .equal, uscc) }
        return try await q.orderBy("created_at").orderBy("id").all(decoding: AwardRow.self).map(\.award)
    }

    /// Awards of enterprises inside `scope` (joined to the registry; an award of an enterprise no longer registered is left
    /// out unless the scope is everything), optionally of one policy and in some states, oldest first.
    public func awards(scope: ScopeRestriction, policy: String? = nil, states: [String]? = nil) async throws -> [PolicyAward] {
        var q = sql.select().columns(Store.awardColumns.map { SQLColumn($0, table: "a") }).from(SQLAlias(SQLIdentifier("policy_awards"), as: SQLIdentifier("a")))
        switch scope {
        case .all: break
        case .nothing: return []
        default:
            q = q.join(SQLAlias(SQLIdentifier("enterprises"), as: SQLIdentifier("e")), method: SQLJoinMethod.inner,
                       on: SQLColumn("uscc", table: "e"), .equal, SQLColumn("uscc", table: "a"))
            switch scope {
            case .regions(let set): q = q.where(SQLColumn("region", table: "e"), .in, SQLBind.group(Array(set).sorted()))
            case .zone(let z): q = q.where(SQLColumn("zone", table: "e"), .equal, SQLBind(z))
            case .enterprise(let u): q = q.where(SQLColumn("uscc", table: "a"), .equal, SQLBind(u))
            default: break
            }
        }
        if let policy { q = q.where(SQLColumn("policy_id", table: "a"), .equal, SQLBind(policy)) }
        if let states { q = q.where(SQLColumn("state", table: "a"), .in, SQLBind.group(states)) }
        return try await q.orderBy(SQLColumn("created_at", table: "a")).orderBy(SQLColumn("id", table: "a")).all(decoding: AwardRow.self).map(\.award)
    }

    public func award(_ id: String) async throws -> PolicyAward? {
        try await sql.select().columns(Store.awardColumns.map { SQLColumn($0) }).from("policy_awards").where("id", .equal, id)
            .first(decoding: AwardRow.self)?.award
    }

    /// Inserts new awards and replaces existing ones by id.
    public func saveAwards(_ awards: [PolicyAward]) async throws {
        guard !awards.isEmpty else { return }
        try await transaction { db in
            for chunk in awards.chunked(maxBinds: Store.awardColumns.count, dialect: self.kind) {
                var insert = db.insert(into: "policy_awards").columns(Store.awardColumns)
                for a in chunk {
                    let history = String(decoding: try JSONEncoder().encode(a.history), as: UTF8.self)
                    insert = insert.values(SQLBind(a.id), SQLBind(a.policyId), SQLBind(a.uscc), SQLBind(a.route), SQLBind(a.state),
                                           SQLBind(a.amount), SQLBind(a.basis), SQLBind(history), SQLBind(a.createdAt), SQLBind(a.updatedAt),
                                           SQLBind(a.publicityFrom), SQLBind(a.publicityUntil))
                }
                try await insert.onConflict(with: ["id"]) { c in
                    var c = c
                    for col in Store.awardColumns.dropFirst() { c = c.set(excludedValueOf: col) }
                    return c
                }.run()
            }
        }
    }
}

/// One firm's qualification as imported.
public struct QualificationRecord: Sendable, Hashable {
    public let uscc: String
    public let qualification: String
    public let since: Int?
    /// The last month it holds (YYYY-MM); nil when open-ended.
    public let validUntil: String?

    public init(uscc: String, qualification: String, since: Int?, validUntil: String?) {
        self.uscc = uscc
        self.qualification = qualification
        self.since = since
        self.validUntil = validUntil
    }
}
