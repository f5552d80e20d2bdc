import Foundation

/// The default development zones of Jiangxi: the 赣江新区 national new area, every national high-tech and
/// economic-technological zone, the comprehensive bonded zones and notable provincial zones.
///
/// The content is the bundled data file `Resources/zones-jiangxi.json` (format: `ZoneCatalogFile` below). It is decoded
/// and validated on first use; a broken file stops the process with a message naming the file and the zone.
public enum ZoneCatalog {
    /// Jiangxi's 44 zones, grouped by home city; codes are `Z` + the home city's four-digit prefix + a sequence
    /// (`Z3600xx` spans cities).
    public static let jiangxi: [DevelopmentZone] = bundled.zones

    /// The zone with the given code (e.g. `Z360101`), if any.
    public static func zone(_ code: String) -> DevelopmentZone? { jiangxi.first { $0.code == code } }

    /// The bundled file, decoded and validated.
    static let bundled: ZoneCatalogFile = BundledData.loaded { try ZoneCatalogFile.bundled() }
}

/// The format of the bundled zone catalogue, `Resources/zones-jiangxi.json`: what the file holds, and the zones grouped
/// by home city in GB/T 2260 code order (the zones across cities first).
struct ZoneCatalogFile: Codable, Sendable, Hashable {
    /// What the file holds, how zone codes are made and where the file is loaded.
    var about: String
    var zones: [DevelopmentZone]

    static let fileName = "zones-jiangxi.json"

    /// Reads, decodes and validates the bundled file against the bundled regions of Jiangxi (read here from their CSV,
    /// not through `RegionCatalog.jiangxi`, which is built from these zones).
    static func bundled() throws -> ZoneCatalogFile {
        try decode(BundledData.data(fileName, in: .module), file: fileName,
                   regions: RegionCatalog.loadRegions(resource: "jiangxi-regions"))
    }

    /// Decodes `data` as a zone catalogue file and validates it against `regions`; errors name `file` and the zone.
    static func decode(_ data: Data, file: String, regions: [Region]) throws -> ZoneCatalogFile {
        let content = try BundledData.decode(ZoneCatalogFile.self, from: data, file: file)
        if let problem = content.problems(regions: regions).first { throw BundledDataError(file: file, problem) }
        return content
    }

    /// Rule violations, each naming its zone (empty when the file is consistent): codes unique and `Z` + six digits, at
    /// least one county, every county a county of `regions` that lies in the city its code names (so the zone's
    /// `cities` are real), a zone of one home city (`Z` + a city's four digits) lying in that city, and every chain a
    /// chain of `ChainCatalog`.
    func problems(regions: [Region]) -> [String] {
        let byCode = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let chains = Set(ChainCatalog.all.map(\.code))
        var problems: [String] = []
        var codes = Set<String>()
        for zone in zones {
            let digits = zone.code.dropFirst()
            if !zone.code.hasPrefix("Z") || digits.count != 6 || !digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                problems.append("zone \(zone.code): code must be Z and six digits")
            }
            if !codes.insert(zone.code).inserted { problems.append("zone \(zone.code) is listed twice") }
            if zone.counties.isEmpty { problems.append("zone \(zone.code) has no counties") }
            for county in zone.counties {
                guard let region = byCode[county], region.level == .county else {
                    problems.append("zone \(zone.code): \(county) is not a county of the region catalogue")
                    continue
                }
                if let city = region.parent, !zone.cities.contains(city) {
                    problems.append("zone \(zone.code): county \(county) lies in \(city), not in one of the zone's cities")
                }
            }
            let home = String(digits.prefix(4)) + "00"
            if byCode[home]?.level == .city, !zone.cities.contains(home) {
                problems.append("zone \(zone.code): its code names city \(home), in which none of its counties lies")
            }
            for chain in zone.chains where !chains.contains(chain) {
                problems.append("zone \(zone.code): chain \(chain) is not a chain of the catalogue")
            }
        }
        return problems
    }
}
