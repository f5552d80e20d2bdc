import BrainCore
import BrainSecurity
import BrainStore
import Foundation

/// The state a firm's case is in, as an official filters it: `unresolved` is open or acknowledged.
public enum WarningCaseState: String, Codable, Sendable, CaseIterable {
    case open, acknowledged, resolved, unresolved

    public var nameZh: String {
        switch self {
        case .open: return "待处理"
        case .acknowledged: return "处理中"
        case .resolved: return "已办结"
        case .unresolved: return "未办结"
        }
    }
}

/// The firms (or regions, chain links) an official works through, already checked: one row per subject and period.
public struct WarningCaseFilter: Sendable {
    /// County or city (GB/T 2260); a city includes its counties.
    public var region: String?
    public var zone: String?
    public var chain: String?
    /// The case has a reason of this kind.
    public var kind: WarningKind?
    /// The case's highest level.
    public var level: WarningLevel?
    public var state: WarningCaseState?
    /// Part of the name, or a whole credit code.
    public var name: String?
    /// 经营风险 (default) or 数据核查.
    public var category: WarningCategory = .risk
    public var period: Month?
    /// Only cases past their deadline and not closed.
    public var overdueOnly = false
    public var limit = 20
    public var offset = 0
    public init() {}
}

/// One reason a case was raised, in an official's words.
public struct WarningReason: Codable, Sendable, Hashable {
    public var id: String
    public var kind: String
    public var kindName: String
    public var level: String
    public var state: String
    /// The plain-language explanation (同比 %, the threshold, the months compared).
    public var explanation: String
    /// The line that was crossed, in words.
    public var threshold: String
}

/// A firm's warnings of one period as one row: the highest level, every reason, where the firm is, who handles it by when.
public struct WarningCase: Codable, Sendable, Hashable {
    /// The warning the row opens (its most severe one): `/warnings/{leadID}`.
    public var leadID: String
    public var subjectType: String
    public var subject: String
    public var subjectName: String
    public var region: String?
    /// The county's (or city's) name.
    public var regionName: String?
    public var zone: String?
    public var zoneName: String?
    public var chain: String?
    public var period: String
    public var level: String
    public var state: String
    public var category: String
    public var reasons: [WarningReason]
    public var assigneeRegion: String?
    public var assigneeRegionName: String?
    public var assigneeUser: String?
    /// Deadline, Beijing date YYYY-MM-DD.
    public var dueDate: String?
    /// Past its deadline and not closed (逾期).
    public var overdue: Bool
    public var outcome: String?
    public var updatedAt: String
    /// How urgent, for sorting: red reasons weigh 9, orange 3, yellow 1 (unresolved reasons only).
    public var urgency: Int

    /// Encodes absent values as null so every case has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(leadID, forKey: .leadID); try c.encode(subjectType, forKey: .subjectType); try c.encode(subject, forKey: .subject)
        try c.encode(subjectName, forKey: .subjectName); try c.encode(region, forKey: .region); try c.encode(regionName, forKey: .regionName)
        try c.encode(zone, forKey: .zone); try c.encode(zoneName, forKey: .zoneName); try c.encode(chain, forKey: .chain)
        try c.encode(period, forKey: .period); try c.encode(level, forKey: .level); try c.encode(state, forKey: .state)
        try c.encode(category, forKey: .category); try c.encode(reasons, forKey: .reasons)
        try c.encode(assigneeRegion, forKey: .assigneeRegion); try c.encode(assigneeRegionName, forKey: .assigneeRegionName)
        try c.encode(assigneeUser, forKey: .assigneeUser); try c.encode(dueDate, forKey: .dueDate); try c.encode(overdue, forKey: .overdue)
        try c.encode(outcome, forKey: .outcome); try c.encode(updatedAt, forKey: .updatedAt); try c.encode(urgency, forKey: .urgency)
    }
}

extension WarningDesk {
    /// Today's date in Beijing (YYYY-MM-DD), against which deadlines are judged.
    public static func beijingToday(_ now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// The cases inside the caller's scope, most urgent first: highest level, then unresolved before closed, overdue first,
    /// then the weight of the unresolved reasons, the newest period, the latest change and the name.
    public func cases(for p: Principal, _ f: WarningCaseFilter, today: String = WarningDesk.beijingToday()) async throws -> Page<WarningCase> {
        var base = WarningFilter()
        base.region = f.region
        base.zone = f.zone
        base.chain = f.chain
        base.period = f.period
        base.limit = 1_000_000
        let all = try await list(for: p, base).items
        let kinds = Set(f.category.kinds.map(\.rawValue))
        let needle = f.name?.trimmingCharacters(in: .whitespaces).uppercased()
        var groups: [String: [WarningRecord]] = [:]
        for w in all where kinds.contains(w.kind) {
            if let n = needle, !n.isEmpty, !w.subjectName.uppercased().contains(n), w.subject != n { continue }
            groups[w.subject + "|" + w.period, default: []].append(w)
        }
        var rows = groups.values.map { makeCase($0, category: f.category, today: today) }
        if let k = f.kind { rows = rows.filter { $0.reasons.contains { $0.kind == k.rawValue } } }
        if let l = f.level { rows = rows.filter { $0.level == l.rawValue } }
        if let s = f.state {
            rows = rows.filter { s == .unresolved ? $0.state != "resolved" : $0.state == s.rawValue }
        }
        if f.overdueOnly { rows = rows.filter(\.overdue) }
        rows.sort(by: Self.moreUrgent)
        let page = rows.dropFirst(f.offset).prefix(f.limit)
        return Page(total: rows.count, limit: f.limit, offset: f.offset, items: Array(page))
    }

    /// The urgency order of cases (see `cases`).
    static func moreUrgent(_ a: WarningCase, _ b: WarningCase) -> Bool {
        func rank(_ l: String) -> Int { WarningLevel(rawValue: l).map { $0 == .red ? 2 : $0 == .orange ? 1 : 0 } ?? 0 }
        let openA = a.state != "resolved", openB = b.state != "resolved"
        if openA != openB { return openA }
        if rank(a.level) != rank(b.level) { return rank(a.level) > rank(b.level) }
        if a.overdue != b.overdue { return a.overdue }
        if a.urgency != b.urgency { return a.urgency > b.urgency }
        if a.period != b.period { return a.period > b.period }
        if a.updatedAt != b.updatedAt { return a.updatedAt > b.updatedAt }
        return (a.subjectName, a.subject) < (b.subjectName, b.subject)
    }

    /// Folds the warnings of one subject and period into a case. The level is the highest of the unresolved reasons (of
    /// all, once closed); reasons are listed most severe first.
    func makeCase(_ ws: [WarningRecord], category: WarningCategory, today: String) -> WarningCase {
        func rank(_ l: String) -> Int { WarningLevel(rawValue: l).map { $0 == .red ? 2 : $0 == .orange ? 1 : 0 } ?? 0 }
        // Most severe first; within a level the rules before the models (the rule's reason reads plainest), then by id.
        func order(_ k: String) -> Int { WarningKind.allCases.firstIndex { $0.rawValue == k } ?? WarningKind.allCases.count }
        let sorted = ws.sorted { a, b in
            if rank(a.level) != rank(b.level) { return rank(a.level) > rank(b.level) }
            if order(a.kind) != order(b.kind) { return order(a.kind) < order(b.kind) }
            return a.id < b.id
        }
        let live = sorted.filter { $0.state != "resolved" }
        let lead = live.first ?? sorted[0]
        let state = live.isEmpty ? "resolved" : live.allSatisfy { $0.state == "acknowledged" } ? "acknowledged" : "open"
        let assigned = sorted.first { $0.assigneeRegion != nil || $0.assigneeUser != nil }
        let due = (live.first { $0.dueDate != nil } ?? assigned)?.dueDate
        let weight = live.reduce(0) { $0 + [1, 3, 9][rank($1.level)] }
        return WarningCase(
            leadID: lead.id, subjectType: lead.subjectType, subject: lead.subject, subjectName: lead.subjectName, region: lead.region,
            regionName: lead.region.flatMap { catalog.region($0)?.name }, zone: lead.zone, zoneName: lead.zone.flatMap { catalog.zone($0)?.shortName },
            chain: lead.chain, period: lead.period, level: lead.level, state: state, category: category.rawValue,
            reasons: sorted.map { WarningReason(id: $0.id, kind: $0.kind, kindName: WarningKind(rawValue: $0.kind)?.nameZh ?? $0.kind, level: $0.level,
                                                state: $0.state, explanation: $0.explanation, threshold: $0.threshold) },
            assigneeRegion: assigned?.assigneeRegion, assigneeRegionName: assigned?.assigneeRegion.flatMap { catalog.region($0)?.name },
            assigneeUser: assigned?.assigneeUser, dueDate: due, overdue: state != "resolved" && due.map { $0 < today } == true,
            outcome: sorted.first { $0.outcome != nil }?.outcome, updatedAt: sorted.map(\.updatedAt).max() ?? lead.updatedAt, urgency: weight)
    }
}
