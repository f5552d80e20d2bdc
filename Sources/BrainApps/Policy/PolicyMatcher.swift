import BrainCore
import BrainData
import BrainStore
import Foundation
import Synchronization

/// One policy read for one enterprise: every criterion with its state and reason, the outcome, the amount and the
/// award (grant or application) if there is one.
public struct EnterprisePolicyMatch: Codable, Sendable {
    public let policyId: String
    public let policyName: String
    public let category: String
    public let autoGrant: Bool
    public let outcome: MatchOutcome
    public let criteria: [CriterionResult]
    public let amount: Double?
    public let award: PolicyAward?
    /// True when the enterprise may apply now (the policy is in force, not eligible for an automatic grant, no open award).
    public let canApply: Bool
    /// Whether the policy applies in the data's latest month (in-force, not-yet, expired, withdrawn).
    public let status: PolicyStatus
}

/// 企业发展政策: keeps the policies, matches them against every enterprise, grants 免申即享 benefits and runs the
/// application → approval → payment steps.
public final class PolicyMatcher: Sendable {
    public let store: Store
    private let current = Mutex<PolicyMatches?>(nil)
    private let unparsable = Mutex<[(id: String, problem: String)]>([])

    /// Stored policies whose rule or formula no longer parses (left out of matching): reported at start and on the console.
    public var unparsablePolicies: [(id: String, problem: String)] { unparsable.withLock { $0 } }

    public init(store: Store) { self.store = store }

    /// The setting that records that the demo policies were seeded (so that they are seeded once, never again).
    public static let demoPoliciesKey = "demo.policies"

    /// The latest matching run.
    public var matches: PolicyMatches? { current.withLock { $0 } }

    /// Loads the policies (seeding the examples into an empty table), matches them against every enterprise of the
    /// cube, and grants what 免申即享 policies owe. Returns the matches and how many new grants were made.
    @discardableResult
    public func refresh(cube: IndicatorCube, catalog given: RegionCatalog? = nil) async throws -> (matches: PolicyMatches, newGrants: Int) {
        let catalog = given ?? cube.catalog
        var records = try await store.policies()
        // The example policies are demo content: only a database holding the (Jiangxi) demo dataset gets them, once; any
        // other database starts with none and imports its policy table (`brain reference import policies`).
        if records.isEmpty, catalog.provinceCode == "36", try await store.setting("demo.manifest") != nil,
           try await store.setting(Self.demoPoliciesKey) == nil {
            records = try PolicyTable.demo(year: cube.lastMonth.year)
            try await store.upsertPolicies(records)
            try await store.setSetting(Self.demoPoliciesKey, PolicyTable.demoFile)
        }
        var parsed: [ParsedPolicy] = [], broken: [(id: String, problem: String)] = []
        for r in records {
            do { parsed.append(try ParsedPolicy.parse(r)) } catch {
                broken.append((r.id, "\(error)"))
            }
        }
        unparsable.withLock { $0 = broken }
        let builder = EnterpriseFacts(cube: cube, catalog: catalog, qualifications: try await store.qualifications(validIn: cube.lastMonth),
                                      smartInvestment: try await store.investments(year: cube.lastMonth.month == 12 ? cube.lastMonth.year : cube.lastMonth.year - 1, kind: "smart"),
                                      digitalLevels: try await DiagnosisDesk.storedLevels(in: store),
                                      techUpgradeInvestment: EnterpriseFacts.techUpgrade(try await store.investmentProjects(),
                                                                                         year: cube.lastMonth.month == 12 ? cube.lastMonth.year : cube.lastMonth.year - 1))
        let facts = (0..<cube.firmCount).map(builder.facts(for:))
        let matches = PolicyMatches.run(policies: parsed, facts: facts)
        current.withLock { $0 = matches }
        let granted = try await grant(matches, cube: cube)
        return (matches, granted)
    }

    /// Creates a 免申即享 grant for every eligible enterprise of every automatic policy that has none yet and is in force in
    /// the data's latest month (an expired, not yet valid or withdrawn policy grants nothing).
    func grant(_ m: PolicyMatches, cube: IndicatorCube) async throws -> Int {
        let existing = Set(try await store.awards().map { $0.policyId + "|" + $0.uscc })
        var fresh: [PolicyAward] = []
        for (k, p) in m.policies.enumerated() where p.record.autoGrant && p.record.status(in: cube.lastMonth) == .inForce {
            for i in 0..<cube.firmCount where m.outcomes[k][i] == .eligible && !m.amounts[k][i].isNaN {
                let uscc = cube.firms[i].uscc
                guard !existing.contains(p.record.id + "|" + uscc) else { continue }
                let basis = String(decoding: try JSONEncoder().encode(p.rule.evaluate(m.facts[i])), as: UTF8.self)
                fresh.append(PolicyAward(id: "A-\(p.record.id)-\(uscc)", policyId: p.record.id, uscc: uscc, route: "auto", state: "granted",
                                         amount: m.amounts[k][i], basis: basis,
                                         history: [.init(state: "granted", by: "system", note: "免申即享：全部条件满足且数据完整")]))
            }
        }
        try await store.saveAwards(fresh)
        return fresh.count
    }

    /// Every policy read for one enterprise.
    public func matches(for uscc: String, cube: IndicatorCube) async throws -> [EnterprisePolicyMatch] {
        guard let m = matches, let i = cube.firmIndex[uscc], i < m.facts.count else { return [] }
        let awards = Dictionary(try await store.awards(uscc: uscc).map { ($0.policyId, $0) }, uniquingKeysWith: { a, _ in a })
        return m.policies.enumerated().map { k, p in
            let results = p.rule.evaluate(m.facts[i])
            let outcome = MatchOutcome.of(results)
            let amount = m.amounts[k][i].isNaN ? nil : m.amounts[k][i]
            let award = awards[p.record.id]
            let open = award.map { $0.state != "rejected" } ?? false
            return EnterprisePolicyMatch(policyId: p.record.id, policyName: p.record.name, category: p.record.category, autoGrant: p.record.autoGrant,
                                         outcome: outcome, criteria: results, amount: amount, award: award,
                                         canApply: !open && !(p.record.autoGrant && outcome == .eligible) && p.record.status(in: cube.lastMonth) == .inForce,
                                         status: p.record.status(in: cube.lastMonth))
        }
    }

    /// An enterprise applies for a policy (快申快享). Refused when it already has a grant or an open application, or when
    /// the policy grants it automatically; an application with unmet or unknown criteria is accepted for review and
    /// carries the criteria as its basis.
    public func apply(policy id: String, uscc: String, by user: String, note: String?, cube: IndicatorCube) async throws -> PolicyAward {
        let all = try await matches(for: uscc, cube: cube)
        guard let m = all.first(where: { $0.policyId == id }) else { throw PolicyProblem(field: "policy", description: "no policy \(id)") }
        if let record = matches?.policies.first(where: { $0.record.id == id })?.record, let why = record.notInForceReason(in: cube.lastMonth) {
            throw PolicyProblem(field: "policy", description: "cannot apply for \(id): \(why)")
        }
        guard m.canApply else {
            let why = m.award.map { "already \($0.state)" } ?? "granted automatically (免申即享)"
            throw PolicyProblem(field: "policy", description: "cannot apply for \(id): \(why)")
        }
        let award = PolicyAward(id: "A-\(id)-\(uscc)", policyId: id, uscc: uscc, route: "application", state: "applied", amount: PolicyAward.countable(m.amount),
                                basis: String(decoding: try JSONEncoder().encode(m.criteria), as: UTF8.self),
                                history: [.init(state: "applied", by: user, note: note)])
        try await store.saveAwards([award])
        return award
    }

    /// Moves an award on: `approved`/`rejected` from `applied`, `paid` from `approved` or `granted`.
    public func advance(award id: String, to state: String, by user: String, note: String?, amount: Double?) async throws -> PolicyAward {
        guard var a = try await store.award(id) else { throw PolicyProblem(field: "award", description: "no award \(id)") }
        let allowed: [String: [String]] = ["approved": ["applied"], "rejected": ["applied"], "paid": ["approved", "granted"]]
        guard let from = allowed[state] else { throw PolicyProblem(field: "state", description: "state must be approved, rejected or paid") }
        guard from.contains(a.state) else {
            throw PolicyProblem(field: "state", description: "award \(id) is \(a.state); only \(from.joined(separator: " or ")) awards can become \(state)")
        }
        if let amount {
            guard PolicyAward.countable(amount) != nil else {
                throw PolicyProblem(field: "amount", description: "must be a finite amount from \(Int(PolicyAward.amountRange.lowerBound)) to \(Int(PolicyAward.amountRange.upperBound)) 万元, got \(amount)")
            }
        }
        a.state = state
        if let amount { a.amount = amount }
        a.updatedAt = Timestamp.now()
        a.history.append(.init(state: state, by: user, note: note))
        try await store.saveAwards([a])
        return a
    }
}
