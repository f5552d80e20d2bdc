import BrainCore
import BrainData

/// A firm's recent months as chart points, one per reporting period: January and February make one point (1–2月,
/// labelled `YYYY.1-2`), a flow shown as the two months' average and a stock as its latest value, so a chart never
/// draws an empty January followed by a February that holds two months.
struct FirmSeries {
    /// The months of each point, oldest first (January and February together).
    let points: [[Month]]

    /// The periods covering the `count` months up to `last`.
    init(last: Month, count: Int) {
        let months = (0..<count).map { last.adding(months: $0 - (count - 1)) }
        points = months.compactMap { m in
            if m.month == 1 { return m == last ? [m] : nil }
            return m.month == 2 ? [m.previous, m] : [m]
        }
    }

    /// Chart labels: `2026.1-2`, `2026.03`.
    var labels: [String] {
        points.map { p in p.count == 2 ? "\(p[1].year).1-2" : p[0].description.replacingOccurrences(of: "-", with: ".") }
    }

    /// One value per point: a flow's monthly average over the period, a stock's latest value; nil when nothing was reported.
    func values(_ indicator: Indicator, firm: Int, in cube: IndicatorCube) -> [Double?] {
        points.map { months in
            let reported = months.map { cube.value(indicator, firm: firm, month: $0) }
            switch indicator.aggregation {
            case .last:
                return reported.last(where: { !$0.isNaN })
            case .sum:
                let known = reported.filter { !$0.isNaN }
                return known.isEmpty ? nil : known.reduce(0, +) / Double(months.count)
            }
        }
    }
}
