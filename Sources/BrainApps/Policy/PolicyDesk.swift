import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// One policy as a caller sees it: its rule and, within the caller's scope, how many firms qualify and were granted.
public struct PolicyOverview: Codable, Sendable {
    public let id, name, issuer, category, summary, rule, formula, validFrom, validUntil: String
    public let autoGrant: Bool
    public let criteria: [String]
    public let eligible, incomplete, ineligible, awarded: Int
    /// Absent when it would reveal one firm's award to a caller who may not read it (statistical disclosure control).
    public let awardedAmount: Double?
    /// In force, not yet, expired or withdrawn, in the data's latest month.
    public let status: PolicyStatus
    public let withdrawnAt: String?
    /// 文号 and the region scope (GB/T 2260 codes; absent for the whole province), as the policy table gives them.
    public let documentNo: String?
    public let regions: [String]?
    /// The criteria as plain Chinese sentences with names (the region scope included), in the order of `criteria`.
    public var sentences: [String] = []
    /// The amount formula in Chinese.
    public var amountRule: String = ""
}

/// 我的政策: an enterprise's policies in plain Chinese, with what it has received.
public struct EnterprisePolicies: Codable, Sendable {
    public let uscc, name: String
    /// Sum of its paid (已拨付) awards, 万元, and how many.
    public let received: Double
    public let receivedCount: Int
    /// Awards under review, approved or in 公示.
    public let underWay: Int
    /// Policies it may apply for now.
    public let canApply: Int
    /// Awarded first, then eligible, undecided, ineligible; policies out of force without an award last.
    public let items: [EnterprisePolicyMatch]
}

/// One firm's reading of one policy.
public struct PolicyMatchRow: Codable, Sendable {
    public let uscc, name, region: String
    public let outcome: MatchOutcome
    public let amount: Double?
    public let criteria: [CriterionResult]
    public let award: PolicyAward?
}

/// A policy saved, with how it matched at once.
public struct PolicySaved: Codable, Sendable {
    public let policy: PolicyRecord
    public let criteria: [String]
    public let eligible, incomplete, ineligible, newGrants: Int
    public let created: Bool
}

/// 企业发展政策 as officials and enterprises use it through the API and the portal: the overview of policies, who
/// qualifies, saving a policy, and the review of awards — each within the caller's scope and permission.
public struct PolicyDesk: Sendable {
    public let desk: PolicyMatcher
    public let store: Store
    public let catalog: RegionCatalog

    public init(desk: PolicyMatcher, store: Store, catalog: RegionCatalog) {
        self.desk = desk
        self.store = store
        self.catalog = catalog
    }

    func matchesOrWait() throws -> PolicyMatches {
        guard let m = desk.matches else { throw AppError.unavailable("not_ready", "policy matching has not run yet") }
        return m
    }

    /// Every policy with its counts inside the caller's scope (enterprise users see the rules, not others' counts).
    public func overview(for p: Principal, cube: IndicatorCube) async throws -> [PolicyOverview] {
        let m = try matchesOrWait()
        let scope = p.role == .enterprise ? ScopeRestriction.nothing : p.enterpriseScope(in: catalog)
        let readable = p.indicatorScope(in: catalog)
        let awards = try await store.awards()
        func inside(_ uscc: String, _ s: ScopeRestriction) -> Bool {
            cube.firmIndex[uscc].map { let e = cube.firms[$0]; return s.admits(uscc: e.uscc, region: e.region, zone: e.zone) } == true
        }
        let names = FactNames.standard(catalog: catalog)
        return m.policies.enumerated().map { k, pp in
            var counts = [MatchOutcome: Int]()
            for i in 0..<min(cube.firmCount, m.outcomes[k].count) {
                let e = cube.firms[i]
                if scope.admits(uscc: e.uscc, region: e.region, zone: e.zone) { counts[m.outcomes[k][i], default: 0] += 1 }
            }
            let mine = awards.filter { $0.policyId == pp.record.id && Self.awardedStates.contains($0.state) && inside($0.uscc, scope) }
            var hidden = DisclosureRule.Hidden()
            for a in mine where !inside(a.uscc, readable) { hidden.add(PolicyAward.countable(a.amount) ?? 0) }
            let total = (mine.reduce(0) { $0 + (PolicyAward.countable($1.amount) ?? 0) } * 100).rounded() / 100
            let r = pp.record
            var o = PolicyOverview(id: r.id, name: r.name, issuer: r.issuer, category: r.category, summary: r.summary, rule: r.rule, formula: r.formula,
                                  validFrom: r.validFrom, validUntil: r.validUntil, autoGrant: r.autoGrant, criteria: pp.rule.criteria,
                                  eligible: counts[.eligible] ?? 0, incomplete: counts[.incomplete] ?? 0, ineligible: counts[.ineligible] ?? 0,
                                  awarded: mine.count, awardedAmount: DisclosureRule().suppression(hidden) == nil ? total : nil,
                                  status: r.status(in: cube.lastMonth), withdrawnAt: r.withdrawnAt,
                                  documentNo: r.documentNo, regions: r.regions)
            o.sentences = pp.rule.sentences(names)
            o.amountRule = pp.formula.sentence()
            return o
        }
    }

    /// Who qualifies for a policy: firms whose figures the caller may read, eligible first, then by revenue.
    public func matches(policy id: String, for p: Principal, outcome: MatchOutcome?, region: String?, limit: Int, offset: Int,
                        cube: IndicatorCube) async throws -> Page<PolicyMatchRow> {
        let m = try matchesOrWait()
        guard let k = m.policies.firstIndex(where: { $0.record.id == id }) else { throw AppError.notFound("no policy \(id)") }
        var regions: Set<String>?
        if let r = region {
            guard catalog.region(r) != nil else { throw AppError.bad("region", "\(r) is not a GB/T 2260 code of \(catalog.province.name)") }
            regions = Set([r] + catalog.counties(within: r))
        }
        let scope = p.indicatorScope(in: catalog)
        let awards = try await awardsByFirm(policy: id)
        let names = FactNames.standard(catalog: catalog)
        func rank(_ i: Int) -> (Int, Double) { (m.outcomes[k][i] == .eligible ? 0 : m.outcomes[k][i] == .incomplete ? 1 : 2, -cube.firms[i].revenue) }
        let rows = (0..<min(cube.firmCount, m.outcomes[k].count)).filter { i in
            let e = cube.firms[i]
            return scope.admits(uscc: e.uscc, region: e.region, zone: e.zone) && (regions?.contains(e.region) ?? true) && (outcome == nil || m.outcomes[k][i] == outcome)
        }.sorted { rank($0) < rank($1) }
        let page = rows.dropFirst(offset).prefix(limit).map { i -> PolicyMatchRow in
            let e = cube.firms[i]
            return PolicyMatchRow(uscc: e.uscc, name: e.name, region: e.region, outcome: m.outcomes[k][i], amount: m.amounts[k][i].isNaN ? nil : m.amounts[k][i],
                                  criteria: m.policies[k].rule.evaluate(m.facts[i], names: names), award: awards[e.uscc])
        }
        return Page(total: rows.count, limit: limit, offset: offset, items: Array(page))
    }

    /// A policy's awards by enterprise.
    public func awardsByFirm(policy id: String) async throws -> [String: PolicyAward] {
        Dictionary(try await store.awards(policy: id).map { ($0.uscc, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The states of an award decided in the firm's favour: approved, in 公示, or paid.
    public static let awardedStates: Set<String> = [AwardState.approved.rawValue, AwardState.publicized.rawValue, AwardState.paid.rawValue]

    /// Approved, published and paid awards per policy inside the caller's scope: count and amount.
    public func awardTotals(for p: Principal) async throws -> [String: (count: Int, amount: Double)] {
        try await store.awardTotals(states: Array(Self.awardedStates).sorted(), scope: p.enterpriseScope(in: catalog))
    }

    /// Awards in the given states per policy inside the caller's scope: count and amount.
    public func awardTotals(for p: Principal, states: [AwardState]) async throws -> [String: (count: Int, amount: Double)] {
        try await store.awardTotals(states: states.map(\.rawValue), scope: p.enterpriseScope(in: catalog))
    }

    /// The review of awards (待审核 → 公示 → 已拨付).
    public var awards: AwardDesk { AwardDesk(matcher: desk, store: store, catalog: catalog) }

    /// 我的政策 for one enterprise: every policy read in plain Chinese, and the total received (sum of 已拨付).
    public func enterprisePolicies(_ uscc: String, cube: IndicatorCube) async throws -> EnterprisePolicies {
        guard desk.matches != nil else { throw AppError.unavailable("not_ready", "policy matching has not run yet") }
        let items = try await desk.matches(for: uscc, cube: cube)
        let paid = items.compactMap(\.award).filter { $0.state == AwardState.paid.rawValue }
        let open = items.compactMap(\.award).filter { [AwardState.pending, .approved, .publicized].map(\.rawValue).contains(AwardState(stored: $0.state)?.rawValue ?? "") }
        func rank(_ m: EnterprisePolicyMatch) -> Int {
            if m.status != .inForce && m.award == nil { return 5 }
            if m.award != nil { return 0 }
            switch m.outcome { case .eligible: return 1; case .incomplete: return 2; case .ineligible: return 3 }
        }
        let sorted = items.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
        return EnterprisePolicies(uscc: uscc, name: cube.firmIndex[uscc].map { cube.firms[$0].name } ?? uscc,
                                  received: (paid.reduce(0) { $0 + (PolicyAward.countable($1.amount) ?? 0) } * 100).rounded() / 100,
                                  receivedCount: paid.count, underWay: open.count, canApply: items.filter(\.canApply).count, items: sorted)
    }

    /// Saves a policy (`rules:configure`) after trying its amount formula on every enterprise, matches it at once and grants
    /// what 免申即享 owes.
    /// Withdraws a policy (撤销): it grants nothing more and takes no applications; awards already made stay and go on
    /// through review and payment. Withdrawing twice is a conflict.
    public func withdraw(policy id: String, by p: Principal, cube: IndicatorCube) async throws -> PolicyRecord {
        try p.require(.configureRules)
        guard var record = try await store.policies().first(where: { $0.id == id }) else { throw AppError.notFound("no policy \(id)") }
        if let at = record.withdrawnAt { throw AppError.conflict("already_withdrawn", "policy \(id) was already withdrawn on \(at)") }
        let now = Timestamp.now()
        try await store.withdrawPolicy(id, by: p.username, at: now)
        record.withdrawnAt = now
        record.withdrawnBy = p.username
        try await desk.refresh(cube: cube, catalog: catalog)
        return record
    }

    public func save(_ given: PolicyRecord, by p: Principal, cube: IndicatorCube) async throws -> PolicySaved {
        try p.require(.configureRules)
        var record = given
        // 文号 and region scope left out of a save stay as stored (they come from the policy table).
        let stored = try await store.policies().first { $0.id == given.id }
        if record.documentNo == nil { record.documentNo = stored?.documentNo }
        if record.regions == nil { record.regions = stored?.regions }
        for code in record.regions ?? [] where catalog.region(code) == nil {
            throw AppError.bad("regions", "\(code) is not a GB/T 2260 code of \(catalog.province.name)")
        }
        if record.documentNo?.isEmpty == true { record.documentNo = nil }
        if record.regions?.isEmpty == true { record.regions = nil }
        let parsed: ParsedPolicy
        do { parsed = try ParsedPolicy.parse(record) } catch let e as PolicyProblem { throw AppError.bad(e.field, e.description) }
        if let facts = desk.matches?.facts,
           let problem = parsed.amountProblem(facts: facts, names: { i in i < cube.firmCount ? "\(cube.firms[i].name) (\(cube.firms[i].uscc))" : "enterprise #\(i)" }) {
            throw AppError.bad(problem.field, problem.description)
        }
        let existed = stored != nil
        try await store.upsertPolicies([record])
        let refreshed = try await desk.refresh(cube: cube, catalog: catalog)
        guard let k = refreshed.matches.policies.firstIndex(where: { $0.record.id == record.id }) else {
            throw AppError.conflict("not_matched", "policy \(record.id) was saved but does not parse with the current fact catalogue")
        }
        var counts: [MatchOutcome: Int] = [:]
        for o in refreshed.matches.outcomes[k] { counts[o, default: 0] += 1 }
        return PolicySaved(policy: record, criteria: refreshed.matches.policies[k].rule.criteria, eligible: counts[.eligible] ?? 0,
                           incomplete: counts[.incomplete] ?? 0, ineligible: counts[.ineligible] ?? 0, newGrants: refreshed.newGrants, created: !existed)
    }
}
