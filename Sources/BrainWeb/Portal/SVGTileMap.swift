import BrainCore
import Foundation

/// One city's value for the tile map: a 6-digit division code (e.g. "360100"), the value (nil = no data), an optional link.
public struct TileValue: Sendable {
    public let code: String
    public let value: Double?
    public let href: String?
    public init(code: String, value: Double?, href: String? = nil) {
        self.code = code
        self.value = value
        self.href = href
    }
}

/// A tile map of a province's cities (no boundary data needed): one rounded square per city placed by the province's tile
/// layout (reference data: `RegionCatalog.tiles`, Jiangxi's placed roughly geographically, another province's generated
/// or imported), shaded by value on a diverging scale (red = decline, green = growth, grey = no data), city name and
/// value inside each tile, a legend with the scale and unit.
public struct TileMap: Sendable {
    public let title: String
    public let unit: String
    public let values: [TileValue]
    public let width: Int
    /// The province's name, for the map's description.
    public let provinceName: String
    let cities: [City]
    let columns: Int, rows: Int

    /// A city tile: division code, short name, grid column and row (north at top).
    struct City: Sendable {
        let code: String, name: String, col: Int, row: Int
    }

    static let neutral = "#f3f4f6", noData = "#e5e7eb"

    /// A map of the catalogue's cities placed by its tile layout in force.
    public init(title: String, unit: String, values: [TileValue], catalog: RegionCatalog, width: Int = 520) {
        self.title = title
        self.unit = unit
        self.values = values
        self.width = min(max(width, 300), 4000)
        self.provinceName = catalog.province.name
        let cities = catalog.tiles.map { t in City(code: t.code, name: Self.shortName(catalog.region(t.code)?.name ?? t.code), col: t.column, row: t.row) }
        self.cities = cities
        self.columns = max(1, (cities.map(\.col).max() ?? 0) + 1)
        self.rows = max(1, (cities.map(\.row).max() ?? 0) + 1)
    }

    /// A city's name without its suffix (南昌市 → 南昌; a two-character name such as 沙市 stays whole).
    static func shortName(_ name: String) -> String {
        for suffix in ["土家族苗族自治州", "藏族自治州", "自治州", "地区", "盟", "市"] where name.hasSuffix(suffix) && name.count - suffix.count >= 2 {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    private func format(_ v: Double) -> String {
        SVGKit.isPercent(unit) ? NumberFormat.percent(v) : NumberFormat.amount(v)
    }

    /// The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k that is ≥ `m` (the end of the colour scale).
    static func niceBound(_ m: Double) -> Double {
        guard m.isFinite, m > 0 else { return 1 }
        let p = pow(10, log10(m).rounded(.down))
        for f in [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10] where f * p >= m * (1 - 1e-9) { return f * p }
        return 10 * p
    }

    /// `a` blended toward `b` by `t` (0…1), both "#rrggbb".
    static func mix(_ a: String, _ b: String, _ t: Double) -> String {
        func rgb(_ h: String) -> [Double] {
            let v = Int(h.dropFirst(), radix: 16) ?? 0
            return [Double((v >> 16) & 0xff), Double((v >> 8) & 0xff), Double(v & 0xff)]
        }
        let k = min(max(t.isFinite ? t : 0, 0), 1)
        let c = zip(rgb(a), rgb(b)).map { Int(($0 + ($1 - $0) * k).rounded()) }
        return "#" + c.map { String(format: "%02x", $0) }.joined()
    }

    /// Fill colour and colour strength (0…1) of a value on the symmetric scale ±`bound`.
    static func shade(_ v: Double, bound: Double) -> (fill: String, strength: Double) {
        guard v != 0, bound > 0 else { return (neutral, 0) }
        let s = 0.15 + 0.85 * min(1, abs(v) / bound)
        return (mix(neutral, v < 0 ? SVGKit.negative : SVGKit.positive, s), s)
    }

    private func summary(_ lookup: [String: Double?]) -> String {
        let known = cities.compactMap { c in lookup[c.code].flatMap { $0 }.map { (c.name, $0) } }
        guard let hi = known.max(by: { $0.1 < $1.1 }), let lo = known.min(by: { $0.1 < $1.1 }) else {
            return "\(title)：\(provinceName)\(cities.count)个设区市暂无数据。"
        }
        var s = "\(title)：\(provinceName)\(cities.count)个设区市，最高\(hi.0)\(format(hi.1))，最低\(lo.0)\(format(lo.1))"
        let declines = known.filter { $0.1 < 0 }.count
        if declines > 0 && SVGKit.isPercent(unit) { s += "，\(declines)个市下降" }
        if known.count < cities.count { s += "，\(cities.count - known.count)个市无数据" }
        if !unit.isEmpty && !SVGKit.isPercent(unit) { s += "（单位：\(unit)）" }
        return s + "。"
    }

    /// The map as a standalone `<svg>` element.
    public func svg() -> String {
        let W = Double(width), pad = 16.0, gap = 6.0, top = 60.0
        let cols = Double(max(columns, 3)), rowsN = Double(rows)
        let tile = ((W - 2 * pad - (cols - 1) * gap) / cols).rounded(.down)
        let gridW = cols * tile + (cols - 1) * gap
        let originX = ((W - gridW) / 2).rounded()
        let legendH = 84.0
        // The legend sits in the two bottom-right cells when they are free and tiles are big enough, otherwise under the grid.
        let corner = Set([(rows - 1, Int(cols) - 1), (rows - 1, Int(cols) - 2)].map { "\($0.0),\($0.1)" })
        let cornerFree = !cities.contains { corner.contains("\($0.row),\($0.col)") }
        let legendInGrid = tile >= legendH && cornerFree
        let gridBottom = top + rowsN * tile + (rowsN - 1) * gap
        let H = gridBottom + (legendInGrid ? pad : legendH + 8)

        var lookup: [String: Double?] = [:]
        var links: [String: String] = [:]
        for v in values where lookup[v.code] == nil {
            lookup[v.code] = v.value.flatMap { $0.isFinite ? $0 : nil }
            if let h = SVGKit.safeHref(v.href) { links[v.code] = h }
        }
        let present = cities.compactMap { lookup[$0.code].flatMap { $0 } }
        let bound = Self.niceBound(present.map(abs).max() ?? 0)
        // Growth rates (and any data with negatives) use the two-sided scale; plain non-negative totals only its green half.
        let twoSided = SVGKit.isPercent(unit) || present.contains { $0 < 0 }
        let desc = summary(lookup)
        let id = SVGKit.stableID("tm", [title, unit, desc, "\(width)"])
        var out = SVGKit.open(id: id, title: title, desc: desc, width: W, height: H)
        out += "<defs><linearGradient id=\"\(id)-g\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">"
            + (twoSided ? "<stop offset=\"0\" stop-color=\"\(SVGKit.negative)\"/><stop offset=\"0.5\" stop-color=\"\(Self.neutral)\"/>"
                : "<stop offset=\"0\" stop-color=\"\(Self.neutral)\"/>")
            + "<stop offset=\"1\" stop-color=\"\(SVGKit.positive)\"/></linearGradient>"
            + "<pattern id=\"\(id)-h\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            + "<rect width=\"6\" height=\"6\" fill=\"\(Self.noData)\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#cfd4da\" stroke-width=\"2\"/>"
            + "</pattern></defs>"
        out += SVGKit.header(title: title, unit: unit, width: W)

        let nameSize = min(15, max(11, (tile / 6.4).rounded())), valueSize = min(14, max(11, (tile / 7).rounded()))
        for c in cities {
            let x = originX + Double(c.col) * (tile + gap), y = top + Double(c.row) * (tile + gap)
            let value = lookup[c.code].flatMap { $0 }
            var cell = ""
            let fill: String, strength: Double
            if let value { (fill, strength) = Self.shade(value, bound: bound) } else { (fill, strength) = ("url(#\(id)-h)", 0) }
            let stroke = strength < 0.35 ? " stroke=\"#d1d5db\" stroke-width=\"1\"" : ""
            cell += "<rect x=\"\(SVGKit.n(x))\" y=\"\(SVGKit.n(y))\" width=\"\(SVGKit.n(tile))\" height=\"\(SVGKit.n(tile))\""
                + " rx=\"\(SVGKit.n(tile * 0.12))\" fill=\"\(fill)\"\(stroke)/>"
            let ink = strength > 0.55 ? "#ffffff" : SVGKit.ink
            let cx = x + tile / 2, cy = y + tile / 2
            cell += SVGKit.text(SVGKit.truncate(c.name, tile - 8, nameSize), x: cx, y: cy - 3, size: nameSize, fill: ink,
                                anchor: "middle", bold: true)
            let valueText = value.map(format) ?? "无数据"
            cell += SVGKit.text(SVGKit.truncate(valueText, tile - 8, valueSize), x: cx, y: cy + valueSize + 4, size: valueSize,
                                fill: value == nil ? SVGKit.muted : ink, anchor: "middle")
            out += links[c.code].map { SVGKit.linkOpen($0) + cell + "</a>" } ?? cell
        }

        // Legend: in the empty bottom-right cells when tiles are big enough, otherwise under the grid.
        let lx = legendInGrid ? originX + (cols - 2) * (tile + gap) : originX
        let ly = legendInGrid ? top + (rowsN - 1) * (tile + gap) : gridBottom + 8
        let lw = legendInGrid ? 2 * tile + gap : min(gridW, 260)
        out += legend(x: lx, y: ly, width: lw, bound: bound, twoSided: twoSided, gradientID: "\(id)-g", hatchID: "\(id)-h")
        return out + "</svg>"
    }

    private func legend(x: Double, y: Double, width w: Double, bound: Double, twoSided: Bool, gradientID: String,
                        hatchID: String) -> String {
        let d = SVGKit.decimals(for: bound)
        let pct = SVGKit.isPercent(unit)
        let lowText = pct ? NumberFormat.percent(-bound, decimals: d) : NumberFormat.amount(-bound, decimals: d)
        let highText = pct ? NumberFormat.percent(bound, decimals: d) : (twoSided ? "+" : "") + NumberFormat.amount(bound, decimals: d)
        let caption = unit.isEmpty ? "图例" : "图例（单位：\(unit)）"
        var s = SVGKit.text(SVGKit.truncate(caption, w, 12), x: x, y: y + 14, size: 12, fill: SVGKit.muted)
        s += "<rect x=\"\(SVGKit.n(x))\" y=\"\(SVGKit.n(y + 22))\" width=\"\(SVGKit.n(w))\" height=\"12\" rx=\"2\" fill=\"url(#\(gradientID))\"/>"
        if twoSided {
            s += SVGKit.text(lowText, x: x, y: y + 50, size: 12, fill: SVGKit.negative)
            s += SVGKit.text("0", x: x + w / 2, y: y + 50, size: 12, fill: SVGKit.muted, anchor: "middle")
        } else {
            s += SVGKit.text("0", x: x, y: y + 50, size: 12, fill: SVGKit.muted)
        }
        s += SVGKit.text(highText, x: x + w, y: y + 50, size: 12, fill: SVGKit.positive, anchor: "end")
        s += "<rect x=\"\(SVGKit.n(x))\" y=\"\(SVGKit.n(y + 62))\" width=\"16\" height=\"12\" rx=\"2\" fill=\"url(#\(hatchID))\" stroke=\"#d1d5db\"/>"
        s += SVGKit.text("无数据", x: x + 22, y: y + 73, size: 12, fill: SVGKit.muted)
        let meaning = pct ? "红：下降  绿：增长" : twoSided ? "红：负值  绿：正值" : "颜色越深数值越大"
        s += SVGKit.text(SVGKit.truncate(meaning, w - 64, 12), x: x + w, y: y + 73, size: 12, fill: SVGKit.muted, anchor: "end")
        return s
    }
}
