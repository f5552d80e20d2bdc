import BrainCore
import BrainData
import Foundation

/// 问诊问卷表: the diagnosis questionnaire as a table, one row per answer option (version, title, area_code, area_name,
/// area_weight, subarea_code, subarea_name, subarea_weight, question_id, question_text, maturity_level, advice,
/// option_label, option_points). A question's columns repeat on each of its options, an area's and a sub-area's on each
/// of their questions' rows, and must agree; options are in row order, worst first. A GB/T 39116 maturity item (asked of
/// 大型/中型 firms only) leaves the area and sub-area columns empty and gives its maturity_level 1–5. The MIIT level bands
/// and the GB/T 39116 maturity level names are national standards, not provincial content: they stay those of the
/// bundled questionnaire. Problems are named by row and column (`ChainTableError` with `what` = `questionnaire table`);
/// the whole questionnaire's rules (`Questionnaire.integrityProblems`: weights sum to 100, 2–3 questions a sub-area,
/// 4–5 options from 0 to 100 …) are checked too and named at the first row of what they concern.
public enum QuestionnaireTable {
    /// The reference kind under which versions of the table are stored.
    public static let kind = "questionnaire"

    /// The columns, in the order the export writes them, with the Chinese headers also accepted.
    public static let columns: [(field: String, aliases: [String], required: Bool)] = [
        ("version", ["问卷版本", "版本"], true), ("title", ["问卷名称"], true),
        ("area_code", ["维度代码"], false), ("area_name", ["维度", "维度名称"], false), ("area_weight", ["维度权重"], false),
        ("subarea_code", ["子维度代码"], false), ("subarea_name", ["子维度", "子维度名称"], false), ("subarea_weight", ["子维度权重"], false),
        ("question_id", ["题号"], true), ("question_text", ["题目"], true), ("maturity_level", ["成熟度等级"], false),
        ("advice", ["改进建议", "建议"], true), ("option_label", ["选项"], true), ("option_points", ["得分", "分值"], true),
    ]

    /// Reads and validates a questionnaire table; `standard` gives the level bands, maturity levels and threshold.
    public static func read(_ rows: inout some TableRows, standard: Questionnaire = .standard) throws -> (questionnaire: Questionnaire, rows: Int) {
        guard let header = try rows.next() else { throw ImportFileError("the questionnaire table is empty") }
        let index = try ChainTable.headerIndex(header.fields, columns: columns, what: "questionnaire table")
        var problems: [ChainTableProblem] = []
        func fail(_ row: Int, _ column: String, _ value: String, _ reason: String) {
            let shown = value.count > 60 ? String(value.prefix(60)) + "…" : value
            problems.append(ChainTableProblem(row: row, column: column, value: shown, reason: reason))
        }
        // Each entity as first written, with the row that wrote it; later rows must agree.
        var first: [String: (line: Int, value: String)] = [:]
        func agree(_ key: String, _ column: String, _ value: String, _ line: Int, _ what: String) {
            if let earlier = first[key + "|" + column] {
                if earlier.value != value { fail(line, column, value, "differs from row \(earlier.line) of \(what) (\(earlier.value.prefix(30)))") }
            } else {
                first[key + "|" + column] = (line, value)
            }
        }
        var areaOrder: [String] = [], subOrder: [String: [String]] = [:], questionOrder: [String] = []
        var areaRow: [String: Int] = [:], subRow: [String: Int] = [:], questionRow: [String: Int] = [:]
        var options: [String: [Questionnaire.Option]] = [:]
        var count = 0
        while let record = try rows.next() {
            count += 1
            let line = record.line
            func cell(_ f: String) -> String {
                guard let i = index[f], i < record.fields.count else { return "" }
                return record.fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            func number(_ f: String, _ range: ClosedRange<Double>) -> Double? {
                let text = cell(f)
                guard !text.isEmpty else { return nil }
                guard let v = Double(text), v.isFinite, range.contains(v) else {
                    fail(line, f, text, "must be a number from \(Int(range.lowerBound)) to \(Int(range.upperBound))"); return nil
                }
                return v
            }
            for f in columns where f.required && cell(f.field).isEmpty { fail(line, f.field, "", "must not be empty") }
            agree("questionnaire", "version", cell("version"), line, "the questionnaire")
            agree("questionnaire", "title", cell("title"), line, "the questionnaire")
            let id = cell("question_id"), area = cell("area_code"), sub = cell("subarea_code")
            guard !id.isEmpty else { continue }
            if !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) {
                fail(line, "question_id", id, "letters, digits, -, _ and . only")
            }
            let maturity = number("maturity_level", 1...5)
            if maturity != nil, !(area.isEmpty && sub.isEmpty) {
                fail(line, "maturity_level", cell("maturity_level"), "a maturity item (GB/T 39116) has no area or sub-area")
            }
            if maturity == nil {
                if area.isEmpty { fail(line, "area_code", "", "a question needs its area (or a maturity_level for a maturity item)") }
                if sub.isEmpty { fail(line, "subarea_code", "", "a question needs its sub-area") }
                if !area.isEmpty, !sub.isEmpty, !sub.hasPrefix(area + ".") { fail(line, "subarea_code", sub, "must start with its area code \(area).") }
            }
            if !area.isEmpty {
                if areaRow[area] == nil { areaRow[area] = line; areaOrder.append(area) }
                agree("area " + area, "area_name", cell("area_name"), line, "area \(area)")
                agree("area " + area, "area_weight", cell("area_weight"), line, "area \(area)")
                if cell("area_name").isEmpty { fail(line, "area_name", "", "must not be empty") }
                if number("area_weight", 0...100) == nil, cell("area_weight").isEmpty { fail(line, "area_weight", "", "must not be empty") }
            }
            if !sub.isEmpty, !area.isEmpty {
                if subRow[sub] == nil { subRow[sub] = line; subOrder[area, default: []].append(sub) }
                agree("sub-area " + sub, "subarea_name", cell("subarea_name"), line, "sub-area \(sub)")
                agree("sub-area " + sub, "subarea_weight", cell("subarea_weight"), line, "sub-area \(sub)")
                if cell("subarea_name").isEmpty { fail(line, "subarea_name", "", "must not be empty") }
                if number("subarea_weight", 0...100) == nil, cell("subarea_weight").isEmpty { fail(line, "subarea_weight", "", "must not be empty") }
            }
            if questionRow[id] == nil { questionRow[id] = line; questionOrder.append(id) }
            for f in ["question_text", "advice", "area_code", "subarea_code", "maturity_level"] { agree("question " + id, f, cell(f), line, "question \(id)") }
            if let points = number("option_points", 0...100), !cell("option_label").isEmpty {
                options[id, default: []].append(.init(label: cell("option_label"), points: points))
            }
        }
        if count == 0 { throw ImportFileError("the questionnaire table has a header but no rows") }
        if !problems.isEmpty { throw ChainTableError(problems: problems.sorted { ($0.row, $0.column) < ($1.row, $1.column) }, what: "questionnaire table") }

        // Every row read: build the questionnaire from the first row of each entity.
        func value(_ key: String, _ column: String) -> String { first[key + "|" + column]?.value ?? "" }
        let areas = areaOrder.map { a in
            Questionnaire.Area(code: a, name: value("area " + a, "area_name"), weight: Double(value("area " + a, "area_weight")) ?? 0,
                               subareas: (subOrder[a] ?? []).map { s in
                                   Questionnaire.Subarea(code: s, name: value("sub-area " + s, "subarea_name"), weight: Double(value("sub-area " + s, "subarea_weight")) ?? 0)
                               })
        }
        let questions = questionOrder.map { id -> Questionnaire.Question in
            let level = Int(Double(value("question " + id, "maturity_level")) ?? 0)
            return Questionnaire.Question(id: id, subarea: level > 0 ? nil : value("question " + id, "subarea_code"), maturityLevel: level > 0 ? level : nil,
                                          largeFirmOnly: level > 0, text: value("question " + id, "question_text"), options: options[id] ?? [],
                                          advice: value("question " + id, "advice"))
        }
        // MIIT questions first, then the maturity items, as consumers expect.
        let ordered = questions.filter { !$0.largeFirmOnly } + questions.filter(\.largeFirmOnly)
        let q = Questionnaire(version: value("questionnaire", "version"), title: value("questionnaire", "title"), levels: standard.levels,
                              areas: areas, questions: ordered, maturityLevels: standard.maturityLevels, maturityThreshold: standard.maturityThreshold)
        let whole = q.integrityProblems()
        if !whole.isEmpty {
            throw ChainTableError(problems: whole.map { problem in
                let (row, column) = place(problem, areas: areaRow, subareas: subRow, questions: questionRow)
                return ChainTableProblem(row: row, column: column, value: "", reason: problem)
            }.sorted { ($0.row, $0.column) < ($1.row, $1.column) }, what: "questionnaire table")
        }
        return (q, count)
    }

    /// The row and column a whole-questionnaire problem concerns: the first row of the question, sub-area or area it names.
    static func place(_ problem: String, areas: [String: Int], subareas: [String: Int], questions: [String: Int]) -> (Int, String) {
        let words = problem.split(whereSeparator: { $0 == " " || $0 == ":" }).map(String.init)
        for w in words {
            if let r = questions[w] { return (r, problem.contains("option") || problem.contains("0/50/100") ? "option_points" : "question_id") }
        }
        for w in words { if let r = subareas[w] { return (r, problem.contains("questions") ? "subarea_code" : "subarea_weight") } }
        for w in words { if let r = areas[w] { return (r, "subarea_weight") } }
        if problem.hasPrefix("area weights") { return (areas.values.min() ?? 2, "area_weight") }
        return (2, problem.contains("maturity") ? "maturity_level" : "question_id")
    }

    /// Reads a file's bytes: CSV (UTF-8 or GBK) or an XLSX workbook's first sheet, told apart by the first bytes.
    public static func read(data: Data, fileName: String, standard: Questionnaire = .standard) throws -> (questionnaire: Questionnaire, rows: Int) {
        var (rows, _) = try ImportTable.open(data: data, fileName: fileName)
        return try read(&rows, standard: standard)
    }

    /// Reads a CSV text (see `read`).
    public static func read(csv text: String, standard: Questionnaire = .standard) throws -> (questionnaire: Questionnaire, rows: Int) {
        var rows = RecordedRows(csv: text)
        return try read(&rows, standard: standard)
    }

    /// The questionnaire as the same table, CSV with a header, one row per option.
    public static func csv(_ q: Questionnaire) -> String {
        func n(_ v: Double) -> String { v.rounded() == v ? String(Int(v)) : String(v) }
        var out = columns.map(\.field).joined(separator: ",") + "\n"
        for question in q.questions {
            let place = question.subarea.flatMap { q.subarea($0) }
            for option in question.options {
                let cells = [q.version, q.title, place?.area.code ?? "", place?.area.name ?? "", place.map { n($0.area.weight) } ?? "",
                             place?.subarea.code ?? "", place?.subarea.name ?? "", place.map { n($0.subarea.weight) } ?? "",
                             question.id, question.text, question.maturityLevel.map(String.init) ?? "", question.advice, option.label, n(option.points)]
                out += cells.map(CSV.escape).joined(separator: ",") + "\n"
            }
        }
        return out
    }
}
