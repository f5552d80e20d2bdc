import BrainCore
import Foundation
import SQLKit

/// A stored warning with its lifecycle (open → acknowledged → resolved, each step with who and when).
public struct WarningRecord: Codable, Sendable, Hashable {
    public var id: String
    public var kind: String
    public var level: String
    public var subjectType: String
    public var subject: String
    public var subjectName: String
    public var region: String?
    public var zone: String?
    public var chain: String?
    public var period: String
    public var rule: String
    public var inputs: [String: Double]
    public var threshold: String
    public var explanation: String
    public var state: String
    public var createdAt: String
    public var updatedAt: String
    public var acknowledgedBy: String?
    public var acknowledgedAt: String?
    public var resolvedBy: String?
    public var resolvedAt: String?
    public var note: String?
    /// The county (or city) office the firm's case is assigned to, a GB/T 2260 code.
    public var assigneeRegion: String?
    /// The person the case is assigned to (a user name).
    public var assigneeUser: String?
    /// The deadline, a Beijing date YYYY-MM-DD.
    public var dueDate: String?
    public var assignedBy: String?
    public var assignedAt: String?
    /// How the case was closed (办结), a `WarningOutcome` code; nil while open or when the system resolved it.
    public var outcome: String?

    public init(id: String, kind: String, level: String, subjectType: String, subject: String, subjectName: String, region: String?,
                zone: String?, chain: String?, period: String, rule: String, inputs: [String: Double], threshold: String,
                explanation: String, state: String = "open", createdAt: String = Timestamp.now(), updatedAt: String = Timestamp.now(),
                acknowledgedBy: String? = nil, acknowledgedAt: String? = nil, resolvedBy: String? = nil, resolvedAt: String? = nil,
                note: String? = nil, assigneeRegion: String? = nil, assigneeUser: String? = nil, dueDate: String? = nil,
                assignedBy: String? = nil, assignedAt: String? = nil, outcome: String? = nil) {
        self.id = id; self.kind = kind; self.level = level; self.subjectType = subjectType; self.subject = subject
        self.subjectName = subjectName; self.region = region; self.zone = zone; self.chain = chain; self.period = period
        self.rule = rule; self.inputs = inputs; self.threshold = threshold; self.explanation = explanation; self.state = state
        self.createdAt = createdAt; self.updatedAt = updatedAt; self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt; self.resolvedBy = resolvedBy; self.resolvedAt = resolvedAt; self.note = note
        self.assigneeRegion = assigneeRegion; self.assigneeUser = assigneeUser; self.dueDate = dueDate; self.assignedBy = assignedBy
        self.assignedAt = assignedAt; self.outcome = outcome
    }

    /// Encodes absent values as null so every warning has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(kind, forKey: .kind); try c.encode(level, forKey: .level)
        try c.encode(subjectType, forKey: .subjectType); try c.encode(subject, forKey: .subject)
        try c.encode(subjectName, forKey: .subjectName); try c.encode(region, forKey: .region); try c.encode(zone, forKey: .zone)
        try c.encode(chain, forKey: .chain); try c.encode(period, forKey: .period); try c.encode(rule, forKey: .rule)
        try c.encode(inputs, forKey: .inputs); try c.encode(threshold, forKey: .threshold)
        try c.encode(explanation, forKey: .explanation); try c.encode(state, forKey: .state)
        try c.encode(createdAt, forKey: .createdAt); try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(acknowledgedBy, forKey: .acknowledgedBy); try c.encode(acknowledgedAt, forKey: .acknowledgedAt)
        try c.encode(resolvedBy, forKey: .resolvedBy); try c.encode(resolvedAt, forKey: .resolvedAt); try c.encode(note, forKey: .note)
        try c.encode(assigneeRegion, forKey: .assigneeRegion); try c.encode(assigneeUser, forKey: .assigneeUser)
        try c.encode(dueDate, forKey: .dueDate); try c.encode(assignedBy, forKey: .assignedBy); try c.encode(assignedAt, forKey: .assignedAt)
        try c.encode(outcome, forKey: .outcome)
    }
}

/// Filters for listing warnings.
public struct WarningQuery: Sendable {
    public var regions: Set<String>?
    public var zone: String?
    public var chain: String?
    public var subject: String?
    public var level: String?
    public var kind: String?
    /// Only these kinds (a list: 经营风险 or 数据核查).
    public var kinds: [String]?
    public var period: String?
    public var state: String?
    /// Leaves out warnings about single enterprises (for roles that may not read enterprise figures).
    public var aggregatesOnly = false
    public var limit = 50
    public var offset = 0
    public init() {}
}

struct WarningRowDecoder: Decodable {
    let id, kind, level, subject_type, subject, subject_name: String
    let region, zone, chain: String?
    let period, rule, inputs, threshold, explanation, state, created_at, updated_at: String
    let acknowledged_by, acknowledged_at, resolved_by, resolved_at, note: String?
    let assignee_region, assignee_user, due_date, assigned_by, assigned_at, outcome: String?

    var record: WarningRecord {
        let values = Store.storedJSON([String: Double].self, inputs, what: "inputs of warning \(id)") ?? [:]
        return WarningRecord(id: id, kind: kind, level: level, subjectType: subject_type, subject: subject, subjectName: subject_name,
                             region: region, zone: zone, chain: chain, period: period, rule: rule, inputs: values, threshold: threshold,
                             explanation: explanation, state: state, createdAt: created_at, updatedAt: updated_at,
                             acknowledgedBy: acknowledged_by, acknowledgedAt: acknowledged_at, resolvedBy: resolved_by,
                             resolvedAt: resolved_at, note: note, assigneeRegion: assignee_region, assigneeUser: assignee_user,
                             dueDate: due_date, assignedBy: assigned_by, assignedAt: assigned_at, outcome: outcome)
    }
}

extension Store {
    /// Who resolves a warning whose condition no longer holds after a data update, and the note it leaves.
    public static let systemResolver = "system"
    public static let systemNote = "condition no longer holds after a data update"
    static let systemNoteSeparator = "；"
    /// The kind of the event a scan writes for its new warnings.
    public static let warningsRaisedEvent = "warnings.raised"

    /// A note without the system's resolution reason (nil when nothing else was written).
    public static func withoutSystemNote(_ note: String?) -> String? {
        guard var n = note else { return nil }
        if n.hasSuffix(systemNote) { n.removeLast(systemNote.count) }
        if n.hasSuffix(systemNoteSeparator) { n.removeLast(systemNoteSeparator.count) }
        return n.isEmpty ? nil : n
    }

    /// The columns a scan writes; `warningColumns` adds the workflow's (migration 21).
    static let warningScanColumns = ["id", "kind", "level", "subject_type", "subject", "subject_name", "region", "zone", "chain", "period",
                                 "rule", "inputs", "threshold", "explanation", "state", "created_at", "updated_at", "acknowledged_by",
                                 "acknowledged_at", "resolved_by", "resolved_at", "note"]
    static let warningColumns = warningScanColumns + ["assignee_region", "assignee_user", "due_date", "assigned_by", "assigned_at", "outcome"]

    /// Stores the warnings of one scan of `period`: new ones open, existing ones keep their state and get the new
    /// figures; earlier open or acknowledged warnings of the period that no longer fire are resolved by `system`.
    /// Returns (new, updated, auto-resolved).
    @discardableResult
    public func recordScan(_ warnings: [WarningRecord], period: String) async throws -> (new: Int, updated: Int, resolved: Int) {
        try await transaction { db in
            let existing = try await db.select().columns("id", "state", "resolved_by", "acknowledged_by", "note", "subject").from("warnings")
                .where("period", .equal, period).all()
            var states: [String: String] = [:]
            var subjects: [String: String] = [:]
            var prior: [String: (resolvedBy: String?, acknowledgedBy: String?, note: String?)] = [:]
            for row in existing {
                let id = try row.decode(column: "id", as: String.self)
                states[id] = try row.decode(column: "state", as: String.self)
                subjects[id] = try row.decode(column: "subject", as: String.self)
                prior[id] = (try row.decode(column: "resolved_by", as: String?.self), try row.decode(column: "acknowledged_by", as: String?.self),
                             try row.decode(column: "note", as: String?.self))
            }
            let now = Timestamp.now()
            let fresh = warnings.filter { states[$0.id] == nil }
            for chunk in fresh.chunked(maxBinds: Store.warningScanColumns.count, dialect: self.kind) {
                var insert = db.insert(into: "warnings").columns(Store.warningScanColumns)
                for w in chunk {
                    let inputs = String(decoding: try JSONEncoder().encode(w.inputs), as: UTF8.self)
                    insert = insert.values([SQLBind(w.id), SQLBind(w.kind), SQLBind(w.level), SQLBind(w.subjectType), SQLBind(w.subject),
                                            SQLBind(w.subjectName), SQLBind(w.region), SQLBind(w.zone), SQLBind(w.chain), SQLBind(w.period),
                                            SQLBind(w.rule), SQLBind(inputs), SQLBind(w.threshold), SQLBind(w.explanation), SQLBind("open"),
                                            SQLBind(now), SQLBind(now), SQLBind(String?.none), SQLBind(String?.none), SQLBind(String?.none),
                                            SQLBind(String?.none), SQLBind(String?.none)])
                }
                try await insert.run()
            }
            // Subscribers learn of new warnings through one event per scan, written with the warnings (migration 28):
            // the delivery worker fans it out, so a warning is announced once even if the process stops right after.
            if !fresh.isEmpty {
                let ids = String(decoding: try JSONEncoder().encode(["warningIDs": fresh.map(\.id)]), as: UTF8.self)
                try await Self.insertEvent(db, StoredEvent(kind: Self.warningsRaisedEvent, payload: ids))
            }
            var updated = 0
            for w in warnings where states[w.id] != nil {
                let inputs = String(decoding: try JSONEncoder().encode(w.inputs), as: UTF8.self)
                var update = db.update("warnings").set("level", to: w.level).set("inputs", to: inputs).set("explanation", to: w.explanation)
                    .set("threshold", to: w.threshold).set("updated_at", to: now)
                // A warning the system resolved because the condition went away opens again when it comes back (a person's
                // resolution stands); it returns to where its handler left it, with the handler's note.
                if states[w.id] == "resolved", let p = prior[w.id], p.resolvedBy == Self.systemResolver {
                    update = update.set("state", to: p.acknowledgedBy == nil ? "open" : "acknowledged")
                        .set("resolved_by", to: String?.none).set("resolved_at", to: String?.none)
                        .set("note", to: Self.withoutSystemNote(p.note))
                }
                try await update.where("id", .equal, w.id).run()
                updated += 1
            }
            let firing = Set(warnings.map(\.id))
            let stale = states.filter { !firing.contains($0.key) && $0.value != "resolved" }.map(\.key)
            for id in stale {
                // The handler's note stays; the system's reason follows it.
                let note = (prior[id]?.note).flatMap { $0.isEmpty ? nil : $0 + Self.systemNoteSeparator }.map { $0 + Self.systemNote } ?? Self.systemNote
                try await db.update("warnings").set("state", to: "resolved").set("resolved_by", to: Self.systemResolver).set("resolved_at", to: now)
                    .set("note", to: note).set("updated_at", to: now)
                    .where("id", .equal, id).run()
            }
            // The timeline says the system closed them and why.
            try await Self.insertActions(db, stale.compactMap { id in subjects[id].map {
                WarningActionRecord(warningID: id, subject: $0, period: period, action: "system-resolve", actor: Self.systemResolver, at: Timestamp.precise(), note: Self.systemNote)
            } })
            return (fresh.count, updated, stale.count)
        }
    }

    /// Warnings matching the query inside the scope, most severe and newest first.
    public func warnings(_ q: WarningQuery, scope: ScopeRestriction) async throws -> Page<WarningRecord> {
        if case .nothing = scope { return Page(total: 0, limit: q.limit, offset: q.offset, items: []) }
        func filtered(_ b: SQLSelectBuilder) -> SQLSelectBuilder {
            var b = b
            switch scope {
            case .all, .nothing: break
            case .regions(let set): b = b.where("region", .in, Array(set))
            case .zone(let z): b = b.where("zone", .equal, z)
            case .enterprise(let code): b = b.where("subject", .equal, code)
            }
            if let r = q.regions { b = b.where("region", .in, Array(r)) }
            if let z = q.zone { b = b.where("zone", .equal, z) }
            if let c = q.chain { b = b.where("chain", .equal, c) }
            if let s = q.subject { b = b.where("subject", .equal, s) }
            if q.aggregatesOnly { b = b.where("subject_type", .notEqual, "enterprise") }
            if let l = q.level { b = b.where("level", .equal, l) }
            if let k = q.kind { b = b.where("kind", .equal, k) }
            if let ks = q.kinds { b = b.where("kind", .in, ks) }
            if let p = q.period { b = b.where("period", .equal, p) }
            if let s = q.state { b = b.where("state", .equal, s) }
            return b
        }
        let total = try await filtered(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("warnings")).first()?
            .decode(column: "n", as: Int.self) ?? 0
        let rank = SQLRaw("CASE level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END")
        let rows = try await filtered(sql.select().columns(Store.warningColumns.map { SQLColumn($0) }).from("warnings"))
            .orderBy("period", .descending).orderBy(rank).orderBy("id").limit(q.limit).offset(q.offset).all(decoding: WarningRowDecoder.self)
        return Page(total: total, limit: q.limit, offset: q.offset, items: rows.map(\.record))
    }

    /// One warning by id.
    public func warning(_ id: String) async throws -> WarningRecord? {
        try await sql.select().columns(Store.warningColumns.map { SQLColumn($0) }).from("warnings").where("id", .equal, id)
            .first(decoding: WarningRowDecoder.self)?.record
    }

    /// Moves a warning to `acknowledged` or `resolved`, recording who and when.
    public func transitionWarning(_ id: String, to state: String, by user: String, note: String?) async throws {
        let now = Timestamp.now()
        try await transaction { db in
            var u = db.update("warnings").set("state", to: state).set("updated_at", to: now)
            if state == "acknowledged" { u = u.set("acknowledged_by", to: user).set("acknowledged_at", to: now) }
            if state == "resolved" { u = u.set("resolved_by", to: user).set("resolved_at", to: now) }
            if let note { u = u.set("note", to: note) }
            try await u.where("id", .equal, id).run()
            if let w = try await db.select().columns("subject", "period").from("warnings").where("id", .equal, id).first() {
                try await Self.insertActions(db, [WarningActionRecord(warningID: id, subject: try w.decode(column: "subject", as: String.self),
                                                                      period: try w.decode(column: "period", as: String.self),
                                                                      action: state == "acknowledged" ? "acknowledge" : "resolve", actor: user, note: note)])
            }
        }
    }
}
