import BrainCore

/// The value type of a data element.
public enum ElementType: String, CaseIterable, Codable, Sendable {
    case text, code, integer, decimal, month, flag, date
}

/// A data element (数据元) of the standard data model: every stored field is one.
public struct DataElement: Codable, Sendable, Hashable {
    /// Stable id, `dataset.field`, e.g. `indicator.output_value`.
    public let id: String
    public let dataset: String
    public let field: String
    public let nameZh: String
    public let nameEn: String
    public let type: ElementType
    public let unit: String?
    /// Code list the value must come from (e.g. `GB/T 2260`), if any.
    public let codeList: String?
    /// Lower bound of the value, if any (e.g. 0 for counts).
    public let minimum: Double?
    /// Upper bound of a plausible value, if any; a value above it is refused as a likely unit or typing error.
    public var maximum: Double? = nil
    /// Longest accepted text, in characters, for text and code elements.
    public var maxLength: Int? = nil
    /// How the element adds up over months and enterprises, if it is a measure.
    public let aggregation: Aggregation?
    public let required: Bool
    /// Other header names accepted for this field in import files.
    public let aliases: [String]
    public let description: String
}

/// The data dictionary of the public data centre (公共数据中心): enterprise registry, monthly indicators,
/// supply links and talent records.
public enum DataDictionary {
    public static let enterprise: [DataElement] = bounded([
        DataElement(id: "enterprise.uscc", dataset: "enterprise", field: "uscc", nameZh: "统一社会信用代码", nameEn: "unified social credit code",
                    type: .code, unit: nil, codeList: "GB 32100-2015", minimum: nil, aggregation: nil, required: true,
                    aliases: ["信用代码", "credit_code"], description: "18 characters, check character per GB 32100-2015; lower case is normalised"),
        DataElement(id: "enterprise.name", dataset: "enterprise", field: "name", nameZh: "企业名称", nameEn: "enterprise name",
                    type: .text, unit: nil, codeList: nil, minimum: nil, aggregation: nil, required: true,
                    aliases: ["名称"], description: "registered name"),
        DataElement(id: "enterprise.region", dataset: "enterprise", field: "region", nameZh: "行政区划代码", nameEn: "region code",
                    type: .code, unit: nil, codeList: "GB/T 2260", minimum: nil, aggregation: nil, required: true,
                    aliases: ["区划代码", "region_code"], description: "county (or city) where the firm is registered"),
        DataElement(id: "enterprise.zone", dataset: "enterprise", field: "zone", nameZh: "所在开发区", nameEn: "development zone",
                    type: .code, unit: nil, codeList: "zone catalogue", minimum: nil, aggregation: nil, required: false,
                    aliases: ["开发区", "开发区代码", "zone_code"], description: "development zone code such as Z360101, empty when outside any zone"),
        DataElement(id: "enterprise.industry", dataset: "enterprise", field: "industry", nameZh: "行业代码", nameEn: "industry code",
                    type: .code, unit: nil, codeList: "GB/T 4754-2017", minimum: nil, aggregation: nil, required: true,
                    aliases: ["国民经济行业代码", "industry_code"], description: "division (2 digits) or class (4 digits)"),
        DataElement(id: "enterprise.employees", dataset: "enterprise", field: "employees", nameZh: "从业人员", nameEn: "employees",
                    type: .integer, unit: "人", codeList: nil, minimum: 0, aggregation: .sum, required: true,
                    aliases: ["从业人数", "员工人数"], description: "persons employed at year end"),
        DataElement(id: "enterprise.revenue", dataset: "enterprise", field: "revenue", nameZh: "营业收入", nameEn: "annual revenue",
                    type: .decimal, unit: "万元", codeList: nil, minimum: 0, aggregation: .sum, required: true,
                    aliases: ["年营业收入", "主营业务收入"], description: "last full year's revenue; decides size class and 规上"),
        DataElement(id: "enterprise.size_class", dataset: "enterprise", field: "size_class", nameZh: "企业规模", nameEn: "size class",
                    type: .code, unit: nil, codeList: "统计上大中小微型企业划分办法（2017）", minimum: nil, aggregation: nil, required: false,
                    aliases: ["规模"], description: "large/medium/small/micro; derived from employees and revenue when absent"),
        DataElement(id: "enterprise.above_scale", dataset: "enterprise", field: "above_scale", nameZh: "规上标志", nameEn: "above designated size",
                    type: .flag, unit: nil, codeList: nil, minimum: nil, aggregation: nil, required: false,
                    aliases: ["是否规上", "规上"], description: "1 when annual revenue ≥ 2000 万元; derived when absent"),
        DataElement(id: "enterprise.chain_links", dataset: "enterprise", field: "chain_links", nameZh: "产业链环节", nameEn: "chain links",
                    type: .code, unit: nil, codeList: "chain catalogue", minimum: nil, aggregation: nil, required: false,
                    aliases: ["所在环节", "links"], description: "link codes separated by ; or | such as NFM-03"),
        DataElement(id: "enterprise.founded", dataset: "enterprise", field: "founded", nameZh: "成立年份", nameEn: "year founded",
                    type: .integer, unit: "年", codeList: nil, minimum: 1800, aggregation: nil, required: false,
                    aliases: ["成立时间"], description: "four-digit year"),
    ])

    public static let indicator: [DataElement] = [
        DataElement(id: "indicator.uscc", dataset: "indicator", field: "uscc", nameZh: "统一社会信用代码", nameEn: "credit code",
                    type: .code, unit: nil, codeList: "GB 32100-2015", minimum: nil, aggregation: nil, required: true,
                    aliases: ["信用代码"], description: "the reporting enterprise; must be registered"),
        DataElement(id: "indicator.month", dataset: "indicator", field: "month", nameZh: "月份", nameEn: "month",
                    type: .month, unit: nil, codeList: nil, minimum: nil, aggregation: nil, required: true,
                    aliases: ["报告期", "period"], description: "YYYY-MM; January may be reported alone or folded into February (1–2月)"),
    ] + Indicator.allCases.map { ind in
        DataElement(id: "indicator.\(ind.rawValue)", dataset: "indicator", field: ind.rawValue, nameZh: ind.nameZh, nameEn: englishName(ind),
                    type: ind == .employees ? .integer : .decimal, unit: ind.unit, codeList: nil,
                    minimum: ind.plausibleRange.lowerBound, maximum: ind.plausibleRange.upperBound, aggregation: ind.aggregation, required: false,
                    aliases: extraAliases(ind), description: ind.aggregation == .sum ? "value for the month; months add up to 1–N月累计"
                        : "value at the month's end; 累计 takes the last month")
    } + Indicator.allCases.filter { $0.aggregation == .sum }.map { ind in
        DataElement(id: "indicator.\(ind.rawValue)_ytd", dataset: "indicator", field: ind.rawValue + "_ytd", nameZh: ind.nameZh + "1-N月累计",
                    nameEn: englishName(ind) + ", January to the month", type: .decimal, unit: ind.unit, codeList: nil,
                    minimum: ind.plausibleRange.lowerBound * 12, maximum: ind.plausibleRange.upperBound * 12, aggregation: nil, required: false,
                    aliases: [ind.nameZh + "累计", "累计" + ind.nameZh, ind.rawValue + "_cumulative"],
                    description: "optional: 1–N月累计 as the bureau's form gives it; not stored, checked against the months of the year once the file is in (the report lists what does not add up)")
    }

    public static let supplyLink: [DataElement] = bounded([
        element("supply", "supplier", "供应商信用代码", "supplier credit code", .code, codeList: "GB 32100-2015", required: true, aliases: ["供方信用代码", "供应商"]),
        element("supply", "supplier_name", "供应商名称", "supplier name", .text, required: false, aliases: ["供方名称"]),
        element("supply", "supplier_region", "供应商所在地", "supplier region", .code, codeList: "GB/T 2260", required: false, aliases: ["供方区划代码"]),
        element("supply", "customer", "采购方信用代码", "customer credit code", .code, codeList: "GB 32100-2015", required: true, aliases: ["需方信用代码", "客户"]),
        element("supply", "product", "产品", "product", .text, required: true, aliases: ["供应产品"]),
        element("supply", "chain", "产业链", "chain", .code, codeList: "chain catalogue", required: false, aliases: []),
        element("supply", "link", "产业链环节", "chain link", .code, codeList: "chain catalogue", required: false, aliases: ["环节"]),
        element("supply", "annual_value", "年采购额", "annual purchase value", .decimal, unit: "万元", minimum: 0, aggregation: .sum,
                required: true, aliases: ["采购金额", "金额"]),
    ])

    public static let talent: [DataElement] = bounded([
        element("talent", "city", "城市", "city", .code, codeList: "GB/T 2260", required: true, aliases: []),
        element("talent", "occupation", "职业", "occupation", .text, required: true, aliases: ["岗位"]),
        element("talent", "chain", "产业链", "chain", .code, codeList: "chain catalogue", required: false, aliases: []),
        element("talent", "period", "报告期", "period", .month, required: true, aliases: ["月份"]),
        element("talent", "supply", "人才供给", "talent supply", .integer, unit: "人", minimum: 0, aggregation: .sum, required: true, aliases: ["求职人数"]),
        element("talent", "demand", "人才需求", "talent demand", .integer, unit: "人", minimum: 0, aggregation: .sum, required: true, aliases: ["岗位需求"]),
        element("talent", "median_salary", "薪酬中位数", "median monthly salary", .decimal, unit: "元/月", minimum: 0, aggregation: nil, required: false, aliases: ["月薪中位数"]),
        element("talent", "occupation_group", "职业大类", "occupation major group (职业分类大典)", .text, required: false, aliases: ["大类"]),
        element("talent", "skill_level", "技能等级", "skill level asked", .text, required: false, aliases: ["等级"]),
        element("talent", "education", "学历要求", "education asked", .text, required: false, aliases: ["学历"]),
        element("talent", "experience_years", "经验年限", "years of experience asked", .decimal, unit: "年", minimum: 0, required: false, aliases: ["工作经验"]),
    ])

    /// 资质认定: a firm's qualification (高新技术企业, 专精特新 …) with the year it was granted and the month it lapses.
    public static let qualification: [DataElement] = bounded([
        element("qualification", "uscc", "统一社会信用代码", "credit code", .code, codeList: "GB 32100", required: true, aliases: ["信用代码"]),
        element("qualification", "qualification", "资质名称", "qualification", .text, codeList: "qualification list", required: true, aliases: ["资质", "认定类型"]),
        element("qualification", "since", "认定年份", "year granted", .integer, required: false, aliases: ["认定年度"]),
        element("qualification", "valid_until", "有效期至", "valid until (month)", .month, required: false, aliases: ["有效期"]),
    ])

    /// The qualifications the policies read (a file naming another is refused with this list).
    public static let qualifications = ["高新技术企业", "科技型中小企业", "创新型中小企业", "专精特新", "专精特新小巨人", "制造业单项冠军",
                                        "企业技术中心", "国家级企业技术中心", "绿色工厂", "国家级绿色工厂", "智能制造示范工厂", "失信企业"]

    /// 投资项目/技改项目: one row per project code; a later file with the same code updates only the columns it carries.
    public static let investment: [DataElement] = bounded([
        element("investment", "uscc", "统一社会信用代码", "credit code", .code, codeList: "GB 32100", required: true, aliases: ["信用代码", "项目单位信用代码"]),
        element("investment", "project_code", "项目代码", "project code", .code, required: true, aliases: ["项目编号", "项目统一代码", "code"]),
        element("investment", "project_name", "项目名称", "project name", .text, required: false, aliases: ["项目"]),
        element("investment", "kind", "建设性质", "kind of project", .text, codeList: "project kinds", required: false, aliases: ["项目类型", "项目类别"]),
        element("investment", "planned_investment", "计划总投资", "planned total investment", .decimal, unit: "万元", minimum: 0, aggregation: .sum,
                required: false, aliases: ["总投资", "计划投资"]),
        element("investment", "completed_investment", "累计完成投资", "investment completed to date", .decimal, unit: "万元", minimum: 0,
                aggregation: .sum, required: false, aliases: ["已完成投资", "完成投资"]),
        element("investment", "start_month", "开工月份", "start month", .month, required: false, aliases: ["开工时间", "开工年月"]),
        element("investment", "end_month", "计划竣工月份", "planned completion month", .month, required: false, aliases: ["计划竣工时间", "竣工月份"]),
        element("investment", "status", "项目状态", "status", .text, codeList: "project statuses", required: false, aliases: ["状态", "建设状态"]),
        element("investment", "region", "建设地点", "region where it is built", .code, codeList: "GB/T 2260", required: false,
                aliases: ["项目所在地", "行政区划代码"]),
    ])

    /// The kinds of project a file may name (建设性质).
    public static let projectKinds = ["新建", "扩建", "改建", "迁建", "技术改造", "设备更新", "智能化改造", "数字化转型", "绿色化改造", "其他"]
    /// The kinds that count as 技改 (technical upgrading) for the policy fact `tech_upgrade_investment`.
    public static let techUpgradeKinds: Set<String> = ["技术改造", "设备更新", "智能化改造", "数字化转型", "绿色化改造"]
    /// The project statuses a file may name.
    public static let projectStatuses = ["谋划", "前期", "在建", "投产", "竣工", "停建", "缓建"]
    /// Completed investment may exceed the plan by at most this factor (cost overruns happen; beyond half again the plan a
    /// figure is far more likely a unit or typing error, e.g. 元 for 万元).
    public static let completedOverPlanned = 1.5

    /// 用地/亩均: a firm's land area in one year and, optionally, that year's tax and output.
    public static let land: [DataElement] = bounded([
        element("land", "uscc", "统一社会信用代码", "credit code", .code, codeList: "GB 32100", required: true, aliases: ["信用代码"]),
        element("land", "year", "年度", "year", .integer, unit: "年", minimum: 2000, required: true, aliases: ["年份"]),
        element("land", "area", "用地面积", "land area", .decimal, unit: "亩", minimum: 0, aggregation: .sum, required: true,
                aliases: ["占地面积", "土地面积", "用地"]),
        element("land", "tax", "税收", "tax paid in the year", .decimal, unit: "万元", minimum: 0, aggregation: .sum, required: false,
                aliases: ["实缴税金", "税收实际贡献", "年度税收"]),
        element("land", "output", "工业总产值", "output in the year", .decimal, unit: "万元", minimum: 0, aggregation: .sum, required: false,
                aliases: ["产值", "年度产值"]),
    ])

    /// 日用电量 from the power company, in the unit of the monthly electricity indicator.
    public static let dailyElectricity: [DataElement] = bounded([
        element("daily_electricity", "uscc", "统一社会信用代码", "credit code", .code, codeList: "GB 32100", required: true, aliases: ["信用代码", "用户信用代码"]),
        element("daily_electricity", "date", "日期", "day", .date, required: true, aliases: ["用电日期", "day"]),
        element("daily_electricity", "electricity", "日用电量", "electricity of the day", .decimal, unit: Indicator.electricity.unit, minimum: 0,
                aggregation: .sum, required: true, aliases: ["用电量", "电量"]),
    ])

    /// Every element of every dataset.
    public static var all: [DataElement] { enterprise + indicator + supplyLink + talent + qualification + investment + land + dailyElectricity }

    /// Upper bounds of the elements that are not monthly indicators (those come from `Indicator.plausibleRange`) and text
    /// lengths: a value beyond them is refused, never stored.
    static let maxima: [String: Double] = [
        "enterprise.employees": 2_000_000, "enterprise.revenue": 1e9, "enterprise.founded": 2100,
        "supply.annual_value": 1e9,
        "investment.planned_investment": 1e8, "investment.completed_investment": 1e8,
        // 100,000 亩 (≈ 67 km²) is beyond any one firm's site; a larger figure is a unit error (m² for 亩).
        "land.area": 100_000, "land.tax": 1e7, "land.output": 1e8, "land.year": 2100,
        // Daily: the monthly indicator's plausible maximum spread over a month, with margin.
        "daily_electricity.electricity": 50_000,
        "talent.supply": 10_000_000, "talent.demand": 10_000_000, "talent.median_salary": 1_000_000, "talent.experience_years": 60,
    ]
    static let maxLengths: [String: Int] = [
        "enterprise.name": 200, "supply.supplier_name": 200, "supply.product": 200, "talent.occupation": 100,
        "talent.occupation_group": 100, "talent.skill_level": 50, "talent.education": 50,
        "investment.project_code": 64, "investment.project_name": 200, "investment.kind": 20, "investment.status": 20,
        "daily_electricity.date": 10,
    ]

    /// Sets the maxima and text lengths of `maxima` and `maxLengths` (codes and texts without an entry: 500 characters).
    static func bounded(_ elements: [DataElement]) -> [DataElement] {
        elements.map { e in
            var e = e
            if e.maximum == nil { e.maximum = maxima[e.id] }
            if e.type == .text || e.type == .code { e.maxLength = maxLengths[e.id] ?? 500 }
            return e
        }
    }

    /// The element of a dataset's field, with its bounds.
    public static func element(_ dataset: String, _ field: String) -> DataElement? {
        all.first { $0.dataset == dataset && $0.field == field }
    }

    /// The accepted range of a numeric element: its minimum (or −∞) to its maximum (or +∞).
    public static func range(_ dataset: String, _ field: String) -> ClosedRange<Double> {
        let e = element(dataset, field)
        return (e?.minimum ?? -Double.greatestFiniteMagnitude)...(e?.maximum ?? Double.greatestFiniteMagnitude)
    }

    static func element(_ dataset: String, _ field: String, _ zh: String, _ en: String, _ type: ElementType, unit: String? = nil,
                        codeList: String? = nil, minimum: Double? = nil, aggregation: Aggregation? = nil, required: Bool,
                        aliases: [String]) -> DataElement {
        DataElement(id: "\(dataset).\(field)", dataset: dataset, field: field, nameZh: zh, nameEn: en, type: type, unit: unit,
                    codeList: codeList, minimum: minimum, aggregation: aggregation, required: required, aliases: aliases, description: en)
    }

    static func englishName(_ i: Indicator) -> String {
        switch i {
        case .outputValue: return "gross industrial output value"
        case .revenue: return "operating revenue"
        case .profit: return "total profit"
        case .electricity: return "electricity consumption"
        case .tax: return "taxes paid"
        case .employees: return "employees"
        case .exportValue: return "export delivery value"
        case .rdExpense: return "R&D expense"
        case .receivables: return "accounts receivable"
        case .inventory: return "finished-goods inventory"
        }
    }

    static func extraAliases(_ i: Indicator) -> [String] {
        switch i {
        case .outputValue: return ["产值", "output"]
        case .revenue: return ["主营业务收入"]
        case .profit: return ["利润"]
        case .electricity: return ["用电", "power"]
        case .tax: return ["税金", "taxes"]
        case .employees: return ["从业人数"]
        case .exportValue: return ["出口"]
        case .rdExpense: return ["研发投入", "rd"]
        case .receivables: return ["应收账款净额"]
        case .inventory: return ["存货", "产成品"]
        }
    }
}
