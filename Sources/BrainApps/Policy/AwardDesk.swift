import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// One award as an official reviews it: the firm and policy by name, the state in Chinese, the 公示 dates, the criteria
/// it rests on as sentences (those that failed or lacked data named apart) and the steps the caller may take now.
public struct AwardView: Codable, Sendable {
    public let award: PolicyAward
    public let policyName: String
    public let autoGrant: Bool
    public let firmName: String
    public let region: String
    public let regionName: String
    public let stateName: String
    /// The criteria as read when the award was made (an application with unmet criteria is kept and shown).
    public let criteria: [CriterionResult]
    /// Sentences of the criteria unmet, and of those that could not be decided for missing data.
    public let failed: [String]
    public let undecided: [String]
    /// Steps the caller may take on it now (`awards:review`, inside the scope, allowed from its state).
    public let actions: [AwardAction]
    /// The first day it may be paid (the day after 公示 ends).
    public let payableFrom: String?
}

/// Which awards to list: state, policy, region (inside the caller's scope), criteria check and a name fragment.
public struct AwardFilter: Sendable {
    /// `failing`: some criterion unmet; `undecided`: none unmet, some without data; `met`: every criterion met.
    public enum Check: String, Sendable, CaseIterable { case failing, undecided, met }
    public var state: AwardState?
    public var policy: String?
    public var region: String?
    public var check: Check?
    public var name: String?
    public var limit = 50
    public var offset = 0
    public init() {}
}

/// A page of awards with the count per state inside the scope (before the state filter).
public struct AwardPage: Codable, Sendable {
    public let total, limit, offset: Int
    public let counts: [String: Int]
    public let items: [AwardView]
}

/// What became of one award of a batch step.
public struct AwardOutcome: Codable, Sendable {
    public let id: String
    public let ok: Bool
    public let state: String?
    public let code: String?
    public let message: String?
    /// The reason in Chinese, for the portal.
    public let messageZh: String?
}

/// 政策兑现审核: officials list the awards of the firms in their scope (every application, those failing the criteria
/// included), and review, publish (公示) and pay them, one by one or in a batch. Every step and every refusal is written
/// to the audit ledger; an official acts only on firms inside their scope.
public struct AwardDesk: Sendable {
    public let matcher: PolicyMatcher
    public let store: Store
    public let catalog: RegionCatalog

    public init(matcher: PolicyMatcher, store: Store, catalog: RegionCatalog) {
        self.matcher = matcher
        self.store = store
        self.catalog = catalog
    }

    /// The awards of firms inside the caller's scope, newest activity first after the filter.
    public func list(for p: Principal, _ filter: AwardFilter, cube: IndicatorCube) async throws -> AwardPage {
        try p.require(.reviewAwards)
        var regions: Set<String>?
        if let r = filter.region {
            guard catalog.region(r) != nil else { throw AppError.bad("region", "\(r) is not a GB/T 2260 code of \(catalog.province.name)") }
            regions = Set([r] + catalog.counties(within: r))
        }
        let scope = p.enterpriseScope(in: catalog)
        let all = try await store.awards(scope: scope, policy: filter.policy)
        var counts: [String: Int] = [:]
        var kept: [AwardView] = []
        let names = FactNames.standard(catalog: catalog)
        let wording = Self.wording(matcher.matches, names: names)
        let needle = filter.name?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        for a in all {
            guard let i = cube.firmIndex[a.uscc] else { continue }
            let e = cube.firms[i]
            guard scope.admits(uscc: e.uscc, region: e.region, zone: e.zone) else { continue }
            if let regions, !regions.contains(e.region) { continue }
            if !needle.isEmpty, !e.name.lowercased().contains(needle), !e.uscc.lowercased().contains(needle) { continue }
            let view = self.view(a, cube: cube, for: p, names: names, wording: wording)
            if let check = filter.check {
                let c: AwardFilter.Check = !view.failed.isEmpty ? .failing : !view.undecided.isEmpty ? .undecided : .met
                if c != check { continue }
            }
            let state = AwardState(stored: a.state) ?? .pending
            counts[state.rawValue, default: 0] += 1
            if let s = filter.state, s != state { continue }
            kept.append(view)
        }
        kept.sort { ($0.award.updatedAt, $0.award.id) > ($1.award.updatedAt, $1.award.id) }
        return AwardPage(total: kept.count, limit: filter.limit, offset: filter.offset, counts: counts,
                         items: Array(kept.dropFirst(filter.offset).prefix(filter.limit)))
    }

    /// One award of a firm inside the caller's scope (404 outside it, as for a missing one).
    public func detail(_ id: String, for p: Principal, cube: IndicatorCube) async throws -> AwardView {
        try p.require(.reviewAwards)
        guard let a = try await store.award(id), inside(a.uscc, p, cube) else { throw AppError.notFound("no award \(id) in your data scope") }
        let names = FactNames.standard(catalog: catalog)
        return view(a, cube: cube, for: p, names: names, wording: Self.wording(matcher.matches, names: names))
    }

    /// One step on one award, audited whether it succeeds or is refused. `now` decides the 公示 dates and whether 公示 has
    /// ended.
    public func act(_ action: AwardAction, on id: String, by p: Principal, note: String?, amount: Double? = nil, days: Int? = nil,
                    origin: AdminOrigin, cube: IndicatorCube, now: Date = Date()) async throws -> PolicyAward {
        switch try await attempt(action, on: id, by: p, note: note, amount: amount, days: days, origin: origin, cube: cube, now: now) {
        case .success(let a): return a
        case .failure(let refusal): throw refusal.error
        }
    }

    /// A refusal with its reason in Chinese for the portal.
    public struct Refusal: Error {
        public let error: AppError
        public let zh: String
    }

    /// The step, or why it was refused (audited either way); only the ledger and the store throw.
    public func attempt(_ action: AwardAction, on id: String, by p: Principal, note: String?, amount: Double? = nil, days: Int? = nil,
                        origin: AdminOrigin, cube: IndicatorCube, now: Date = Date()) async throws -> Result<PolicyAward, Refusal> {
        let ledger = AuditLedger(store: store)
        func audit(_ outcome: String, _ extra: [String: String]) async throws {
            var detail = ["via": origin.via, "action": action.rawValue]
            detail.merge(extra) { _, b in b }
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try await ledger.record(AuditEvent(actor: p.username, action: "award \(action.rawValue)", target: "award:\(id)", source: origin.source,
                                               outcome: outcome, detail: String(decoding: try enc.encode(detail), as: UTF8.self)))
        }
        guard p.can(.reviewAwards) else {
            try await audit("denied", ["reason": "role \(p.role.rawValue) lacks awards:review"])
            return .failure(Refusal(error: AppError.forbidden("role \(p.role.rawValue) lacks permission \(Permission.reviewAwards.rawValue)"), zh: "您的角色不能审核兑现"))
        }
        guard let existing = try await store.award(id) else {
            try await audit("rejected", ["reason": "no such award"])
            return .failure(Refusal(error: AppError.notFound("no award \(id)"), zh: "没有这条兑现记录"))
        }
        guard inside(existing.uscc, p, cube) else {
            try await audit("denied", ["reason": "enterprise outside the caller's scope", "uscc": existing.uscc])
            return .failure(Refusal(error: AppError.forbidden("award \(id) is for an enterprise outside your data scope"), zh: "该企业不在您的数据范围内"))
        }
        do {
            let next = try AwardFlow.step(existing, action, by: p.username, note: note, amount: amount, days: days, now: now)
            try await store.saveAwards([next])
            var extra = ["from": existing.state, "to": next.state, "uscc": next.uscc, "policy": next.policyId]
            if let amount { extra["amount"] = RuleFormat.number(amount) }
            if let until = next.publicityUntil, action == .publish { extra["publicityUntil"] = until }
            try await audit("ok", extra)
            return .success(next)
        } catch let e as AwardProblem {
            try await audit("rejected", ["from": existing.state, "code": e.code, "reason": e.description])
            let error = e.field == "state" ? AppError.conflict(e.code, e.description) : AppError.bad(e.field, e.description)
            return .failure(Refusal(error: error, zh: e.zh))
        }
    }

    /// One step on several awards: each is taken or refused on its own (a refusal does not undo the others), each audited.
    public func act(_ action: AwardAction, on ids: [String], by p: Principal, note: String?, days: Int? = nil, origin: AdminOrigin,
                    cube: IndicatorCube, now: Date = Date()) async throws -> [AwardOutcome] {
        try p.require(.reviewAwards)
        guard !ids.isEmpty else { throw AppError.bad("ids", "choose at least one award") }
        guard ids.count <= 500 else { throw AppError.bad("ids", "at most 500 awards at once, got \(ids.count)") }
        var out: [AwardOutcome] = []
        for id in ids {
            switch try await attempt(action, on: id, by: p, note: note, days: days, origin: origin, cube: cube, now: now) {
            case .success(let a): out.append(AwardOutcome(id: id, ok: true, state: a.state, code: nil, message: nil, messageZh: nil))
            case .failure(let r):
                out.append(AwardOutcome(id: id, ok: false, state: nil, code: r.error.code ?? r.error.parameter, message: r.error.message, messageZh: r.zh))
            }
        }
        return out
    }

    func inside(_ uscc: String, _ p: Principal, _ cube: IndicatorCube) -> Bool {
        let scope = p.enterpriseScope(in: catalog)
        if case .all = scope { return true }
        guard let i = cube.firmIndex[uscc] else { return false }
        let e = cube.firms[i]
        return scope.admits(uscc: e.uscc, region: e.region, zone: e.zone)
    }

    /// Criterion text → sentence, from the current policies (stored bases before the wording existed are worded too).
    static func wording(_ m: PolicyMatches?, names: FactNames) -> [String: String] {
        var out: [String: String] = [:]
        for p in m?.policies ?? [] {
            for (text, sentence) in zip(p.rule.criteria, p.rule.sentences(names)) { out[text] = sentence }
        }
        return out
    }

    func view(_ a: PolicyAward, cube: IndicatorCube, for p: Principal, names: FactNames, wording: [String: String]) -> AwardView {
        let record = matcher.matches?.policies.first { $0.record.id == a.policyId }?.record
        let firm = cube.firmIndex[a.uscc].map { cube.firms[$0] }
        let stored = (try? JSONDecoder().decode([CriterionResult].self, from: Data(a.basis.utf8))) ?? []
        let criteria = stored.map { c -> CriterionResult in
            var c = c
            if c.sentence == nil { c.sentence = wording[c.criterion] ?? PolicyRule.sentence(of: c.criterion, names: names) ?? c.criterion }
            return c
        }
        let state = AwardState(stored: a.state) ?? .pending
        let actions = AwardAction.allCases.filter { $0.from.contains(state) && p.can(.reviewAwards) }
        var payable: String?
        if let until = a.publicityUntil, let d = PublicityPeriod.beijing.date(from: DateComponents(
            year: Int(until.prefix(4)), month: Int(until.dropFirst(5).prefix(2)), day: Int(until.suffix(2)))) {
            payable = PublicityPeriod.day(PublicityPeriod.beijing.date(byAdding: .day, value: 1, to: d)!)
        }
        return AwardView(award: a, policyName: record?.name ?? a.policyId, autoGrant: a.route == "auto", firmName: firm?.name ?? a.uscc,
                         region: firm?.region ?? "", regionName: firm.flatMap { catalog.region($0.region)?.name } ?? "",
                         stateName: state.nameZh, criteria: criteria,
                         failed: criteria.filter { $0.state == .unmet }.map { $0.sentence ?? $0.criterion },
                         undecided: criteria.filter { $0.state == .unknown }.map { $0.sentence ?? $0.criterion },
                         actions: actions, payableFrom: payable)
    }
}
