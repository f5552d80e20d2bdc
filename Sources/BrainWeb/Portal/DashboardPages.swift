import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

/// The headline figures of an overview as page cards.
enum DashboardFigures {
    static func kpis(_ o: MonitorOverview) -> [[String: Any]] {
        func card(_ ind: String, _ label: String? = nil) -> [String: Any]? {
            guard let f = o.indicators.first(where: { $0.indicator == ind }) else { return nil }
            return ["name": (label ?? f.name) + "（累计）", "value": NumberFormat.amount(f.cumulative), "unit": f.unit,
                    "trend": "同比 " + NumberFormat.percent(f.cumulativeYoy), "trendClass": trendClass(f.cumulativeYoy)]
        }
        var out = [card("output_value"), card("revenue"), card("profit"), card("electricity")].compactMap { $0 }
        out.append(["name": "亏损面", "value": NumberFormat.percent(o.loss.lossShare, signed: false), "unit": "",
                    "trend": "亏损企业 \(o.loss.lossMakingFirms) 家", "trendClass": ""])
        out.append(["name": "负增长面", "value": NumberFormat.percent(o.loss.negativeGrowthShare, signed: false), "unit": "",
                    "trend": "产值负增长企业 \(o.loss.negativeGrowthFirms) 家", "trendClass": ""])
        out.append(["name": "新增规上企业", "value": String(o.firms.newlyAbove), "unit": "家", "trend": "退规 \(o.firms.droppedOut) 家", "trendClass": ""])
        out.append(["name": "报送企业", "value": String(o.firms.reporting), "unit": "家", "trend": o.periodLabel, "trendClass": ""])
        return out
    }

    static func trendClass(_ v: Double?) -> String { v.map { $0 >= 0 ? "up" : "down" } ?? "" }
}

/// A template context without nil values (Mustache would print an absent optional as "nil").
func compact(_ values: [String: Any?]) -> [String: Any] { values.compactMapValues { $0 } }

/// CSV answers for tables: UTF-8 with a byte-order mark so that Excel opens the Chinese text correctly.
enum CSVDownload {
    static func response(_ rows: [[String]], filename: String) -> Response {
        let text = "\u{FEFF}" + rows.map { $0.map(escape).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func escape(_ s: String) -> String { CSV.escape(s) }
}

extension Portal {
    func registerDashboard(_ pages: PortalPages) {
        pages.get("/dashboard", .permission(.readStatistics)) { request, context in try await self.dashboard(request, context, csv: false) }
        pages.get("/dashboard.csv", .permission(.readStatistics)) { request, context in try await self.dashboard(request, context, csv: true) }
        pages.get("/dashboard.xlsx", .permission(.readStatistics)) { request, context in try await self.dashboard(request, context, csv: true, xlsx: true) }
        registerWarningPages(pages)
        registerEnterprisePages(pages)
    }

    /// 工业运行: headline figures, 24-month trends, the ranking and tile map of the next level down, the table to drill into.
    func dashboard(_ request: Request, _ context: BrainContext, csv: Bool, xlsx: Bool = false) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard p.can(.readStatistics) else { return message(context, "无权访问", "您的角色（\(p.role.nameZh)）不能查看地区统计。", status: .forbidden) }
        let q = request.uri.queryParameters
        let cube = services.cubes.cube
        let scope: AnalysisScope
        do {
            scope = try AnalysisScope.resolve(region: q["region"].map(String.init), zone: q["zone"].map(String.init), chain: nil, industry: nil,
                                              period: q["period"].map(String.init), principal: p, catalog: services.catalog, latest: cube.lastMonth)
        } catch let e as AppError {
            return message(context, e.kind == .forbidden ? "无权访问" : "参数有误", ScopeReasonsZh.translate(e.message), status: e.kind == .forbidden ? .forbidden : .badRequest)
        }
        let o = services.analyses.overview(scope)
        let catalog = services.catalog
        let level = catalog.region(scope.region)?.level
        let childLevel = scope.zone != nil ? "企业" : level == .province ? "设区市" : level == .city ? "县（市、区）" : "开发区"
        let children = level == .county ? o.breakdown.zones : o.breakdown.regions
        func href(_ code: String) -> String? {
            if level == .county { return code.hasPrefix("Z") ? "/dashboard?region=\(scope.region)&zone=\(code)" : nil }
            return catalog.region(code) != nil && code != scope.region ? "/dashboard?region=\(code)" : nil
        }
        if csv {
            var rows = [[childLevel, "代码", "企业数", "工业总产值（万元）", "产值同比（%）", "营业收入（万元）", "收入同比（%）", "利润总额（万元）", "亏损面（%）"]]
            for r in children {
                rows.append([r.name, r.code, String(r.firms), String(format: "%.2f", r.outputValue), r.outputYoy.map { String(format: "%.2f", $0) } ?? "",
                             String(format: "%.2f", r.revenue), r.revenueYoy.map { String(format: "%.2f", $0) } ?? "", String(format: "%.2f", r.profit),
                             r.lossShare.map { String(format: "%.2f", $0) } ?? ""])
            }
            return try XLSXDownload.table(rows, numeric: [2, 3, 4, 5, 6, 7, 8], xlsx: xlsx, sheet: "工业运行", filename: "industry-\(scope.region)-\(o.period)")
        }
        var c = frame(context, title: "工业运行", active: "/dashboard")
        c["regionName"] = scope.zone.flatMap { catalog.zone($0)?.shortName } ?? o.scope.regionName
        c["period"] = o.period
        c["periodLabel"] = o.periodLabel
        c["cumulativeLabel"] = o.cumulativeLabel
        c["firms"] = o.firms.aboveScale
        if let q = o.dataQuality, q.poor {
            c["qualityNote"] = "本期数据完整率 \(NumberFormat.amount(q.completeness * 100))%（应报 \(q.expected) 家，已报 \(q.reporting) 家），数据矛盾 \(q.inconsistent) 家：以下数字可能偏低或失真。"
            c["qualityHref"] = "/data/quality?region=\(scope.region)&period=\(o.period)"
        }
        c["kpis"] = DashboardFigures.kpis(o)
        var crumbs: [[String: String]] = []
        var chain: [String] = []
        var cursor = catalog.region(scope.region)
        while let r = cursor, r.level != .province { chain.insert(r.code, at: 0); cursor = r.parent.flatMap { catalog.region($0) } }
        if p.seesProvince, p.can(.readStatistics) { crumbs.append(["href": "/dashboard?region=\(catalog.province.code)", "label": catalog.province.name]) }
        let readable = p.enterpriseScope(in: catalog)
        for code in chain.dropLast(scope.zone == nil ? 1 : 0) {
            // A county official's city is named but not linked: its page would refuse them.
            let name = catalog.region(code)?.name ?? code
            if case .regions(let mine) = readable, !mine.contains(code) { crumbs.append(["label": name]) } else { crumbs.append(["href": "/dashboard?region=\(code)", "label": name]) }
        }
        c["crumbs"] = crumbs
        c["here"] = scope.zone.flatMap { catalog.zone($0)?.shortName } ?? o.scope.regionName
        let labels = o.series.map { $0.period }
        c["trendChart"] = LineChart(title: "工业总产值增速（近24个月）", unit: "%", labels: labels,
                                    series: [LineSeries(name: "当月同比", values: o.series.map(\.outputYoy)),
                                             LineSeries(name: "累计同比", values: o.series.map(\.cumulativeOutputYoy))]).svg()
        c["growthChart"] = LineChart(title: "工业总产值（近24个月，当月）", unit: "万元", labels: labels,
                                     series: [LineSeries(name: "工业总产值", values: o.series.map { Optional($0.outputValue) })]).svg()
        let ranked = children.filter { $0.code != "OUTSIDE" }.sorted { ($0.outputYoy ?? -1e9) > ($1.outputYoy ?? -1e9) }
        c["rankingChart"] = BarChart(title: "\(childLevel)工业总产值累计同比排名", unit: "%",
                                     items: ranked.prefix(15).map { BarItem(label: $0.name, value: $0.outputYoy, note: nil, href: href($0.code)) },
                                     valueFormat: { NumberFormat.percent($0) }).svg()
        // The tile map places the province's cities by its tile layout (bundled for Jiangxi, generated or imported for another).
        if level == .province && scope.zone == nil && !catalog.tiles.isEmpty {
            c["tileMap"] = TileMap(title: "各设区市工业总产值累计同比", unit: "%",
                                   values: o.breakdown.regions.map { TileValue(code: $0.code, value: $0.outputYoy, href: "/dashboard?region=\($0.code)") },
                                   catalog: catalog).svg()
        }
        c["childLevel"] = childLevel
        c["csvHref"] = "/dashboard.csv?region=\(scope.region)" + (scope.zone.map { "&zone=\($0)" } ?? "")
        c["xlsxHref"] = "/dashboard.xlsx?region=\(scope.region)" + (scope.zone.map { "&zone=\($0)" } ?? "")
        c["rows"] = children.map { r -> [String: Any] in
            compact(["name": r.name, "href": href(r.code), "firms": r.firms, "output": NumberFormat.amount(r.outputValue), "outputYoy": NumberFormat.percent(r.outputYoy),
             "outputClass": DashboardFigures.trendClass(r.outputYoy), "revenue": NumberFormat.amount(r.revenue), "revenueYoy": NumberFormat.percent(r.revenueYoy),
             "profit": NumberFormat.amount(r.profit), "lossShare": NumberFormat.percent(r.lossShare, signed: false)])
        }
        if level == .county || scope.zone != nil {
            let firms = scope.firms(in: cube).sorted { cube.firms[$0].revenue > cube.firms[$1].revenue }.prefix(30)
            c["hasFirms"] = !firms.isEmpty
            c["firmsTable"] = firms.map { i -> [String: Any] in
                let e = cube.firms[i]
                return ["uscc": e.uscc, "name": e.name, "industry": services.industries.name(of: e.industry),
                        "revenue": NumberFormat.amount(e.revenue), "size": e.sizeClass.nameZh]
            }
        }
        return renderer.page("dashboard", c)
    }
}
