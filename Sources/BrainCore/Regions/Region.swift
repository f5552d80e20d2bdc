import Foundation

/// Administrative level of a GB/T 2260 region.
public enum RegionLevel: String, Codable, Sendable, CaseIterable {
    case province, city, county
}

/// A GB/T 2260 administrative region (province, city or county).
public struct Region: Codable, Sendable, Hashable {
    public let code: String
    public let name: String
    public let level: RegionLevel
    public let parent: String?

    public init(code: String, name: String, level: RegionLevel, parent: String?) {
        self.code = code
        self.name = name
        self.level = level
        self.parent = parent
    }
}

/// Errors raised while loading the bundled code lists.
public enum CodeListError: Error, CustomStringConvertible {
    case missingResource(String)
    case badRow(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .missingResource(let name): return "bundled code list \(name) is missing"
        case .badRow(let file, let line, let reason): return "\(file) line \(line): \(reason)"
        }
    }
}

/// The GB/T 2260 regions of one province plus its development zones; answers containment questions.
public struct RegionCatalog: Sendable {
    public let province: Region
    public let regions: [Region]
    public let zones: [DevelopmentZone]
    private let byCode: [String: Region]
    private let zoneByCode: [String: DevelopmentZone]

    public init(regions: [Region], zones: [DevelopmentZone]) {
        self.regions = regions
        self.zones = zones
        self.byCode = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        self.zoneByCode = Dictionary(zones.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        self.province = regions.first { $0.level == .province } ?? Region(code: "000000", name: "", level: .province, parent: nil)
    }

    /// Jiangxi's 1 province, 11 cities and 100 counties with its development zones, from the bundled CSV.
    public static let jiangxi: RegionCatalog = {
        do {
            return RegionCatalog(regions: try loadRegions(resource: "jiangxi-regions"), zones: ZoneCatalog.jiangxi)
        } catch {
            fatalError("cannot load bundled regions: \(error)")
        }
    }()

    /// Reads a bundled `code,name,level,parent` CSV.
    public static func loadRegions(resource: String) throws -> [Region] {
        guard let url = Bundle.module.url(forResource: resource, withExtension: "csv", subdirectory: "Resources") else {
            throw CodeListError.missingResource(resource + ".csv")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        var out: [Region] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() where index > 0 {
            let cols = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cols.count >= 3, let level = RegionLevel(rawValue: cols[2]) else {
                throw CodeListError.badRow(file: resource, line: index + 1, reason: "expected code,name,level,parent")
            }
            let parent = cols.count > 3 && !cols[3].isEmpty ? cols[3] : nil
            out.append(Region(code: cols[0], name: cols[1], level: level, parent: parent))
        }
        return out
    }

    public func region(_ code: String) -> Region? { byCode[code] }
    public func zone(_ code: String) -> DevelopmentZone? { zoneByCode[code] }
    public var cities: [Region] { regions.filter { $0.level == .city } }
    public var counties: [Region] { regions.filter { $0.level == .county } }
    public func children(of code: String) -> [Region] { regions.filter { $0.parent == code } }

    /// True when `code` is a region or zone of this catalogue.
    public func isKnown(_ code: String) -> Bool { byCode[code] != nil || zoneByCode[code] != nil }

    /// The city a county belongs to (a city returns itself).
    public func city(of code: String) -> String? {
        guard let region = byCode[code] else { return nil }
        switch region.level {
        case .province: return nil
        case .city: return region.code
        case .county: return region.parent
        }
    }

    /// The county codes a region covers (itself for a county, its counties for a city, all for the province).
    public func counties(within code: String) -> [String] {
        guard let region = byCode[code] else { return [] }
        switch region.level {
        case .county: return [region.code]
        case .city: return children(of: region.code).map(\.code)
        case .province: return counties.map(\.code)
        }
    }

    /// Zones that lie at least partly inside a region.
    public func zones(within code: String) -> [DevelopmentZone] {
        let covered = Set(counties(within: code))
        return zones.filter { zone in zone.counties.contains { covered.contains($0) } }
    }
}
