/// Enterprise size class under 统计上大中小微型企业划分办法（2017）, industry row (大型/中型/小型/微型).
public enum SizeClass: String, Codable, Sendable, CaseIterable, Comparable {
    case large, medium, small, micro

    /// Chinese name of the class.
    public var nameZh: String {
        switch self {
        case .large: return "大型"
        case .medium: return "中型"
        case .small: return "小型"
        case .micro: return "微型"
        }
    }

    /// Classifies an industrial enterprise by 从业人员 and annual 营业收入 (万元); both conditions must hold,
    /// a firm meeting only one falls to the next class down.
    public static func classify(employees: Int, annualRevenue: Double) -> SizeClass {
        if employees >= 1000 && annualRevenue >= 40000 { return .large }
        if employees >= 300 && annualRevenue >= 2000 { return .medium }
        if employees >= 20 && annualRevenue >= 300 { return .small }
        return .micro
    }

    /// 规模以上: annual main-business revenue of at least 2000 万元.
    public static let aboveScaleThreshold = 2000.0

    /// True for a 规上 (above designated size) industrial firm.
    public static func isAboveScale(annualRevenue: Double) -> Bool { annualRevenue >= aboveScaleThreshold }

    private var rank: Int {
        switch self {
        case .large: return 3
        case .medium: return 2
        case .small: return 1
        case .micro: return 0
        }
    }

    public static func < (a: SizeClass, b: SizeClass) -> Bool { a.rank < b.rank }
}
