import BrainCore
import BrainData
import BrainStore
import Dispatch
import Foundation
import Synchronization

/// One policy parsed: its record, criteria and amount formula.
public struct ParsedPolicy: Sendable {
    public let record: PolicyRecord
    public let rule: PolicyRule
    public let formula: AmountFormula
}

/// Overall reading of a policy for one enterprise.
public enum MatchOutcome: String, Codable, Sendable, CaseIterable {
    /// Every criterion met.
    case eligible
    /// At least one criterion unmet.
    case ineligible
    /// None unmet, some unknown (data missing).
    case incomplete

    static func of(_ results: [CriterionResult]) -> MatchOutcome { of(states: results.map(\.state)) }

    static func of(states: [CriterionState]) -> MatchOutcome {
        if states.contains(.unmet) { return .ineligible }
        if states.contains(.unknown) { return .incomplete }
        return .eligible
    }
}

/// The result of matching every policy against every enterprise: the outcome and amount per pair, kept compact.
public final class PolicyMatches: Sendable {
    public let policies: [ParsedPolicy]
    public let facts: [Facts]
    /// `outcomes[p][firm]`.
    public let outcomes: [[MatchOutcome]]
    /// `amounts[p][firm]` (NaN when not computable).
    public let amounts: [[Double]]
    public let duration: Duration

    init(policies: [ParsedPolicy], facts: [Facts], outcomes: [[MatchOutcome]], amounts: [[Double]], duration: Duration) {
        self.policies = policies
        self.facts = facts
        self.outcomes = outcomes
        self.amounts = amounts
        self.duration = duration
    }

    /// Matches every policy against every enterprise, spreading the work over `threads`.
    public static func run(policies: [ParsedPolicy], facts: [Facts], threads: Int = 2) -> PolicyMatches {
        let clock = ContinuousClock()
        let start = clock.now
        let n = facts.count
        let slots = Mutex<[Int: ([[MatchOutcome]], [[Double]])]>([:])
        let workers = max(1, threads)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = n * w / workers, hi = n * (w + 1) / workers
            var outs = Array(repeating: [MatchOutcome](), count: policies.count)
            var amts = Array(repeating: [Double](), count: policies.count)
            for (k, p) in policies.enumerated() {
                outs[k].reserveCapacity(hi - lo)
                amts[k].reserveCapacity(hi - lo)
                for i in lo..<hi {
                    let outcome = MatchOutcome.of(states: p.rule.states(facts[i]))
                    outs[k].append(outcome)
                    // A formula result outside the award range (negative, infinite, absurdly large) is no amount: the firm is
                    // not granted automatically and an official sees the amount as unknown.
                    amts[k].append(outcome == .eligible ? (PolicyAward.countable(p.formula.evaluate(facts[i])) ?? .nan) : .nan)
                }
            }
            slots.withLock { $0[w] = (outs, amts) }
        }
        let parts = slots.withLock { $0 }
        var outcomes = Array(repeating: [MatchOutcome](), count: policies.count)
        var amounts = Array(repeating: [Double](), count: policies.count)
        for w in 0..<workers {
            guard let part = parts[w] else { continue }
            for k in 0..<policies.count {
                outcomes[k] += part.0[k]
                amounts[k] += part.1[k]
            }
        }
        return PolicyMatches(policies: policies, facts: facts, outcomes: outcomes, amounts: amounts, duration: clock.now - start)
    }
}

extension ParsedPolicy {
    /// Checks the amount formula against every enterprise's facts: every result must lie in `PolicyAward.amountRange`.
    /// Returns a problem naming how many firms fail and one example, or nil.
    public func amountProblem(facts: [Facts], names: (Int) -> String) -> PolicyProblem? {
        var bad = 0, example: (Int, Double)?
        for i in facts.indices {
            guard let v = formula.evaluate(facts[i]) else { continue }
            if PolicyAward.countable(v) == nil { bad += 1; if example == nil { example = (i, v) } }
        }
        guard let (i, v) = example else { return nil }
        let lo = PolicyAward.amountRange.lowerBound, hi = PolicyAward.amountRange.upperBound
        return PolicyProblem(field: "formula", description: "the formula gives \(v) 万元 for \(names(i)) and an amount outside \(Int(lo))…\(Int(hi)) 万元 for \(bad) enterprise(s); amounts must not be negative")
    }
}

/// Why a policy could not be saved or used.
public struct PolicyProblem: Error, CustomStringConvertible {
    public let field: String
    public let description: String
}

extension ParsedPolicy {
    /// Parses a stored policy; errors name the field (`rule` or `formula`) with line and column.
    public static func parse(_ record: PolicyRecord) throws -> ParsedPolicy {
        var rule: PolicyRule
        do { rule = try PolicyRule.parse(record.rule) } catch { throw PolicyProblem(field: "rule", description: error.description) }
        if let regions = record.regions, !regions.isEmpty {
            // The region scope is one more criterion, after the rule's own (its lines keep their numbers in errors).
            let scope = "region has any [" + regions.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
            do { rule = try PolicyRule.parse(record.rule + "\n" + scope) } catch {
                throw PolicyProblem(field: "regions", description: error.description)
            }
        }
        let formula: AmountFormula
        do { formula = try AmountFormula.parse(record.formula) } catch { throw PolicyProblem(field: "formula", description: error.description) }
        return ParsedPolicy(record: record, rule: rule, formula: formula)
    }
}
