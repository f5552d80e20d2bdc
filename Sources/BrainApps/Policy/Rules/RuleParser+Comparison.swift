extension RuleParser {
    static let someFields = "size, above_scale, industry, qualifications, revenue_last_year, …"

    /// `field op value(s)`, `field not in|has|prefix value(s)`, or a flag field alone.
    mutating func parseComparison() throws(RuleParseError) -> RuleComparison {
        let name = token
        guard name.kind == .word, !name.isKeyword(RuleWords.reserved) else {
            throw fail("a field name (\(Self.someFields))")
        }
        guard let field = FactCatalog.field(name.value) else {
            if let guess = FactCatalog.suggestion(for: name.value) {
                throw fail("a known field (did you mean \(guess)?)")
            }
            throw fail("a known field (\(Self.someFields))")
        }
        _ = advance()
        var negate = false
        if token.isKeyword(RuleWords.not) {
            _ = advance()
            negate = true
            guard token.isKeyword(["in", "has", "prefix"]) else { throw fail("in, has or prefix after not") }
        }
        let opToken = token
        if field.kind == .flag, !negate, endsComparison(opToken) {
            return RuleComparison(field: field, op: .eq, target: .flag(true), negated: false)
        }
        var label = opToken.text
        let op: RuleComparison.Op
        switch opToken.keyword ?? (opToken.kind == .symbol ? opToken.value : "") {
        case "=": op = .eq
        case "!=": op = .ne
        case ">": op = .gt
        case ">=": op = .ge
        case "<": op = .lt
        case "<=": op = .le
        case "in": op = .isIn
        case "prefix": op = .prefix
        case "has":
            _ = advance()
            switch token.keyword {
            case "any": op = .hasAny
            case "all": op = .hasAll
            default: op = .has; position -= 1
            }
            if op != .has { label = "has \(token.text)" }
        default:
            throw fail("\(Self.allowed(field.kind)) after \(field.key)", at: opToken)
        }
        if !Self.ops(field.kind).contains(op) {
            throw fail("\(Self.allowed(field.kind)) (\(field.key) is \(Self.kindName(field.kind)))", at: opToken)
        }
        _ = advance()
        let single: Set<RuleComparison.Op> = [.eq, .ne, .gt, .ge, .lt, .le, .has]
        let values = single.contains(op) ? [try parseValue(after: label)] : try parseValues(after: label)
        return RuleComparison(field: field, op: op, target: try target(field, op, values), negated: negate)
            .normalisedFlag()
    }

    func endsComparison(_ t: RuleToken) -> Bool {
        t.kind == .endOfLine || t.kind == .endOfInput || t.isSymbol(")") || t.isKeyword(RuleWords.and.union(RuleWords.or))
    }

    /// Types the literal values by the field's kind.
    func target(_ field: FactCatalog.Field, _ op: RuleComparison.Op, _ values: [RuleToken]) throws(RuleParseError) -> RuleComparison.Target {
        switch field.kind {
        case .number:
            var numbers: [Double] = []
            for v in values {
                guard v.kind == .number, let n = v.number else {
                    throw fail("a number (\(field.key) is a number field)", at: v)
                }
                numbers.append(n)
            }
            return .numbers(numbers)
        case .flag:
            let v = values[0]
            let word = v.kind == .number ? "" : v.value.lowercased()
            if RuleWords.truthy.contains(word) { return .flag(true) }
            if RuleWords.falsy.contains(word) { return .flag(false) }
            throw fail("true, false, 是 or 否 (\(field.key) is a yes/no field)", at: v)
        case .text, .list:
            var texts: [String] = []
            for v in values {
                var text = v.kind == .number ? v.text : v.value
                if !field.valueNames.isEmpty {
                    if let code = field.valueNames.first(where: { $0.value == text })?.key { text = code }
                    guard field.valueNames[text] != nil else {
                        let allowed = field.valueNames.keys.sorted { sizeOrder($0) < sizeOrder($1) }
                        throw fail("one of \(allowed.joined(separator: ", ")) for \(field.key)", at: v)
                    }
                }
                texts.append(text)
            }
            return .texts(texts)
        }
    }

    private func sizeOrder(_ code: String) -> Int {
        ["large", "medium", "small", "micro"].firstIndex(of: code) ?? 99
    }

    static func ops(_ kind: FactCatalog.Field.Kind) -> Set<RuleComparison.Op> {
        switch kind {
        case .number: [.eq, .ne, .gt, .ge, .lt, .le, .isIn]
        case .text: [.eq, .ne, .isIn, .prefix]
        case .flag: [.eq, .ne]
        case .list: [.isIn, .has, .hasAny, .hasAll, .prefix]
        }
    }

    static func allowed(_ kind: FactCatalog.Field.Kind) -> String {
        switch kind {
        case .number: "one of =, !=, >, >=, <, <=, in"
        case .text: "one of =, !=, in, prefix"
        case .flag: "= or !="
        case .list: "one of has, has any, has all, in, prefix"
        }
    }

    static func kindName(_ kind: FactCatalog.Field.Kind) -> String {
        switch kind {
        case .number: "a number field"
        case .text: "a text field, not a list"
        case .flag: "a yes/no field"
        case .list: "a list field"
        }
    }
}

extension RuleComparison {
    /// Flags always read `= true` or `= false`, so reasons never say "≠ 否".
    func normalisedFlag() -> RuleComparison {
        guard case .flag(let b) = target, op == .ne else { return self }
        return RuleComparison(field: field, op: .eq, target: .flag(!b), negated: false)
    }
}
