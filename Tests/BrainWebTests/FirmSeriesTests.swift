import BrainCore
import BrainData
import Testing
@testable import BrainWeb

/// A firm's charts draw 1–2月 as one point: a flow as the two months' average, a stock as February's; January never alone.
@Suite struct FirmSeriesTests {
    @Test func januaryAndFebruaryAreOnePoint() {
        let s = FirmSeries(last: Month("2026-11")!, count: 24)
        #expect(s.points.count == 22, "24 months, two of them Januaries folded into their Februaries")
        #expect(s.labels.first == "2024.12" && s.labels.contains("2025.1-2") && s.labels.contains("2026.1-2") && !s.labels.contains("2026.01"))
        #expect(s.points.allSatisfy { $0.count == 1 || ($0.count == 2 && $0[0].month == 1 && $0[1].month == 2) })
        // A window that starts in February still covers January.
        #expect(FirmSeries(last: Month("2026-05")!, count: 4).points.first == [Month("2026-01")!, Month("2026-02")!])
    }

    @Test func flowsAverageAndStocksTakeTheLatest() async throws {
        let s = try await TestServer.start()
        let cube = s.services.cubes.cube
        let firm = try #require((0..<cube.firmCount).first { i in
            !cube.value(.outputValue, firm: i, month: Month("2026-02")!).isNaN && !cube.value(.employees, firm: i, month: Month("2026-02")!).isNaN
        })
        let series = FirmSeries(last: cube.lastMonth, count: 24)
        let at = try #require(series.labels.firstIndex(of: "2026.1-2"))
        let jan = cube.value(.outputValue, firm: firm, month: Month("2026-01")!), feb = cube.value(.outputValue, firm: firm, month: Month("2026-02")!)
        let expected = ((jan.isNaN ? 0 : jan) + feb) / 2
        #expect(abs((series.values(.outputValue, firm: firm, in: cube)[at] ?? -1) - expected) < 1e-9)
        #expect(series.values(.employees, firm: firm, in: cube)[at] == cube.value(.employees, firm: firm, month: Month("2026-02")!))
        let march = try #require(series.labels.firstIndex(of: "2026.03"))
        let m = cube.value(.outputValue, firm: firm, month: Month("2026-03")!)
        #expect(series.values(.outputValue, firm: firm, in: cube)[march] == (m.isNaN ? nil : m))
        await s.stop()
    }
}
