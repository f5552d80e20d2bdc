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
            let scale = BureauFigures.Scale(unit: f.unit, values: [f.cumulative])
            return ["name": (label ?? f.name) + "（\(o.cumulativeLabel)）", "value": scale.format(f.cumulative), "unit": scale.unit,
                    "trend": "累计同比 " + NumberFormat.percent(f.cumulativeYoy) + " · 当月同比 " + NumberFormat.percent(f.monthYoy), "trendClass": trendClass(f.cumulativeYoy)]
        }
        var out: [[String: Any]] = []
        if let va = o.valueAdded {
            out.append(["name": "规上工业增加值增速（\(o.cumulativeLabel)）", "value": NumberFormat.percent(va.cumulativeYoy), "unit": "",
                        "trend": "当月（\(o.periodLabel)）" + NumberFormat.percent(va.monthYoy) + (va.monthMom.map { " · 环比 " + NumberFormat.percent($0) } ?? ""),
                        "trendClass": trendClass(va.cumulativeYoy)])
        }
        out += [card("output_value"), card("revenue"), card("profit")].compactMap { $0 }
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
        if let bad = BureauFigures.unknownParameter(q.map { String($0.key) }) {
            return message(context, "参数有误", "不认识的参数“\(bad)”：工业运行页只接受 region（地区）、zone（开发区）、chain（产业链）、industry（行业，GB/T 4754 大类）和 period（期别，YYYY-MM）。", status: .badRequest)
        }
        func param(_ name: String) -> String? {
            guard let v = q[name[...]].map(String.init)?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        let scope: AnalysisScope
        do {
            scope = try AnalysisScope.resolve(region: param("region"), zone: param("zone"), chain: param("chain"), industry: param("industry"),
                                              period: param("period"), principal: p, catalog: services.catalog, latest: cube.lastMonth)
        } catch let e as AppError {
            let field = ["region": "地区", "zone": "开发区", "chain": "产业链", "industry": "行业", "period": "期别"][e.parameter].map { "（参数 \($0)）" } ?? ""
            return message(context, e.kind == .forbidden ? "无权访问" : "参数有误", ScopeReasonsZh.translate(e.message) + field, status: e.kind == .forbidden ? .forbidden : .badRequest)
        }
        let o = services.analyses.overview(scope)
        let catalog = services.catalog
        let level = catalog.region(scope.region)?.level
        let childLevel = scope.zone != nil ? "企业" : level == .province ? "设区市" : level == .city ? "县（市、区）" : "开发区"
        let children = level == .county ? o.breakdown.zones : o.breakdown.regions
        // The chain, industry and period chosen stay chosen while drilling down.
        let kept = [("chain", scope.chain), ("industry", scope.industry), ("period", param("period"))]
            .compactMap { k, v in v.map { "&\(k)=\($0)" } }.joined()
        func href(_ code: String) -> String? {
            if level == .county { return code.hasPrefix("Z") ? "/dashboard?region=\(scope.region)&zone=\(code)\(kept)" : nil }
            return catalog.region(code) != nil && code != scope.region ? "/dashboard?region=\(code)\(kept)" : nil
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
        c["periodLine"] = o.periodLabel == o.cumulativeLabel ? o.periodLabel : "当月 \(o.periodLabel) · 累计 \(o.cumulativeLabel)"
        c["firms"] = o.firms.aboveScale
        if let q = o.dataQuality, q.poor {
            c["qualityNote"] = "本期数据完整率 \(NumberFormat.amount(q.completeness * 100))%（应报 \(q.expected) 家，已报 \(q.reporting) 家），数据矛盾 \(q.inconsistent) 家：以下数字可能偏低或失真。"
            c["qualityHref"] = "/data/quality?region=\(scope.region)&period=\(o.period)"
        }
        c["kpis"] = DashboardFigures.kpis(o)
        c["indicatorRows"] = BureauFigures.indicatorRows(o)
        c["targetRows"] = BureauFigures.targetRows(o)
        c["hasTargets"] = !o.targets.isEmpty
        c["targetYear"] = scope.period.end.year
        c["valueAddedNote"] = o.valueAdded?.methodZh
        c["priceIndexNote"] = o.valueAdded.map { $0.priceIndexSource.hasPrefix("default") ? "本年度尚未导入工业生产者出厂价格指数，按 100（现价）计算。" : "价格指数取自管理员导入的年度目标表。" }
        c["scopeNote"] = "口径：规模以上工业企业（年营业收入 2000 万元及以上）；“当月”为 \(o.periodLabel)，“累计”为 \(o.cumulativeLabel)；同比、环比按可比口径（两期均有报数的企业和月份）计算；1–2月合并为一期，不计环比。"
        let zonesHere = catalog.zones.filter { z in level == .province || z.cities.contains(scope.region) || z.counties.contains(scope.region) }
        c["periodOptions"] = BureauFigures.periodOptions(latest: cube.lastMonth, first: cube.firstMonth, selected: scope.period)
        c["zoneOptions"] = BureauFigures.options(zonesHere.map { ($0.code, $0.shortName) }, selected: scope.zone)
        c["chainOptions"] = BureauFigures.options(chainOptions, selected: scope.chain)
        let divisionsPresent = Set(cube.firms.lazy.filter(\.aboveScale).map { String($0.industry.prefix(2)) })
        c["industryOptions"] = BureauFigures.options(IndustryCatalog.standard.divisions.filter { divisionsPresent.contains($0.code) }
            .map { ($0.code, "\($0.code) \($0.name)") }, selected: scope.industry.map { String($0.prefix(2)) })
        c["regionCode"] = scope.region
        c["sliceNote"] = [scope.chain.flatMap { catalog.chains.chain($0)?.name }.map { "产业链：\($0)" },
                          scope.industry.map { "行业：\(services.industries.name(of: $0))" }].compactMap { $0 }.joined(separator: " · ").nilIfBlank
        if scope.chain != nil || scope.industry != nil || scope.zone != nil {
            c["noTargetNote"] = "年度目标按地区下达；选定开发区、产业链或行业时不显示目标完成率。"
        }
        let chainScale = BureauFigures.Scale(unit: "万元", values: o.breakdown.chains.map(\.outputValue))
        c["chainRows"] = scope.chain != nil ? [] : o.breakdown.chains.map { r -> [String: Any] in
            let scale = chainScale
            return ["name": r.name, "href": "/dashboard?region=\(scope.region)&chain=\(r.code)" + (param("period").map { "&period=\($0)" } ?? ""),
                    "chainHref": "/chains?chain=\(r.code)&region=\(scope.region)", "firms": r.firms, "output": scale.format(r.outputValue), "unit": scale.unit,
                    "outputYoy": NumberFormat.percent(r.outputYoy), "outputClass": DashboardFigures.trendClass(r.outputYoy)]
        }
        c["hasChainRows"] = scope.chain == nil && !o.breakdown.chains.isEmpty
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
        // One point per reporting period: 1–2月 is one (labelled 1-2月), never an empty January and a February spike.
        let labels = o.series.map { $0.months == 2 ? "\($0.period.prefix(4)).1-2" : $0.period.replacingOccurrences(of: "-", with: ".") }
        c["trendChart"] = LineChart(title: "规上工业增加值增速（近24期）", unit: "%", labels: labels,
                                    series: [LineSeries(name: "当月同比", values: o.series.map(\.valueAddedYoy)),
                                             LineSeries(name: "1–N月累计同比", values: o.series.map(\.cumulativeValueAddedYoy))]).svg()
        let levelScale = BureauFigures.Scale(unit: "万元", values: o.series.map { $0.outputValue / Double($0.months) })
        c["growthChart"] = LineChart(title: "工业总产值（近24期，月均；1–2月取两月平均）", unit: levelScale.unit, labels: labels,
                                     series: [LineSeries(name: "工业总产值", values: o.series.map { Optional($0.outputValue / Double($0.months) / levelScale.divisor) })]).svg()
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
        // One unit per column, chosen by its figures.
        let outputScale = BureauFigures.Scale(unit: "万元", values: children.map(\.outputValue))
        let revenueScale = BureauFigures.Scale(unit: "万元", values: children.map(\.revenue))
        let profitScale = BureauFigures.Scale(unit: "万元", values: children.map(\.profit))
        c["outputUnit"] = outputScale.unit
        c["revenueUnit"] = revenueScale.unit
        c["profitUnit"] = profitScale.unit
        c["csvHref"] = "/dashboard.csv?region=\(scope.region)" + (scope.zone.map { "&zone=\($0)" } ?? "") + kept
        c["xlsxHref"] = "/dashboard.xlsx?region=\(scope.region)" + (scope.zone.map { "&zone=\($0)" } ?? "") + kept
        c["rows"] = children.map { r -> [String: Any] in
            compact(["name": r.name, "href": href(r.code), "firms": r.firms, "output": outputScale.format(r.outputValue), "outputYoy": NumberFormat.percent(r.outputYoy),
             "outputClass": DashboardFigures.trendClass(r.outputYoy), "revenue": revenueScale.format(r.revenue), "revenueYoy": NumberFormat.percent(r.revenueYoy),
             "profit": profitScale.format(r.profit), "lossShare": NumberFormat.percent(r.lossShare, signed: false)])
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
