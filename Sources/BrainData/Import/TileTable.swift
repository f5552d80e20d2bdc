import BrainCore
import Foundation

/// 城市瓦片图表: the places of a province's cities on the portal's tile map, one row per city (city_code, row, column;
/// north at the top, counted from 0), read from any `TableRows` into a validated layout and written back as the same
/// table. Every city of the province must have a tile and no two share one; problems are reported like the other
/// reference tables' (`ChainTableProblem`, `ChainTableError` with `what` = `tile table`), and nothing is taken when one is wrong.
public enum TileTable {
    /// The columns, in the order the export writes them, with the Chinese headers also accepted.
    public static let columns: [(field: String, aliases: [String], required: Bool)] = [
        ("city_code", ["城市代码", "设区市代码", "行政区划代码"], true), ("row", ["行"], true), ("column", ["列"], true),
    ]

    /// Reads and validates a tile table against the province's cities.
    public static func read(_ rows: inout some TableRows, catalog: RegionCatalog) throws -> (tiles: [CityTile], rows: Int) {
        guard let header = try rows.next() else { throw ImportFileError("the tile table is empty") }
        let index = try ChainTable.headerIndex(header.fields, columns: columns, what: "tile table")
        var problems: [ChainTableProblem] = []
        func fail(_ row: Int, _ column: String, _ value: String, _ reason: String) {
            problems.append(ChainTableProblem(row: row, column: column, value: value, reason: reason))
        }
        let cities = Dictionary(catalog.cities.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var tiles: [CityTile] = []
        var seen: [String: Int] = [:], taken: [String: (line: Int, code: String)] = [:]
        var count = 0
        while let record = try rows.next() {
            count += 1
            let line = record.line
            func cell(_ f: String) -> String {
                guard let i = index[f], i < record.fields.count else { return "" }
                return record.fields[i].trimmingCharacters(in: .whitespaces)
            }
            let code = cell("city_code")
            if code.isEmpty {
                fail(line, "city_code", "", "must not be empty")
            } else if cities[code] == nil {
                if let region = catalog.region(code) {
                    fail(line, "city_code", code, "\(region.name) is a \(region.level.rawValue), not a city (设区市) of \(catalog.province.name)")
                } else if let elsewhere = RegionCatalog.national.first(where: { $0.code == code }) {
                    let home = RegionCatalog.national.first { $0.code == String(code.prefix(2)) + "0000" }?.name ?? String(code.prefix(2))
                    fail(line, "city_code", code, "\(elsewhere.name) is a region of \(home), not of \(catalog.province.name) (province \(catalog.provinceCode))")
                } else {
                    fail(line, "city_code", code, "not a city (设区市) of \(catalog.province.name) (province \(catalog.provinceCode))")
                }
            } else if let first = seen[code] {
                fail(line, "city_code", code, "already placed in row \(first)")
            } else {
                seen[code] = line
            }
            var place: [String: Int] = [:]
            for f in ["row", "column"] {
                let text = cell(f)
                // A spreadsheet may store the number as 2.0.
                let number = Int(text) ?? Double(text).flatMap { $0.rounded() == $0 && abs($0) < 1000 ? Int($0) : nil }
                if text.isEmpty { fail(line, f, "", "must not be empty") } else if let n = number, (0...CityTiles.maxIndex).contains(n) {
                    place[f] = n
                } else {
                    fail(line, f, text, "must be a whole number from 0 to \(CityTiles.maxIndex)")
                }
            }
            guard let row = place["row"], let column = place["column"], cities[code] != nil else { continue }
            let key = "\(row),\(column)"
            if let other = taken[key] {
                fail(line, "column", String(column), "row \(row), column \(column) is already \(other.code)'s tile (row \(other.line))")
            } else {
                taken[key] = (line, code)
            }
            tiles.append(CityTile(code: code, row: row, column: column))
        }
        if count == 0 { throw ImportFileError("the tile table has a header but no rows") }
        let missing = catalog.cities.map(\.code).filter { seen[$0] == nil }
        if !missing.isEmpty {
            fail(count + 2, "city_code", missing.joined(separator: ";"), "every city needs a tile; missing: "
                 + missing.map { "\($0) \(cities[$0]?.name ?? "")" }.joined(separator: ", "))
        }
        if !problems.isEmpty { throw ChainTableError(problems: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }, what: "tile table") }
        return (tiles, count)
    }

    /// Reads a file's bytes: CSV (UTF-8 or GBK) or an XLSX workbook's first sheet, told apart by the first bytes.
    public static func read(data: Data, fileName: String, catalog: RegionCatalog) throws -> (tiles: [CityTile], rows: Int) {
        var (rows, _) = try ImportTable.open(data: data, fileName: fileName)
        return try read(&rows, catalog: catalog)
    }

    /// Reads a CSV text (see `read`).
    public static func read(csv text: String, catalog: RegionCatalog) throws -> (tiles: [CityTile], rows: Int) {
        var rows = RecordedRows(csv: text)
        return try read(&rows, catalog: catalog)
    }

    /// The layout as the same table, CSV with a header, in row then column order.
    public static func csv(_ tiles: [CityTile]) -> String {
        var out = columns.map(\.field).joined(separator: ",") + "\n"
        for t in tiles.sorted(by: { ($0.row, $0.column) < ($1.row, $1.column) }) { out += "\(t.code),\(t.row),\(t.column)\n" }
        return out
    }
}
