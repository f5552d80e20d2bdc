import BrainCore
import Foundation
import SQLKit

/// One step in the handling of a firm's warnings (a case: one subject, one period): who did what, when, with which note,
/// assignee, deadline or outcome. The rows of `warning_actions` (migration 21) make the case's timeline.
public struct WarningActionRecord: Codable, Sendable, Hashable {
    public var id: String
    /// The warning the action was taken on (a case action names the warning it was started from).
    public var warningID: String
    public var subject: String
    public var period: String
    /// `assign`, `note`, `close`, `acknowledge`, `resolve` or `system-resolve`.
    public var action: String
    public var actor: String
    /// UTC, with milliseconds so that steps within one second keep their order.
    public var at: String
    public var note: String?
    public var assigneeRegion: String?
    public var assigneeUser: String?
    public var dueDate: String?
    public var outcome: String?

    public init(id: String = UUID().uuidString, warningID: String, subject: String, period: String, action: String, actor: String,
                at: String = Timestamp.precise(), note: String? = nil, assigneeRegion: String? = nil, assigneeUser: String? = nil,
                dueDate: String? = nil, outcome: String? = nil) {
        self.id = id; self.warningID = warningID; self.subject = subject; self.period = period; self.action = action; self.actor = actor
        self.at = at; self.note = note; self.assigneeRegion = assigneeRegion; self.assigneeUser = assigneeUser; self.dueDate = dueDate
        self.outcome = outcome
    }

    /// Encodes absent values as null so every action has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(warningID, forKey: .warningID); try c.encode(subject, forKey: .subject)
        try c.encode(period, forKey: .period); try c.encode(action, forKey: .action); try c.encode(actor, forKey: .actor)
        try c.encode(at, forKey: .at); try c.encode(note, forKey: .note); try c.encode(assigneeRegion, forKey: .assigneeRegion)
        try c.encode(assigneeUser, forKey: .assigneeUser); try c.encode(dueDate, forKey: .dueDate); try c.encode(outcome, forKey: .outcome)
    }
}

private struct WarningActionRow: Decodable {
    let id, warning_id, subject, period, action, actor, at: String
    let note, assignee_region, assignee_user, due_date, outcome: String?

    var record: WarningActionRecord {
        WarningActionRecord(id: id, warningID: warning_id, subject: subject, period: period, action: action, actor: actor, at: at, note: note,
                            assigneeRegion: assignee_region, assigneeUser: assignee_user, dueDate: due_date, outcome: outcome)
    }
}

extension Store {
    static let warningActionColumns = ["id", "warning_id", "subject", "period", "action", "actor", "at", "note", "assignee_region",
                                       "assignee_user", "due_date", "outcome"]

    /// Writes timeline rows. A case's timeline is read in time order, so a step is never stamped at or before the case's
    /// latest stored step: two steps within one millisecond (an acknowledgement and the rescan right after it) would
    /// otherwise come back in the order of their random ids.
    static func insertActions(_ db: any SQLDatabase, _ given: [WarningActionRecord]) async throws {
        var actions = given
        // Per case, its latest step: the time and the text it is stored as (times are compared as dates, because a caller
        // may give whole seconds; the order read back is the text's).
        var latest: [String: (date: Date, text: String)] = [:]
        for i in actions.indices {
            let key = actions[i].subject + "|" + actions[i].period
            if latest[key] == nil {
                let row = try await db.select().column(SQLFunction("MAX", args: SQLColumn("at")), as: "latest").from("warning_actions")
                    .where("subject", .equal, actions[i].subject).where("period", .equal, actions[i].period).first()
                let text = try row?.decode(column: "latest", as: String?.self)
                latest[key] = (text.flatMap(Timestamp.date) ?? .distantPast, text ?? "")
            }
            let at = Timestamp.date(actions[i].at) ?? Date()
            if let before = latest[key], at <= before.date {
                // At least a millisecond later as text: a time parsed back from its text can fall a hair below its
                // millisecond, and one formatted from it plus 0.001 s then came out as the same text (or one below), so
                // the steps came back in the order of their random ids.
                var later = before.date.addingTimeInterval(0.001)
                while Timestamp.precise(later) <= before.text { later = later.addingTimeInterval(0.0005) }
                actions[i].at = Timestamp.precise(later)
            }
            let stored = Timestamp.date(actions[i].at) ?? at
            if let before = latest[key], stored <= before.date { continue }
            latest[key] = (stored, actions[i].at)
        }
        for chunk in actions.chunked(maxBinds: warningActionColumns.count, dialect: .sqlite) {
            var insert = db.insert(into: "warning_actions").columns(warningActionColumns)
            for a in chunk {
                insert = insert.values([SQLBind(a.id), SQLBind(a.warningID), SQLBind(a.subject), SQLBind(a.period), SQLBind(a.action), SQLBind(a.actor),
                                        SQLBind(a.at), SQLBind(a.note), SQLBind(a.assigneeRegion), SQLBind(a.assigneeUser), SQLBind(a.dueDate),
                                        SQLBind(a.outcome)])
            }
            try await insert.run()
        }
    }

    /// Every warning of a case (one subject, one period), in any state.
    public func caseWarnings(subject: String, period: String) async throws -> [WarningRecord] {
        try await sql.select().columns(Store.warningColumns.map { SQLColumn($0) }).from("warnings")
            .where("subject", .equal, subject).where("period", .equal, period).orderBy("id")
            .all(decoding: WarningRowDecoder.self).map(\.record)
    }

    /// The timeline of a case, oldest first.
    public func warningActions(subject: String, period: String) async throws -> [WarningActionRecord] {
        try await sql.select().columns(Store.warningActionColumns.map { SQLColumn($0) }).from("warning_actions")
            .where("subject", .equal, subject).where("period", .equal, period).orderBy("at").orderBy("id")
            .all(decoding: WarningActionRow.self).map(\.record)
    }

    /// Assigns the warnings `ids` (a case's unresolved ones) to a region office and/or a person with a deadline, and records
    /// the action; all or nothing.
    public func assignWarnings(_ ids: [String], action: WarningActionRecord) async throws {
        try await transaction { db in
            for id in ids {
                try await db.update("warnings").set("assignee_region", to: action.assigneeRegion).set("assignee_user", to: action.assigneeUser)
                    .set("due_date", to: action.dueDate).set("assigned_by", to: action.actor).set("assigned_at", to: action.at)
                    .set("updated_at", to: action.at).where("id", .equal, id).run()
            }
            try await Self.insertActions(db, [action])
        }
    }

    /// Closes (办结) the warnings `ids` with an outcome, recording who and when; all or nothing.
    public func closeWarnings(_ ids: [String], action: WarningActionRecord) async throws {
        try await transaction { db in
            for id in ids {
                var u = db.update("warnings").set("state", to: "resolved").set("resolved_by", to: action.actor).set("resolved_at", to: action.at)
                    .set("outcome", to: action.outcome).set("updated_at", to: action.at)
                if let note = action.note { u = u.set("note", to: note) }
                try await u.where("id", .equal, id).run()
            }
            try await Self.insertActions(db, [action])
        }
    }

    /// Adds a note to a case's timeline.
    public func addWarningNote(_ action: WarningActionRecord) async throws {
        try await transaction { db in
            try await Self.insertActions(db, [action])
            try await db.update("warnings").set("updated_at", to: action.at).where("id", .equal, action.warningID).run()
        }
    }
}
