/// The reading of one criterion for one enterprise (three-valued: unknown when data is missing).
public enum CriterionState: String, CaseIterable, Codable, Sendable {
    case met, unmet, unknown
}

/// One criterion read for one enterprise, with the reason in Chinese.
public struct CriterionResult: Codable, Sendable, Equatable {
    /// The criterion's source text, trimmed (lines of a multi-line criterion joined by a space, comments dropped).
    public let criterion: String
    public let state: CriterionState
    /// Why, in Chinese, e.g. "上年营业收入 1850万元，要求 ≥ 2000万元" or "缺少数据：研发费用占比".
    public let reason: String
    /// The criterion as a plain Chinese sentence with names ("上年营业收入不低于2000万元", "位于宜春市"); absent in
    /// results stored before the wording existed.
    public var sentence: String? = nil
    /// The enterprise's own values of the facts the criterion reads, by name ("上年营业收入 1850万元").
    public var value: String? = nil
    /// The keys of the facts the criterion needs that the enterprise lacks (empty unless the state is unknown).
    public var missing: [String]? = nil

    public init(criterion: String, state: CriterionState, reason: String, sentence: String? = nil, value: String? = nil, missing: [String]? = nil) {
        self.criterion = criterion
        self.state = state
        self.reason = reason
        self.sentence = sentence
        self.value = value
        self.missing = missing
    }
}

/// Why a rule or formula could not be read: where (1-based line and column, in Characters), what was expected and
/// what was found.
public struct RuleParseError: Error, CustomStringConvertible, Equatable {
    public let line: Int
    public let column: Int
    public let expected: String
    /// The offending text as written (a string keeps its quotes), or "end of line" / "end of rule" / "end of formula".
    public let found: String

    public init(line: Int, column: Int, expected: String, found: String) {
        self.line = line
        self.column = column
        self.expected = expected
        self.found = found
    }

    /// E.g. `line 2, column 14: expected a value after >=, found end of line`.
    public var description: String {
        let shown = found.hasPrefix("end of") || found.hasPrefix("\"") || found.hasPrefix("“") ? found : "\"\(found)\""
        return "line \(line), column \(column): expected \(expected), found \(shown)"
    }
}

/// A policy's eligibility rule: criteria, one per line, all of which must be met. See `RuleParser` for the language.
public struct PolicyRule: Sendable {
    public let source: String
    /// Each criterion's source text, trimmed.
    public let criteria: [String]
    let expressions: [RuleExpr]

    /// Reads a rule; throws the first error with its line and column.
    public static func parse(_ source: String) throws(RuleParseError) -> PolicyRule {
        var parser = RuleParser(source)
        let parsed = try parser.parseRule()
        return PolicyRule(source: source, criteria: parsed.map(\.text), expressions: parsed.map(\.expression))
    }

    /// Reads every criterion for one enterprise, in order, with its state, Chinese reason, sentence and the firm's values
    /// (codes named through `names`).
    public func evaluate(_ facts: Facts, names: FactNames = .codes) -> [CriterionResult] {
        zip(criteria, expressions).map { text, expression in
            let state = expression.state(facts)
            return CriterionResult(criterion: text, state: state, reason: expression.reason(facts, state, names), sentence: expression.sentence(names, nested: false),
                                   value: expression.values(facts, names), missing: state == .unknown ? expression.missing(facts) : [])
        }
    }

    /// The states alone (no reasons): cheaper when only the outcome is needed.
    public func states(_ facts: Facts) -> [CriterionState] {
        expressions.map { $0.state(facts) }
    }

    /// The keys of the facts the rule reads, in order of first use.
    public var fields: [String] {
        var seen: [String] = []
        for e in expressions { e.collectFields(into: &seen) }
        return seen
    }
}
