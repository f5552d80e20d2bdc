import Foundation
import Hummingbird

/// A page made of optional filters, free HTML, charts and tables; each table can also be downloaded as CSV
/// (`?csv=N`, UTF-8 with BOM) or XLSX (`?xlsx=N`, numeric columns as numbers), from the same data the page shows.
struct ReportPage {
    /// One table cell: text, an optional link, a CSS class (`num`, `up`, `down`).
    struct Cell {
        var text: String
        var href: String? = nil
        var cls: String = ""
        static func num(_ s: String, _ extra: String = "") -> Cell { Cell(text: s, cls: "num " + extra) }
    }
    /// A table with its column heads (`numeric` right-aligns).
    struct Table {
        var title: String
        var headers: [(String, Bool)]
        var rows: [[Cell]]
        var note: String? = nil
    }
    /// A drop-down filter.
    struct Select {
        var name: String
        var label: String
        var options: [(value: String, label: String)]
        var selected: String?
    }

    var heading: String
    var sub: String? = nil
    var crumbs: [(href: String, label: String)] = []
    var here: String = ""
    var selects: [Select] = []
    var action: String = ""
    var html: String = ""
    var charts: [String] = []
    var tables: [Table] = []
    var after: String = ""
    var notice: String? = nil
    var error: String? = nil
    /// Raw HTML for the page's <head> (a same-origin script, a <noscript> refresh).
    var head: String = ""

    /// The page, or table `csv` (`xlsx`) as a CSV (XLSX) download when the request asks for it.
    func respond(_ portal: Portal, _ request: Request, _ context: BrainContext, title: String, active: String, file: String) -> Response {
        for format: Substring in ["csv", "xlsx"] {
            if let raw = request.uri.queryParameters[format], let k = Int(raw), tables.indices.contains(k) {
                let t = tables[k]
                let rows = [t.headers.map(\.0)] + t.rows.map { $0.map(\.text) }
                if format == "csv" { return CSVDownload.response(rows, filename: "\(file)-\(k + 1).csv") }
                let numeric = Set(t.headers.indices.filter { t.headers[$0].1 })
                let name = String(t.title.filter { !"[]:*?/\\".contains($0) }.prefix(31))
                do {
                    return try XLSXDownload.response([(name.isEmpty ? "表\(k + 1)" : name, XLSXDownload.cells(rows, numeric: numeric))],
                                                     filename: "\(file)-\(k + 1).xlsx")
                } catch {
                    return portal.message(context, "导出失败", "无法生成 Excel 文件：\(error)", status: .internalServerError)
                }
            }
        }
        var c = portal.frame(context, title: title, active: active)
        c["heading"] = heading
        if !head.isEmpty { c["headExtra"] = head }
        if let sub { c["sub"] = sub }
        if let notice { c["notice"] = notice }
        if let error { c["error"] = error }
        c["crumbs"] = crumbs.map { ["href": $0.href, "label": $0.label] }
        c["here"] = here
        if !selects.isEmpty {
            c["filters"] = ["action": action, "selects": selects.map { s in
                ["name": s.name, "label": s.label, "options": s.options.map { ["value": $0.value, "label": $0.label, "selected": $0.value == s.selected] }] as [String: Any]
            }] as [String: Any]
        }
        c["html"] = html
        c["after"] = after
        c["charts"] = charts
        let query = request.uri.query.map { q in q.split(separator: "&").filter { !$0.hasPrefix("csv=") && !$0.hasPrefix("xlsx=") }.joined(separator: "&") } ?? ""
        c["tables"] = tables.enumerated().map { k, t -> [String: Any] in
            compact(["title": t.title, "note": t.note,
                     "csv": request.uri.path + "?" + (query.isEmpty ? "" : query + "&") + "csv=\(k)",
                     "xlsx": request.uri.path + "?" + (query.isEmpty ? "" : query + "&") + "xlsx=\(k)",
                     "head": t.headers.map { "<th\($0.1 ? " class=\"num\"" : "")>\(SVGText.escape($0.0))</th>" }.joined(),
                     "body": Self.body(t)])
        }
        return portal.renderer.page("report", c)
    }

    /// The rows of a table as HTML (built here rather than in the template: a Mustache section per cell costs a
    /// dynamic cast per lookup, which dominated the time of pages with a few hundred rows).
    static func body(_ t: Table) -> String {
        guard !t.rows.isEmpty else { return "<tr><td class=\"muted\" colspan=\"\(t.headers.count)\">暂无数据</td></tr>" }
        var html = ""
        html.reserveCapacity(t.rows.count * t.headers.count * 48)
        for row in t.rows {
            html += "<tr>"
            for cell in row {
                let cls = cell.cls.isEmpty && cell.text.count <= 10 ? "nw" : cell.cls
                html += cls.isEmpty ? "<td>" : "<td class=\"\(cls)\">"
                if let href = cell.href { html += "<a href=\"\(SVGText.escape(href))\">\(SVGText.escape(cell.text))</a>" } else { html += SVGText.escape(cell.text) }
                html += "</td>"
            }
            html += "</tr>"
        }
        return html
    }
}
