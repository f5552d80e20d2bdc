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

    /// Creates a city profile.
    public init(city: String, firmShare: Double, chainWeights: [String: Double], countyWeights: [String: Double]) {
        self.city = city
        self.firmShare = firmShare
        self.chainWeights = chainWeights
        self.countyWeights = countyWeights
    }
}

/// Default city profiles of Jiangxi, following each city's signature industries.
public enum CityProfiles {
    /// One profile per city of Jiangxi (11), in GB/T 2260 code order.
    public static let jiangxi: [CityProfile] = [
        // 南昌市
        CityProfile(
            city: "360100", firmShare: 0.125,
            chainWeights: [
                "ELEC": 0.3, "NFM": 0.03, "EQUIP": 0.2, "NEWENERGY": 0.04, "PETROCHEM": 0.03, "BUILDMAT": 0.03,
                "STEEL": 0.04, "AVIATION": 0.1, "FOOD": 0.08, "TEXTILE": 0.05, "PHARMA": 0.08, "FURNITURE": 0.02,
            ],
            countyWeights: [
                "360102": 0.02, "360103": 0.02, "360104": 0.06, "360111": 0.2, "360112": 0.2, "360113": 0.03,
                "360121": 0.3, "360123": 0.07, "360124": 0.1,
            ]),
        // 景德镇市
        CityProfile(
            city: "360200", firmShare: 0.035,
            chainWeights: [
                "ELEC": 0.08, "NFM": 0.03, "EQUIP": 0.14, "NEWENERGY": 0.03, "PETROCHEM": 0.1, "BUILDMAT": 0.25,
                "STEEL": 0.01, "AVIATION": 0.18, "FOOD": 0.05, "TEXTILE": 0.02, "PHARMA": 0.1, "FURNITURE": 0.01,
            ],
            countyWeights: [
                "360202": 0.35, "360203": 0.15, "360222": 0.15, "360281": 0.35,
            ]),
        // 萍乡市
        CityProfile(
            city: "360300", firmShare: 0.05,
            chainWeights: [
                "ELEC": 0.07, "NFM": 0.06, "EQUIP": 0.14, "NEWENERGY": 0.06, "PETROCHEM": 0.1, "BUILDMAT": 0.3,
                "STEEL": 0.12, "AVIATION": 0.01, "FOOD": 0.06, "TEXTILE": 0.03, "PHARMA": 0.03, "FURNITURE": 0.02,
            ],
            countyWeights: [
                "360302": 0.28, "360313": 0.25, "360321": 0.08, "360322": 0.2, "360323": 0.19,
            ]),
        // 九江市
        CityProfile(
            city: "360400", firmShare: 0.115,
            chainWeights: [
                "ELEC": 0.12, "NFM": 0.05, "EQUIP": 0.1, "NEWENERGY": 0.14, "PETROCHEM": 0.25, "BUILDMAT": 0.06,
                "STEEL": 0.09, "AVIATION": 0.01, "FOOD": 0.05, "TEXTILE": 0.08, "PHARMA": 0.03, "FURNITURE": 0.02,
            ],
            countyWeights: [
                "360402": 0.12, "360403": 0.03, "360404": 0.06, "360423": 0.05, "360424": 0.05, "360425": 0.1,
                "360426": 0.06, "360428": 0.04, "360429": 0.11, "360430": 0.08, "360481": 0.1, "360482": 0.12,
                "360483": 0.08,
            ]),
        // 新余市
        CityProfile(
            city: "360500", firmShare: 0.04,
            chainWeights: [
                "ELEC": 0.06, "NFM": 0.06, "EQUIP": 0.09, "NEWENERGY": 0.28, "PETROCHEM": 0.03, "BUILDMAT": 0.05,
                "STEEL": 0.32, "AVIATION": 0.01, "FOOD": 0.04, "TEXTILE": 0.04, "PHARMA": 0.01, "FURNITURE": 0.01,
            ],
            countyWeights: [
                "360502": 0.75, "360521": 0.25,
            ]),
        // 鹰潭市
        CityProfile(
            city: "360600", firmShare: 0.035,
            chainWeights: [
                "ELEC": 0.12, "NFM": 0.6, "EQUIP": 0.06, "NEWENERGY": 0.04, "PETROCHEM": 0.05, "BUILDMAT": 0.03,
                "STEEL": 0.01, "AVIATION": 0.01, "FOOD": 0.03, "TEXTILE": 0.02, "PHARMA": 0.02, "FURNITURE": 0.01,
            ],
            countyWeights: [
                "360602": 0.25, "360603": 0.2, "360681": 0.55,
            ]),
        // 赣州市
        CityProfile(
            city: "360700", firmShare: 0.17,
            chainWeights: [
                "ELEC": 0.18, "NFM": 0.24, "EQUIP": 0.08, "NEWENERGY": 0.09, "PETROCHEM": 0.03, "BUILDMAT": 0.03,
                "STEEL": 0.01, "AVIATION": 0.01, "FOOD": 0.07, "TEXTILE": 0.06, "PHARMA": 0.04, "FURNITURE": 0.16,
            ],
            countyWeights: [
                "360702": 0.08, "360703": 0.16, "360704": 0.09, "360722": 0.06, "360723": 0.04, "360724": 0.03,
                "360725": 0.03, "360726": 0.03, "360728": 0.04, "360729": 0.03, "360730": 0.05, "360731": 0.07,
                "360732": 0.05, "360733": 0.04, "360734": 0.03, "360735": 0.02, "360781": 0.07, "360783": 0.08,
            ]),
        // 吉安市
        CityProfile(
            city: "360800", firmShare: 0.115,
            chainWeights: [
                "ELEC": 0.4, "NFM": 0.04, "EQUIP": 0.09, "NEWENERGY": 0.08, "PETROCHEM": 0.06, "BUILDMAT": 0.06,
                "STEEL": 0.02, "AVIATION": 0.01, "FOOD": 0.09, "TEXTILE": 0.05, "PHARMA": 0.07, "FURNITURE": 0.03,
            ],
            countyWeights: [
                "360802": 0.12, "360803": 0.08, "360821": 0.14, "360822": 0.08, "360823": 0.04, "360824": 0.08,
                "360825": 0.07, "360826": 0.1, "360827": 0.05, "360828": 0.07, "360829": 0.08, "360830": 0.05,
                "360881": 0.04,
            ]),
        // 宜春市
        CityProfile(
            city: "360900", firmShare: 0.13,
            chainWeights: [
                "ELEC": 0.05, "NFM": 0.06, "EQUIP": 0.07, "NEWENERGY": 0.28, "PETROCHEM": 0.06, "BUILDMAT": 0.15,
                "STEEL": 0.02, "AVIATION": 0.01, "FOOD": 0.08, "TEXTILE": 0.06, "PHARMA": 0.15, "FURNITURE": 0.01,
            ],
            countyWeights: [
                "360902": 0.17, "360921": 0.08, "360922": 0.06, "360923": 0.07, "360924": 0.07, "360925": 0.03,
                "360926": 0.02, "360981": 0.18, "360982": 0.16, "360983": 0.16,
            ]),
        // 抚州市
        CityProfile(
            city: "361000", firmShare: 0.075,
            chainWeights: [
                "ELEC": 0.2, "NFM": 0.05, "EQUIP": 0.2, "NEWENERGY": 0.07, "PETROCHEM": 0.06, "BUILDMAT": 0.06,
                "STEEL": 0.02, "AVIATION": 0.01, "FOOD": 0.1, "TEXTILE": 0.04, "PHARMA": 0.15, "FURNITURE": 0.04,
            ],
            countyWeights: [
                "361002": 0.3, "361003": 0.13, "361021": 0.1, "361022": 0.06, "361023": 0.06, "361024": 0.08,
                "361025": 0.04, "361026": 0.05, "361027": 0.08, "361028": 0.03, "361030": 0.07,
            ]),
        // 上饶市
        CityProfile(
            city: "361100", firmShare: 0.11,
            chainWeights: [
                "ELEC": 0.16, "NFM": 0.12, "EQUIP": 0.14, "NEWENERGY": 0.28, "PETROCHEM": 0.05, "BUILDMAT": 0.07,
                "STEEL": 0.02, "AVIATION": 0.01, "FOOD": 0.06, "TEXTILE": 0.04, "PHARMA": 0.03, "FURNITURE": 0.02,
            ],
            countyWeights: [
                "361102": 0.1, "361103": 0.12, "361104": 0.15, "361123": 0.09, "361124": 0.07, "361125": 0.05,
                "361126": 0.06, "361127": 0.06, "361128": 0.05, "361129": 0.07, "361130": 0.04, "361181": 0.14,
            ]),
    ]
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

        var profile: CityProfile {
            CityProfile(city: city, firmShare: firmShare, chainWeights: chainWeights, countyWeights: countyWeights)
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
        }
        if !cities.isEmpty, !sumsToOne(cities.map(\.firmShare)) { problems.append("the cities' firm shares do not sum to 1") }
        return problems
    }
}
