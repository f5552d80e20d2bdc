/// An industrial enterprise's registry record: identity, place, industry, size and the chain links it sits on.
public struct Enterprise: Codable, Sendable, Hashable {
    /// 统一社会信用代码, normalised.
    public var uscc: String
    public var name: String
    /// GB/T 2260 county (or city) code where the firm is registered.
    public var region: String
    /// Development zone code, if the firm is inside one.
    public var zone: String?
    /// GB/T 4754-2017 class (4 digits) or division (2 digits).
    public var industry: String
    /// 从业人员 (persons).
    public var employees: Int
    /// Annual 营业收入 (万元), last full year.
    public var revenue: Double
    public var sizeClass: SizeClass
    /// 规上 flag.
    public var aboveScale: Bool
    /// Chain link codes (e.g. `NFM-03`) the firm sits on.
    public var chainLinks: [String]
    /// Year the firm was founded, if known.
    public var founded: Int?

    public init(uscc: String, name: String, region: String, zone: String?, industry: String, employees: Int,
                revenue: Double, sizeClass: SizeClass? = nil, aboveScale: Bool? = nil, chainLinks: [String] = [],
                founded: Int? = nil) {
        self.uscc = uscc
        self.name = name
        self.region = region
        self.zone = zone
        self.industry = industry
        self.employees = employees
        self.revenue = revenue
        self.sizeClass = sizeClass ?? SizeClass.classify(employees: employees, annualRevenue: revenue)
        self.aboveScale = aboveScale ?? SizeClass.isAboveScale(annualRevenue: revenue)
        self.chainLinks = chainLinks
        self.founded = founded
    }

    /// Chain codes derived from the link codes (`NFM-03` → `NFM`).
    public var chains: [String] {
        var out: [String] = []
        for link in chainLinks {
            let chain = String(link.split(separator: "-").first ?? "")
            if !out.contains(chain) { out.append(chain) }
        }
        return out
    }
}
