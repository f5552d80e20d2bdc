import BrainCore
import BrainStore
import Foundation

/// Where an award stands: 待审核 → 审核通过 → 公示中 → 已拨付, or 已驳回 (with a reason) before payment. See
/// docs/policies.md.
public enum AwardState: String, Codable, Sendable, CaseIterable {
    case pending, approved, publicized, paid, rejected

    /// The state as officials and enterprises read it.
    public var nameZh: String {
        switch self {
        case .pending: return "待审核"
        case .approved: return "审核通过，待公示"
        case .publicized: return "公示中"
        case .paid: return "已拨付"
        case .rejected: return "已驳回"
        }
    }

    /// Reads a stored state; `granted` and `applied` (before review and 公示 existed) read as pending.
    public init?(stored: String) {
        if stored == "granted" || stored == "applied" { self = .pending; return }
        self.init(rawValue: stored)
    }
}

/// A reviewer's step on an award.
public enum AwardAction: String, Codable, Sendable, CaseIterable {
    case approve, publish, pay, reject

    public var nameZh: String {
        switch self {
        case .approve: return "审核通过"
        case .publish: return "公示"
        case .pay: return "拨付"
        case .reject: return "驳回"
        }
    }

    /// The state the step leads to.
    public var target: AwardState {
        switch self {
        case .approve: return .approved
        case .publish: return .publicized
        case .pay: return .paid
        case .reject: return .rejected
        }
    }

    /// The states the step may start from: review a pending award, publish an approved one, pay one whose 公示 has ended,
    /// reject anything not yet paid (an objection during 公示 included).
    public var from: [AwardState] {
        switch self {
        case .approve: return [.pending]
        case .publish: return [.approved]
        case .pay: return [.publicized]
        case .reject: return [.pending, .approved, .publicized]
        }
    }
}

/// Why a step on an award is refused: the field, a code, and the reason in English (API) and Chinese (portal).
public struct AwardProblem: Error, CustomStringConvertible, Sendable {
    public let field: String
    /// `wrong_state`, `publicity_running`, `reason_required`, `bad_amount`, `bad_days`, `note_too_long`.
    public let code: String
    public let description: String
    public let zh: String
}

/// 公示期: a number of working days (Monday to Friday; public holidays are not modelled) counted from the day of
/// publication, in Beijing dates.
public enum PublicityPeriod {
    public static let defaultWorkingDays = 5
    public static let allowedDays = 1...30

    static var beijing: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return c
    }

    /// The Beijing date of an instant, `YYYY-MM-DD`.
    public static func day(_ date: Date) -> String {
        let d = beijing.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", d.year!, d.month!, d.day!)
    }

    /// The last day of `workingDays` working days starting on `start` (the start counts when it is a working day).
    public static func end(start: Date, workingDays: Int) -> String {
        let cal = beijing
        var day = cal.startOfDay(for: start)
        var left = workingDays
        while true {
            let weekday = cal.component(.weekday, from: day)
            if weekday != 1 && weekday != 7 { left -= 1 }
            if left <= 0 { return Self.day(day) }
            day = cal.date(byAdding: .day, value: 1, to: day)!
        }
    }
}

/// The award state machine, pure: one step on one award, checked, with who and when in its history.
public enum AwardFlow {
    public static let maxNote = 500

    /// Applies `action` to `award` at `now`: checks the state, the reason (required to reject), the amount (only when
    /// approving, inside `PolicyAward.amountRange`), the 公示 days (publishing) and that 公示 has ended (paying).
    public static func step(_ award: PolicyAward, _ action: AwardAction, by user: String, note given: String?, amount: Double? = nil,
                            days: Int? = nil, now: Date = Date()) throws(AwardProblem) -> PolicyAward {
        let trimmed = given?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let note = trimmed.isEmpty ? nil : trimmed
        guard let state = AwardState(stored: award.state) else {
            throw AwardProblem(field: "state", code: "wrong_state", description: "award \(award.id) has an unknown state \(award.state)",
                               zh: "该兑现记录的状态（\(award.state)）无法识别")
        }
        guard action.from.contains(state) else {
            let from = action.from.map(\.rawValue).joined(separator: " or ")
            throw AwardProblem(field: "state", code: "wrong_state", description: "award \(award.id) is \(state.rawValue); only \(from) awards can be \(action.target.rawValue)",
                               zh: "该兑现记录为“\(state.nameZh)”，不能\(action.nameZh)（须为\(action.from.map(\.nameZh).joined(separator: "或"))）")
        }
        if let note, note.count > maxNote {
            throw AwardProblem(field: "note", code: "note_too_long", description: "note has \(note.count) characters; at most \(maxNote)",
                               zh: "说明最多 \(maxNote) 字，当前 \(note.count) 字")
        }
        if action == .reject, note == nil {
            throw AwardProblem(field: "note", code: "reason_required", description: "a rejection needs a reason in note",
                               zh: "驳回须填写理由")
        }
        if let amount {
            guard action == .approve else {
                throw AwardProblem(field: "amount", code: "bad_amount", description: "the amount is set when approving, not when the award is \(action.target.rawValue)",
                                   zh: "金额在审核时确定，\(action.nameZh)时不能修改")
            }
            guard PolicyAward.countable(amount) != nil else {
                let hi = Int(PolicyAward.amountRange.upperBound)
                throw AwardProblem(field: "amount", code: "bad_amount", description: "must be a finite amount from 0 to \(hi) 万元, got \(amount)",
                                   zh: "金额须在 0 至 \(hi) 万元之间，收到 \(amount)")
            }
        }
        if action == .approve, amount == nil, PolicyAward.countable(award.amount) == nil {
            throw AwardProblem(field: "amount", code: "bad_amount", description: "award \(award.id) has no amount; give one (万元) to approve it",
                               zh: "该记录没有可用金额，审核通过时须填写金额（万元）")
        }
        var days = days
        if action == .publish {
            let d = days ?? PublicityPeriod.defaultWorkingDays
            guard PublicityPeriod.allowedDays.contains(d) else {
                throw AwardProblem(field: "days", code: "bad_days", description: "days must be \(PublicityPeriod.allowedDays.lowerBound)–\(PublicityPeriod.allowedDays.upperBound) working days, got \(d)",
                                   zh: "公示期须为 \(PublicityPeriod.allowedDays.lowerBound)–\(PublicityPeriod.allowedDays.upperBound) 个工作日，收到 \(d)")
            }
            days = d
        } else if days != nil {
            throw AwardProblem(field: "days", code: "bad_days", description: "days apply to publishing only", zh: "公示天数仅在公示时填写")
        }
        let today = PublicityPeriod.day(now)
        if action == .pay, let until = award.publicityUntil, today <= until {
            throw AwardProblem(field: "state", code: "publicity_running", description: "award \(award.id) is in 公示 until \(until); it can be paid from the next day",
                               zh: "公示期至 \(until)，期满后（次日起）方可拨付")
        }
        var a = award
        let at = Timestamp.now()
        var text = note
        if action == .publish, let days {
            a.publicityFrom = today
            a.publicityUntil = PublicityPeriod.end(start: now, workingDays: days)
            text = "公示期 \(today) 至 \(a.publicityUntil!)（\(days) 个工作日）" + (note.map { "；\($0)" } ?? "")
        }
        if action == .approve, let amount, amount != award.amount {
            text = "金额 \(award.amount.map { RuleFormat.number($0) } ?? "—") → \(RuleFormat.number(amount)) 万元" + (note.map { "；\($0)" } ?? "")
            a.amount = amount
        }
        a.state = action.target.rawValue
        a.updatedAt = at
        a.history.append(.init(state: action.target.rawValue, by: user, at: at, note: text))
        return a
    }
}
