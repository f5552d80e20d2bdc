/// Three-valued (Kleene) evaluation of criteria and their Chinese reasons.
extension RuleExpr {
    func state(_ facts: Facts) -> CriterionState {
        switch self {
        case .compare(let c):
            return c.state(facts)
        case .all(let parts):
            var unknown = false
            for p in parts {
                switch p.state(facts) {
                case .unmet: return .unmet
                case .unknown: unknown = true
                case .met: break
                }
            }
            return unknown ? .unknown : .met
        case .any(let parts):
            var unknown = false
            for p in parts {
                switch p.state(facts) {
                case .met: return .met
                case .unknown: unknown = true
                case .unmet: break
                }
            }
            return unknown ? .unknown : .unmet
        }
    }

    /// The reason for `state`: a comparison's own sentence, or the deciding parts' reasons joined by "；" — the unmet
    /// parts of an unmet `and`, the unknown parts of an unknown `and`, the met parts of a met `or`, and every part of an
    /// `or` that is not met (or an `and` that is met).
    func reason(_ facts: Facts, _ state: CriterionState, _ names: FactNames = .codes) -> String {
        let parts: [RuleExpr]
        let keep: (CriterionState) -> Bool
        switch self {
        case .compare(let c):
            return c.reason(facts, state, names)
        case .all(let p):
            parts = p
            keep = { state == .met || $0 == state }
        case .any(let p):
            parts = p
            keep = { state != .met || $0 == .met }
        }
        var reasons: [String] = []
        for p in parts {
            let s = p.state(facts)
            guard keep(s) else { continue }
            let r = p.reason(facts, s, names)
            if !reasons.contains(r) { reasons.append(r) }
        }
        return reasons.joined(separator: "；")
    }
}

extension RuleComparison {
    func state(_ facts: Facts) -> CriterionState {
        guard let value = facts[field.key], let result = test(value) else { return .unknown }
        return result != negated ? .met : .unmet
    }

    /// The comparison before `negated` is applied; nil when the fact's type does not fit (read as unknown).
    func test(_ value: FactValue) -> Bool? {
        switch (value, target) {
        case (.number(let x), .numbers(let ts)):
            guard x.isFinite, let t = ts.first else { return nil }
            switch op {
            case .eq: return Self.same(x, t)
            case .ne: return !Self.same(x, t)
            case .gt: return x > t
            case .ge: return x >= t || Self.same(x, t)
            case .lt: return x < t && !Self.same(x, t)
            case .le: return x <= t || Self.same(x, t)
            case .isIn: return ts.contains { Self.same(x, $0) }
            default: return nil
            }
        case (.flag(let f), .flag(let t)):
            return op == .ne ? f != t : f == t
        case (.text(let s), .texts(let ts)):
            guard let t = ts.first else { return nil }
            switch op {
            case .eq: return s == t
            case .ne: return s != t
            case .isIn, .hasAny: return ts.contains(s)
            case .has: return s == t
            case .hasAll: return ts.allSatisfy { $0 == s }
            case .prefix: return ts.contains { s.hasPrefix($0) }
            default: return nil
            }
        case (.list(let xs), .texts(let ts)):
            guard let t = ts.first else { return nil }
            switch op {
            case .has: return xs.contains(t)
            case .isIn, .hasAny: return ts.contains { xs.contains($0) }
            case .hasAll: return ts.allSatisfy { xs.contains($0) }
            case .prefix: return xs.contains { x in ts.contains { x.hasPrefix($0) } }
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Equal up to rounding noise (facts are often computed ratios).
    static func same(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-9 * max(1, abs(b))
    }

    /// E.g. "上年营业收入 1850 万元，要求 ≥ 2000 万元", "资质 无，要求 包含 高新技术企业", "缺少数据：上年营业收入".
    func reason(_ facts: Facts, _ state: CriterionState, _ names: FactNames = .codes) -> String {
        guard state != .unknown, let value = facts[field.key] else { return "缺少数据：\(field.nameZh)" }
        var text = "\(field.nameZh) \(reasonValue(value, names))，\(state == .met ? "满足" : "要求") \(condition(names))"
        if op == .hasAll, !negated, state == .unmet, case .texts(let ts) = target, case .list(let xs) = value {
            text += "（尚缺 \(RuleFormat.list(ts.filter { !xs.contains($0) }.map { names.name(field, $0) }))）"
        }
        return text
    }

    /// A value as reasons show it: numbers with a spaced unit, every list element, codes by name when `names` knows them.
    func reasonValue(_ value: FactValue, _ names: FactNames) -> String {
        switch value {
        case .number(let x): field.display(x)
        case .text(let s): names.name(field, s)
        case .flag(let b): b ? "是" : "否"
        case .list(let xs): xs.isEmpty ? "无" : RuleFormat.list(xs.map { names.name(field, $0) })
        }
    }

    /// The requirement in Chinese, e.g. "≥ 2000万元", "属于 小型、中型", "以 38、39 之一开头".
    func condition(_ names: FactNames = .codes) -> String {
        let shown: [String]
        switch target {
        case .numbers(let ns): shown = ns.map(field.display)
        case .texts(let ts): shown = ts.map { names.name(field, $0) }
        case .flag(let b): return "\(symbol) \(b ? "是" : "否")"
        }
        let values = RuleFormat.list(shown)
        let several = shown.count > 1
        switch op {
        case .eq, .ne, .gt, .ge, .lt, .le:
            return "\(symbol) \(values)"
        case .isIn:
            return negated ? "不属于 \(values)" : several ? "属于 \(values) 之一" : "为 \(values)"
        case .has:
            return negated ? "不包含 \(values)" : "包含 \(values)"
        case .hasAny:
            if negated { return several ? "不包含 \(values) 中任何一项" : "不包含 \(values)" }
            return several ? "包含 \(values) 中至少一项" : "包含 \(values)"
        case .hasAll:
            return negated ? "未全部包含 \(values)" : "包含全部 \(values)"
        case .prefix:
            if negated { return "不以 \(values) 开头" }
            return several ? "以 \(values) 之一开头" : "以 \(values) 开头"
        }
    }
}
