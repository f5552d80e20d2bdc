import BrainCore
import Foundation

/// One problem of a reference table (chain definitions, zones), naming the row (the file's line; the header is line 1) and the column.
public struct ChainTableProblem: Codable, Sendable, Hashable, CustomStringConvertible {
    public let row: Int
    public let column: String
    public let value: String
    public let reason: String
    public var description: String { "row \(row), column \(column) \"\(value)\": \(reason)" }

    public init(row: Int, column: String, value: String, reason: String) {
        self.row = row
        self.column = column
        self.value = value
        self.reason = reason
    }
}

/// A reference table (chain definitions, zones) with problems; nothing of it is stored.
public struct ChainTableError: Error, CustomStringConvertible {
    public let problems: [ChainTableProblem]
    /// Which table: `chain definition table` or `zone table`.
    public var what = "chain definition table"

    public init(problems: [ChainTableProblem], what: String = "chain definition table") {
        self.problems = problems
        self.what = what
    }
    public var description: String {
        "the \(what) has \(problems.count) problem(s): " + problems.prefix(20).map(\.description).joined(separator: "; ")
    }
}

/// A table held in memory as records (a parsed CSV file), read through `TableRows`.
public struct RecordedRows: TableRows {
    private var rows: [TableRow]
    private var position = 0
    public init(_ rows: [TableRow]) { self.rows = rows }
    /// The records of a CSV text (UTF-8, with or without BOM).
    public init(csv text: String) {
        self.rows = CSV.parse(text).map { TableRow(line: $0.line, fields: $0.fields) }
    }
    public mutating func next() throws -> TableRow? {
        guard position < rows.count else { return nil }
        defer { position += 1 }
        return rows[position]
    }
}

/// One chain as its rows define it, while a table is read.
private struct ChainDraft {
    var code: String
    var name: String
    var clusters: [String]
    var links: [(line: Int, link: ChainLink)]
}

/// 产业链定义表: the table a province writes its chains in, one row per link (chain_code, chain_name, cluster,
/// link_code, link_name, stage, feeds, products, industries), read from any `TableRows` (CSV now, XLSX later) into a
/// validated `ChainBook`, and written back as the same table.
public enum ChainTable {
    /// The columns, in the order the export writes them, with the header names also accepted (Chinese).
    public static let columns: [(field: String, aliases: [String], required: Bool)] = [
        ("chain_code", ["产业链代码", "链代码"], true), ("chain_name", ["产业链名称", "产业链"], true),
        ("cluster", ["产业集群", "集群"], false), ("link_code", ["环节代码"], true), ("link_name", ["环节名称", "环节"], true),
        ("stage", ["位置", "上中下游"], true), ("feeds", ["供给环节", "下游环节"], false),
        ("products", ["产品", "主要产品"], false), ("industries", ["行业代码", "国民经济行业代码"], true),
    ]

    /// Reads and validates a table; throws `ChainTableError` naming every problem's row and column, or
    /// `ImportFileError` when the header lacks a column.
    public static func read(_ rows: inout some TableRows, industries: IndustryCatalog = .standard, origin: String) throws -> (book: ChainBook, rows: Int) {
        guard let header = try rows.next() else { throw ImportFileError("the chain definition table is empty") }
        let index = try headerIndex(header.fields)
        var problems: [ChainTableProblem] = []
        func fail(_ row: Int, _ column: String, _ value: String, _ reason: String) {
            problems.append(ChainTableProblem(row: row, column: column, value: value, reason: reason))
        }
        var drafts: [ChainDraft] = []
        var linkLine: [String: Int] = [:]
        var classes: [String: String] = [:]
        var count = 0
        while let record = try rows.next() {
            count += 1
            let line = record.line
            func cell(_ f: String) -> String {
                guard let i = index[f], i < record.fields.count else { return "" }
                return record.fields[i].trimmingCharacters(in: .whitespaces)
            }
            let chainCode = cell("chain_code").uppercased(), linkCode = cell("link_code").uppercased()
            for f in ["chain_code", "chain_name", "link_code", "link_name", "stage", "industries"] where cell(f).isEmpty {
                fail(line, f, "", "must not be empty")
            }
            if !chainCode.isEmpty, !chainCode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) || chainCode.count > 12 {
                fail(line, "chain_code", chainCode, "must be 1–12 Latin letters or digits")
            }
            if !linkCode.isEmpty, !chainCode.isEmpty, !linkCode.hasPrefix(chainCode + "-") {
                fail(line, "link_code", linkCode, "must start with the chain code and a hyphen (\(chainCode)-01)")
            }
            if let first = linkLine[linkCode], !linkCode.isEmpty { fail(line, "link_code", linkCode, "is already defined in row \(first)") }
            if !linkCode.isEmpty, linkLine[linkCode] == nil { linkLine[linkCode] = line }
            let stageText = cell("stage")
            let stage = Self.stage(stageText)
            if stage == nil, !stageText.isEmpty { fail(line, "stage", stageText, "unknown stage; use upstream, midstream, downstream or 上游, 中游, 下游") }
            var codes: [String] = []
            for item in classItems(cell("industries")) {
                // `3985` or `3985:电子专用材料制造` (the class's name, for classes the bundled list does not name).
                let parts = item.split(maxSplits: 1, whereSeparator: { $0 == ":" || $0 == "：" }).map { $0.trimmingCharacters(in: .whitespaces) }
                let raw = parts[0]
                if raw.count != 4 || !raw.allSatisfy({ $0.isASCII && $0.isNumber }) || !industries.isValid(raw) {
                    fail(line, "industries", raw, "not a GB/T 4754-2017 class code (four digits of a known division)")
                } else {
                    codes.append(raw)
                    if parts.count > 1, !parts[1].isEmpty { classes[raw] = parts[1] } else if classes[raw] == nil { classes[raw] = industries.name(of: raw) }
                }
            }
            let link = ChainLink(code: linkCode, name: cell("link_name"), stage: stage ?? .midstream, products: split(cell("products")),
                                 industries: codes, feeds: split(cell("feeds")).map { $0.uppercased() })
            let clusters = split(cell("cluster"))
            if let k = drafts.firstIndex(where: { $0.code == chainCode }) {
                if drafts[k].name != cell("chain_name") {
                    fail(line, "chain_name", cell("chain_name"), "chain \(chainCode) is named \(drafts[k].name) in an earlier row")
                }
                for c in clusters where !drafts[k].clusters.contains(c) { drafts[k].clusters.append(c) }
                drafts[k].links.append((line, link))
            } else if !chainCode.isEmpty {
                drafts.append(ChainDraft(code: chainCode, name: cell("chain_name"), clusters: clusters, links: [(line, link)]))
            }
        }
        if count == 0 { throw ImportFileError("the chain definition table has a header but no rows") }
        if drafts.count > ChainBook.maximumChains {
            fail(drafts[ChainBook.maximumChains].links[0].line, "chain_code", drafts[ChainBook.maximumChains].code,
                 "a province may define at most \(ChainBook.maximumChains) chains")
        }
        for draft in drafts {
            let own = Set(draft.links.map(\.link.code))
            for (line, link) in draft.links {
                for target in link.feeds where !own.contains(target) {
                    fail(line, "feeds", target, linkLine[target] == nil ? "feeds an unknown link" : "feeds a link of another chain")
                }
                if link.feeds.contains(link.code) { fail(line, "feeds", link.code, "a link cannot feed itself") }
            }
            if let cycle = ChainBook.cycle(in: draft.links.map(\.link)), cycle.count > 2 {
                fail(linkLine[cycle[0]] ?? 0, "feeds", cycle.joined(separator: " → "), "the feeds of chain \(draft.code) form a cycle")
            }
        }
        if !problems.isEmpty { throw ChainTableError(problems: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }) }
        let chains = drafts.map { IndustryChain(code: $0.code, name: $0.name, clusters: $0.clusters, links: $0.links.map(\.link)) }
        let classList = classes.sorted { $0.key < $1.key }.map { IndustryClass(code: $0.key, name: $0.value) }
        return (ChainBook(chains: chains, industryClasses: classList, origin: origin), count)
    }

    /// Reads a CSV text (see `read`).
    /// Reads a file's bytes: CSV (UTF-8 or GBK) or an XLSX workbook's first sheet, told apart by the first bytes.
    public static func read(data: Data, fileName: String, industries: IndustryCatalog = .standard, origin: String) throws -> (book: ChainBook, rows: Int) {
        var (rows, _) = try ImportTable.open(data: data, fileName: fileName)
        return try read(&rows, industries: industries, origin: origin)
    }

    public static func read(csv text: String, industries: IndustryCatalog = .standard, origin: String) throws -> (book: ChainBook, rows: Int) {
        var rows = RecordedRows(csv: text)
        return try read(&rows, industries: industries, origin: origin)
    }

    /// The book as the same table, CSV with a header (lists inside a cell separated by `;`; a class the standard list
    /// names differently is written `code:name`).
    public static func csv(_ book: ChainBook, industries: IndustryCatalog = .standard) -> String {
        let names = Dictionary(book.industryClasses.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        func classCell(_ code: String) -> String {
            guard let name = names[code], name != industries.name(of: code) else { return code }
            return code + ":" + name
        }
        var out = columns.map(\.field).joined(separator: ",") + "\n"
        for chain in book.chains {
            for link in chain.links {
                let cells = [chain.code, chain.name, chain.clusters.joined(separator: ";"), link.code, link.name, link.stage.rawValue,
                             link.feeds.joined(separator: ";"), link.products.joined(separator: ";"), link.industries.map(classCell).joined(separator: ";")]
                out += cells.map(CSV.escape).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// The stage of a cell: English or Chinese (上游/中游/下游).
    static func stage(_ text: String) -> ChainStage? {
        switch text.lowercased() {
        case "upstream", "上游": return .upstream
        case "midstream", "中游": return .midstream
        case "downstream", "下游": return .downstream
        default: return nil
        }
    }

    /// A list cell: items separated by `;`, `；`, `、` or `|`, trimmed, empties dropped.
    public static func split(_ text: String) -> [String] {
        text.split(whereSeparator: { ";；、|".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The items of an industries cell: separated by `;`, `；` or `|`, and by `、` or spaces between bare codes (a
    /// `code:name` item keeps its name whole, which may itself hold `、`).
    static func classItems(_ text: String) -> [String] {
        text.split(whereSeparator: { ";；|".contains($0) }).flatMap { piece -> [String] in
            let t = piece.trimmingCharacters(in: .whitespaces)
            if t.contains(":") || t.contains("：") { return [t] }
            return t.split(whereSeparator: { "、 ".contains($0) }).map(String.init)
        }.filter { !$0.isEmpty }
    }

    public static func headerIndex(_ header: [String], columns: [(field: String, aliases: [String], required: Bool)] = columns,
                            what: String = "chain definition table") throws -> [String: Int] {
        func norm(_ s: String) -> String {
            s.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "_").lowercased()
        }
        var index: [String: Int] = [:]
        for (i, cell) in header.enumerated() {
            if let col = columns.first(where: { $0.field == norm(cell) || $0.aliases.contains(norm(cell)) }), index[col.field] == nil {
                index[col.field] = i
            }
        }
        let missing = columns.filter { $0.required && index[$0.field] == nil }.map(\.field)
        if !missing.isEmpty {
            throw ImportFileError("the \(what) lacks column(s) \(missing.joined(separator: ", ")); found: \(header.joined(separator: ","))")
        }
        return index
    }
}
