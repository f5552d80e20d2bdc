/// A fact about an enterprise; a key absent from `Facts` means the fact is unknown (data missing).
public enum FactValue: Sendable, Equatable {
    case number(Double)
    case text(String)
    case flag(Bool)
    case list([String])
}

/// The facts known about one enterprise, keyed by `FactCatalog` field key. A missing key reads "unknown".
public struct Facts: Sendable {
    public var values: [String: FactValue]

    public init(_ values: [String: FactValue] = [:]) {
        self.values = values
    }

    public subscript(_ key: String) -> FactValue? {
        get { values[key] }
        set { values[key] = newValue }
    }
}

/// The facts rules may use, with Chinese names, units and types, so the parser can reject unknown fields and messages
/// can name them in Chinese.
public enum FactCatalog: Sendable {
    /// One fact rules and formulas may read.
    public struct Field: Sendable, Equatable, Codable {
        public let key: String
        public let nameZh: String
        public let kind: Kind
        public let unit: String?
        /// For text fields with a closed set of values: each allowed value and its Chinese name (empty otherwise).
        public let valueNames: [String: String]

        /// The type of a fact's value.
        public enum Kind: String, Sendable, Codable {
            case number, text, flag, list
        }

        public init(key: String, nameZh: String, kind: Kind, unit: String? = nil, valueNames: [String: String] = [:]) {
            self.key = key
            self.nameZh = nameZh
            self.kind = kind
            self.unit = unit
            self.valueNames = valueNames
        }
    }

    public static let fields: [Field] = [
        Field(key: "size", nameZh: "企业规模", kind: .text,
              valueNames: ["large": "大型", "medium": "中型", "small": "小型", "micro": "微型"]),
        Field(key: "above_scale", nameZh: "规上企业", kind: .flag),
        Field(key: "industry", nameZh: "行业代码", kind: .list),
        Field(key: "region", nameZh: "所在地区", kind: .list),
        Field(key: "zone", nameZh: "所在开发区", kind: .text),
        Field(key: "chains", nameZh: "所在产业链", kind: .list),
        Field(key: "links", nameZh: "产业链环节", kind: .list),
        Field(key: "qualifications", nameZh: "资质", kind: .list),
        Field(key: "employees", nameZh: "从业人员", kind: .number, unit: "人"),
        Field(key: "founded_years", nameZh: "成立年限", kind: .number, unit: "年"),
        Field(key: "revenue_last_year", nameZh: "上年营业收入", kind: .number, unit: "万元"),
        Field(key: "output_last_year", nameZh: "上年工业总产值", kind: .number, unit: "万元"),
        Field(key: "profit_last_year", nameZh: "上年利润总额", kind: .number, unit: "万元"),
        Field(key: "tax_last_year", nameZh: "上年税收", kind: .number, unit: "万元"),
        Field(key: "rd_expense_last_year", nameZh: "上年研发费用", kind: .number, unit: "万元"),
        Field(key: "rd_share_last_year", nameZh: "上年研发费用占营业收入比重", kind: .number, unit: "%"),
        Field(key: "revenue_growth", nameZh: "营业收入同比增长", kind: .number, unit: "%"),
        Field(key: "output_growth", nameZh: "工业总产值同比增长", kind: .number, unit: "%"),
        Field(key: "export_share", nameZh: "出口交货值占比", kind: .number, unit: "%"),
        Field(key: "digital_level", nameZh: "数字化水平等级", kind: .number, unit: "级"),
        Field(key: "investment_smart", nameZh: "智能化改造投资额", kind: .number, unit: "万元"),
        Field(key: "tech_upgrade_investment", nameZh: "上年技术改造完成投资", kind: .number, unit: "万元"),
    ]

    private static let byKey: [String: Field] = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0) })

    public static func field(_ key: String) -> Field? {
        byKey[key]
    }

    /// The known key closest to a misspelt one (at most a third of its letters off), for "did you mean" hints.
    static func suggestion(for key: String) -> String? {
        let target = Array(key.lowercased())
        var best: (key: String, distance: Int)?
        for f in fields {
            let d = editDistance(target, Array(f.key))
            if d <= max(2, target.count / 3), d < (best?.distance ?? .max) { best = (f.key, d) }
        }
        return best?.key
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}

extension FactCatalog.Field {
    /// A value as shown in Chinese messages: numbers with their unit, size codes with their Chinese name.
    func display(_ value: Double) -> String {
        let n = RuleFormat.number(value)
        guard let unit else { return n }
        return unit == "%" ? n + "%" : "\(n) \(unit)"
    }

    func display(_ text: String) -> String {
        valueNames[text] ?? text
    }
}

/// Number formatting for messages: no useless decimals (2000, not 2000.0; 3.25 kept).
enum RuleFormat {
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var s = String(describing: (value * 10_000).rounded() / 10_000)
        if s.contains("e") { return String(describing: value) }
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// Values joined with "、", cut after eight with the total count.
    static func list(_ items: [String]) -> String {
        if items.count <= 8 { return items.joined(separator: "、") }
        return items.prefix(6).joined(separator: "、") + "…等 \(items.count) 项"
    }
}
