/// Where a value came from: the statistics bureau, the tax office, the power company, a sub-brain, an edge device, the
/// enterprise itself, or an official's correction. Every stored indicator value carries one; when several sources give a
/// value for the same firm, month and indicator, the one earliest in `SourceOrder` is the value the applications read and
/// the others are kept beside it.
public struct DataSource: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Stable code used in files, the API and the database (`statistics`, `power` …).
    public let code: String
    /// The name officials read (统计局, 电力公司 …).
    public let nameZh: String

    public init(code: String, nameZh: String) {
        self.code = code
        self.nameZh = nameZh
    }

    public var description: String { code }

    public static let manual = DataSource(code: "manual", nameZh: "人工修正")
    public static let statistics = DataSource(code: "statistics", nameZh: "统计局")
    public static let tax = DataSource(code: "tax", nameZh: "税务")
    public static let power = DataSource(code: "power", nameZh: "电力公司")
    public static let subBrain = DataSource(code: "sub-brain", nameZh: "行业子脑")
    public static let edge = DataSource(code: "edge", nameZh: "边缘设备")
    public static let selfReport = DataSource(code: "self-report", nameZh: "企业自报")

    /// The sources every platform knows, in the default order of precedence.
    public static let builtIn: [DataSource] = [.manual, .statistics, .tax, .power, .subBrain, .edge, .selfReport]

    /// A built-in source by its code.
    public static func named(_ code: String) -> DataSource? { builtIn.first { $0.code == code } }
}

/// The precedence of sources, first wins: an official's correction, then 统计局 > 税务 > 电力 > 子脑 > 边缘设备 > 企业自报
/// (the guide's order, a correction above all). A value that a higher source leaves empty is taken from the next.
public struct SourceOrder: Sendable, Hashable {
    public let codes: [String]

    public init(_ codes: [String]) { self.codes = codes }

    public static let standard = SourceOrder(DataSource.builtIn.map(\.code))

    /// Rank of a source; unknown sources come after every known one.
    public func rank(_ code: String) -> Int { codes.firstIndex(of: code) ?? codes.count }

    /// The value the applications read among sources' values (nil entries are sources that cleared theirs).
    public func pick(_ values: [(source: String, value: Double?)]) -> (source: String, value: Double)? {
        values.compactMap { s in s.value.map { (source: s.source, value: $0) } }.min { rank($0.source) < rank($1.source) }
    }
}
