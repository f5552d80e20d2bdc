/// One token of a rule or formula, with its 1-based line and column (in Characters) and its place in the source.
struct RuleToken: Sendable {
    enum Kind: Sendable, Equatable {
        /// A bare word: field name, keyword or unquoted value (`size`, `and`, `small`, `且`, `NEWENERGY-01`).
        case word
        /// A number; `text` keeps its spelling (with any trailing `%`).
        case number
        /// A double-quoted string; `value` holds the text without quotes.
        case string
        /// An operator or punctuation: `= != > >= < <= + - * / ( ) [ ] ,` (aliases already mapped).
        case symbol
        /// The end of a line that ends a criterion.
        case endOfLine
        case endOfInput
    }

    let kind: Kind
    /// The token as written (for `found` in errors).
    let text: String
    /// Normalised value: the string without quotes, the canonical operator (`≥` → `>=`), the number without `%`.
    let value: String
    let number: Double?
    let percent: Bool
    let line: Int
    let column: Int
    /// Character offsets of the token in the source, `start..<end`.
    let start: Int
    let end: Int

    /// Lower-cased word, for keyword checks.
    var keyword: String? { kind == .word ? value.lowercased() : nil }

    func isSymbol(_ s: String) -> Bool { kind == .symbol && value == s }

    func isKeyword(_ words: Set<String>) -> Bool {
        guard let k = keyword else { return false }
        return words.contains(k)
    }
}

/// Keyword spellings shared by the lexer and parser.
enum RuleWords {
    static let and: Set<String> = ["and", "且"]
    static let or: Set<String> = ["or", "或"]
    static let not: Set<String> = ["not", "非"]
    static let truthy: Set<String> = ["true", "是"]
    static let falsy: Set<String> = ["false", "否"]
    /// Words that are never values or fields.
    static let reserved: Set<String> = and.union(or).union(not).union(["in", "has", "prefix"])
}

/// Splits rule or formula text into tokens. Comments run from `#` to the end of the line. In rules, the end of a line
/// ends a criterion unless brackets are open or the line ends with `and`/`or`/`not` or the next line starts with
/// `and`/`or`; in formulas ends of lines are plain white space.
struct RuleLexer {
    let chars: [Character]
    /// Rules keep `-` inside bare words (`NEWENERGY-01`); formulas treat it as minus.
    let dashInWords: Bool
    let lineEnds: Bool

    static let symbolAliases: [Character: String] = [
        "≥": ">=", "≤": "<=", "≠": "!=", "（": "(", "）": ")", "，": ",", "【": "[", "】": "]",
        "=": "=", ">": ">", "<": "<", "(": "(", ")": ")", "[": "[", "]": "]", ",": ",",
        "+": "+", "-": "-", "*": "*", "/": "/", "×": "*", "÷": "/",
    ]

    init(_ source: String, rule: Bool) {
        chars = Array(source)
        dashInWords = rule
        lineEnds = rule
    }

    static func isAsciiWord(_ c: Character) -> Bool {
        guard let a = c.asciiValue else { return false }
        return (a >= 48 && a <= 57) || (a >= 65 && a <= 90) || (a >= 97 && a <= 122) || a == 95
    }

    static func isDigit(_ c: Character) -> Bool {
        guard let a = c.asciiValue else { return false }
        return a >= 48 && a <= 57
    }

    /// Chinese (and other non-ASCII) letters form their own words, so `1000或output_growth` splits at `或`.
    static func isWideLetter(_ c: Character) -> Bool {
        c.asciiValue == nil && c.isLetter
    }

    func tokenize() throws(RuleParseError) -> [RuleToken] {
        var raw: [RuleToken] = []
        var i = 0, line = 1, lineStart = 0
        var lastEnd: (column: Int, offset: Int)?
        func endLine(at offset: Int) {
            if let last = lastEnd, lineEnds {
                raw.append(RuleToken(kind: .endOfLine, text: "end of line", value: "", number: nil, percent: false,
                                     line: line, column: last.column, start: last.offset, end: last.offset))
            }
            lastEnd = nil
        }
        while i < chars.count {
            let c = chars[i]
            let column = i - lineStart + 1
            if c.isNewline {
                endLine(at: i)
                i += 1; line += 1; lineStart = i
                continue
            }
            if c.isWhitespace { i += 1; continue }
            if c == "#" {
                while i < chars.count, !chars[i].isNewline { i += 1 }
                continue
            }
            let start = i
            var kind = RuleToken.Kind.word, value = "", number: Double?, percent = false
            if c == "\"" || c == "“" {
                let close: Character = c == "\"" ? "\"" : "”"
                i += 1
                while i < chars.count, chars[i] != close, !chars[i].isNewline { i += 1 }
                guard i < chars.count, chars[i] == close else {
                    throw RuleParseError(line: line, column: column, expected: "a closing \(close) for this text", found: "end of line")
                }
                value = String(chars[(start + 1)..<i])
                kind = .string
                i += 1
            } else if Self.isDigit(c) || (c == "." && i + 1 < chars.count && Self.isDigit(chars[i + 1])) {
                while i < chars.count, Self.isDigit(chars[i]) || chars[i] == "." { i += 1 }
                if i < chars.count, Self.isAsciiWord(chars[i]) || (dashInWords && chars[i] == "-") {
                    while i < chars.count, Self.isAsciiWord(chars[i]) || (dashInWords && chars[i] == "-") { i += 1 }
                    value = String(chars[start..<i])
                } else {
                    value = String(chars[start..<i])
                    guard let n = Double(value) else {
                        throw RuleParseError(line: line, column: column, expected: "a number", found: value)
                    }
                    kind = .number; number = n
                    if i < chars.count, chars[i] == "%" || chars[i] == "％" { percent = true; i += 1 }
                }
            } else if Self.isAsciiWord(c) {
                while i < chars.count, Self.isAsciiWord(chars[i]) || (dashInWords && chars[i] == "-") { i += 1 }
                value = String(chars[start..<i])
            } else if Self.isWideLetter(c) {
                while i < chars.count, Self.isWideLetter(chars[i]) { i += 1 }
                value = String(chars[start..<i])
            } else if let symbol = Self.symbolAliases[c] {
                kind = .symbol
                i += 1
                value = symbol
                if i < chars.count, chars[i] == "=", ["<", ">", "="].contains(symbol) {
                    i += 1   // <= >= ==
                    if symbol != "=" { value = symbol + "=" }
                }
            } else if c == "!" && i + 1 < chars.count && chars[i + 1] == "=" {
                kind = .symbol; value = "!="; i += 2
            } else {
                throw RuleParseError(line: line, column: column, expected: "a field, value or operator", found: String(c))
            }
            raw.append(RuleToken(kind: kind, text: String(chars[start..<i]), value: value, number: number, percent: percent,
                                 line: line, column: column, start: start, end: i))
            lastEnd = (i - lineStart + 1, i)
        }
        endLine(at: i)
        raw.append(RuleToken(kind: .endOfInput, text: "end of \(lineEnds ? "rule" : "formula")", value: "", number: nil,
                             percent: false, line: line, column: i - lineStart + 1, start: i, end: i))
        return lineEnds ? Self.joinContinuations(raw) : raw
    }

    /// Drops the ends of line that do not end a criterion: inside brackets, after `and`/`or`/`not`, and before a line
    /// starting with `and`/`or`.
    static func joinContinuations(_ tokens: [RuleToken]) -> [RuleToken] {
        var out: [RuleToken] = []
        out.reserveCapacity(tokens.count)
        var depth = 0
        let joiners = RuleWords.and.union(RuleWords.or)
        for (k, t) in tokens.enumerated() {
            if t.kind == .endOfLine {
                let previous = out.last
                let next = tokens[(k + 1)...].first { $0.kind != .endOfLine }
                if depth > 0 || previous?.isKeyword(joiners.union(RuleWords.not)) == true || next?.isKeyword(joiners) == true {
                    continue
                }
            }
            if t.isSymbol("(") || t.isSymbol("[") { depth += 1 }
            if (t.isSymbol(")") || t.isSymbol("]")) && depth > 0 { depth -= 1 }
            out.append(t)
        }
        return out
    }
}
