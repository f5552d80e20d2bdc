import BrainApps
import BrainCore
import BrainData
import Foundation

/// The figures a bureau reports, as the dashboard shows them: units scaled to 亿元 where sums are large, one rounding
/// rule, 当月 and 环比 beside 累计 for every indicator, 增加值增速 with its method, 目标完成率 against time elapsed.
enum BureauFigures {
    /// A unit for a row or column of figures: 万元 (1 decimal) until the largest figure reaches 1 亿元, then 亿元
    /// (2 decimals) unless a figure of the set would show as less than 0.10 亿元 (then 万元 stays, so that no small
    /// figure reads 0.00); 万千瓦时 likewise to 亿千瓦时; 人 whole.
    struct Scale {
        let divisor: Double
        let unit: String
        let decimals: Int

        init(unit: String, values: [Double]) {
            let sizes = values.filter(\.isFinite).map(abs)
            let largest = sizes.max() ?? 0
            let smallest = sizes.filter { $0 > 0 }.min() ?? 0
            let large = largest >= 10_000 && (smallest == 0 || smallest >= 1_000)
            switch unit {
            case "万元" where large: (divisor, self.unit, decimals) = (10_000, "亿元", 2)
            case "万千瓦时" where large: (divisor, self.unit, decimals) = (10_000, "亿千瓦时", 2)
            case "人": (divisor, self.unit, decimals) = (1, unit, 0)
            default: (divisor, self.unit, decimals) = (1, unit, 1)
            }
        }

        func format(_ v: Double?) -> String {
            guard let v, v.isFinite else { return "—" }
            return NumberFormat.amount(v / divisor, decimals: decimals)
        }
    }

    /// The query parameters the dashboard reads; any other is refused by name.
    static let parameters: Set<String> = ["region", "zone", "chain", "industry", "period"]

    /// The first parameter the dashboard does not know, if any.
    static func unknownParameter(_ names: [String]) -> String? { names.first { !parameters.contains($0) } }

    /// The ten indicators and 增加值增速 as table rows: 当月, 同比, 环比, 1–N月累计, 累计同比 (and 目标完成率 where a target is set).
    static func indicatorRows(_ o: MonitorOverview) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        let target = Dictionary(o.targets.map { ($0.measure, $0) }, uniquingKeysWith: { a, _ in a })
        if let va = o.valueAdded {
            rows.append(["name": "规上工业增加值增速", "unit": "%", "month": "—", "monthYoy": NumberFormat.percent(va.monthYoy),
                         "monthYoyClass": DashboardFigures.trendClass(va.monthYoy), "monthMom": "—", "cumulative": "—",
                         "cumulativeYoy": NumberFormat.percent(va.cumulativeYoy), "cumulativeYoyClass": DashboardFigures.trendClass(va.cumulativeYoy),
                         "target": target["value_added_growth"].map(targetText) ?? "", "note": "¹"])
        }
        for f in o.indicators {
            let scale = Scale(unit: f.unit, values: [f.month, f.cumulative, f.cumulativeLastYear])
            let stock = Indicator(rawValue: f.indicator)?.aggregation == .last
            rows.append(["name": f.name, "unit": scale.unit, "month": scale.format(f.month),
                         "monthYoy": NumberFormat.percent(f.monthYoy), "monthYoyClass": DashboardFigures.trendClass(f.monthYoy),
                         "monthMom": NumberFormat.percent(f.monthMom), "cumulative": scale.format(f.cumulative),
                         "cumulativeYoy": NumberFormat.percent(f.cumulativeYoy), "cumulativeYoyClass": DashboardFigures.trendClass(f.cumulativeYoy),
                         "target": target[f.indicator].map(targetText) ?? "", "note": stock ? "²" : ""])
        }
        return rows
    }

    /// 目标完成率 in a table cell: `48.2%（时间进度 50.0%）` or, for the growth target, `目标 8.0%，差 -0.4 个百分点`.
    static func targetText(_ t: TargetProgress) -> String {
        if t.measure == "value_added_growth" {
            return "目标 \(NumberFormat.percent(t.target, signed: false))" + (t.gap.map { "，\($0 >= 0 ? "超" : "差") \(NumberFormat.amount(abs($0))) 个百分点" } ?? "")
        }
        return "\(NumberFormat.percent(t.completion, signed: false))（时间进度 \(NumberFormat.percent(t.timeElapsed, signed: false))）"
    }

    /// The targets as table rows.
    static func targetRows(_ o: MonitorOverview) -> [[String: Any]] {
        o.targets.map { t in
            let isGrowth = t.measure == "value_added_growth"
            let scale = Scale(unit: t.unit, values: [t.target, t.actual ?? 0])
            return ["name": t.name, "target": isGrowth ? NumberFormat.percent(t.target, signed: false) : scale.format(t.target) + " " + scale.unit,
                    "actual": isGrowth ? NumberFormat.percent(t.actual) : scale.format(t.actual) + " " + scale.unit,
                    "completion": isGrowth ? "—" : NumberFormat.percent(t.completion, signed: false),
                    "elapsed": NumberFormat.percent(t.timeElapsed, signed: false),
                    "gap": t.gap.map { NumberFormat.amount($0) + " 个百分点" } ?? "—",
                    "state": t.onTrack.map { $0 ? "达到进度" : "落后进度" } ?? "—", "stateClass": t.onTrack.map { $0 ? "up" : "down" } ?? ""]
        }
    }

    /// The reporting periods an official may pick, newest first: `2026年1-6月（6月）`, …, `2026年1-2月`.
    static func periodOptions(latest: Month, first: Month, selected: ReportingPeriod) -> [[String: Any]] {
        let from = max(first, latest.adding(months: -35))
        return ReportingPeriod.periods(from, latest).reversed().map { p in
            ["value": p.description, "label": p.end.month == 2 ? p.label : "\(p.cumulativeLabel)（\(p.end.month)月）", "selected": p == selected]
        }
    }

    /// Options of a select with an empty `全部` first.
    static func options(_ items: [(value: String, label: String)], selected: String?) -> [[String: Any]] {
        [["value": "", "label": "全部", "selected": selected == nil]] + items.map { ["value": $0.value, "label": $0.label, "selected": $0.value == selected] }
    }
}
