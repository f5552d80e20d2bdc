import Foundation

// Server-rendered SVG charts for the printed government dashboard pages (no JavaScript).
// Every chart is a pure function of its inputs: same data, same bytes. Non-finite inputs are treated as missing,
// so "nan"/"inf" never reach the output. The province tile map lives in SVGTileMap.swift.

/// Escapes text for SVG/HTML.
public enum SVGText {
    /// Escapes `& < > " '` and drops the control characters XML 1.0 does not allow.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

/// A number formatted the Chinese statistical way: 万元 values with thousands separators and 1–2 decimals, percentages with sign "+3.2%" etc.
public enum NumberFormat {
    /// `12345.67` → `"12,345.7"`; non-finite → `"—"`; never prints `-0.0`. `decimals` is clamped to 0…6.
    public static func amount(_ v: Double, decimals: Int = 1) -> String {
        guard v.isFinite else { return "—" }
        let d = min(max(decimals, 0), 6)
        let scale = pow(10.0, Double(d))
        var r = (v * scale).rounded() / scale
        if !r.isFinite { r = v }
        let body = String(format: "%.\(d)f", abs(r))
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = Array(parts[0])
        var grouped = ""
        for (i, ch) in intPart.enumerated() {
            if i > 0 && (intPart.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        if parts.count > 1 { grouped += "." + parts[1] }
        return (r < 0 ? "-" : "") + grouped
    }

    /// A value already in percent units: `3.24` → `"+3.2%"`, `-1.5` → `"-1.5%"`, `0` → `"0.0%"`; nil or non-finite → `"—"`.
    public static func percent(_ v: Double?, decimals: Int = 1, signed: Bool = true) -> String {
        guard let v, v.isFinite else { return "—" }
        let s = amount(v, decimals: decimals)
        if s.hasPrefix("-") { return s + "%" }
        let nonZero = s.contains { "123456789".contains($0) }
        return (signed && nonZero ? "+" : "") + s + "%"
    }
}

/// Shared drawing helpers and the dashboard palette (internal).
enum SVGKit {
    static let font = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
    static let primary = "#1f5fa8", secondary = "#e07b00", positive = "#2e8b57", negative = "#c0392b"
    static let grid = "#e5e7eb", ink = "#1f2937", muted = "#4b5563", faint = "#9ca3af"
    static let seriesColors = [primary, secondary, "#6b7280", "#7c3aed", "#0f766e"]

    /// A coordinate with at most one decimal; never NaN/inf.
    static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (min(max(v, -1e7), 1e7) * 10).rounded() / 10
        if r == r.rounded() { return String(Int(r)) }
        return String(format: "%.1f", r)
    }

    /// Estimated rendered width of `s` in px at `size` px (CJK glyphs are one em; Latin digits about half).
    static func textWidth(_ s: String, _ size: Double) -> Double {
        var em = 0.0
        for u in s.unicodeScalars {
            switch u.value {
            case 0x30...0x39: em += 0.57
            case 0x20, 0x2C, 0x2E, 0x3A, 0x3B, 0x27, 0x21, 0x7C, 0x69, 0x6A, 0x6C: em += 0.3
            case 0x25: em += 0.88
            case 0x41...0x5A: em += 0.66
            case 0x61...0x7A: em += 0.54
            case 0x21...0x7E: em += 0.5
            case 0x300...0x36F, 0x200B...0x200F, 0xFE00...0xFE0F: break
            default: em += 1.0
            }
        }
        return em * size
    }

    /// `s` shortened with "…" so that it fits `maxWidth` px at `size` px.
    static func truncate(_ s: String, _ maxWidth: Double, _ size: Double) -> String {
        if textWidth(s, size) <= maxWidth { return s }
        var chars = Array(s.prefix(120))
        while !chars.isEmpty {
            chars.removeLast()
            let candidate = String(chars).trimmingCharacters(in: .whitespaces) + "…"
            if textWidth(candidate, size) <= maxWidth { return candidate }
        }
        return textWidth("…", size) <= maxWidth ? "…" : ""
    }

    static func text(_ s: String, x: Double, y: Double, size: Double, fill: String = ink, anchor: String = "start",
                     bold: Bool = false) -> String {
        var t = "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" fill=\"\(fill)\""
        if anchor != "start" { t += " text-anchor=\"\(anchor)\"" }
        if bold { t += " font-weight=\"700\"" }
        return t + ">" + SVGText.escape(s) + "</text>"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1,
                     dash: String? = nil) -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\""
            + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>"
    }

    /// A deterministic element id (FNV-1a over the parts), so several charts can share one page.
    static func stableID(_ kind: String, _ parts: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for p in parts {
            for b in p.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0xff) &* 0x0000_0100_0000_01b3
        }
        let hex = String(h & 0xffff_ffff, radix: 16)
        return kind + "-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The root element with `<title>`, `<desc>` and a white background.
    static func open(id: String, title: String, desc: String, width: Double, height: Double) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 \(n(width)) \(n(height))\""
            + " class=\"chart\" width=\"100%\" style=\"display:block\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" font-family=\"\(font)\">"
            + "<title id=\"\(id)-t\">\(SVGText.escape(title))</title><desc id=\"\(id)-d\">\(SVGText.escape(desc))</desc>"
            + "<rect width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>"
    }

    /// Visible title (bold, top-left) and the "单位：…" line under it, keeping `reservedRight` px free at the right.
    static func header(title: String, unit: String, width: Double, reservedRight: Double = 0) -> String {
        let maxW = max(60, width - 32 - reservedRight)
        var s = text(truncate(title, maxW, 16), x: 16, y: 26, size: 16, bold: true)
        if !unit.isEmpty { s += text(truncate("单位：" + unit, maxW, 12), x: 16, y: 46, size: 12, fill: muted) }
        return s
    }

    /// A link target, or nil for empty and script-like URLs.
    static func safeHref(_ href: String?) -> String? {
        guard let h = href?.trimmingCharacters(in: .whitespacesAndNewlines), !h.isEmpty else { return nil }
        let scheme = h.lowercased().unicodeScalars.filter { $0.value > 0x20 }.map(String.init).joined()
        for bad in ["javascript:", "vbscript:", "data:"] where scheme.hasPrefix(bad) { return nil }
        return h
    }

    static func linkOpen(_ href: String) -> String {
        let e = SVGText.escape(href)
        return "<a href=\"\(e)\" xlink:href=\"\(e)\">"
    }

    static func isPercent(_ unit: String) -> Bool { unit.contains("%") || unit.contains("％") }

    /// 1, 2 or 5 × 10^k, the smallest such step ≥ `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return 1 }
        let p = pow(10, (log10(rough)).rounded(.down))
        let f = rough / p
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p
    }

    /// Decimals needed to print multiples of `step` exactly (0…6).
    static func decimals(for step: Double) -> Int {
        for d in 0...6 {
            let s = step * pow(10, Double(d))
            if abs(s - s.rounded()) < 1e-6 * max(1, abs(s)) { return d }
        }
        return 6
    }
}

/// A value axis with nice ticks (1-2-5 steps) covering the data; whole-number data (counts) gets whole-number ticks.
struct AxisScale {
    let lo: Double, hi: Double, ticks: [Double], decimals: Int

    init(min a: Double, max b: Double, target: Int = 5, whole: Bool = false) {
        var lo = a.isFinite ? a : 0, hi = b.isFinite ? b : 1
        if lo > hi { swap(&lo, &hi) }
        if !(hi - lo).isFinite || abs(lo) > 1e15 || abs(hi) > 1e15 { lo = max(lo, -1e15); hi = min(hi, 1e15) }
        if hi - lo <= max(abs(hi), abs(lo)) * 1e-9 {
            if lo == 0 && hi == 0 { hi = 1 } else { let p = max(abs(lo), abs(hi)) * 0.1; lo -= p; hi += p }
        }
        let rough = SVGKit.niceStep((hi - lo) / Double(max(1, target - 1)))
        // Counts of 0, 1 and 2 calls are not drawn against ticks of 0.5.
        let step = whole ? max(1, rough) : rough
        let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
        let count = max(1, min(40, Int(last - first)))
        ticks = (0...count).map { i in let t = (first + Double(i)) * step; return t == 0 ? 0 : t }
        self.lo = ticks.first ?? 0
        self.hi = ticks.last ?? 1
        decimals = SVGKit.decimals(for: step)
    }

    /// Position of `v` on a pixel range where `lo` maps to `from` and `hi` to `to`.
    func map(_ v: Double, from: Double, to: Double) -> Double {
        let span = hi - lo
        guard span > 0, v.isFinite else { return from }
        return from + (min(max(v, lo), hi) - lo) / span * (to - from)
    }

    func tickLabel(_ t: Double) -> String { NumberFormat.amount(t, decimals: decimals) }
}

/// One named series of a line chart; nil values are drawn as gaps.
public struct LineSeries: Sendable {
    public let name: String
    public let values: [Double?]
    public init(name: String, values: [Double?]) {
        self.name = name
        self.values = values
    }
}

/// A line chart: x labels (e.g. "2025-01" shown as "25-01" or "2025年1月" thinned to fit), one or two series, optional second axis off; title, unit, zero line when values cross 0, gaps for nil, a legend, the last value labelled.
public struct LineChart: Sendable {
    public let title: String
    public let unit: String
    public let labels: [String]
    public let series: [LineSeries]
    public let width: Int
    public let height: Int

    public init(title: String, unit: String, labels: [String], series: [LineSeries], width: Int = 640, height: Int = 260) {
        self.title = title
        self.unit = unit
        self.labels = labels
        self.series = series
        self.width = min(max(width, 240), 4000)
        self.height = min(max(height, 160), 3000)
        whole = series.allSatisfy { $0.values.allSatisfy { $0.map { $0 == $0.rounded() } ?? true } }
    }

    /// Every value is a whole number (counts): labelled without decimals, on whole-number ticks.
    private let whole: Bool

    private func format(_ v: Double) -> String {
        SVGKit.isPercent(unit) ? NumberFormat.percent(v) : NumberFormat.amount(v, decimals: whole ? 0 : 1)
    }

    /// "2025-01" / "2025-1" / "202501" → (2025, 1).
    private static func yearMonth(_ s: String) -> (Int, Int)? {
        let t = s.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        let (ys, ms): (Substring, Substring)
        if parts.count == 2 { (ys, ms) = (parts[0], parts[1]) }
        else if parts.count == 1 && t.count == 6 { (ys, ms) = (t.prefix(4), t.suffix(2)) }
        else { return nil }
        guard ys.count == 4, (1...2).contains(ms.count), let y = Int(ys), let m = Int(ms), (1...12).contains(m) else { return nil }
        return (y, m)
    }

    /// Which x labels to show and their text: at most 8, never overlapping, the latest always shown.
    private func xLabelPlan(count n: Int, plotWidth: Double) -> [(index: Int, text: String)] {
        guard n > 0 else { return [] }
        let raw = (0..<n).map { $0 < labels.count ? labels[$0] : "" }
        let ym = raw.map(Self.yearMonth)
        var candidates: [[String]] = []
        let monthly = ym.allSatisfy { $0 != nil }
        if monthly {
            candidates.append(ym.map { "\($0!.0)年\($0!.1)月" })
            candidates.append(ym.map { String(format: "%02d-%02d", $0!.0 % 100, $0!.1) })
        } else {
            let cap = max(40, min(120, plotWidth / Double(min(n, 8)) - 10))
            candidates.append(raw.map { SVGKit.truncate($0, cap, 12) })
        }
        for (ci, texts) in candidates.enumerated() {
            let w = texts.map { SVGKit.textWidth($0, 12) }.max() ?? 0
            var step = 1
            if n > 1 {
                let needBySpace = (w + 12) * Double(n - 1) / max(plotWidth, 1)
                step = max(1, Int(needBySpace.rounded(.up)), (n - 1) / 8 + 1)
                if monthly { step = [1, 2, 3, 4, 6, 12].first { $0 >= step } ?? ((step + 11) / 12 * 12) }
            }
            let shown = (n - 1) / step + 1
            if ci < candidates.count - 1 && shown < min(n, 5) { continue }
            return stride(from: n - 1, through: 0, by: -step).reversed().map { ($0, texts[$0]) }
        }
        return []
    }

    private func summary(_ clean: [[Double?]], count n: Int) -> String {
        let all = clean.flatMap { $0 }.compactMap { $0 }
        guard !all.isEmpty else { return "\(title)：暂无数据。" }
        var s = title + "："
        if n > 0 && !labels.isEmpty {
            let first = labels.first ?? "", last = labels[min(n, labels.count) - 1]
            s += n == 1 ? "\(first)，" : "\(first)至\(last)共\(n)期，"
        }
        var parts: [String] = []
        for (si, vals) in clean.enumerated() {
            let name = series[si].name
            guard let li = vals.lastIndex(where: { $0 != nil }), let lv = vals[li] else { parts.append("\(name)暂无数据"); continue }
            let present = vals.compactMap { $0 }
            let when = li < labels.count ? "（\(labels[li])）" : ""
            parts.append("\(name)最新\(format(lv))\(when)，最高\(format(present.max()!))，最低\(format(present.min()!))")
        }
        s += parts.joined(separator: "；")
        if !unit.isEmpty && !SVGKit.isPercent(unit) { s += "（单位：\(unit)）" }
        return s + "。"
    }

    /// The chart as a standalone `<svg>` element.
    public func svg() -> String {
        let W = Double(width), H = Double(height), pad = 16.0
        let n = max(labels.count, series.map(\.values.count).max() ?? 0)
        let clean: [[Double?]] = series.map { s in
            (0..<n).map { i in i < s.values.count ? s.values[i].flatMap { $0.isFinite ? $0 : nil } : nil }
        }
        let all = clean.flatMap { $0 }.compactMap { $0 }
        let desc = summary(clean, count: n)
        let id = SVGKit.stableID("lc", [title, unit, desc, "\(width)x\(height)"])
        var out = SVGKit.open(id: id, title: title, desc: desc, width: W, height: H)

        // Legend, top right; the title gets what is left.
        var legendItems: [(String, String, Bool)] = []
        for (i, s) in series.enumerated() {
            legendItems.append((SVGKit.truncate(s.name, 140, 12), SVGKit.seriesColors[i % SVGKit.seriesColors.count], i % 2 == 1))
        }
        let legendW = legendItems.reduce(0.0) { $0 + 24 + SVGKit.textWidth($1.0, 12) + 14 }
        out += SVGKit.header(title: title, unit: unit, width: W, reservedRight: min(legendW, W * 0.5))
        var lx = W - pad - legendW + 14
        for (name, color, dashed) in legendItems where lx >= W * 0.45 {
            out += SVGKit.line(lx, 21, lx + 18, 21, stroke: color, width: 2.5, dash: dashed ? "6 3" : nil)
            out += SVGKit.text(name, x: lx + 24, y: 25, size: 12)
            lx += 24 + SVGKit.textWidth(name, 12) + 14
        }

        let top = 62.0, bottom = H - 30
        guard !all.isEmpty, n > 0 else {
            out += "<rect x=\"\(SVGKit.n(pad))\" y=\"\(SVGKit.n(top))\" width=\"\(SVGKit.n(W - 2 * pad))\" height=\"\(SVGKit.n(bottom - top))\""
                + " fill=\"none\" stroke=\"\(SVGKit.grid)\" stroke-dasharray=\"4 4\"/>"
            out += SVGKit.text("暂无数据", x: W / 2, y: (top + bottom) / 2 + 5, size: 14, fill: SVGKit.faint, anchor: "middle")
            return out + "</svg>"
        }

        let (lo, hi) = (all.min()!, all.max()!)
        let whole = all.allSatisfy { $0 == $0.rounded() }
        let scale = lo == 0 && hi == 0 ? AxisScale(min: -1, max: 1, target: 3)
            : AxisScale(min: lo, max: hi, target: bottom - top >= 150 ? 5 : 4, whole: whole)
        let tickTexts = scale.ticks.map(scale.tickLabel)
        let left = pad + (tickTexts.map { SVGKit.textWidth($0, 12) }.max() ?? 0) + 8
        var lastPoints: [(index: Int, value: Double, series: Int)] = []
        for (si, vals) in clean.enumerated() {
            if let li = vals.lastIndex(where: { $0 != nil }), let v = vals[li] { lastPoints.append((li, v, si)) }
        }
        let lastW = lastPoints.map { SVGKit.textWidth(format($0.value), 12) }.max() ?? 0
        let right = W - pad - max(lastW + 10, 8)
        let plotW = max(right - left, 1)
        func x(_ i: Int) -> Double { n == 1 ? (left + right) / 2 : left + plotW * Double(i) / Double(n - 1) }
        func y(_ v: Double) -> Double { scale.map(v, from: bottom, to: top) }

        // Gridlines, tick labels, zero line, x axis.
        for (t, label) in zip(scale.ticks, tickTexts) {
            out += SVGKit.line(left, y(t), right, y(t), stroke: SVGKit.grid)
            out += SVGKit.text(label, x: left - 6, y: y(t) + 4, size: 12, fill: SVGKit.muted, anchor: "end")
        }
        if scale.lo < 0 && scale.hi > 0 { out += SVGKit.line(left, y(0), right, y(0), stroke: "#6b7280", width: 1.2) }
        out += SVGKit.line(left, bottom, right, bottom, stroke: SVGKit.faint)
        for (i, label) in xLabelPlan(count: n, plotWidth: plotW) {
            let half = SVGKit.textWidth(label, 12) / 2
            let cx = min(max(x(i), half + 2), W - half - 2)
            out += SVGKit.line(x(i), bottom, x(i), bottom + 4, stroke: SVGKit.faint)
            out += SVGKit.text(label, x: cx, y: bottom + 18, size: 12, fill: SVGKit.muted, anchor: "middle")
        }

        // Series: broken at nil, isolated points as dots, markers when the series is short.
        for (si, vals) in clean.enumerated() {
            let color = SVGKit.seriesColors[si % SVGKit.seriesColors.count]
            var d = "", run: [Int] = [], singles: [Int] = []
            func flush() { if run.count == 1 { singles.append(run[0]) }; run = [] }
            for i in 0..<n {
                guard let v = vals[i] else { flush(); continue }
                d += (run.isEmpty ? (d.isEmpty ? "M" : " M") : " L") + "\(SVGKit.n(x(i))) \(SVGKit.n(y(v)))"
                run.append(i)
            }
            flush()
            if !d.isEmpty {
                out += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.2\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
                    + (si % 2 == 1 ? " stroke-dasharray=\"6 3\"" : "") + "/>"
            }
            for i in 0..<n {
                guard let v = vals[i], n <= 36 || singles.contains(i) else { continue }
                out += "<circle cx=\"\(SVGKit.n(x(i)))\" cy=\"\(SVGKit.n(y(v)))\" r=\"2.6\" fill=\"#ffffff\" stroke=\"\(color)\" stroke-width=\"1.6\"/>"
            }
        }

        // Last values, nudged apart vertically when they would collide.
        var tags = lastPoints.map { (x: x($0.index), y: y($0.value), py: y($0.value), text: format($0.value), series: $0.series) }
        tags.sort { $0.y < $1.y }
        for i in tags.indices {
            tags[i].y = min(max(tags[i].y, top + 4), bottom - 2)
            if i > 0 && tags[i].y - tags[i - 1].y < 14 { tags[i].y = tags[i - 1].y + 14 }
        }
        if let overflow = tags.last.map({ $0.y - (bottom + 6) }), overflow > 0 {
            for i in tags.indices { tags[i].y -= overflow }
        }
        for t in tags {
            let color = SVGKit.seriesColors[t.series % SVGKit.seriesColors.count]
            out += "<circle cx=\"\(SVGKit.n(t.x))\" cy=\"\(SVGKit.n(t.py))\" r=\"3.6\" fill=\"\(color)\"/>"
            out += SVGKit.text(t.text, x: t.x + 7, y: t.y + 4, size: 12, fill: color, bold: true)
        }
        return out + "</svg>"
    }
}

/// One bar of a ranking: label, value (nil = no data), an optional grey note after the value, an optional link.
public struct BarItem: Sendable {
    public let label: String
    public let value: Double?
    public let note: String?
    public let href: String?
    public init(label: String, value: Double?, note: String? = nil, href: String? = nil) {
        self.label = label
        self.value = value
        self.note = note
        self.href = href
    }
}

/// Horizontal bar chart (ranking): label at left, bar, value at right (negatives go left of a zero axis, coloured differently), optional link per bar (<a href>), title and unit.
public struct BarChart: Sendable {
    public let title: String
    public let unit: String
    public let items: [BarItem]
    public let width: Int
    public let valueFormat: @Sendable (Double) -> String

    public init(title: String, unit: String, items: [BarItem], width: Int = 640,
                valueFormat: @escaping @Sendable (Double) -> String = { NumberFormat.amount($0) }) {
        self.title = title
        self.unit = unit
        self.items = items
        self.width = min(max(width, 280), 4000)
        self.valueFormat = valueFormat
    }

    private func summary(_ values: [Double?]) -> String {
        let present = zip(items, values).compactMap { item, v in v.map { (item.label, $0) } }
        guard let hi = present.max(by: { $0.1 < $1.1 }), let lo = present.min(by: { $0.1 < $1.1 }) else {
            return "\(title)：暂无数据。"
        }
        var s = "\(title)：共\(items.count)项，最高\(hi.0) \(valueFormat(hi.1))，最低\(lo.0) \(valueFormat(lo.1))"
        let negatives = present.filter { $0.1 < 0 }.count
        if negatives > 0 { s += "，\(negatives)项为负" }
        if present.count < items.count { s += "，\(items.count - present.count)项无数据" }
        if !unit.isEmpty { s += "（单位：\(unit)）" }
        return s + "。"
    }

    /// The chart as a standalone `<svg>` element.
    public func svg() -> String {
        let W = Double(width), pad = 16.0, rowH = 28.0, top = 60.0
        let values = items.map { $0.value.flatMap { $0.isFinite ? $0 : nil } }
        let present = values.compactMap { $0 }
        let rows = max(1, items.count)
        let rowsBottom = top + Double(rows) * rowH
        let H = rowsBottom + 34
        let desc = summary(values)
        let id = SVGKit.stableID("bc", [title, unit, desc, "\(width)"])
        var out = SVGKit.open(id: id, title: title, desc: desc, width: W, height: H)
        out += SVGKit.header(title: title, unit: unit, width: W)
        guard !items.isEmpty else {
            out += SVGKit.text("暂无数据", x: W / 2, y: top + rowH / 2 + 5, size: 14, fill: SVGKit.faint, anchor: "middle")
            return out + "</svg>"
        }

        // Columns: labels | bars | value + note.
        let labelColW = min(items.map { SVGKit.textWidth($0.label, 13) }.max() ?? 0, W * 0.26)
        let labels = items.map { SVGKit.truncate($0.label, labelColW, 13) }
        let valueTexts = values.map { $0.map(valueFormat) ?? "—" }
        let valueW = min(valueTexts.map { SVGKit.textWidth($0, 13) }.max() ?? 0, W * 0.22)
        let noteCap = W * 0.16
        let noteW = min(items.compactMap { $0.note.map { SVGKit.textWidth($0, 12) } }.max() ?? 0, noteCap)
        let plotL = pad + labelColW + 10
        let plotR = W - pad - valueW - (noteW > 0 ? noteW + 8 : 0) - 10
        let plotW = max(plotR - plotL, 1)

        // The most ticks whose labels still fit (tighter axis, less empty space), 1-2-5 steps.
        let (dataLo, dataHi) = (min(0, present.min() ?? 0), max(0, present.max() ?? 1))
        let whole = present.allSatisfy { $0 == $0.rounded() }
        var scale = AxisScale(min: dataLo, max: dataHi, target: 2, whole: whole)
        for target in stride(from: 8, through: 3, by: -1) {
            let candidate = AxisScale(min: dataLo, max: dataHi, target: target, whole: whole)
            let widest = candidate.ticks.map { SVGKit.textWidth(candidate.tickLabel($0), 12) }.max() ?? 0
            if widest + 12 <= plotW / Double(max(1, candidate.ticks.count - 1)) { scale = candidate; break }
        }
        func x(_ v: Double) -> Double { scale.map(v, from: plotL, to: plotR) }

        for i in stride(from: 1, to: items.count, by: 2) {
            out += "<rect x=\"8\" y=\"\(SVGKit.n(top + Double(i) * rowH))\" width=\"\(SVGKit.n(W - 16))\""
                + " height=\"\(SVGKit.n(rowH))\" fill=\"#f9fafb\"/>"
        }
        for t in scale.ticks where !present.isEmpty {
            out += SVGKit.line(x(t), top - 2, x(t), rowsBottom, stroke: SVGKit.grid)
            let label = scale.tickLabel(t)
            let half = SVGKit.textWidth(label, 12) / 2
            out += SVGKit.text(label, x: min(max(x(t), half + 2), W - half - 2), y: rowsBottom + 18, size: 12,
                               fill: SVGKit.muted, anchor: "middle")
        }
        out += SVGKit.line(x(0), top - 4, x(0), rowsBottom + 2, stroke: SVGKit.muted, width: 1.2)

        for (i, item) in items.enumerated() {
            let cy = top + Double(i) * rowH + rowH / 2
            let href = SVGKit.safeHref(item.href)
            var row = ""
            row += SVGKit.text(labels[i], x: plotL - 10, y: cy + 4.5, size: 13, fill: href == nil ? SVGKit.ink : SVGKit.primary, anchor: "end")
            if let v = values[i] {
                let x0 = x(0), x1 = x(v)
                let w = max(abs(x1 - x0), v == 0 ? 0 : 1)
                let color = v < 0 ? SVGKit.negative : SVGKit.primary
                row += "<rect x=\"\(SVGKit.n(v < 0 ? x0 - w : x0))\" y=\"\(SVGKit.n(cy - 8))\" width=\"\(SVGKit.n(w))\" height=\"16\" rx=\"2\" fill=\"\(color)\"/>"
                row += SVGKit.text(SVGKit.truncate(valueTexts[i], valueW, 13), x: plotR + 10, y: cy + 4.5, size: 13,
                                   fill: valueTexts[i].hasPrefix("-") ? SVGKit.negative : SVGKit.ink)
            } else {
                if present.isEmpty && i == 0 {
                    row += SVGKit.text("暂无数据", x: (plotL + plotR) / 2, y: cy + 4.5, size: 13, fill: SVGKit.faint, anchor: "middle")
                }
                row += SVGKit.text("—", x: plotR + 10, y: cy + 4.5, size: 13, fill: SVGKit.faint)
            }
            if let note = item.note, !note.isEmpty, noteW > 0 {
                row += SVGKit.text(SVGKit.truncate(note, noteCap, 12), x: plotR + 10 + valueW + 8, y: cy + 4.5, size: 12, fill: SVGKit.muted)
            }
            out += href.map { SVGKit.linkOpen($0) + row + "</a>" } ?? row
        }
        return out + "</svg>"
    }
}
