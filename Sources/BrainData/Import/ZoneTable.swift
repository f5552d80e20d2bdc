import BrainCore
import Foundation

/// 开发区表: a province's development zones as a table, one row per zone (code, name, short_name, level, kind, region,
/// chains), read from any `TableRows` into validated zones, and written back as the same table. Problems are reported
/// like the chain table's: every one, named by row and column (`ChainTableProblem`, `ChainTableError`).
public enum ZoneTable {
    /// The columns, in the order the export writes them, with the Chinese headers also accepted.
    public static let columns: [(field: String, aliases: [String], required: Bool)] = [
        ("code", ["开发区代码", "代码"], true), ("name", ["开发区名称", "名称"], true), ("short_name", ["简称"], false),
        ("level", ["级别"], true), ("kind", ["类型"], false), ("region", ["所在县区", "行政区划代码", "县区"], true),
        ("chains", ["产业链", "主导产业链"], false),
    ]

    /// Reads and validates a zone table against the province's regions and chains.
    public static func read(_ rows: inout some TableRows, catalog: RegionCatalog) throws -> (zones: [DevelopmentZone], rows: Int) {
        guard let header = try rows.next() else { throw ImportFileError("the zone table is empty") }
        let index = try ChainTable.headerIndex(header.fields, columns: columns, what: "zone table")
        var problems: [ChainTableProblem] = []
        func fail(_ row: Int, _ column: String, _ value: String, _ reason: String) {
            problems.append(ChainTableProblem(row: row, column: column, value: value, reason: reason))
        }
        var zones: [DevelopmentZone] = []
        var seen: [String: Int] = [:]
        var count = 0
        let province = catalog.provinceCode
        let chains = Set(catalog.chains.codes)
        while let record = try rows.next() {
            count += 1
            let line = record.line
            func cell(_ f: String) -> String {
                guard let i = index[f], i < record.fields.count else { return "" }
                return record.fields[i].trimmingCharacters(in: .whitespaces)
            }
            for f in ["code", "name", "level", "region"] where cell(f).isEmpty { fail(line, f, "", "must not be empty") }
            let code = cell("code").uppercased()
            let digits = code.dropFirst()
            if !code.isEmpty {
                if !code.hasPrefix("Z") || digits.count != 6 || !digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    fail(line, "code", code, "must be Z and six digits, e.g. Z\(province)0101")
                } else if !digits.hasPrefix(province) {
                    fail(line, "code", code, "must start with Z\(province) (the province's code)")
                }
                if let first = seen[code] { fail(line, "code", code, "is already defined in row \(first)") } else { seen[code] = line }
            }
            let name = cell("name")
            if name.count > 100 { fail(line, "name", String(name.prefix(20)) + "…", "at most 100 characters") }
            let levelText = cell("level")
            var national: Bool?
            switch levelText.lowercased() {
            case "国家级", "national": national = true
            case "省级", "provincial": national = false
            case "": break
            default: fail(line, "level", levelText, "must be 国家级 or 省级")
            }
            let kindText = cell("kind")
            var kind: ZoneKind?
            if !kindText.isEmpty {
                kind = ZoneKind(rawValue: kindText.lowercased()) ?? ZoneKind.allCases.first { $0.nameZh == kindText }
                if kind == nil {
                    fail(line, "kind", kindText, "unknown kind; use \(ZoneKind.allCases.map(\.nameZh).joined(separator: ", "))")
                }
            } else if national == false {
                kind = .provincial
            } else if national == true {
                fail(line, "kind", "", "a 国家级 zone needs its kind: \(ZoneKind.allCases.filter { $0 != .provincial }.map(\.nameZh).joined(separator: ", "))")
            }
            if let kind, let national, (kind == .provincial) == national {
                fail(line, "kind", kind.nameZh, "does not agree with level \(levelText)")
            }
            var counties: [String] = []
            for raw in ChainTable.split(cell("region")) {
                if let region = catalog.region(raw), region.level != .province, catalog.counties(within: raw) == [raw] {
                    counties.append(raw)
                } else if catalog.region(raw) != nil {
                    fail(line, "region", raw, "give the counties (县、区) the zone lies in, not a \(catalog.region(raw)!.level.rawValue)")
                } else if let elsewhere = RegionCatalog.national.first(where: { $0.code == raw }) {
                    let home = RegionCatalog.national.first { $0.code == String(raw.prefix(2)) + "0000" }?.name ?? String(raw.prefix(2))
                    fail(line, "region", raw, "\(elsewhere.name) is a region of \(home), not of \(catalog.province.name) (province \(province))")
                } else {
                    fail(line, "region", raw, "not a GB/T 2260 code of \(catalog.province.name)")
                }
            }
            var zoneChains: [String] = []
            for c in ChainTable.split(cell("chains")).map({ $0.uppercased() }) {
                if chains.contains(c) { zoneChains.append(c) } else { fail(line, "chains", c, "not a chain of the province (import the chain definitions first)") }
            }
            if let kind, !code.isEmpty, !name.isEmpty {
                zones.append(DevelopmentZone(code: code, name: name, shortName: cell("short_name").isEmpty ? name : cell("short_name"),
                                             kind: kind, counties: counties, chains: zoneChains))
            }
        }
        if count == 0 { throw ImportFileError("the zone table has a header but no rows") }
        if !problems.isEmpty { throw ChainTableError(problems: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }, what: "zone table") }
        return (zones, count)
    }

    /// Reads a file's bytes: CSV (UTF-8 or GBK) or an XLSX workbook's first sheet, told apart by the first bytes.
    public static func read(data: Data, fileName: String, catalog: RegionCatalog) throws -> (zones: [DevelopmentZone], rows: Int) {
        var (rows, _) = try ImportTable.open(data: data, fileName: fileName)
        return try read(&rows, catalog: catalog)
    }

    /// Reads a CSV text (see `read`).
    public static func read(csv text: String, catalog: RegionCatalog) throws -> (zones: [DevelopmentZone], rows: Int) {
        var rows = RecordedRows(csv: text)
        return try read(&rows, catalog: catalog)
    }

    /// The zones as the same table, CSV with a header (lists inside a cell separated by `;`).
    public static func csv(_ zones: [DevelopmentZone]) -> String {
        var out = columns.map(\.field).joined(separator: ",") + "\n"
        for z in zones {
            let cells = [z.code, z.name, z.shortName, z.kind == .provincial ? "省级" : "国家级", z.kind.nameZh,
                         z.counties.joined(separator: ";"), z.chains.joined(separator: ";")]
            out += cells.map(CSV.escape).joined(separator: ",") + "\n"
        }
        return out
    }
}
