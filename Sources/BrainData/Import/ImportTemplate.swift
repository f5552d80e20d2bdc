import Foundation

/// A blank file for each import kind, made from the data dictionary: a header row of Chinese column names (with the
/// stored unit, e.g. `营业收入（万元）`, which the importer reads back), and in the XLSX a 说明 sheet describing each column.
public enum ImportTemplate {
    /// The sheet of the data rows in the XLSX template.
    public static func sheetName(_ kind: ImportKind) -> String {
        switch kind {
        case .enterprises: return "企业名录"
        case .indicators: return "月度经营指标"
        case .supplyLinks: return "供应关系"
        case .talent: return "人才供需"
        case .qualifications: return "资质认定"
        case .investments: return "投资项目"
        case .land: return "用地亩均"
        case .dailyElectricity: return "日用电量"
        }
    }

    /// The header row: each element's Chinese name, with its unit in full-width brackets when it has one.
    public static func header(_ kind: ImportKind) -> [String] {
        kind.elements.map { e in e.unit.map { "\(e.nameZh)（\($0)）" } ?? e.nameZh }
    }

    /// The 说明 sheet: one row per column.
    public static func guide(_ kind: ImportKind) -> [[XLSXCell]] {
        var rows: [[XLSXCell]] = [["列名", "字段 (field)", "中文名", "类型", "单位", "范围", "必填", "说明"].map { .text($0) }]
        for (i, e) in kind.elements.enumerated() {
            rows.append([.text(header(kind)[i]), .text(e.field), .text(e.nameZh), .text(typeName(e.type)), .text(e.unit ?? ""),
                         .text(range(e)), .text(e.required ? "是" : "否"),
                         .text(([e.description] + (e.aliases.isEmpty ? [] : ["也可写作：" + e.aliases.joined(separator: "、")])
                            + (e.codeList.map { ["代码表：" + $0] } ?? [])).joined(separator: "；"))])
        }
        rows.append([])
        rows.append([.text("在“\(sheetName(kind))”表第 1 行之下逐行填写；表头可用中文名、字段名或别名，单位可写在表头括号中（如 营业收入（元）），导入时换算为字典单位。空单元格表示未报；要清除已有数值请填“清除”。")])
        return rows
    }

    /// The XLSX template: the data sheet (header only) and 说明.
    public static func xlsx(_ kind: ImportKind) throws -> Data {
        try XLSXWriter.workbook([(sheetName(kind), [header(kind).map { .text($0) }]), ("说明", guide(kind))])
    }

    /// The CSV template: the header row, UTF-8 with a byte-order mark (so Excel shows the Chinese names).
    public static func csv(_ kind: ImportKind) -> Data {
        Data(("\u{FEFF}" + header(kind).map(CSV.escape).joined(separator: ",") + "\r\n").utf8)
    }

    static func typeName(_ t: ElementType) -> String {
        switch t {
        case .text: return "文本"
        case .code: return "代码"
        case .integer: return "整数"
        case .decimal: return "数值"
        case .month: return "月份 YYYY-MM（或该月内的日期）"
        case .flag: return "标志 1/0"
        case .date: return "日期 YYYY-MM-DD"
        }
    }

    static func range(_ e: DataElement) -> String {
        if let n = e.maxLength, e.type == .text || e.type == .code { return "至多 \(n) 字" }
        switch (e.minimum, e.maximum) {
        case let (lo?, hi?): return "\(NumberText.plain(lo)) – \(NumberText.plain(hi))"
        case let (lo?, nil): return "≥ \(NumberText.plain(lo))"
        case let (nil, hi?): return "≤ \(NumberText.plain(hi))"
        default: return ""
        }
    }
}
