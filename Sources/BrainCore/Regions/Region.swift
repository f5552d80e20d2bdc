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

/// A province's reference data: its GB/T 2260 regions, its development zones and (through a shared shelf) the chain
/// catalogue in force; answers containment questions.
public struct RegionCatalog: Sendable {
    public let province: Region
    public let regions: [Region]
    /// The development zones in force, shared by every copy of this catalogue (an import replaces them for all).
    public let zoneShelf: ZoneShelf
    private let byCode: [String: Region]
    /// The chain catalogue in force, shared by every copy of this catalogue (an import replaces it for all).
    public let chainShelf: ChainShelf
    /// The tile map layout of the cities in force, shared by every copy of this catalogue (an import replaces it for all).
    public let tileShelf: TileShelf
    /// The counties, and the cities without counties, in code order: every place a firm can be registered.
    private let leaves: [String]

    /// A catalogue of `regions` (one province and its cities and counties) with `zones`; `chains` defaults to
    /// Jiangxi's bundled chains for Jiangxi (360000) and to none for any other province.
    public init(regions: [Region], zones: [DevelopmentZone], chains: ChainBook? = nil, zoneOrigin: String? = nil) {
        self.regions = regions
        self.zoneShelf = ZoneShelf(zones, origin: zoneOrigin ?? (zones.isEmpty ? "none" : "bundled zones-jiangxi.json"))
        self.byCode = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let province = regions.first { $0.level == .province } ?? Region(code: "000000", name: "", level: .province, parent: nil)
        self.province = province
        let parents = Set(regions.compactMap(\.parent))
        self.leaves = regions.filter { $0.level != .province && !parents.contains($0.code) }.map(\.code)
        self.chainShelf = ChainShelf(chains ?? (province.code == "360000" ? .jiangxi : .empty))
        let cities = regions.filter { $0.level == .city || ($0.level == .county && $0.parent == province.code) }
        let tiles = CityTiles.defaults(province: province.code, cities: cities)
        self.tileShelf = TileShelf(tiles.tiles, origin: tiles.origin)
    }

    /// The tile map layout of the cities in force.
    public var tiles: [CityTile] { tileShelf.tiles }

    /// The development zones in force.
    public var zones: [DevelopmentZone] { zoneShelf.zones }

    /// The chain catalogue in force.
    public var chains: ChainBook { chainShelf.book }

    /// The two-digit GB/T 2260 province code (e.g. `36`).
    public var provinceCode: String { String(province.code.prefix(2)) }

    /// Jiangxi's 1 province, 11 cities and 100 counties with its development zones, from the bundled CSV: for the demo
    /// generator, benchmarks and tests. Its shelves are shared by every user of this static, so a server builds its own
    /// catalogue (`RegionCatalog.province("36")`) and imports reference data into that one.
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
    public func zone(_ code: String) -> DevelopmentZone? { zoneShelf.zone(code) }
    /// The cities, and the counties directly under the province (the districts of a municipality such as 重庆, or
    /// 省直辖县级行政单位 such as 仙桃): those stand for their own city.
    public var cities: [Region] {
        regions.filter { $0.level == .city || ($0.level == .county && $0.parent == province.code) }
    }
    public var counties: [Region] { regions.filter { $0.level == .county } }
    public func children(of code: String) -> [Region] { regions.filter { $0.parent == code } }

    /// True when `code` is a region or zone of this catalogue.
    public func isKnown(_ code: String) -> Bool { byCode[code] != nil || zoneShelf.zone(code) != nil }

    /// The city a county belongs to (a city returns itself).
    public func city(of code: String) -> String? {
        guard let region = byCode[code] else { return nil }
        switch region.level {
        case .province: return nil
        case .city: return region.code
        case .county: return region.parent == province.code ? region.code : region.parent
        }
    }

    /// The county codes a region covers (itself for a county, its counties for a city, all for the province).
    public func counties(within code: String) -> [String] {
        guard let region = byCode[code] else { return [] }
        switch region.level {
        case .county: return [region.code]
        case .city:
            // A city without counties (东莞, 中山: towns directly under the city) covers its own code.
            let children = children(of: region.code).map(\.code)
            return children.isEmpty ? [region.code] : children
        case .province: return leaves
        }
    }

    /// Zones that lie at least partly inside a region.
    public func zones(within code: String) -> [DevelopmentZone] {
        let covered = Set(counties(within: code))
        return zones.filter { zone in zone.counties.contains { covered.contains($0) } }
    }
}
