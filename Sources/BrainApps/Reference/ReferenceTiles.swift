import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

extension ReferenceDesk {
    /// Imports a city tile table (城市瓦片图表; CSV or an XLSX workbook's first sheet: city_code, row, column): validates it
    /// against the province's cities (`ChainTableError` names every row and column at fault), stores it as a new version
    /// and puts it in force for the portal's tile map at once.
    public func importTiles(_ data: Data, fileName: String, by p: Principal) async throws -> ReferenceImportResult {
        try p.require(.manageReference)
        let parsed = try TileTable.read(data: data, fileName: fileName, catalog: catalog)
        return try await store(tiles: parsed.tiles, rows: parsed.rows, fileName: fileName, actor: p.username)
    }

    /// Stores a validated tile layout as a new version and puts it in force (the CLI and the API both end here).
    public func store(tiles: [CityTile], rows: Int, fileName: String, actor: String) async throws -> ReferenceImportResult {
        let stored = try await store.addReferenceVersion(kind: Kind.tiles.rawValue, actor: actor, fileName: fileName, rowCount: rows,
                                                         content: TileTable.csv(tiles))
        catalog.tileShelf.replace(with: tiles, origin: "imported version \(stored.version)")
        return ReferenceImportResult(kind: Kind.tiles.rawValue, version: stored.version, rows: rows, entries: tiles.count, links: 0,
                                     importedAt: stored.importedAt, actor: actor)
    }

    /// The tile layout in force (imported, bundled or generated) as the same table (CSV).
    public func exportTiles(by p: Principal) throws -> String {
        try p.require(.manageReference)
        return TileTable.csv(catalog.tiles)
    }
}
