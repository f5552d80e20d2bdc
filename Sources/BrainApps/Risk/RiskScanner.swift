import BrainCore
import BrainData
import Foundation

/// 经济风险预警: runs every enterprise rule, the anomaly model and the region and chain rules over the cube for one
/// reporting period.
public struct RiskScanner: Sendable {
    public let cube: IndicatorCube
    public let thresholds: RiskThresholds
    public let catalog: RegionCatalog

    public init(cube: IndicatorCube, thresholds: RiskThresholds = RiskThresholds(), catalog: RegionCatalog? = nil) {
        self.cube = cube
        self.thresholds = thresholds
        self.catalog = catalog ?? cube.catalog
    }

    /// Every warning for the period.
    public func scan(_ period: ReportingPeriod) -> [RiskWarning] {
        var out: [RiskWarning] = []
        out.reserveCapacity(2_048)
        for i in 0..<cube.firmCount {
            if reported(i, period.end) {
                enterpriseWarnings(i, period, into: &out)
            } else {
                missedReport(i, period, into: &out)
            }
        }
        let firmLevels = Dictionary(out.map { ($0.subject, $0.level) }, uniquingKeysWith: { max($0, $1) })
        out += regionWarnings(period)
        out += chainWarnings(period, firmLevels: firmLevels)
        return out
    }

    // MARK: Enterprise rules

    /// Whether the firm reported anything for the month (output, revenue or electricity).
    func reported(_ i: Int, _ m: Month) -> Bool {
        !cube.value(.outputValue, firm: i, month: m).isNaN || !cube.value(.revenue, firm: i, month: m).isNaN
            || !cube.value(.electricity, firm: i, month: m).isNaN
    }

    /// 断报: a 规上 firm that reported in one of the three months before the period's end but not in it is itself a
    /// warning (1 month missing yellow, 2 orange, 3 red), and its last reported month is still judged by every rule, so a
    /// firm whose output collapsed and which then stopped reporting is not let off. Those warnings carry this period (a
    /// rescan updates them) and say which month they judged.
    func missedReport(_ i: Int, _ p: ReportingPeriod, into out: inout [RiskWarning]) {
        let firm = cube.firms[i]
        guard firm.aboveScale else { return }
        var last: Month?
        var m = p.end.previous
        for _ in 0..<3 {
            if m < cube.firstMonth { break }
            if reported(i, m) { last = m; break }
            m = m.previous
        }
        guard let last else { return }
        let missing = p.end.ordinal - last.ordinal
        let level: WarningLevel = missing >= 3 ? .red : missing == 2 ? .orange : .yellow
        out.append(RiskWarning(id: "\(WarningKind.missedReport.rawValue):\(firm.uscc):\(p)", kind: .missedReport, level: level, subjectType: "enterprise",
                               subject: firm.uscc, subjectName: firm.name, region: firm.region, zone: firm.zone, chain: firm.chains.first,
                               period: p.description, rule: "rule:missed-report", inputs: ["monthsMissing": Double(missing)],
                               threshold: "连续未报送 ≥ 1 个月（黄）、2 个月（橙）、3 个月（红）",
                               explanation: "\(firm.name)最近一次报送为\(last.year)年\(last.month)月，已连续\(missing)个月未报送，请核实是否停产、迁出或漏报。"))
        // A January on its own is no reporting period (it folds into 1–2月); there is then nothing earlier to judge.
        guard last.month != 1, let judged = try? ReportingPeriod(last) else { return }
        var earlier: [RiskWarning] = []
        enterpriseWarnings(i, judged, into: &earlier)
        for w in earlier where w.kind != .missedReport {
            out.append(RiskWarning(id: "\(w.kind.rawValue):\(firm.uscc):\(p)", kind: w.kind, level: w.level, subjectType: w.subjectType, subject: w.subject,
                                   subjectName: w.subjectName, region: w.region, zone: w.zone, chain: w.chain, period: p.description, rule: w.rule,
                                   inputs: w.inputs.merging(["monthsMissing": Double(missing)]) { a, _ in a }, threshold: w.threshold,
                                   explanation: "（断报，按最近报送的\(judged.label)判断）" + w.explanation))
        }
    }

    /// The 当月 value of a period without building month arrays: February adds January, stocks take the end month.
    private func v(_ ind: Indicator, _ i: Int, _ p: ReportingPeriod) -> Double {
        let end = cube.value(ind, firm: i, month: p.end)
        guard p.end.month == 2, ind.aggregation == .sum else { return end }
        let jan = cube.value(ind, firm: i, month: p.end.previous)
        if jan.isNaN { return end }
        return end.isNaN ? jan : end + jan
    }

    private func level(_ value: Double, _ bounds: [Double], falling: Bool) -> WarningLevel? {
        if falling {
            if value <= bounds[2] { return .red }
            if value <= bounds[1] { return .orange }
            if value <= bounds[0] { return .yellow }
        } else {
            if value >= bounds[2] { return .red }
            if value >= bounds[1] { return .orange }
            if value >= bounds[0] { return .yellow }
        }
        return nil
    }

    private func pct(_ now: Double, _ before: Double) -> Double? {
        guard !now.isNaN, !before.isNaN, before > 0 else { return nil }
        return (now / before - 1) * 100
    }

    private func r1(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    func enterpriseWarnings(_ i: Int, _ p: ReportingPeriod, into out: inout [RiskWarning]) {
        let firm = cube.firms[i]
        let ly = p.sameLastYear
        let override = firm.chains.lazy.compactMap { self.thresholds.chains[$0] }.first
        func add(_ kind: WarningKind, _ level: WarningLevel, rule: String, inputs: [String: Double], threshold: String, _ text: String) {
            out.append(RiskWarning(id: "\(kind.rawValue):\(firm.uscc):\(p)", kind: kind, level: level, subjectType: "enterprise",
                                   subject: firm.uscc, subjectName: firm.name, region: firm.region, zone: firm.zone,
                                   chain: firm.chains.first, period: p.description, rule: rule, inputs: inputs, threshold: threshold,
                                   explanation: text))
        }
        let label = p.label
        // Output 同比.
        let out0 = v(.outputValue, i, p), outLY = v(.outputValue, i, ly)
        if let g = pct(out0, outLY) {
            let bounds = override?.outputDrop ?? thresholds.outputDrop
            if let lv = level(g, bounds, falling: true) {
                add(.outputDrop, lv, rule: "rule:output-drop", inputs: ["output": out0, "outputLastYear": outLY, "yoy": r1(g)],
                    threshold: "当月产值同比 ≤ \(Int(bounds[lv == .yellow ? 0 : lv == .orange ? 1 : 2]))%",
                    "\(firm.name)\(label)工业总产值\(fmt(out0))万元，上年同期\(fmt(outLY))万元，同比下降\(fmtPct(-g))，达到\(lv.nameZh)预警线（同比≤\(Int(bounds[lv == .yellow ? 0 : lv == .orange ? 1 : 2]))%）。")
            }
        }
        // Electricity 同比.
        let el = v(.electricity, i, p), elLY = v(.electricity, i, ly)
        if let g = pct(el, elLY) {
            let bounds = override?.powerDrop ?? thresholds.powerDrop
            if let lv = level(g, bounds, falling: true) {
                let outG = pct(out0, outLY)
                let note = outG.map { $0 > -10 ? "，而产值同比\($0 >= 0 ? "增长" : "下降")\(fmtPct(abs($0)))，用电与产值背离，需核实生产经营与数据真实性" : "" } ?? ""
                add(.powerDrop, lv, rule: "rule:power-drop", inputs: ["electricity": el, "electricityLastYear": elLY, "yoy": r1(g), "outputYoy": r1(outG ?? .nan)],
                    threshold: "当月用电量同比 ≤ \(Int(bounds[lv == .yellow ? 0 : lv == .orange ? 1 : 2]))%",
                    "\(firm.name)\(label)用电量\(fmt(el))万千瓦时，同比下降\(fmtPct(-g))\(note)。")
            }
        }
        // Consecutive losses.
        var losses = 0, lossTotal = 0.0
        var q = p
        while losses < 12 {
            let profit = v(.profit, i, q)
            guard !profit.isNaN, profit < 0 else { break }
            losses += 1
            lossTotal += -profit
            q = q.previous
        }
        let lm = thresholds.lossMonths
        if losses >= lm[0] {
            let lv: WarningLevel = losses >= lm[2] ? .red : losses >= lm[1] ? .orange : .yellow
            add(.consecutiveLosses, lv, rule: "rule:consecutive-losses", inputs: ["months": Double(losses), "lossAmount": r1(lossTotal)],
                threshold: "连续亏损 ≥ \(lm[lv == .yellow ? 0 : lv == .orange ? 1 : 2])个月",
                "\(firm.name)截至\(label)已连续\(losses)个月亏损，累计亏损\(fmt(lossTotal))万元。")
        }
        // Receivables growing far faster than revenue (six months).
        let sixBack = p.end.adding(months: -6)
        let recv = cube.value(.receivables, firm: i, month: p.end), recvBefore = cube.value(.receivables, firm: i, month: sixBack)
        if let rg = pct(recv, recvBefore) {
            let rev3 = sum(.revenue, i, endingAt: p.end, months: 3, complete: true), revBefore3 = sum(.revenue, i, endingAt: sixBack, months: 3, complete: true)
            let revLY3 = sum(.revenue, i, endingAt: p.end.sameMonthLastYear, months: 3), revBeforeLY3 = sum(.revenue, i, endingAt: sixBack.sameMonthLastYear, months: 3)
            // Revenue growth over the same six months, seasonally adjusted by last year's pattern.
            var revG = pct(rev3, revBefore3) ?? 0
            if let seasonal = pct(revLY3, revBeforeLY3) { revG = ((1 + revG / 100) / (1 + seasonal / 100) - 1) * 100 }
            let gap = rg - revG
            if !rev3.isNaN, !revBefore3.isNaN, rg >= 30, let lv = level(gap, thresholds.receivablesGap, falling: false) {
                add(.receivablesSurge, lv, rule: "rule:receivables-surge", inputs: ["receivables": recv, "receivablesSixMonthsAgo": recvBefore,
                                                                                  "receivablesGrowth": r1(rg), "revenueGrowth": r1(revG)],
                    threshold: "应收账款半年增速 − 营业收入增速 ≥ \(Int(thresholds.receivablesGap[lv == .yellow ? 0 : lv == .orange ? 1 : 2]))个百分点",
                    "\(firm.name)应收账款由\(fmt(recvBefore))万元增至\(fmt(recv))万元，半年增长\(fmtPct(rg))，同期营业收入变化\(fmtPct(revG, signed: true))，回款风险上升。")
            }
        }
        // Inventory up while revenue down.
        let inv = cube.value(.inventory, firm: i, month: p.end), invLY = cube.value(.inventory, firm: i, month: p.end.sameMonthLastYear)
        if let ig = pct(inv, invLY), let revG = pct(v(.revenue, i, p), v(.revenue, i, ly)), revG < 0,
           let lv = level(ig, thresholds.inventoryGrowth, falling: false) {
            add(.inventoryBuildup, lv, rule: "rule:inventory-buildup", inputs: ["inventory": inv, "inventoryLastYear": invLY, "inventoryYoy": r1(ig), "revenueYoy": r1(revG)],
                threshold: "产成品存货同比 ≥ \(Int(thresholds.inventoryGrowth[lv == .yellow ? 0 : lv == .orange ? 1 : 2]))% 且营业收入同比下降",
                "\(firm.name)\(label)产成品存货同比增长\(fmtPct(ig))，营业收入同比下降\(fmtPct(-revG))，产品积压。")
        }
        // Staff down over six months.
        let staff = cube.value(.employees, firm: i, month: p.end), staffBefore = cube.value(.employees, firm: i, month: sixBack)
        if let sg = pct(staff, staffBefore) {
            let bounds = override?.staffDrop ?? thresholds.staffDrop
            if let lv = level(sg, bounds, falling: true) {
                add(.staffDrop, lv, rule: "rule:staff-drop", inputs: ["employees": staff, "employeesSixMonthsAgo": staffBefore, "change": r1(sg)],
                    threshold: "从业人员半年变化 ≤ \(Int(bounds[lv == .yellow ? 0 : lv == .orange ? 1 : 2]))%",
                    "\(firm.name)从业人员由\(Int(staffBefore))人降至\(Int(staff))人，半年减少\(fmtPct(-sg))。")
            }
        }
        // 退规 risk and 小升规 candidates from trailing-12-month revenue.
        let t12 = sum(.revenue, i, endingAt: p.end, months: 12)
        let t12LY = sum(.revenue, i, endingAt: p.end.sameMonthLastYear, months: 12)
        let last3 = sum(.revenue, i, endingAt: p.end, months: 3), last3LY = sum(.revenue, i, endingAt: p.end.sameMonthLastYear, months: 3)
        if !t12.isNaN, t12 > 0 {
            // Run-rate: last year's annual revenue scaled by how the last three months compare with last year's.
            let runRate = (t12LY.isNaN || last3LY.isNaN || last3LY <= 0) ? t12 : t12LY * last3 / last3LY
            let limit = SizeClass.aboveScaleThreshold
            if firm.aboveScale {
                let lv: WarningLevel? = t12 < limit ? .red : (runRate < limit && t12 < limit * 1.2) ? .orange : runRate < limit ? .yellow : nil
                if let lv {
                    add(.exitRisk, lv, rule: "rule:exit-risk", inputs: ["trailing12Revenue": r1(t12), "runRate": r1(runRate)],
                        threshold: "近12个月营业收入或年化收入 < 2000万元",
                        "\(firm.name)近12个月营业收入\(fmt(t12))万元，按近3个月走势年化约\(fmt(runRate))万元，低于规上标准2000万元，存在退规风险。")
                }
            } else if t12 >= limit || (runRate >= limit && t12 >= limit * 0.8) {
                add(.upgradeCandidate, .yellow, rule: "rule:upgrade-candidate", inputs: ["trailing12Revenue": r1(t12), "runRate": r1(runRate)],
                    threshold: "规下企业近12个月营业收入或年化收入 ≥ 2000万元",
                    "\(firm.name)近12个月营业收入\(fmt(t12))万元，年化约\(fmt(runRate))万元，已达到或接近规上标准，可作为小升规培育对象。")
            }
        }
        let residuals = seasonalResiduals(i, p)
        anomaly(i, firm: firm, p, residuals: residuals, add: add)
        forecast(i, firm: firm, p, residuals: residuals, add: add)
    }

    /// Log 同比 of output over the 24 periods before `p`, newest first (periods without both values skipped); both
    /// models read it.
    private func seasonalResiduals(_ i: Int, _ p: ReportingPeriod) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(24)
        var q = p.previous
        for _ in 0..<24 {
            let a = v(.outputValue, i, q), b = v(.outputValue, i, q.sameLastYear)
            if a > 0, b > 0 { out.append(log(a / b)) }
            q = q.previous
        }
        return out
    }

    /// Seasonal forecast: the same period last year grown by the firm's median 同比 of the previous 12 periods; the
    /// normal range comes from the spread of its log 同比 over the previous 24. Only output below the range is a business
    /// risk: output above it is good news, or a reporting error, which `anomaly` sends to 数据核查.
    private func forecast(_ i: Int, firm: Enterprise, _ p: ReportingPeriod, residuals logs: [Double],
                          add: (WarningKind, WarningLevel, String, [String: Double], String, String) -> Void) {
        let base = v(.outputValue, i, p.sameLastYear), actual = v(.outputValue, i, p)
        guard logs.count >= 12, base > 0, actual > 0 else { return }
        let recent = logs.prefix(12).sorted()
        let trend = recent[recent.count / 2]
        let mean = logs.reduce(0, +) / Double(logs.count)
        let sd = max((logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count - 1)).squareRoot(), 0.03)
        let predicted = base * exp(trend)
        let z = (log(actual) - log(predicted)) / sd
        guard z < 0, let lv = level(abs(z), thresholds.forecastZ, falling: false) else { return }
        let bound = thresholds.forecastZ[lv == .yellow ? 0 : lv == .orange ? 1 : 2]
        let low = predicted * exp(-bound * sd), high = predicted * exp(bound * sd)
        let short = (1 - actual / predicted) * 100
        add(.forecastMiss, lv, "model:seasonal-forecast",
            ["actual": actual, "forecast": r1(predicted), "lower": r1(low), "upper": r1(high), "z": r1(z), "shortfall": r1(short)],
            "当月产值低于按上年同期和近12个月增长趋势推算的正常范围下限（\(fmt(low))万元）",
            "\(firm.name)\(p.label)工业总产值\(fmt(actual))万元。按上年同期\(fmt(base))万元和近12个月同比（中位数\(fmtPct((exp(trend) - 1) * 100, signed: true))）推算，本期应在\(fmt(low))–\(fmt(high))万元之间（预计\(fmt(predicted))万元），实际比预计少\(fmtPct(short))，低于正常范围。")
    }

    /// The latest 同比 of output against the firm's own 同比 over the previous 24 months (median and robust spread): a
    /// fall far outside its normal range is a business risk (`anomaly`); a rise far outside it is sent to 数据核查
    /// (`outputJump`: a unit or typing error is likelier than real growth). The text gives the same 同比 as the
    /// output-drop rule (a / b − 1), and the normal range in per cent; the robust z stays an input for analysts.
    private func anomaly(_ i: Int, firm: Enterprise, _ p: ReportingPeriod, residuals: [Double],
                         add: (WarningKind, WarningLevel, String, [String: Double], String, String) -> Void) {
        let a = v(.outputValue, i, p), b = v(.outputValue, i, p.sameLastYear)
        guard residuals.count >= 12, a > 0, b > 0 else { return }
        let latest = log(a / b)
        let sorted = residuals.sorted()
        let median = sorted[sorted.count / 2]
        let mad = residuals.map { abs($0 - median) }.sorted()[residuals.count / 2]
        let scale = max(1.4826 * mad, 0.02)
        let z = (latest - median) / scale
        guard let lv = level(abs(z), thresholds.anomalyZ, falling: false) else { return }
        let bound = thresholds.anomalyZ[lv == .yellow ? 0 : lv == .orange ? 1 : 2]
        let yoy = (exp(latest) - 1) * 100, usual = (exp(median) - 1) * 100
        let low = (exp(median - bound * scale) - 1) * 100, high = (exp(median + bound * scale) - 1) * 100
        let inputs = ["z": r1(z), "yoy": r1(yoy), "usualYoy": r1(usual), "normalLow": r1(low), "normalHigh": r1(high),
                      "logChange": r1(latest * 100), "medianLogChange": r1(median * 100)]
        let range = "\(fmtPct(low, signed: true))～\(fmtPct(high, signed: true))"
        if z < 0 {
            add(.anomaly, lv, "model:robust-z", inputs, "当月产值同比低于本企业近两年常态范围（\(range)）",
                "\(firm.name)\(p.label)工业总产值\(fmt(a))万元，上年同期\(fmt(b))万元，同比下降\(fmtPct(-yoy))；该企业近两年同比通常在\(range)之间（中位数\(fmtPct(usual, signed: true))），本期下滑远超常态。")
        } else {
            add(.outputJump, lv, "model:robust-z", inputs, "当月产值同比高于本企业近两年常态范围（\(range)）",
                "\(firm.name)\(p.label)工业总产值\(fmt(a))万元，是上年同期\(fmt(b))万元的\(String(format: "%.1f", a / b))倍（同比\(fmtPct(yoy, signed: true))），远超该企业近两年常态（\(range)）。请与企业统计人员核实是否填错计量单位（元、千元、万元）或录入有误。")
        }
    }

    /// Sum of a flow over the `months` calendar months ending at `end` (NaN when none reported).
    /// With `complete`, NaN unless every reporting month of the window has a value.
    func sum(_ ind: Indicator, _ i: Int, endingAt end: Month, months: Int, complete: Bool = false) -> Double {
        var total = 0.0, seen = false
        for k in 0..<months {
            let m = end.adding(months: -k)
            let x = cube.value(ind, firm: i, month: m)
            if !x.isNaN { total += x; seen = true } else if complete && m.month != 1 { return .nan }
        }
        // January is folded into February: a window that starts at February also takes January.
        let start = end.adding(months: -(months - 1))
        if start.month == 2 {
            let jan = cube.value(ind, firm: i, month: start.previous)
            if !jan.isNaN { total += jan; seen = true }
        }
        return seen ? total : .nan
    }
}

func fmt(_ x: Double) -> String {
    if x.isNaN { return "—" }
    return abs(x) >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x)
}

func fmtPct(_ x: Double, signed: Bool = false) -> String {
    (signed && x > 0 ? "+" : "") + String(format: "%.1f%%", x)
}
