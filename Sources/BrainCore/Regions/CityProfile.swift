import Foundation

/// How one city's industry is shaped, used to seed realistic demo data: its share of the province's 规上 firms,
/// the relative weight of each key chain and of each county.
public struct CityProfile: Codable, Sendable, Hashable {
    /// GB/T 2260 city code (`xxxx00`).
    public let city: String
    /// Approximate share of the province's 规上 industrial firms located in the city (all cities sum to 1).
    public let firmShare: Double
    /// Relative weight of each of the 12 chain codes in the city's industry (sums to 1, every chain non-zero).
    public let chainWeights: [String: Double]
    /// Relative weight of each county of the city as a home of industrial firms (sums to 1).
    public let countyWeights: [String: Double]
    /// Links the city is known for within its chains (宜春 lithium, 鹰潭 copper …).
    public let linkFocus: [LinkFocus]
    /// The city's well-known bases on single links (江铜 in 贵溪, 稀土分离 in 龙南 …), planted as named-size firms.
    public let anchors: [AnchorBase]

    /// Creates a city profile.
    public init(city: String, firmShare: Double, chainWeights: [String: Double], countyWeights: [String: Double],
                linkFocus: [LinkFocus] = [], anchors: [AnchorBase] = []) {
        self.city = city
        self.firmShare = firmShare
        self.chainWeights = chainWeights
        self.countyWeights = countyWeights
        self.linkFocus = linkFocus
        self.anchors = anchors
    }
}

/// Links a city is known for: words matched against a link's name and products, and how many times more likely a firm
/// of that link's chain in the city sits on such a link.
public struct LinkFocus: Codable, Sendable, Hashable {
    public let words: [String]
    public let weight: Double

    public init(words: [String], weight: Double) {
        self.words = words
        self.weight = weight
    }
}

/// A well-known base of a city on one chain link: `firms` 规上 firms in `county` on `link` whose revenue together is
/// `revenueShare` of the chain's province-wide 规上 revenue (split unevenly among them, the first the largest).
public struct AnchorBase: Codable, Sendable, Hashable {
    public let county: String
    public let link: String
    public let firms: Int
    public let revenueShare: Double
    /// What the base stands for (for the reader of the file).
    public let note: String

    public init(county: String, link: String, firms: Int, revenueShare: Double, note: String) {
        self.county = county
        self.link = link
        self.firms = firms
        self.revenueShare = revenueShare
        self.note = note
    }
}

/// Default city profiles of Jiangxi, following each city's signature industries.
///
/// The content is the bundled data file `Resources/cities-jiangxi.json` (format: `CityProfilesFile` below), which also
/// carries each city's name. It is decoded and validated on first use; a broken file stops the process with a message
/// naming the file and the city.
public enum CityProfiles {
    /// One profile per city of Jiangxi (11), in GB/T 2260 code order.
    public static let jiangxi: [CityProfile] = bundled.cities.map(\.profile)

    /// The bundled file, decoded and validated.
    static let bundled: CityProfilesFile = BundledData.loaded { try CityProfilesFile.bundled() }
}

/// The format of the bundled city profiles, `Resources/cities-jiangxi.json`: what the file holds, and one profile per
/// city in GB/T 2260 code order, each with the city's name for the reader of the file.
struct CityProfilesFile: Codable, Sendable, Hashable {
    /// One profile as the file writes it: a `CityProfile` plus the city's name.
    struct City: Codable, Sendable, Hashable {
        var city: String
        /// The city's name (documentation, checked against the region catalogue; not part of `CityProfile`).
        var name: String
        var firmShare: Double
        var chainWeights: [String: Double]
        var countyWeights: [String: Double]
        var linkFocus: [LinkFocus]?
        var anchors: [AnchorBase]?

        var profile: CityProfile {
            CityProfile(city: city, firmShare: firmShare, chainWeights: chainWeights, countyWeights: countyWeights,
                        linkFocus: linkFocus ?? [], anchors: anchors ?? [])
        }
    }

    /// What the file holds, what the weights mean and where the file is loaded.
    var about: String
    var cities: [City]

    static let fileName = "cities-jiangxi.json"

    /// Reads, decodes and validates the bundled file against the bundled regions of Jiangxi.
    static func bundled() throws -> CityProfilesFile {
        try decode(BundledData.data(fileName, in: .module), file: fileName,
                   regions: RegionCatalog.loadRegions(resource: "jiangxi-regions"))
    }

    /// Decodes `data` as a city profile file and validates it against `regions`; errors name `file` and the city.
    static func decode(_ data: Data, file: String, regions: [Region]) throws -> CityProfilesFile {
        let content = try BundledData.decode(CityProfilesFile.self, from: data, file: file)
        if let problem = content.problems(regions: regions).first { throw BundledDataError(file: file, problem) }
        return content
    }

    /// Rule violations, each naming its city (empty when the file is consistent): every profile's code a city of
    /// `regions`, listed once, with that city's name; every county weighted a county of that city; every chain weighted
    /// a chain of `ChainCatalog`; weights not negative, and each set of weights (and the firm shares) summing to 1.
    func problems(regions: [Region]) -> [String] {
        let byCode = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let chains = Set(ChainCatalog.all.map(\.code))
        func sumsToOne(_ values: some Sequence<Double>) -> Bool { abs(values.reduce(0, +) - 1) < 0.001 }
        var problems: [String] = []
        var codes = Set<String>()
        for profile in cities {
            let c = profile.city
            guard let region = byCode[c], region.level == .city else {
                problems.append("city \(c) is not a city of the region catalogue")
                continue
            }
            if !codes.insert(c).inserted { problems.append("city \(c) is listed twice") }
            if region.name != profile.name { problems.append("city \(c): name \(profile.name) is not \(region.name)") }
            for county in profile.countyWeights.keys.sorted() where byCode[county]?.level != .county || byCode[county]?.parent != c {
                problems.append("city \(c): \(county) is not a county of the city")
            }
            for chain in profile.chainWeights.keys.sorted() where !chains.contains(chain) {
                problems.append("city \(c): chain \(chain) is not a chain of the catalogue")
            }
            if profile.firmShare < 0 || profile.chainWeights.values.contains(where: { $0 < 0 })
                || profile.countyWeights.values.contains(where: { $0 < 0 }) {
                problems.append("city \(c): a share or weight is negative")
            }
            if !sumsToOne(profile.chainWeights.values) { problems.append("city \(c): the chain weights do not sum to 1") }
            if !sumsToOne(profile.countyWeights.values) { problems.append("city \(c): the county weights do not sum to 1") }
            for f in profile.linkFocus ?? [] where f.words.isEmpty || !(f.weight > 0 && f.weight <= 20) {
                problems.append("city \(c): a link focus needs words and a weight above 0 and at most 20")
            }
            for a in profile.anchors ?? [] {
                if byCode[a.county]?.level != .county || byCode[a.county]?.parent != c { problems.append("city \(c): anchor county \(a.county) is not a county of the city") }
                let chain = ChainCatalog.chain(String(a.link.split(separator: "-").first ?? ""))
                if chain?.link(a.link) == nil { problems.append("city \(c): anchor link \(a.link) is not a link of the catalogue") }
                if !(1...10).contains(a.firms) || !(a.revenueShare > 0 && a.revenueShare <= 0.5) {
                    problems.append("city \(c): anchor \(a.link) needs 1 to 10 firms and a revenue share above 0 and at most 0.5")
                }
            }
        }
        if !cities.isEmpty, !sumsToOne(cities.map(\.firmShare)) { problems.append("the cities' firm shares do not sum to 1") }
        return problems
    }
}
