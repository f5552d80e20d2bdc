import Foundation
import Synchronization

/// One city's place on the portal's tile map (north at the top): its GB/T 2260 code and grid row and column, from 0.
public struct CityTile: Codable, Sendable, Hashable {
    public let code: String
    public let row: Int
    public let column: Int

    public init(code: String, row: Int, column: Int) {
        self.code = code
        self.row = row
        self.column = column
    }
}

/// The tile map layouts a province starts with: Jiangxi's from the bundled `Resources/city-tiles-jiangxi.csv` (placed
/// roughly geographically), any other province's generated in code order on a near-square grid until it imports its
/// own (`brain reference import tiles`).
public enum CityTiles {
    /// The largest row or column a layout may use (a 20 × 20 grid).
    public static let maxIndex = 19

    /// Jiangxi's 11 cities, from the bundled file.
    public static let jiangxi: [CityTile] = BundledData.loaded {
        let file = "city-tiles-jiangxi.csv"
        let text = String(decoding: try BundledData.data(file, in: .module), as: UTF8.self)
        var out: [CityTile] = []
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() where i > 0 {
            let cells = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3, let row = Int(cells[1]), let column = Int(cells[2]) else {
                throw BundledDataError(file: file, "line \(i + 1): expected city_code,row,column")
            }
            out.append(CityTile(code: cells[0], row: row, column: column))
        }
        return out
    }

    /// A layout for cities without one: code order, row by row, on ⌈√n⌉ columns.
    public static func generated(cities: [Region]) -> [CityTile] {
        let codes = cities.map(\.code).sorted()
        let columns = max(1, Int(Double(codes.count).squareRoot().rounded(.up)))
        return codes.enumerated().map { i, code in CityTile(code: code, row: i / columns, column: i % columns) }
    }

    /// The layout a province's catalogue starts with, and where it comes from.
    public static func defaults(province: String, cities: [Region]) -> (tiles: [CityTile], origin: String) {
        if province == "360000" { return (jiangxi, "bundled city-tiles-jiangxi.csv") }
        return cities.isEmpty ? ([], "none") : (generated(cities: cities), "generated in code order")
    }
}

/// The tile map layout in force for one running province, shared by every copy of its `RegionCatalog` so that an
/// import of the province's tile table reaches every page at once.
public final class TileShelf: Sendable {
    private let current: Mutex<(tiles: [CityTile], origin: String)>

    public init(_ tiles: [CityTile], origin: String) { current = Mutex((tiles, origin)) }

    /// The tiles in force.
    public var tiles: [CityTile] { current.withLock { $0.tiles } }
    /// Where they come from (`bundled city-tiles-jiangxi.csv`, `generated in code order`, `imported version 2`).
    public var origin: String { current.withLock { $0.origin } }

    /// Puts a newly imported tile table in force.
    public func replace(with tiles: [CityTile], origin: String) { current.withLock { $0 = (tiles, origin) } }
}
