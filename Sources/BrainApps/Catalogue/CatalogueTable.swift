import BrainCore
import BrainData
import BrainStore
import Foundation

/// 服务资源目录表: the province's service catalogue as a table, one row per solution with its provider's columns
/// (solution_id, title, category, tags, chains, areas, price_min, price_max, summary, cases, provider_id, provider_name,
/// provider_kind, provider_region, provider_contact, provider_description), read from any `TableRows` (CSV or an XLSX
/// sheet) into validated providers and solutions, and written back as the same table. A provider's columns repeat on
/// each of its solutions and must agree. Problems are reported like the other reference tables': every one, named by row
/// and column (`ChainTableError` with `what` = `service catalogue table`), and nothing is taken when one is wrong.
public enum CatalogueTable {
    /// The columns, in the order the export writes them, with the Chinese headers also accepted.
    public static let columns: [(field: String, aliases: [String], required: Bool)] = [
        ("solution_id", ["方案编号"], true), ("title", ["方案名称"], true), ("category", ["服务类别", "类别"], true),
        ("tags", ["标签"], false), ("chains", ["适用产业链", "产业链"], false), ("areas", ["问诊子维度", "对应子维度"], false),
        ("price_min", ["最低价格（万元）", "最低价格"], false), ("price_max", ["最高价格（万元）", "最高价格"], false),
        ("summary", ["方案简介", "简介"], false), ("cases", ["案例"], false),
        ("provider_id", ["服务商编号"], true), ("provider_name", ["服务商名称"], true), ("provider_kind", ["资源类型"], true),
        ("provider_region", ["服务商所在地", "所在地区"], true), ("provider_contact", ["联系方式"], false),
        ("provider_description", ["服务商简介"], false),
    ]

    /// Longest text each column takes.
    static let limits: [String: Int] = ["solution_id": 40, "title": 200, "category": 40, "tags": 500, "chains": 500, "areas": 500,
                                        "summary": 2000, "cases": 5000, "provider_id": 40, "provider_name": 200, "provider_contact": 200,
                                        "provider_description": 2000]

    /// What a table holds once read.
    public struct Content: Sendable {
        public var providers: [ServiceProvider]
        public var solutions: [ServiceSolution]
        public var rows: Int
    }

    /// Reads and validates a catalogue table against the province's chains and the questionnaire's sub-areas.
    public static func read(_ rows: inout some TableRows, chains: Set<String>, areas: Set<String>) throws -> Content {
        guard let header = try rows.next() else { throw ImportFileError("the service catalogue table is empty") }
        let index = try ChainTable.headerIndex(header.fields, columns: columns, what: "service catalogue table")
        var problems: [ChainTableProblem] = []
        func fail(_ row: Int, _ column: String, _ value: String, _ reason: String) {
            let shown = value.count > 60 ? String(value.prefix(60)) + "…" : value
            problems.append(ChainTableProblem(row: row, column: column, value: shown, reason: reason))
        }
        var providers: [String: (line: Int, provider: ServiceProvider)] = [:], providerOrder: [String] = []
        var solutions: [ServiceSolution] = []
        var seen: [String: Int] = [:]
        var count = 0
        let kindWords = Dictionary(uniqueKeysWithValues: CatalogueDesk.kindNames.flatMap { [($0.key, $0.key), ($0.value, $0.key)] })
        while let record = try rows.next() {
            count += 1
            let line = record.line
            func cell(_ f: String) -> String {
                guard let i = index[f], i < record.fields.count else { return "" }
                var text = record.fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
                if text.hasPrefix("'"), let next = text.dropFirst().first, "=+-@".contains(next) { text.removeFirst() }
                return text
            }
            for f in columns where f.required && cell(f.field).isEmpty { fail(line, f.field, "", "must not be empty") }
            for (f, limit) in limits where cell(f).count > limit { fail(line, f, cell(f), "at most \(limit) characters") }
            let id = cell("solution_id"), providerId = cell("provider_id")
            for (f, v) in [("solution_id", id), ("provider_id", providerId)] where !v.isEmpty {
                if !v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) { fail(line, f, v, "letters, digits, - and _ only") }
            }
            if !id.isEmpty { if let first = seen[id] { fail(line, "solution_id", id, "is already defined in row \(first)") } else { seen[id] = line } }
            let kindText = cell("provider_kind")
            let kind = kindWords[kindText.lowercased()] ?? kindWords[kindText]
            if kind == nil, !kindText.isEmpty { fail(line, "provider_kind", kindText, "must be 政府资源, 行业资源 or 本地服务商 (government, industry, local)") }
            let region = cell("provider_region")
            // Any province's code: listed nationally, or (a municipality's city-level code such as 310100) six digits of a listed province.
            if !region.isEmpty, !RegionCatalog.national.contains(where: { $0.code == region }),
               !(region.count == 6 && region.allSatisfy { $0.isASCII && $0.isNumber }
                 && RegionCatalog.national.contains { $0.code == String(region.prefix(2)) + "0000" }) {
                fail(line, "provider_region", region, "not a GB/T 2260 region code")
            }
            let chainList = ChainTable.split(cell("chains")).map { $0.uppercased() }
            for c in chainList where !chains.contains(c) { fail(line, "chains", c, "not a chain of the province") }
            let areaList = ChainTable.split(cell("areas"))
            for a in areaList where !areas.contains(a) { fail(line, "areas", a, "not a sub-area of the diagnosis questionnaire (e.g. operation.production)") }
            var prices: [String: Double] = [:]
            for f in ["price_min", "price_max"] where !cell(f).isEmpty {
                if let v = Double(cell(f)), v.isFinite, (0...1_000_000).contains(v) { prices[f] = v } else { fail(line, f, cell(f), "must be a number of 万元 from 0 to 1000000") }
            }
            if (cell("price_min").isEmpty) != (cell("price_max").isEmpty) {
                fail(line, cell("price_min").isEmpty ? "price_min" : "price_max", "", "give both prices, or neither (面议)")
            } else if let lo = prices["price_min"], let hi = prices["price_max"], lo > hi {
                fail(line, "price_max", cell("price_max"), "is below price_min \(cell("price_min"))")
            }
            var cases: [ServiceSolution.Case] = []
            for (k, text) in cell("cases").split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }).filter({ !$0.isEmpty }).enumerated() {
                let parts = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 3, !parts[0].isEmpty { cases.append(.init(client: parts[0], summary: parts[1], result: parts[2])) } else {
                    fail(line, "cases", text, "case \(k + 1) must be client | summary | result (one case a line)")
                }
            }
            guard let kind, !id.isEmpty, !providerId.isEmpty else { continue }
            let provider = ServiceProvider(id: providerId, name: cell("provider_name"), kind: kind, region: region, contact: cell("provider_contact"),
                                           description: cell("provider_description"))
            if let earlier = providers[providerId] {
                let a = earlier.provider
                for (f, x, y) in [("provider_name", a.name, provider.name), ("provider_kind", a.kind, provider.kind), ("provider_region", a.region, provider.region),
                                  ("provider_contact", a.contact, provider.contact), ("provider_description", a.description, provider.description)] where x != y {
                    fail(line, f, y, "differs from row \(earlier.line) of provider \(providerId) (\(x.prefix(30)))")
                }
            } else {
                providers[providerId] = (line, provider)
                providerOrder.append(providerId)
            }
            solutions.append(ServiceSolution(id: id, providerId: providerId, title: cell("title"), category: cell("category"),
                                             tags: ChainTable.split(cell("tags")), chains: chainList, areas: areaList, priceMin: prices["price_min"],
                                             priceMax: prices["price_max"], summary: cell("summary"), cases: cases))
        }
        if count == 0 { throw ImportFileError("the service catalogue table has a header but no rows") }
        if !problems.isEmpty {
            throw ChainTableError(problems: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }, what: "service catalogue table")
        }
        return Content(providers: providerOrder.compactMap { providers[$0]?.provider }, solutions: solutions, rows: count)
    }

    /// Reads a file's bytes: CSV (UTF-8 or GBK) or an XLSX workbook's first sheet, told apart by the first bytes.
    public static func read(data: Data, fileName: String, chains: Set<String>, areas: Set<String>) throws -> Content {
        var (rows, _) = try ImportTable.open(data: data, fileName: fileName)
        return try read(&rows, chains: chains, areas: areas)
    }

    /// Reads a CSV text (see `read`).
    public static func read(csv text: String, chains: Set<String>, areas: Set<String>) throws -> Content {
        var rows = RecordedRows(csv: text)
        return try read(&rows, chains: chains, areas: areas)
    }

    /// The solutions with their providers as the same table, CSV with a header (lists separated by `;`, one case a line).
    public static func csv(providers: [ServiceProvider], solutions: [ServiceSolution]) -> String {
        let byId = Dictionary(providers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func price(_ v: Double?) -> String { v.map { $0.rounded() == $0 ? String(Int($0)) : String($0) } ?? "" }
        var out = columns.map(\.field).joined(separator: ",") + "\n"
        for s in solutions {
            let p = byId[s.providerId]
            let cases = s.cases.map { "\($0.client) | \($0.summary) | \($0.result)" }.joined(separator: "\n")
            let cells = [s.id, s.title, s.category, s.tags.joined(separator: ";"), s.chains.joined(separator: ";"), s.areas.joined(separator: ";"),
                         price(s.priceMin), price(s.priceMax), s.summary, cases, s.providerId, p?.name ?? "",
                         p.map { CatalogueDesk.kindNames[$0.kind] ?? $0.kind } ?? "", p?.region ?? "", p?.contact ?? "", p?.description ?? ""]
            out += cells.map(CSV.escape).joined(separator: ",") + "\n"
        }
        return out
    }
}
