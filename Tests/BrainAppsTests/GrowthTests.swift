import BrainCore
import BrainData
import Foundation
import Testing
@testable import BrainApps

/// The growth rates a bureau reports, on planted series: base effects, 1–2月 as one period whichever way January was
/// reported, a firm that starts reporting mid-year, stocks, the constant-price output method and time elapsed.
@Suite struct GrowthTests {
    /// A planted series: calendar month → value (absent = not reported).
    typealias Series = [String: Double]

    static func months(_ year: Int, _ from: Int, _ to: Int, _ value: Double) -> Series {
        Dictionary(uniqueKeysWithValues: (from...to).map { (String(format: "%04d-%02d", year, $0), value) })
    }

    /// The comparable pairs of several firms for a period, added up as the overview does.
    static func pairs(_ firms: [Series], _ period: String, aggregation: Aggregation = .sum)
        -> (month: ComparablePair, mom: ComparablePair?, cumulative: ComparablePair) {
        let p = try! ReportingPeriod(Month(period)!)
        var month = ComparablePair(), cumulative = ComparablePair()
        var mom: ComparablePair? = p.end.month == 2 ? nil : ComparablePair()
        for firm in firms {
            let f = Growth.firmPairs(p, aggregation: aggregation) { firm[$0.description] ?? .nan }
            month.add(f.month)
            cumulative.add(f.cumulative)
            if let m = f.mom { mom?.add(m) }
        }
        return (month, mom, cumulative)
    }

    @Test func aDipLastYearShowsAsABaseEffectInTheMonthAndFadesInTheCumulative() {
        var lastYear = Self.months(2025, 1, 12, 100)
        lastYear["2025-03"] = 50
        let firm = lastYear.merging(Self.months(2026, 1, 12, 100)) { a, _ in a }
        let march = Self.pairs([firm], "2026-03")
        #expect(march.month.growth == 100, "100 against a March of 50")
        #expect(march.cumulative.growth == 20, "1–3月: 300 against 250")
        #expect(march.mom?.growth == 0, "March against the monthly average of 1–2月 (200 / 2), not against two months")
        let april = Self.pairs([firm], "2026-04")
        #expect(april.month.growth == 0)
        #expect(april.mom?.growth == 0)
        #expect(april.cumulative.growth == 14.3, "400 against 350")
    }

    @Test func januaryAndFebruaryAreOnePeriodHoweverJanuaryWasReported() {
        // Last year January folded into February (one row of 200); this year reported month by month.
        let firm: Series = ["2025-02": 200, "2026-01": 90, "2026-02": 130]
        let p = Self.pairs([firm], "2026-02")
        #expect(p.month == ComparablePair(now: 220, base: 200, pairs: 1))
        #expect(p.month.growth == 10)
        #expect(p.cumulative == p.month, "1–2月: the month is the cumulative")
        #expect(p.mom == nil, "1–2月 has no one-month predecessor: no 环比")
        #expect(Growth.units(of: try! ReportingPeriod(Month("2026-05")!)).map(\.description) == ["2026-02", "2026-03", "2026-04", "2026-05"])
    }

    @Test func aFirmThatStartsReportingMidYearIsNotGrowth() {
        let steady = Self.months(2025, 1, 12, 100).merging(Self.months(2026, 1, 12, 110)) { a, _ in a }
        let newcomer = Self.months(2026, 5, 12, 500)
        let june = Self.pairs([steady, newcomer], "2026-06")
        #expect(june.cumulative.growth == 10, "only the firm with a base counts: 660 against 600")
        #expect(june.cumulative.pairs == 5, "1–2月, 3月 … 6月 of the steady firm")
        #expect(june.month.growth == 10)
        // Summed without matching, the newcomer's 1,000 of May–June would read as growth.
        #expect(Growth.percent(660 + 1_000, 600)! > 170)
        // A firm that stopped reporting does not read as a fall either.
        let stopped = Self.months(2025, 1, 12, 300)
        #expect(Self.pairs([steady, stopped], "2026-06").cumulative.growth == 10)
    }

    @Test func aStockComparesItsValueAtThePeriodsEnd() {
        let firm: Series = ["2025-05": 80, "2025-06": 90, "2026-05": 99, "2026-06": 108]
        let june = Self.pairs([firm], "2026-06", aggregation: .last)
        #expect(june.month.growth == 20)
        #expect(june.cumulative.growth == 20, "a stock's 累计 is its value at the end")
        #expect(june.mom?.growth == 9.1)
    }

    @Test func valueAddedGrowthDeflatesOutputByThePriceIndex() {
        let pair = ComparablePair(now: 110, base: 100, pairs: 3)
        #expect(Growth.constantPrice(pair, priceIndex: 100) == 10, "at current prices")
        #expect(Growth.constantPrice(pair, priceIndex: 105) == 4.8, "110 / 1.05 = 104.76 against 100")
        #expect(Growth.constantPrice(pair, priceIndex: 97.5) == 12.8, "falling prices raise real growth")
        #expect(Growth.constantPrice(pair, priceIndex: 0) == nil)
        #expect(Growth.constantPrice(ComparablePair(), priceIndex: 100) == nil, "no comparable firm, no rate")
        #expect(Growth.percent(5, 0) == nil && Growth.percent(.infinity, 1) == nil)
    }

    @Test func timeElapsedIsTheShareOfTheYear() {
        #expect(Growth.timeElapsed(try! ReportingPeriod(Month("2026-06")!)) == 50)
        #expect(Growth.timeElapsed(try! ReportingPeriod(Month("2026-02")!)) == 16.7)
        #expect(Growth.timeElapsed(try! ReportingPeriod(Month("2026-12")!)) == 100)
    }
}
