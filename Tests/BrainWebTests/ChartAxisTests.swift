import Testing
@testable import BrainWeb

/// Value axes of the portal's charts: 1-2-5 steps covering the data, whole-number ticks for counts.
@Suite struct ChartAxisTests {
    @Test func countsGetWholeNumberTicks() {
        let counts = AxisScale(min: 0, max: 2, target: 5, whole: true)
        #expect(counts.ticks == [0, 1, 2])
        #expect(counts.decimals == 0)
        // The same range of amounts keeps its half steps.
        #expect(AxisScale(min: 0, max: 2, target: 5).ticks == [0, 0.5, 1, 1.5, 2])
        // A flat series of one count is padded to whole neighbours.
        #expect(AxisScale(min: 3, max: 3, target: 5, whole: true).ticks == [2, 3, 4])
        // Large counts keep their 1-2-5 step.
        #expect(AxisScale(min: 0, max: 4_000, target: 5, whole: true).ticks == [0, 1_000, 2_000, 3_000, 4_000])
    }

    @Test func aLineChartOfCallsPerDayLabelsNoHalfCalls() {
        let svg = LineChart(title: "每日调用次数", unit: "次", labels: ["2026-11-28", "2026-11-29", "2026-11-30"],
                            series: [LineSeries(name: "调用次数", values: [0, 1, 2])]).svg()
        #expect(!svg.contains(">0.5<") && !svg.contains(">1.5<"), "half-call ticks")
        #expect(svg.contains(">1<") && svg.contains(">2<"))
        #expect(!svg.contains(">2.0<") && !svg.contains("最新2.0"), "the last count is labelled 2, not 2.0")
        let amounts = LineChart(title: "产值", unit: "亿元", labels: ["2026-09", "2026-10"], series: [LineSeries(name: "产值", values: [0.4, 1.9])]).svg()
        #expect(amounts.contains(">0.5<"), "fractional data keeps fractional ticks")
    }

    @Test func aBarChartOfCountsLabelsNoHalfCalls() {
        let svg = BarChart(title: "按服务的调用次数", unit: "次", items: [BarItem(label: "overview", value: 2), BarItem(label: "warnings", value: 1)]).svg()
        #expect(!svg.contains(">0.5<") && !svg.contains(">1.5<"), "half-call ticks")
    }
}
