import BrainCore
import Foundation

/// 年度目标表: the annual targets an administrator sets, one row per region, year and measure (region, year, indicator,
/// target): an annual amount of one of the ten indicators in its unit (万元, 万千瓦时, 人; stocks at the year's end), the
/// growth target of 规上工业增加值 (`value_added_growth`, %), or the year's producer price index (`producer_price_index`,
/// 上年 = 100), the deflator of 增加值增速. Read from any `TableRows`; a table with a wrong row is refused whole (a version
/// replaces the whole table), and `ChainTableError` (`what` = `target table`) names every row, column and value at fault.
public enum TargetTable {
    /// The columns, in the order the export writes them, with the Chinese headers also accepted.
    public static let columns: [(field: String, aliases: [String], required: Bool)] = [
        ("region", ["地区代码", "行政区划代码", "地区"], true), ("year", ["年度", "年份"], true),
        ("indicator", ["指标", "指标代码"], true), ("target", ["目标值", "目标", "数值"], true),
    ]

    /// Reads and validates a target table against the province's regions.
    public static func read(_ rows: inout some TableRows, catalog: RegionCatalog) throws -> (targets: [AnnualTarget], rows: Int) {
        guard let header = try rows.next() else { throw ImportFileError("the target table is empty") }
        let index = try ChainTable.headerIndex(header.fields, columns: columns, what: "target table")
        var problems: [ChainTableProblem] = []
        func fail(_ row: Int, _ column: String, _ value: String, _ reason: String) {
            problems.append(ChainTableProblem(row: row, column: column, value: value, reason: reason))
        }
        var targets: [AnnualTarget] = []
        var seen: [String: Int] = [:]
        var count = 0
        let measures = TargetMeasure.all.map(\.code).joined(separator: ", ")
        while let record = try rows.next() {
            count += 1
            let line = record.line
            func cell(_ f: String) -> String {
                guard let i = index[f], i < record.fields.count else { return "" }
                return record.fields[i].trimmingCharacters(in: .whitespaces)
            }
            let region = cell("region")
            var regionOK = false
            if region.isEmpty {
                fail(line, "region", "", "must not be empty")
            } else if catalog.region(region) == nil {
                fail(line, "region", region, "not a GB/T 2260 code of \(catalog.province.name) (province, city or county)")
            } else {
                regionOK = true
            }
            let yearText = cell("year")
            let year = Int(yearText) ?? Double(yearText).flatMap { $0.rounded() == $0 && abs($0) < 10_000 ? Int($0) : nil }
            if yearText.isEmpty { fail(line, "year", "", "must not be empty") } else if year == nil || !(2000...2100).contains(year!) {
                fail(line, "year", yearText, "must be a calendar year from 2000 to 2100")
            }
            let measureText = cell("indicator")
            let measure = TargetMeasure(measureText)
            if measureText.isEmpty { fail(line, "indicator", "", "must not be empty; use one of \(measures)") } else if measure == nil {
                fail(line, "indicator", measureText, "unknown indicator; use one of \(measures)")
            }
            let valueText = cell("target")
            let value = Double(valueText.replacingOccurrences(of: ",", with: ""))
            if valueText.isEmpty {
                fail(line, "target", "", "must not be empty")
            } else if let v = value, v.isFinite, let m = measure {
                if !m.range.contains(v) {
                    fail(line, "target", valueText, "must lie from \(number(m.range.lowerBound)) to \(number(m.range.upperBound)) (\(m.unit)) for \(m.code)")
                } else if case .amount = m, v == 0 {
                    fail(line, "target", valueText, "an annual amount target must be above 0")
                }
            } else if value == nil || !(value!.isFinite) {
                fail(line, "target", valueText, "must be a number")
            }
            guard regionOK, let year, let measure, let value, value.isFinite, measure.range.contains(value) else { continue }
            let key = "\(region)|\(year)|\(measure.code)"
            if let first = seen[key] {
                fail(line, "indicator", measure.code, "\(region) already has a \(measure.code) value for \(year) in row \(first)")
                continue
            }
            seen[key] = line
            targets.append(AnnualTarget(region: region, year: year, measure: measure, value: value))
        }
        if count == 0 { throw ImportFileError("the target table has a header but no rows") }
        if !problems.isEmpty { throw ChainTableError(problems: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }, what: "target table") }
        return (targets, count)
    }

    /// Reads a file's bytes: CSV (UTF-8 or GBK) or an XLSX workbook's first sheet, told apart by the first bytes.
    public static func read(data: Data, fileName: String, catalog: RegionCatalog) throws -> (targets: [AnnualTarget], rows: Int) {
        var (rows, _) = try ImportTable.open(data: data, fileName: fileName)
        return try read(&rows, catalog: catalog)
    }

    /// Reads a CSV text (see `read`).
    public static func read(csv text: String, catalog: RegionCatalog) throws -> (targets: [AnnualTarget], rows: Int) {
        var rows = RecordedRows(csv: text)
        return try read(&rows, catalog: catalog)
    }

    /// The targets as the same table, CSV with a header, by region, year and measure.
    public static func csv(_ targets: [AnnualTarget]) -> String {
        let order = Dictionary(uniqueKeysWithValues: TargetMeasure.all.enumerated().map { ($1.code, $0) })
        var out = columns.map(\.field).joined(separator: ",") + "\n"
        for t in targets.sorted(by: { ($0.region, $0.year, order[$0.measure.code] ?? 0) < ($1.region, $1.year, order[$1.measure.code] ?? 0) }) {
            out += "\(t.region),\(t.year),\(t.measure.code),\(number(t.value))\n"
        }
        return out
    }

    /// A value without a trailing `.0` and without exponent notation.
    static func number(_ v: Double) -> String {
        v.rounded() == v && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
