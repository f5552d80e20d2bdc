/// A parsed criterion: comparisons joined by and/or. `not` is pushed down into the comparisons when parsing
/// (De Morgan holds in three-valued logic), so reasons can say "不包含" rather than negate a sentence.
indirect enum RuleExpr: Sendable {
    case compare(RuleComparison)
    /// `and`: met when every part is met.
    case all([RuleExpr])
    /// `or`: met when any part is met.
    case any([RuleExpr])

    func inverted() -> RuleExpr {
        switch self {
        case .compare(let c): .compare(c.inverted())
        case .all(let parts): .any(parts.map { $0.inverted() })
        case .any(let parts): .all(parts.map { $0.inverted() })
        }
    }

    func collectFields(into seen: inout [String]) {
        switch self {
        case .compare(let c): if !seen.contains(c.field.key) { seen.append(c.field.key) }
        case .all(let parts), .any(let parts): for p in parts { p.collectFields(into: &seen) }
        }
    }
}

/// One comparison of a fact with literal values, already checked against the field's kind.
struct RuleComparison: Sendable {
    enum Op: Sendable, Equatable {
        case eq, ne, gt, ge, lt, le
        /// `in [..]`: the text (or any list element, or the number) equals one of the values.
        case isIn
        /// `has x`: the list contains x.
        case has
        case hasAny, hasAll
        /// `prefix [..]`: the text (or any list element) starts with one of the values.
        case prefix
    }

    /// The literal side, typed by the field's kind.
    enum Target: Sendable {
        case numbers([Double])
        case texts([String])
        case flag(Bool)
    }

    let field: FactCatalog.Field
    let op: Op
    let target: Target
    /// For `in`, `has`, `has any`, `has all` and `prefix`: the result is inverted (`not in`, `not (x has y)`).
    let negated: Bool

    func inverted() -> RuleComparison {
        if case .flag(let b) = target {
            return RuleComparison(field: field, op: .eq, target: .flag(op == .eq ? !b : b), negated: false)
        }
        let flipped: Op? = switch op {
        case .eq: .ne
        case .ne: .eq
        case .gt: .le
        case .ge: .lt
        case .lt: .ge
        case .le: .gt
        default: nil
        }
        if let flipped { return RuleComparison(field: field, op: flipped, target: target, negated: false) }
        return RuleComparison(field: field, op: op, target: target, negated: !negated)
    }

    /// The operator as written in Chinese reasons.
    var symbol: String {
        switch op {
        case .eq: "="
        case .ne: "≠"
        case .gt: ">"
        case .ge: "≥"
        case .lt: "<"
        case .le: "≤"
        default: ""
        }
    }
}
