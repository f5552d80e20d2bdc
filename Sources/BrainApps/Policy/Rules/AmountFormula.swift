// AMOUNT FORMULAS
// ===============
//
// A policy's amount (万元) is arithmetic over number facts and numbers:
//
//     50
//     min(investment_smart * 0.1, 500)          # 10% of the investment, at most 500
//     min(rd_expense_last_year * 0.05, 100)
//     round(max(employees * 0.1, 5) + 2)        # round(x) to a whole number; round(x, 2) to two decimals
//
// Operators `+ - * /` (also × ÷) with the usual precedence, parentheses, unary minus, and the functions `min(a, b, …)`,
// `max(a, b, …)` and `round(x)` / `round(x, digits)`. Only number fields of `FactCatalog` may be used. `#` starts a
// comment; line breaks are white space. The amount is unknown (nil) when a fact it reads is missing, on division by
// zero, or when the result is not a finite number.

/// A policy's amount formula: arithmetic over number facts (万元 unless the policy says otherwise).
public struct AmountFormula: Sendable {
    public let source: String
    let expression: FormulaExpr

    /// Reads a formula; throws the first error with its line and column.
    public static func parse(_ source: String) throws(RuleParseError) -> AmountFormula {
        var parser = FormulaParser(tokens: try RuleLexer(source, rule: false).tokenize())
        let expression = try parser.parseExpression()
        guard parser.token.kind == .endOfInput else {
            throw parser.fail(parser.token.isSymbol(")") ? "end of formula (this ) has no matching ()" : "an operator (+, -, *, /) or end of formula")
        }
        return AmountFormula(source: source, expression: expression)
    }

    /// The amount for one enterprise; nil when a needed fact is unknown or on division by zero.
    public func evaluate(_ facts: Facts) -> Double? {
        guard let v = expression.value(facts), v.isFinite else { return nil }
        return v
    }

    /// The keys of the facts the formula reads, in order of first use.
    public var fields: [String] {
        var seen: [String] = []
        expression.collectFields(into: &seen)
        return seen
    }
}

/// A parsed amount formula.
indirect enum FormulaExpr: Sendable {
    case number(Double)
    case field(String)
    case negate(FormulaExpr)
    case add(FormulaExpr, FormulaExpr)
    case subtract(FormulaExpr, FormulaExpr)
    case multiply(FormulaExpr, FormulaExpr)
    case divide(FormulaExpr, FormulaExpr)
    case min([FormulaExpr])
    case max([FormulaExpr])
    case round(FormulaExpr, digits: FormulaExpr?)

    func value(_ facts: Facts) -> Double? {
        switch self {
        case .number(let n): return n
        case .field(let key):
            guard case .number(let x) = facts[key] else { return nil }
            return x
        case .negate(let a): return a.value(facts).map { -$0 }
        case .add(let a, let b): return Self.both(a, b, facts, +)
        case .subtract(let a, let b): return Self.both(a, b, facts, -)
        case .multiply(let a, let b): return Self.both(a, b, facts, *)
        case .divide(let a, let b):
            guard let x = a.value(facts), let y = b.value(facts), y != 0 else { return nil }
            return x / y
        case .min(let args): return Self.fold(args, facts, Swift.min)
        case .max(let args): return Self.fold(args, facts, Swift.max)
        case .round(let a, let digits):
            guard let x = a.value(facts) else { return nil }
            guard let digits else { return x.rounded(.toNearestOrAwayFromZero) }
            guard let d = digits.value(facts), d.isFinite, abs(d) <= 12 else { return nil }
            let scale = pow10(Int(d.rounded()))
            return (x * scale).rounded(.toNearestOrAwayFromZero) / scale
        }
    }

    private func pow10(_ n: Int) -> Double {
        var s = 1.0
        for _ in 0..<abs(n) { s *= 10 }
        return n < 0 ? 1 / s : s
    }

    private static func both(_ a: FormulaExpr, _ b: FormulaExpr, _ facts: Facts, _ f: (Double, Double) -> Double) -> Double? {
        guard let x = a.value(facts), let y = b.value(facts) else { return nil }
        return f(x, y)
    }

    private static func fold(_ args: [FormulaExpr], _ facts: Facts, _ f: (Double, Double) -> Double) -> Double? {
        var result: Double?
        for a in args {
            guard let v = a.value(facts) else { return nil }
            result = result.map { f($0, v) } ?? v
        }
        return result
    }

    func collectFields(into seen: inout [String]) {
        switch self {
        case .number: break
        case .field(let key): if !seen.contains(key) { seen.append(key) }
        case .negate(let a): a.collectFields(into: &seen)
        case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b), .divide(let a, let b):
            a.collectFields(into: &seen); b.collectFields(into: &seen)
        case .min(let args), .max(let args): for a in args { a.collectFields(into: &seen) }
        case .round(let a, let digits): a.collectFields(into: &seen); digits?.collectFields(into: &seen)
        }
    }
}

/// Recursive-descent reader for formulas: sum → product → unary → primary.
struct FormulaParser {
    let tokens: [RuleToken]
    var position = 0

    var token: RuleToken { tokens[position] }

    mutating func advance() -> RuleToken {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    func fail(_ expected: String, at t: RuleToken? = nil) -> RuleParseError {
        let t = t ?? token
        return RuleParseError(line: t.line, column: t.column, expected: expected, found: t.text)
    }

    mutating func parseExpression() throws(RuleParseError) -> FormulaExpr {
        var left = try parseProduct()
        while token.isSymbol("+") || token.isSymbol("-") {
            let plus = advance().value == "+"
            let right = try parseProduct()
            left = plus ? .add(left, right) : .subtract(left, right)
        }
        return left
    }

    mutating func parseProduct() throws(RuleParseError) -> FormulaExpr {
        var left = try parseUnary()
        while token.isSymbol("*") || token.isSymbol("/") {
            let times = advance().value == "*"
            let right = try parseUnary()
            left = times ? .multiply(left, right) : .divide(left, right)
        }
        return left
    }

    mutating func parseUnary() throws(RuleParseError) -> FormulaExpr {
        if token.isSymbol("-") {
            _ = advance()
            return .negate(try parseUnary())
        }
        if token.isSymbol("+") { _ = advance() }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws(RuleParseError) -> FormulaExpr {
        let t = token
        switch t.kind {
        case .number:
            guard !t.percent else { throw fail("a plain number (write 0.05 rather than 5%)") }
            _ = advance()
            return .number(t.number ?? 0)
        case .symbol where t.value == "(":
            _ = advance()
            let inner = try parseExpression()
            guard token.isSymbol(")") else {
                throw fail("an operator or ) to close the ( at line \(t.line), column \(t.column)")
            }
            _ = advance()
            return inner
        case .word:
            _ = advance()
            if let function = t.keyword, ["min", "max", "round"].contains(function) {
                return try parseCall(function, name: t)
            }
            guard let field = FactCatalog.field(t.value) else {
                if token.isSymbol("(") { throw fail("a function (min, max, round)", at: t) }
                if let guess = FactCatalog.suggestion(for: t.value) { throw fail("a known field (did you mean \(guess)?)", at: t) }
                throw fail("a number field (revenue_last_year, rd_expense_last_year, investment_smart, employees, …)", at: t)
            }
            guard field.kind == .number else {
                throw fail("a number field (\(field.key) is not a number)", at: t)
            }
            return .field(field.key)
        default:
            throw fail("a number, a field, a function or (")
        }
    }

    mutating func parseCall(_ function: String, name: RuleToken) throws(RuleParseError) -> FormulaExpr {
        guard token.isSymbol("(") else { throw fail("( after \(name.text)") }
        let open = advance()
        var args = [try parseExpression()]
        while token.isSymbol(",") {
            _ = advance()
            args.append(try parseExpression())
        }
        guard token.isSymbol(")") else {
            throw fail("an operator, , or ) to close the ( at line \(open.line), column \(open.column)")
        }
        let close = advance()
        switch function {
        case "min": return .min(args)
        case "max": return .max(args)
        default:
            guard args.count <= 2 else { throw fail("round(x) or round(x, digits)", at: close) }
            return .round(args[0], digits: args.count == 2 ? args[1] : nil)
        }
    }
}
