import BrainCore
import BrainData
import BrainStore
import Foundation

/// 政策表: a province's policies as a table, one row per policy (id, name, issuer, document_no, kind, category, summary,
/// amount, valid_from, valid_until, regions, criteria), read from any `TableRows` (CSV or an XLSX sheet) into validated
/// policy records, and written back as the same table. Every criteria cell and amount formula is parsed by the rule
/// language's parser; problems are reported like the other reference tables': every one, named by row and column
/// (`ChainTableProblem`, `ChainTableError` with `what` = `policy table`), and nothing is taken when one is wrong.
public enum PolicyTable {
    /// The reference kind under which versions of the table are stored.
    public static let kind = "policies"
    /// The bundled example policies (demo content).
    public static let demoFile = "policies-jiangxi-demo.csv"

    /// The columns, in the order the export writes them, with the Chinese headers also accepted.
    public static let columns: [(field: String, aliases: [String], required: Bool)] = [
        ("id", ["政策编号", "编号"], true), ("name", ["政策名称", "名称"], true),
        ("issuer", ["发文单位", "发布部门", "发文部门"], true), ("document_no", ["文号", "发文字号"], false),
        ("kind", ["兑现方式", "方式"], true), ("category", ["政策类别", "类别"], true),
        ("summary", ["政策内容", "摘要", "奖励内容"], false), ("amount", ["金额公式", "奖励金额（万元）", "金额"], true),
        ("valid_from", ["生效月份", "有效期起"], false), ("valid_until", ["截止月份", "有效期止"], false),
        ("regions", ["适用地区", "区域范围"], false), ("criteria", ["条件", "认定条件", "申报条件"], true),
    ]

    /// The words of the `kind` column: 免申即享 (granted without application) or 申报 (by application).
    static let automatic: Set<String> = ["免申即享", "auto", "automatic"]
    static let byApplication: Set<String> = ["申报", "需申报", "快申快享", "application"]

    /// Longest text each column takes.
    static let limits: [String: Int] = ["id": 40, "name": 200, "issuer": 100, "document_no": 100, "category": 40, "summary": 2000,
                                        "amount": 2000, "criteria": 20_000]

    /// Reads and validates a policy table against the province's regions; `createdBy` is stamped on every record.
    public static func read(_ rows: inout some TableRows, catalog: RegionCatalog, createdBy: String) throws -> (policies: [PolicyRecord], rows: Int, lines: [Int]) {
        guard let header = try rows.next() else { throw ImportFileError("the policy table is empty") }
        let index = try ChainTable.headerIndex(header.fields, columns: columns, what: "policy table")
        var problems: [ChainTableProblem] = []
        func fail(_ row: Int, _ column: String, _ value: String, _ reason: String) {
            let shown = value.count > 60 ? String(value.prefix(60)) + "…" : value
            problems.append(ChainTableProblem(row: row, column: column, value: shown, reason: reason))
        }
        var policies: [PolicyRecord] = []
        var lines: [Int] = []
        var seen: [String: Int] = [:]
        var count = 0
        while let record = try rows.next() {
            count += 1
            let line = record.line
            func cell(_ f: String) -> String {
                guard let i = index[f], i < record.fields.count else { return "" }
                var text = record.fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
                // Undo the export's guard against spreadsheet formulas (a leading apostrophe before = + - @).
                if text.hasPrefix("'"), let next = text.dropFirst().first, "=+-@".contains(next) { text.removeFirst() }
                return text
            }
            for f in columns where f.required && cell(f.field).isEmpty { fail(line, f.field, "", "must not be empty") }
            for (f, limit) in limits where cell(f).count > limit { fail(line, f, cell(f), "at most \(limit) characters") }
            let id = cell("id")
            if !id.isEmpty {
                if !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                    fail(line, "id", id, "letters, digits, - and _ only")
                }
                if let first = seen[id] { fail(line, "id", id, "is already defined in row \(first)") } else { seen[id] = line }
            }
            let kindText = cell("kind")
            var auto: Bool?
            if automatic.contains(kindText.lowercased()) { auto = true } else if byApplication.contains(kindText.lowercased()) { auto = false }
            if auto == nil, !kindText.isEmpty { fail(line, "kind", kindText, "must be 免申即享 (granted without application) or 申报 (by application)") }
            var months: [String: Month] = [:]
            for f in ["valid_from", "valid_until"] where !cell(f).isEmpty {
                if let m = Month(String(cell(f).prefix(7))), cell(f).count == 7 { months[f] = m } else { fail(line, f, cell(f), "must be a month YYYY-MM, e.g. 2026-01") }
            }
            if let from = months["valid_from"], let until = months["valid_until"], until < from {
                fail(line, "valid_until", until.description, "is before valid_from \(from)")
            }
            var regions: [String] = []
            for raw in ChainTable.split(cell("regions")) {
                if catalog.region(raw) != nil {
                    regions.append(raw)
                } else if let elsewhere = RegionCatalog.national.first(where: { $0.code == raw }) {
                    let home = RegionCatalog.national.first { $0.code == String(raw.prefix(2)) + "0000" }?.name ?? String(raw.prefix(2))
                    fail(line, "regions", raw, "\(elsewhere.name) is a region of \(home), not of \(catalog.province.name) (province \(catalog.provinceCode))")
                } else {
                    fail(line, "regions", raw, "not a GB/T 2260 code of \(catalog.province.name)")
                }
            }
            let criteria = cell("criteria"), amount = cell("amount")
            if !criteria.isEmpty {
                do { _ = try PolicyRule.parse(criteria) } catch {
                    fail(line, "criteria", Self.line(error.line, of: criteria), "the rule does not read: \(error.description)")
                }
            }
            if !amount.isEmpty {
                do { _ = try AmountFormula.parse(amount) } catch {
                    fail(line, "amount", amount, "the amount formula (万元) does not read: \(error.description)")
                }
            }
            guard let auto, !id.isEmpty else { continue }
            var policy = PolicyRecord(id: id, name: cell("name"), issuer: cell("issuer"), category: cell("category"), summary: cell("summary"),
                                      rule: criteria, formula: amount, autoGrant: auto, validFrom: months["valid_from"]?.description ?? "",
                                      validUntil: months["valid_until"]?.description ?? "", createdBy: createdBy)
            policy.documentNo = cell("document_no").isEmpty ? nil : cell("document_no")
            policy.regions = regions.isEmpty ? nil : regions
            policies.append(policy)
            lines.append(line)
        }
        if count == 0 { throw ImportFileError("the policy table has a header but no rows") }
        if !problems.isEmpty { throw ChainTableError(problems: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }, what: "policy table") }
        return (policies, count, lines)
    }

    /// Reads a file's bytes: CSV (UTF-8 or GBK) or an XLSX workbook's first sheet, told apart by the first bytes.
    public static func read(data: Data, fileName: String, catalog: RegionCatalog, createdBy: String) throws -> (policies: [PolicyRecord], rows: Int, lines: [Int]) {
        var (rows, _) = try ImportTable.open(data: data, fileName: fileName)
        return try read(&rows, catalog: catalog, createdBy: createdBy)
    }

    /// Reads a CSV text (see `read`).
    public static func read(csv text: String, catalog: RegionCatalog, createdBy: String) throws -> (policies: [PolicyRecord], rows: Int, lines: [Int]) {
        var rows = RecordedRows(csv: text)
        return try read(&rows, catalog: catalog, createdBy: createdBy)
    }

    /// The policies as the same table, CSV with a header (criteria one per line inside their cell, regions separated by `;`).
    public static func csv(_ policies: [PolicyRecord]) -> String {
        var out = columns.map(\.field).joined(separator: ",") + "\n"
        for p in policies {
            let cells = [p.id, p.name, p.issuer, p.documentNo ?? "", p.autoGrant ? "免申即享" : "申报", p.category, p.summary, p.formula,
                         p.validFrom, p.validUntil, (p.regions ?? []).joined(separator: ";"), p.rule]
            out += cells.map(CSV.escape).joined(separator: ",") + "\n"
        }
        return out
    }

    /// The example policies bundled as demo content (`Resources/policies-jiangxi-demo.csv`), valid over the demo data's
    /// year and the next where the file leaves the validity open. Only a database holding the demo dataset gets them.
    public static func demo(year: Int) throws -> [PolicyRecord] {
        let file = demoFile
        let data = try BundledData.data(file, in: .module)
        do {
            return try read(data: data, fileName: file, catalog: .jiangxi, createdBy: "seed").policies.map { p in
                var p = p
                if p.validFrom.isEmpty { p.validFrom = "\(year)-01" }
                if p.validUntil.isEmpty { p.validUntil = "\(year + 1)-12" }
                return p
            }
        } catch {
            throw BundledDataError(file: file, "\(error)")
        }
    }

    /// The `n`th line (1-based) of a text, for naming the criterion a parse error is on.
    static func line(_ n: Int, of text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return n >= 1 && n <= lines.count ? String(lines[n - 1]).trimmingCharacters(in: .whitespaces) : text
    }
}
