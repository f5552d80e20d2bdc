/// The kind of a development zone (开发区/园区/新区).
public enum ZoneKind: String, Codable, Sendable, CaseIterable {
    /// 国家级新区
    case nationalNewArea = "national-new-area"
    /// 国家级高新技术产业开发区
    case nationalHighTech = "national-high-tech"
    /// 国家级经济技术开发区
    case nationalEconomic = "national-economic"
    /// 综合保税区 / 出口加工区
    case bonded
    /// 省级开发区 / 工业园区
    case provincial

    /// Chinese name of the kind.
    public var nameZh: String {
        switch self {
        case .nationalNewArea: return "国家级新区"
        case .nationalHighTech: return "国家级高新区"
        case .nationalEconomic: return "国家级经开区"
        case .bonded: return "综合保税区"
        case .provincial: return "省级开发区"
        }
    }
}

/// A development zone: its own kind of area, made of parts of one or more counties, possibly across city lines.
public struct DevelopmentZone: Codable, Sendable, Hashable {
    /// Zone code: `Z` + the GB/T 2260 code of its home city + a two-digit number (e.g. `Z360101`);
    /// a zone across cities uses its province code (`Z360001` for 赣江新区).
    public let code: String
    public let name: String
    public let shortName: String
    public let kind: ZoneKind
    /// GB/T 2260 county codes the zone lies in; their cities are the zone's cities.
    public let counties: [String]
    /// Chain codes the zone is known for.
    public let chains: [String]

    public init(code: String, name: String, shortName: String, kind: ZoneKind, counties: [String], chains: [String]) {
        self.code = code
        self.name = name
        self.shortName = shortName
        self.kind = kind
        self.counties = counties
        self.chains = chains
    }

    /// City codes (GB/T 2260, `xxxx00`) the zone spans.
    public var cities: [String] {
        var seen: [String] = []
        for county in counties {
            let city = String(county.prefix(4)) + "00"
            if !seen.contains(city) { seen.append(city) }
        }
        return seen
    }
}
