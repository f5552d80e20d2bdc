// THE POLICY RULE LANGUAGE
// ========================
//
// A rule is a list of criteria, one per line. An enterprise qualifies for the policy when every criterion is met.
// Blank lines are ignored, and `#` starts a comment that runs to the end of the line.
//
//     # 专精特新中小企业认定（示意）
//     size in [small, medium]                      # 中小企业
//     founded_years >= 2                           # 成立 2 年以上
//     rd_share_last_year >= 3%                     # 研发费用占比不低于 3%（% 可写可不写）
//     revenue_last_year >= 1000 or output_growth >= 5
//     qualifications has "高新技术企业"
//     not (qualifications has "失信企业")
//
// Comparisons (the field names are the keys of `FactCatalog.fields`):
//
//     revenue_last_year >= 2000        numbers: =  !=  >  >=  <  <=   (also ≥ ≤ ≠, and == for =)
//     employees in [50, 100]           a number equal to one of these
//     size = small                     text: = and != ; `size` takes large / medium / small / micro (or 大型 …)
//     size in [small, medium]          text equal to one of these; list: any element is one of these
//     size not in [micro]              any in / has / prefix can be negated with `not` (or 非) after the field
//     above_scale = true               flags: = or != with true / false / 是 / 否; `above_scale` alone means = true
//     qualifications has "专精特新"     list contains the value
//     chains has any ["NFM", "ELEC"]   list contains at least one of them
//     qualifications has all ["高新技术企业", "专精特新"]   list contains every one of them
//     industry prefix ["38", "39"]     text, or any list element, starts with one of them
//
// Values are numbers (`2000`, `3.5`, `-5`; a trailing `%` is allowed and ignored), text in double quotes (`"专精特新"`,
// also “…”), or bare words of letters, digits, `-` and `_` (`small`, `NEWENERGY-01`); Chinese text may be bare when it
// stands apart (`qualifications has 专精特新`) but quoting it is clearer. A single value may stand where a list is
// expected (`industry prefix "38"`).
//
// Criteria combine comparisons with `and`, `or`, `not` and parentheses (also 且, 或, 非). `not` binds tightest, then
// `and`, then `or`:  `a or b and not c`  reads  `a or (b and (not c))`.  A criterion continues on the next line when
// a line ends with `and` / `or` / `not`, when brackets are still open, or when the next line starts with `and` / `or`:
//
//     revenue_last_year >= 1000 or
//         output_growth >= 5
//     (region has "360900"
//      or region has "360500")
//
// Missing data: a comparison on a fact the platform does not have is "unknown". Unknown combines as in Kleene
// logic: `unmet and unknown` is unmet, `met or unknown` is met, otherwise unknown stays unknown; `not unknown` is
// unknown. A criterion is met, unmet or unknown, and the policy outcome follows from its criteria.
//
// Errors name the line and column (1-based, counting characters) where reading stopped, what was expected there and
// what was found, e.g. `line 2, column 21: expected a value after >=, found end of line`. A missing piece at the end
// of a line is reported at the column just after the line's last token.

/// Reads rule text into criteria. One instance per parse.
struct RuleParser {
    /// One criterion as parsed: its normalised source text and expression.
    struct Criterion {
        let text: String
        let expression: RuleExpr
    }

    let source: String
    private let chars: [Character]
    private var tokens: [RuleToken] = []
    var position = 0

    init(_ source: String) {
        self.source = source
        chars = Array(source)
    }

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

    mutating func parseRule() throws(RuleParseError) -> [Criterion] {
        tokens = try RuleLexer(source, rule: true).tokenize()
        var criteria: [Criterion] = []
        while token.kind != .endOfInput {
            let first = position
            let expression = try parseOr()
            let last = position - 1
            switch token.kind {
            case .endOfLine: _ = advance()
            case .endOfInput: break
            default:
                if token.isSymbol(")") { throw fail("end of line (this ) has no matching ()") }
                if token.isKeyword(["万", "万元", "元", "亿", "亿元", "人", "年", "级", "个"]) {
                    throw fail("and, or or end of line (write the number without a unit; amounts are in 万元)")
                }
                throw fail("and, or or end of line")
            }
            criteria.append(Criterion(text: text(from: first, to: last), expression: expression))
        }
        if criteria.isEmpty { throw fail("at least one criterion") }
        return criteria
    }

    /// The source of tokens `first...last`, each line's part trimmed, joined by a space (comments are left out).
    func text(from first: Int, to last: Int) -> String {
        var pieces: [String] = []
        var k = first
        while k <= last {
            let line = tokens[k].line
            var end = k
            while end + 1 <= last, tokens[end + 1].line == line { end += 1 }
            pieces.append(String(chars[tokens[k].start..<tokens[end].end]))
            k = end + 1
        }
        return pieces.joined(separator: " ")
    }

    mutating func parseOr() throws(RuleParseError) -> RuleExpr {
        var parts = [try parseAnd()]
        while token.isKeyword(RuleWords.or) {
            _ = advance()
            parts.append(try parseAnd())
        }
        return parts.count == 1 ? parts[0] : .any(parts)
    }

    mutating func parseAnd() throws(RuleParseError) -> RuleExpr {
        var parts = [try parseNot()]
        while token.isKeyword(RuleWords.and) {
            _ = advance()
            parts.append(try parseNot())
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    mutating func parseNot() throws(RuleParseError) -> RuleExpr {
        if token.isKeyword(RuleWords.not) {
            _ = advance()
            return try parseNot().inverted()
        }
        if token.isSymbol("(") {
            let open = advance()
            let inner = try parseOr()
            guard token.isSymbol(")") else {
                throw fail("and, or or ) to close the ( at line \(open.line), column \(open.column)")
            }
            _ = advance()
            return inner
        }
        return .compare(try parseComparison())
    }

    /// Values after `in`, `has any`, `has all`, `prefix`: `[v1, v2, …]` or a single value.
    mutating func parseValues(after label: String) throws(RuleParseError) -> [RuleToken] {
        guard token.isSymbol("[") else { return [try parseValue(after: label)] }
        let open = advance()
        var values = [try parseValue(after: "[ (a list needs at least one value)")]
        while token.isSymbol(",") {
            _ = advance()
            values.append(try parseValue(after: "a comma"))
        }
        guard token.isSymbol("]") else {
            throw fail(", or ] to close the [ at line \(open.line), column \(open.column)")
        }
        _ = advance()
        return values
    }

    /// One literal value: number (with an optional leading minus), quoted text or bare word.
    mutating func parseValue(after label: String) throws(RuleParseError) -> RuleToken {
        let t = token
        switch t.kind {
        case .number, .string:
            return advance()
        case .word where !t.isKeyword(RuleWords.reserved):
            return advance()
        case .symbol where t.value == "-":
            let minus = advance()
            guard token.kind == .number, let n = token.number else { throw fail("a number after -") }
            let digits = advance()
            return RuleToken(kind: .number, text: "-" + digits.text, value: "-" + digits.value, number: -n,
                             percent: digits.percent, line: minus.line, column: minus.column, start: minus.start,
                             end: digits.end)
        default:
            throw fail("a value after \(label)")
        }
    }
}
