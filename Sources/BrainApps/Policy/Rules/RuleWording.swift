import BrainCore

/// Names for the codes criteria mention (regions, chains, links, industries, zones), so a criterion reads
/// "位于宜春市" rather than `region has "360900"`. A lookup that knows no name gives nil and the code stays.
public struct FactNames: Sendable {
    let lookup: @Sendable (_ field: String, _ code: String) -> String?

    public init(_ lookup: @escaping @Sendable (_ field: String, _ code: String) -> String?) {
        self.lookup = lookup
    }

    /// No names: codes are shown as written.
    public static let codes = FactNames { _, _ in nil }

    /// The province's regions and zones, its chains and links, and GB/T 4754 industry names.
    public static func standard(catalog: RegionCatalog, industries: IndustryCatalog = .standard) -> FactNames {
        FactNames { field, code in
            switch field {
            case "region":
                // A prefix (`3609`) names the region it abbreviates (`360900`).
                let full = code.count < 6 && code.allSatisfy(\.isNumber) ? code + String(repeating: "0", count: 6 - code.count) : code
                return catalog.region(full)?.name
            case "chains": return catalog.chains.chain(code).map { $0.name + "产业链" }
            case "links":
                guard let chain = catalog.chains.chain(ofLink: code), let link = chain.link(code) else { return nil }
                return "\(chain.name)产业链“\(link.name)”"
            case "industry":
                let name = industries.name(of: code)
                return name == code ? nil : name
            case "zone": return catalog.zone(code).map { $0.name }
            default: return nil
            }
        }
    }

    /// The name of a code of a field, or the field's own value name (size: 小型 …), or the code.
    func name(_ field: FactCatalog.Field, _ code: String) -> String {
        lookup(field.key, code) ?? field.display(code)
    }
}

/// Plain-Chinese wording of criteria, for enterprises and officials: a sentence per criterion ("上年营业收入不低于2000万元",
/// "位于宜春市或新余市", "具有“高新技术企业”认定") and the enterprise's own value ("上年营业收入 1850万元"). Pure: the
/// same rule and names give the same words; no rule code and no internal codes where a name is known.
public enum RuleWording {
    /// Numbers with their unit, 万元 amounts of 1 亿元 and more in 亿元: `2000万元`, `100亿元`, `3%`, `50人`.
    public static func amount(_ value: Double, unit: String?) -> String {
        guard let unit else { return RuleFormat.number(value) }
        if unit == "万元", abs(value) >= 10_000 { return RuleFormat.number(value / 10_000) + "亿元" }
        return RuleFormat.number(value) + unit
    }

    /// Values joined the Chinese way: "甲", "甲或乙", "甲、乙或丙" (`joiner` 或 / 和).
    static func join(_ items: [String], _ joiner: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: "、") + joiner + items.last!
    }

    /// Fields counted in units where 不少于 reads better than 不低于.
    static let counted: Set<String> = ["人", "年", "个"]
}

extension PolicyRule {
    /// Each criterion as a Chinese sentence, in order.
    public func sentences(_ names: FactNames = .codes) -> [String] {
        expressions.map { $0.sentence(names, nested: false) }
    }

    /// One criterion's source text as a sentence (nil when it does not read as a criterion).
    public static func sentence(of criterion: String, names: FactNames = .codes) -> String? {
        guard let rule = try? PolicyRule.parse(criterion), rule.expressions.count == 1 else { return nil }
        return rule.expressions[0].sentence(names, nested: false)
    }
}

extension RuleExpr {
    /// The criterion as a sentence; parts of `and` joined by "，且", of `or` by "，或"; a group inside another in （）.
    func sentence(_ names: FactNames, nested: Bool) -> String {
        switch self {
        case .compare(let c): return c.sentence(names)
        case .all(let parts):
            let text = parts.map { $0.sentence(names, nested: true) }.joined(separator: "，且")
            return nested ? "（\(text)）" : text
        case .any(let parts):
            let text = parts.map { $0.sentence(names, nested: true) }.joined(separator: "，或")
            return nested ? "（\(text)）" : text
        }
    }

    /// The comparisons of the criterion, in order.
    var comparisons: [RuleComparison] {
        switch self {
        case .compare(let c): return [c]
        case .all(let parts), .any(let parts): return parts.flatMap(\.comparisons)
        }
    }

    /// The enterprise's values of the facts the criterion reads, "；"-joined ("上年营业收入 1850万元；…"), with
    /// "缺少数据：…" for those it lacks.
    func values(_ facts: Facts, _ names: FactNames) -> String {
        var seen: [String] = [], out: [String] = []
        for c in comparisons where !seen.contains(c.field.key) {
            seen.append(c.field.key)
            out.append(facts[c.field.key].map { "\(c.field.nameZh) \(c.describe($0, names))" } ?? "缺少数据：\(c.field.nameZh)")
        }
        return out.joined(separator: "；")
    }

    /// The keys of the facts the criterion reads that the enterprise lacks.
    func missing(_ facts: Facts) -> [String] {
        var out: [String] = []
        for c in comparisons where facts[c.field.key] == nil && !out.contains(c.field.key) { out.append(c.field.key) }
        return out
    }
}

extension RuleComparison {
    /// The literal values by name.
    func names(_ names: FactNames) -> [String] {
        switch target {
        case .numbers(let ns): return ns.map { RuleWording.amount($0, unit: field.unit) }
        case .texts(let ts): return ts.map { names.name(field, $0) }
        case .flag(let b): return [b ? "是" : "否"]
        }
    }

    /// One comparison as a sentence, e.g. "上年营业收入不低于2000万元", "企业规模为小型或中型", "位于宜春市或新余市".
    func sentence(_ names: FactNames) -> String {
        let values = self.names(names)
        let name = field.nameZh
        switch target {
        case .flag(let b):
            let yes = (op == .eq) == b
            if field.key == "above_scale" { return yes ? "为规模以上工业企业" : "不是规模以上工业企业" }
            return "\(name)：\(yes ? "是" : "否")"
        case .numbers:
            let counted = field.unit.map(RuleWording.counted.contains) ?? false
            let v = values.first ?? ""
            switch op {
            case .ge: return "\(name)\(counted ? "不少于" : "不低于")\(v)"
            case .gt: return "\(name)\(counted ? "多于" : "高于")\(v)"
            case .le: return "\(name)\(counted ? "不多于" : "不高于")\(v)"
            case .lt: return "\(name)\(counted ? "少于" : "低于")\(v)"
            case .eq: return "\(name)为\(v)"
            case .ne: return "\(name)不为\(v)"
            default: return negated ? "\(name)不为\(RuleWording.join(values, "或"))" : "\(name)为\(RuleWording.join(values, "或"))"
            }
        case .texts:
            return textSentence(values)
        }
    }

    private func textSentence(_ values: [String]) -> String {
        let any = RuleWording.join(values, "或"), all = RuleWording.join(values, "和")
        // `has all` with one value is `has`; `in` on a list is `has any`.
        let op: Op = (self.op == .hasAll && values.count == 1) || (self.op == .isIn && field.kind == .list) ? (values.count == 1 ? .has : .hasAny) : self.op
        let not = negated || op == .ne
        switch field.key {
        case "region":
            switch op {
            case .hasAll: return not ? "不同时位于\(all)" : "同时位于\(all)"
            case .prefix: return not ? "不在\(any)范围内" : "位于\(any)范围内"
            default: return not ? "不位于\(any)" : "位于\(any)"
            }
        case "chains":
            // Several chains read once: "电子信息、有色金属产业链之一" rather than the suffix on each.
            if values.count > 1, values.allSatisfy({ $0.hasSuffix("产业链") }) {
                let bare = values.map { String($0.dropLast(3)) }
                switch op {
                case .hasAll: return (not ? "不同时属于" : "同时属于") + RuleWording.join(bare, "和") + "产业链"
                case .hasAny: return not ? "不属于\(bare.joined(separator: "、"))产业链中任何一条" : "属于\(bare.joined(separator: "、"))产业链之一"
                default: break
                }
            }
            switch op {
            case .hasAll: return not ? "不同时属于\(all)" : "同时属于\(all)"
            case .hasAny where values.count > 1: return not ? "不属于\(values.joined(separator: "、"))中任何一条" : "属于\(values.joined(separator: "、"))之一"
            default: return not ? "不属于\(any)" : "属于\(any)"
            }
        case "links":
            // Links of one chain name the chain once: 新能源产业链“锂矿采选”、“正极材料”.
            if values.count > 1, let first = values[0].firstIndex(of: "“"), case let chain = String(values[0][..<first]), !chain.isEmpty,
               values.allSatisfy({ $0.hasPrefix(chain + "“") }) {
                let parts = values.map { String($0.dropFirst(chain.count)) }
                switch op {
                case .hasAll: return (not ? "未同时处于" : "同时处于") + chain + RuleWording.join(parts, "和") + "环节"
                case .hasAny: return not ? "不处于\(chain)\(parts.joined(separator: "、"))中任何一个环节" : "处于\(chain)\(parts.joined(separator: "、"))环节之一"
                default: break
                }
            }
            switch op {
            case .hasAll: return not ? "未同时处于\(all)环节" : "同时处于\(all)环节"
            case .hasAny where values.count > 1: return not ? "不处于\(values.joined(separator: "、"))中任何一个环节" : "处于\(values.joined(separator: "、"))环节之一"
            default: return not ? "不处于\(any)环节" : "处于\(any)环节"
            }
        case "qualifications":
            let quoted = values.map { "“\($0)”" }
            let qAny = RuleWording.join(quoted, "或"), qAll = RuleWording.join(quoted, "和")
            switch op {
            case .hasAll: return not ? "未同时具有\(qAll)认定" : "同时具有\(qAll)认定"
            case .prefix: return not ? "不具有以\(qAny)开头的认定" : "具有以\(qAny)开头的认定"
            default: return not ? "不具有\(qAny)认定" : "具有\(qAny)认定"
            }
        case "industry":
            switch op {
            case .hasAll: return not ? "所属行业未同时为\(all)" : "所属行业同时为\(all)"
            default: return not ? "所属行业不属于\(any)" : "所属行业属于\(any)"
            }
        case "size":
            switch op {
            case .prefix: return not ? "企业规模不以\(any)开头" : "企业规模以\(any)开头"
            default: return not ? "不是\(any)企业" : "为\(any)企业"
            }
        case "zone":
            switch op {
            case .prefix: return not ? "不在\(any)开头的开发区内" : "位于\(any)开头的开发区内"
            default: return not ? "不在\(any)内" : "位于\(any)内"
            }
        default:
            switch op {
            case .hasAll: return not ? "\(field.nameZh)未同时包含\(all)" : "\(field.nameZh)同时包含\(all)"
            case .prefix: return not ? "\(field.nameZh)不以\(any)开头" : "\(field.nameZh)以\(any)开头"
            case .has, .hasAny: return not ? "\(field.nameZh)不包含\(any)" : "\(field.nameZh)包含\(any)"
            default: return not ? "\(field.nameZh)不为\(any)" : "\(field.nameZh)为\(any)"
            }
        }
    }

    /// An enterprise's value by name: numbers with their unit, codes by name, a region or industry by its own (first)
    /// entry (the list also holds its city and province, its division), lists "无" when empty.
    func describe(_ value: FactValue, _ names: FactNames) -> String {
        switch value {
        case .number(let x): return RuleWording.amount(x, unit: field.unit)
        case .text(let s): return names.name(field, s)
        case .flag(let b): return b ? "是" : "否"
        case .list(let xs):
            if xs.isEmpty { return "无" }
            if field.key == "industry" { return names.name(field, xs[0]) }
            if field.key == "region" {
                // The firm's own region, with its city when that is another region.
                let own = names.name(field, xs[0])
                return xs.count > 1 && xs[1] != xs[0] ? "\(own)（\(names.name(field, xs[1]))）" : own
            }
            return RuleFormat.list(xs.map { names.name(field, $0) })
        }
    }
}

extension AmountFormula {
    /// The amount formula in Chinese: "上年营业收入的0.2%，最高100万元", "30万元", "从业人员×0.1，最高100万元".
    public func sentence() -> String {
        if case .number(let n) = expression { return RuleWording.amount(n, unit: "万元") }
        return expression.wording(nested: false)
    }
}

extension FormulaExpr {
    /// The expression in words; `nested` wraps sums in （）.
    func wording(nested: Bool) -> String {
        switch self {
        case .number(let n): return RuleFormat.number(n)
        case .field(let key): return FactCatalog.field(key)?.nameZh ?? key
        case .negate(let e): return "－" + e.wording(nested: true)
        case .add(let a, let b): return group("\(a.wording(nested: false))＋\(b.wording(nested: false))", nested)
        case .subtract(let a, let b): return group("\(a.wording(nested: false))－\(b.wording(nested: true))", nested)
        case .multiply(let a, .number(let c)), .multiply(.number(let c), let a):
            // A count times a rate reads per unit ("从业人员每人0.1万元"); an amount times a fraction as a share.
            if case .field(let key) = a, let f = FactCatalog.field(key), let unit = f.unit, unit != "万元", unit != "%" {
                return "\(f.nameZh)每\(unit)\(RuleFormat.number(c))万元"
            }
            if c > 0 && c < 1 { return "\(a.wording(nested: true))的\(RuleFormat.number(c * 100))%" }
            return "\(a.wording(nested: true))×\(RuleFormat.number(c))"
        case .multiply(let a, let b): return "\(a.wording(nested: true))×\(b.wording(nested: true))"
        case .divide(let a, let b): return "\(a.wording(nested: true))÷\(b.wording(nested: true))"
        case .min(let parts): return bounded(parts, word: "最高", pick: Swift.min, otherwise: "中较小者")
        case .max(let parts): return bounded(parts, word: "最低", pick: Swift.max, otherwise: "中较大者")
        case .round(let e, let digits):
            if let digits, case .number(let d) = digits, d > 0 { return "\(e.wording(nested: false))（保留\(RuleFormat.number(d))位小数）" }
            return "\(e.wording(nested: false))（取整）"
        }
    }

    private func group(_ text: String, _ nested: Bool) -> String { nested ? "（\(text)）" : text }

    /// `min(x, 100)` reads "x，最高100万元"; other lists "a、b中较小者".
    private func bounded(_ parts: [FormulaExpr], word: String, pick: (Double, Double) -> Double, otherwise: String) -> String {
        var numbers: [Double] = [], others: [FormulaExpr] = []
        for p in parts { if case .number(let n) = p { numbers.append(n) } else { others.append(p) } }
        if others.count == 1, let bound = numbers.reduce(nil, { (acc: Double?, n) in acc.map { pick($0, n) } ?? n }) {
            return "\(others[0].wording(nested: false))，\(word)\(RuleWording.amount(bound, unit: "万元"))"
        }
        return "（" + parts.map { $0.wording(nested: false) }.joined(separator: "、") + "）" + otherwise
    }
}
