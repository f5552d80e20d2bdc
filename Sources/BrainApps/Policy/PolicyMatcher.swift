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
    /// True when the enterprise may apply now: a policy by application (not 免申即享), in force, and no award but a
    /// rejected one.
    public let canApply: Bool
    /// Whether the policy applies in the data's latest month (in-force, not-yet, expired, withdrawn).
    public let status: PolicyStatus
    /// 发文单位, 文号, the policy's content and its validity months.
    public var issuer: String = ""
    public var documentNo: String? = nil
    public var summary: String = ""
    public var validFrom: String = ""
    public var validUntil: String = ""
    /// The region scope by name (absent for the whole province).
    public var regionNames: [String]? = nil
    /// Why the enterprise cannot apply, in Chinese (nil when it can).
    public var applyNote: String? = nil
    /// The amount formula in Chinese ("上年营业收入的0.2%，最高100万元").
    public var amountRule: String? = nil
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
        } else if records.isEmpty {
            // Another refresh may have seeded the examples between our read and the setting's: it writes the policies
            // before the setting, so reading again sees them.
            records = try await store.policies()
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

    /// Creates a 免申即享 award waiting for review (待审核) for every eligible enterprise of every automatic policy that has
    /// none yet and is in force in the data's latest month (an expired, not yet valid or withdrawn policy grants nothing).
    /// Nothing is paid without review, 公示 and payment (`AwardFlow`).
    func grant(_ m: PolicyMatches, cube: IndicatorCube) async throws -> Int {
        let existing = Set(try await store.awards().map { $0.policyId + "|" + $0.uscc })
        let names = FactNames.standard(catalog: cube.catalog)
        var fresh: [PolicyAward] = []
        for (k, p) in m.policies.enumerated() where p.record.autoGrant && p.record.status(in: cube.lastMonth) == .inForce {
            for i in 0..<cube.firmCount where m.outcomes[k][i] == .eligible && !m.amounts[k][i].isNaN {
                let uscc = cube.firms[i].uscc
                guard !existing.contains(p.record.id + "|" + uscc) else { continue }
                let basis = String(decoding: try JSONEncoder().encode(p.rule.evaluate(m.facts[i], names: names)), as: UTF8.self)
                fresh.append(PolicyAward(id: "A-\(p.record.id)-\(uscc)", policyId: p.record.id, uscc: uscc, route: "auto", state: AwardState.pending.rawValue,
                                         amount: m.amounts[k][i], basis: basis,
                                         history: [.init(state: AwardState.pending.rawValue, by: "system", note: "免申即享：全部条件满足且数据完整，系统自动认定，待审核")]))
            }
        }
        try await store.saveAwards(fresh)
        return fresh.count
    }

    /// Every policy read for one enterprise.
    public func matches(for uscc: String, cube: IndicatorCube) async throws -> [EnterprisePolicyMatch] {
        guard let m = matches, let i = cube.firmIndex[uscc], i < m.facts.count else { return [] }
        let awards = Dictionary(try await store.awards(uscc: uscc).map { ($0.policyId, $0) }, uniquingKeysWith: { a, _ in a })
        let names = FactNames.standard(catalog: cube.catalog)
        return m.policies.enumerated().map { k, p in
            let results = p.rule.evaluate(m.facts[i], names: names)
            let outcome = MatchOutcome.of(results)
            let amount = m.amounts[k][i].isNaN ? nil : m.amounts[k][i]
            let award = awards[p.record.id]
            let status = p.record.status(in: cube.lastMonth)
            let note = Self.applyNote(p.record, status: status, award: award)
            var match = EnterprisePolicyMatch(policyId: p.record.id, policyName: p.record.name, category: p.record.category, autoGrant: p.record.autoGrant,
                                              outcome: outcome, criteria: results, amount: amount, award: award, canApply: note == nil, status: status)
            match.issuer = p.record.issuer
            match.documentNo = p.record.documentNo
            match.summary = p.record.summary
            match.validFrom = p.record.validFrom
            match.validUntil = p.record.validUntil
            match.regionNames = p.record.regions.map { $0.map { cube.catalog.region($0)?.name ?? $0 } }
            match.applyNote = note
            match.amountRule = p.formula.sentence()
            return match
        }
    }

    /// Why an enterprise cannot apply for a policy (nil when it can): 免申即享 needs no application, a policy out of force
    /// takes none, an award under way or paid is not applied for again (a rejected one may be).
    static func applyNote(_ record: PolicyRecord, status: PolicyStatus, award: PolicyAward?) -> String? {
        if record.autoGrant { return "免申即享：无需申报，条件满足且数据完整时系统自动认定，经审核、公示后拨付" }
        if status != .inForce { return "政策\(status.nameZh)，不受理申报" }
        if let award, let state = AwardState(stored: award.state), state != .rejected { return "已申报：\(state.nameZh)" }
        return nil
    }

    /// An enterprise applies for a policy (快申快享). Refused for a 免申即享 policy, a policy not in force, and when an award
    /// is already under way or paid; an application with unmet or unknown criteria is accepted for review and carries the
    /// criteria as its basis (officials see which failed). Applying again after a rejection reopens the same award, its
    /// history kept.
    public func apply(policy id: String, uscc: String, by user: String, note: String?, cube: IndicatorCube) async throws -> PolicyAward {
        let all = try await matches(for: uscc, cube: cube)
        guard let m = all.first(where: { $0.policyId == id }) else { throw PolicyProblem(field: "policy", description: "no policy \(id)") }
        if let record = matches?.policies.first(where: { $0.record.id == id })?.record, let why = record.notInForceReason(in: cube.lastMonth) {
            throw PolicyProblem(field: "policy", description: "cannot apply for \(id): \(why)")
        }
        guard m.canApply else {
            let why = m.autoGrant ? "granted automatically (免申即享), no application needed" : m.award.map { "already \($0.state)" } ?? "not open"
            throw PolicyProblem(field: "policy", description: "cannot apply for \(id): \(why)")
        }
        if let note, note.count > AwardFlow.maxNote {
            throw PolicyProblem(field: "note", description: "note has \(note.count) characters; at most \(AwardFlow.maxNote)")
        }
        let basis = String(decoding: try JSONEncoder().encode(m.criteria), as: UTF8.self)
        let step = PolicyAward.Step(state: AwardState.pending.rawValue, by: user, note: note)
        var award = PolicyAward(id: "A-\(id)-\(uscc)", policyId: id, uscc: uscc, route: "application", state: AwardState.pending.rawValue,
                                amount: PolicyAward.countable(m.amount), basis: basis, history: [step])
        if var earlier = m.award {
            earlier.state = AwardState.pending.rawValue
            earlier.amount = award.amount
            earlier.basis = basis
            earlier.publicityFrom = nil
            earlier.publicityUntil = nil
            earlier.updatedAt = step.at
            earlier.history.append(step)
            award = earlier
        }
        try await store.saveAwards([award])
        return award
    }
}
