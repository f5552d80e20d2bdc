import BrainCore

extension TargetProgress {
    /// 目标完成率 of a region's annual targets for the overview's year: amounts as 1–N月累计 (stocks: the period's end)
    /// over the target against the time elapsed (N/12), the 增加值 growth target against the cumulative growth. Only for
    /// a whole region: a slice cut by zone, chain or industry has no target of its own.
    public static func of(_ o: MonitorOverview, scope: AnalysisScope, targets: TargetShelf) -> [TargetProgress] {
        guard scope.zone == nil, scope.chain == nil, scope.industry == nil else { return [] }
        let year = scope.period.end.year
        let elapsed = Growth.timeElapsed(scope.period)
        func round1(_ v: Double) -> Double { (v * 10).rounded() / 10 }
        return TargetMeasure.all.compactMap { measure -> TargetProgress? in
            guard measure != .producerPriceIndex, let target = targets.value(measure, region: scope.region, year: year) else { return nil }
            switch measure {
            case .valueAddedGrowth:
                let actual = o.valueAdded?.cumulativeYoy
                let gap = actual.map { round1($0 - target) }
                return TargetProgress(measure: measure.code, name: measure.nameZh, unit: measure.unit, year: year, target: target, actual: actual,
                                      completion: nil, timeElapsed: elapsed, gap: gap, onTrack: gap.map { $0 >= 0 })
            case .amount(let indicator):
                let figures = o.indicators.first { $0.indicator == indicator.rawValue }
                let actual = figures?.cumulative
                let completion = actual.flatMap { target > 0 ? round1($0 / target * 100) : nil }
                // A stock's target is a year-end level: its share of the target is shown, not measured against the calendar.
                let gap = indicator.aggregation == .sum ? completion.map { round1($0 - elapsed) } : nil
                return TargetProgress(measure: measure.code, name: measure.nameZh, unit: measure.unit, year: year, target: target, actual: actual,
                                      completion: completion, timeElapsed: elapsed, gap: gap, onTrack: gap.map { $0 >= 0 })
            case .producerPriceIndex:
                return nil
            }
        }
    }
}
