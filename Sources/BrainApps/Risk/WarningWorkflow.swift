import BrainCore
import BrainSecurity
import BrainStore
import Foundation

/// How a case was closed (办结结果).
public enum WarningOutcome: String, Codable, Sendable, CaseIterable {
    case helped, normal, dataCorrected = "data-corrected", stopped, other

    public var nameZh: String {
        switch self {
        case .helped: return "已帮扶，经营恢复或有措施"
        case .normal: return "经核实属正常波动"
        case .dataCorrected: return "数据有误，已更正"
        case .stopped: return "企业停产、迁出或注销"
        case .other: return "其他（见备注）"
        }
    }
}

/// What an official asks when assigning a case: a county (or city) office and/or a person, and a deadline.
public struct WarningAssignment: Codable, Sendable {
    /// GB/T 2260 code of the office.
    public var region: String?
    /// User name of the person.
    public var user: String?
    /// Beijing date YYYY-MM-DD, today or later.
    public var dueDate: String
    public var note: String?
    public init(region: String?, user: String?, dueDate: String, note: String?) {
        self.region = region; self.user = user; self.dueDate = dueDate; self.note = note
    }
}

/// A firm's warnings of one period with everything done about them.
public struct WarningCaseDetail: Codable, Sendable {
    public var summary: WarningCase
    public var warnings: [WarningRecord]
    /// Oldest first: raised, assigned, notes, acknowledged, closed.
    public var timeline: [WarningActionRecord]
}

extension WarningDesk {
    /// The case the warning belongs to (its subject and period), with its timeline; a warning the caller may not see
    /// answers as missing.
    public func caseDetail(_ id: String, for p: Principal, today: String = WarningDesk.beijingToday()) async throws -> WarningCaseDetail {
        let w = try await warning(id, for: p)
        let all = try await store.caseWarnings(subject: w.subject, period: w.period).filter { p.canSee(warning: $0, in: catalog) }
        let category = WarningKind(rawValue: w.kind)?.category ?? .risk
        let same = all.filter { (WarningKind(rawValue: $0.kind)?.category ?? .risk) == category }
        var timeline = try await store.warningActions(subject: w.subject, period: w.period)
        // Acknowledgements made before the timeline existed (migration 21) still show, with their note.
        for old in all where old.acknowledgedAt != nil && !timeline.contains(where: { $0.warningID == old.id && $0.action == "acknowledge" }) {
            timeline.append(WarningActionRecord(id: "ack-" + old.id, warningID: old.id, subject: old.subject, period: old.period, action: "acknowledge",
                                                actor: old.acknowledgedBy ?? "-", at: old.acknowledgedAt ?? old.updatedAt, note: Store.withoutSystemNote(old.note)))
        }
        let raised = all.map(\.createdAt).min() ?? w.createdAt
        timeline.append(WarningActionRecord(id: "raised", warningID: w.id, subject: w.subject, period: w.period, action: "raise", actor: Store.systemResolver, at: raised))
        // Oldest first by the instant (stored times carry milliseconds or not); the raising first within one instant.
        func instant(_ a: WarningActionRecord) -> Date { Timestamp.date(a.at) ?? .distantPast }
        timeline.sort { a, b in
            let x = instant(a), y = instant(b)
            if x != y { return x < y }
            return a.action == "raise" && b.action != "raise"
        }
        return WarningCaseDetail(summary: makeCase(same.isEmpty ? [w] : same, category: category, today: today), warnings: same.isEmpty ? [w] : same,
                                 timeline: timeline)
    }

    /// The offices a caller may assign a case to: the counties (and the city) of its own area; for the whole province its
    /// cities and counties. A zone manager assigns within the warning's own county only.
    public func assignableRegions(for p: Principal, warning w: WarningRecord) -> [Region] {
        switch p.enterpriseScope(in: catalog) {
        case .all: return catalog.regions.filter { $0.level != .province }
        case .regions(let set): return catalog.regions.filter { set.contains($0.code) && $0.level != .province }
        case .zone: return w.region.flatMap { catalog.region($0) }.map { [$0] } ?? []
        case .enterprise, .nothing: return []
        }
    }

    /// The people a case may be assigned to: enabled accounts that may handle warnings and see this one.
    public func assignableUsers(for w: WarningRecord) async throws -> [String] {
        try await store.users().filter { u in
            guard !u.disabled, let role = Role(rawValue: u.role) else { return false }
            let who = Principal(username: u.username, role: role, scope: u.scope)
            return who.can(.handleWarnings) && who.canSee(warning: w, in: catalog)
        }.map(\.username)
    }

    /// The case's warnings that are not closed, after the checks every workflow action shares.
    private func openCase(_ id: String, by p: Principal) async throws -> (WarningRecord, [WarningRecord]) {
        try p.require(.handleWarnings)
        let w = try await warning(id, for: p)
        let category = WarningKind(rawValue: w.kind)?.category ?? .risk
        let live = try await store.caseWarnings(subject: w.subject, period: w.period)
            .filter { $0.state != "resolved" && p.canSee(warning: $0, in: catalog) && (WarningKind(rawValue: $0.kind)?.category ?? .risk) == category }
        return (w, live)
    }

    private func cleanNote(_ note: String?) throws -> String? {
        let text = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let t = text, t.count > Self.maxNote { throw AppError.bad("note", "at most \(Self.maxNote) characters, got \(t.count)") }
        return text.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Assigns the firm's unresolved warnings of the period (its case) to an office inside the caller's area and/or a person
    /// who may handle and see it, with a deadline today or later (Beijing date, at most a year ahead).
    public func assign(_ id: String, _ a: WarningAssignment, by p: Principal, today: String = WarningDesk.beijingToday()) async throws -> WarningCaseDetail {
        let (w, live) = try await openCase(id, by: p)
        let region = a.region.flatMap { $0.isEmpty ? nil : $0 }, user = a.user.flatMap { $0.isEmpty ? nil : $0 }
        guard region != nil || user != nil else { throw AppError.bad("region", "name an office (region) or a person (user) to assign the case to") }
        if let r = region {
            guard let office = catalog.region(r), office.level != .province else {
                throw AppError.bad("region", "\(r) is not a city or county code of \(catalog.province.name)")
            }
            guard assignableRegions(for: p, warning: w).contains(where: { $0.code == r }) else {
                throw AppError.forbidden("region \(r) \(office.name) is outside your area (\(p.scope ?? "-")); assign to a county of your own area")
            }
        }
        if let u = user {
            guard try await assignableUsers(for: w).contains(u) else {
                throw AppError.bad("user", "\(u) is no account that may handle this warning (it must exist, be enabled, handle warnings and see the firm)")
            }
        }
        let due = a.dueDate.trimmingCharacters(in: .whitespaces)
        guard let dueDay = Self.day(due) else { throw AppError.bad("dueDate", "must be a date YYYY-MM-DD, got '\(a.dueDate)'") }
        guard due >= today else { throw AppError.bad("dueDate", "\(due) is before today (\(today), Beijing time)") }
        if let t = Self.day(today), dueDay.timeIntervalSince(t) > 366 * 86_400 { throw AppError.bad("dueDate", "\(due) is more than a year ahead") }
        let note = try cleanNote(a.note)
        guard !live.isEmpty else { throw AppError.conflict("wrong_state", "the case of warning \(w.id) is closed; nothing to assign") }
        try await store.assignWarnings(live.map(\.id), action: WarningActionRecord(warningID: w.id, subject: w.subject, period: w.period, action: "assign",
                                                                                   actor: p.username, note: note, assigneeRegion: region,
                                                                                   assigneeUser: user, dueDate: due))
        return try await caseDetail(id, for: p, today: today)
    }

    /// Adds a note (at most 2,000 characters, never cut) to the case's timeline.
    public func addNote(_ id: String, _ note: String?, by p: Principal) async throws -> WarningCaseDetail {
        try p.require(.handleWarnings)
        let w = try await warning(id, for: p)
        guard let text = try cleanNote(note) else { throw AppError.bad("note", "a note needs some text") }
        try await store.addWarningNote(WarningActionRecord(warningID: w.id, subject: w.subject, period: w.period, action: "note", actor: p.username, note: text))
        return try await caseDetail(id, for: p)
    }

    /// Closes (办结) the case: every unresolved warning of the firm for the period, with an outcome (`other` needs a note).
    public func close(_ id: String, outcome: WarningOutcome, note: String?, by p: Principal) async throws -> WarningCaseDetail {
        let (w, live) = try await openCase(id, by: p)
        let text = try cleanNote(note)
        if outcome == .other, text == nil { throw AppError.bad("note", "outcome 'other' needs a note saying what was done") }
        guard !live.isEmpty else { throw AppError.conflict("wrong_state", "the case of warning \(w.id) is already closed") }
        try await store.closeWarnings(live.map(\.id), action: WarningActionRecord(warningID: w.id, subject: w.subject, period: w.period, action: "close",
                                                                                  actor: p.username, note: text, outcome: outcome.rawValue))
        return try await caseDetail(id, for: p)
    }

    /// A calendar date YYYY-MM-DD (2026-02-30 is none), as midnight UTC.
    static func day(_ s: String) -> Date? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard s.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        return back.year == y && back.month == m && back.day == d ? date : nil
    }
}
