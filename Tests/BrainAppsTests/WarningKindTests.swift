import BrainCore
import BrainData
import Foundation
import Testing
@testable import BrainApps

/// The warning kinds the older tests never produce (RiskRuleTests: output, power, losses, staff; RiskTests' backtest:
/// receivables and 退规 on the demo), each on a firm built for it next to a firm built to look like it but fall short.
/// See WarningLifecycleTests for the list of which file produces which kind.
@Suite struct WarningKindTests {
    typealias F = SmallWorld.Firm
    static let period = try! ReportingPeriod(Fixture.last)

    /// Firms of 鹰潭 (360602), one or two per rule; 16 firms, all flat except where said.
    static let firms: [F] = [
        F(n: 1, region: "360602", figures: { k in k == 35 ? SmallWorld.base([.revenue: 1_700, .inventory: 400]) : SmallWorld.base }), // stock +33 %, sales −10.5 %
        F(n: 2, region: "360602", figures: { k in k == 35 ? SmallWorld.base([.revenue: 2_100, .inventory: 450]) : SmallWorld.base }), // stock +50 % but sales up
        F(n: 3, region: "360602", figures: { k in k == 35 ? SmallWorld.base([.receivables: 1_000]) : SmallWorld.base }),              // receivables +66.7 % in six months
        F(n: 4, region: "360602", figures: { k in k == 35 ? SmallWorld.base([.receivables: 810]) : SmallWorld.base }),                // +35 %: gap under 40 points
        F(n: 5, region: "360602", figures: { _ in SmallWorld.base([.revenue: 150]) }),                                                // 规上, 1,800 a year
        F(n: 6, region: "360602", revenue: 1_500, figures: { _ in SmallWorld.base([.revenue: 180]) }),                                // 规下, 2,160 a year
        F(n: 7, region: "360602", revenue: 1_500, figures: { _ in SmallWorld.base([.revenue: 160]) }),                                // 规下, 1,920 a year
        F(n: 8, region: "360602", figures: { k in k == 35 ? SmallWorld.base([.outputValue: 2_400]) : SmallWorld.base }),             // a jump of 20 %
        F(n: 9, region: "360602", figures: { k in k == 35 ? SmallWorld.base([.outputValue: 2_100]) : SmallWorld.base }),             // a step of 5 %
        F(n: 10, region: "360602", links: ["NFM-04"], figures: { k in k == 35 ? SmallWorld.base([.outputValue: 900]) : SmallWorld.base }),  // alone on its link, −55 %
        F(n: 11, region: "360602", links: ["NFM-07"], figures: { k in k == 35 ? SmallWorld.base([.outputValue: 900]) : SmallWorld.base }),  // two equal firms …
        F(n: 12, region: "360602", links: ["NFM-07"], figures: { k in k == 35 ? SmallWorld.base([.outputValue: 900]) : SmallWorld.base }),  // … both collapse
        F(n: 13, region: "360602", links: ["NFM-10"], figures: { k in k == 35 ? SmallWorld.base([.outputValue: 1_500]) : SmallWorld.base }), // alone, −25 % (yellow)
        F(n: 14, region: "360602", figures: { k in k == 35 ? SmallWorld.base([.electricity: 35]) : SmallWorld.base }),
        F(n: 15, region: "360602", figures: { k in k >= 30 ? SmallWorld.base([.profit: -40]) : SmallWorld.base }),
        F(n: 16, region: "360602", figures: { k in k >= 32 ? SmallWorld.base([.employees: 150]) : SmallWorld.base }),
        // 断报: output collapses in 2026-08 (k 33), then nothing for two months; a firm that misses only 2026-10; one silent
        // for five months (gone, not late); a 规下 firm that misses a month.
        F(n: 17, region: "360602", figures: { k in k >= 34 ? [:] : k == 33 ? SmallWorld.base([.outputValue: 900]) : SmallWorld.base }),
        F(n: 18, region: "360602", figures: { k in k == 35 ? [:] : SmallWorld.base }),
        F(n: 19, region: "360602", figures: { k in k >= 31 ? [:] : SmallWorld.base }),
        F(n: 20, region: "360602", revenue: 1_500, figures: { k in k == 35 ? [:] : SmallWorld.base([.revenue: 100]) }),
    ]

    static let scanned = Task { () async throws -> IndicatorCube in try await SmallWorld.make(firms).cube() }

    func scan(_ t: RiskThresholds = RiskThresholds()) async throws -> [RiskWarning] {
        RiskScanner(cube: try await Self.scanned.value, thresholds: t).scan(Self.period)
    }

    func level(_ found: [RiskWarning], _ n: Int, _ kind: WarningKind) -> WarningLevel? {
        found.first { $0.subject == SmallWorld.code(n) && $0.kind == kind }?.level
    }

    @Test func inventoryPilesUpOnlyWhileSalesFall() async throws {
        let found = try await scan()
        #expect(level(found, 1, .inventoryBuildup) == .yellow)
        let w = try #require(found.first { $0.subject == SmallWorld.code(1) && $0.kind == .inventoryBuildup })
        #expect(w.inputs["inventoryYoy"] == 33.3 && w.inputs["revenueYoy"] == -10.5)
        #expect(level(found, 2, .inventoryBuildup) == nil, "more stock while selling more is not a pile-up")
    }

    @Test func receivablesMustOutgrowSalesByFortyPoints() async throws {
        let found = try await scan()
        #expect(level(found, 3, .receivablesSurge) == .yellow)
        #expect(found.first { $0.subject == SmallWorld.code(3) && $0.kind == .receivablesSurge }?.inputs["receivablesGrowth"] == 66.7)
        #expect(level(found, 4, .receivablesSurge) == nil, "35 % over flat sales is under the 40-point gap")
    }

    @Test func exitRiskAndUpgradeFollowTheTwentyMillionLine() async throws {
        let found = try await scan()
        #expect(level(found, 5, .exitRisk) == .red)
        #expect(level(found, 5, .upgradeCandidate) == nil)
        #expect(level(found, 6, .upgradeCandidate) == .yellow)
        #expect(level(found, 6, .exitRisk) == nil, "a 规下 firm cannot leave 规上")
        #expect(level(found, 7, .upgradeCandidate) == nil, "1,920 a year at a steady run rate is not yet 规上")
        // The healthy 规上 firms (2,000 × 12 of output, 1,900 × 12 of sales) raise neither.
        #expect(level(found, 9, .exitRisk) == nil && level(found, 9, .upgradeCandidate) == nil)
    }

    @Test func aJumpGoesToTheDataCheckAndAStepIsNeither() async throws {
        let found = try await scan()
        // Flat history: residuals all 0, so the robust scale is its floor 0.02 and the forecast's σ its floor 0.03.
        // log(1.2) / 0.02 = 9.1 ≥ 9 (red): a jump far above the firm's normal is a figure to check (数据核查), not a risk;
        // output above the forecast raises nothing.
        #expect(level(found, 8, .outputJump) == .red)
        #expect(WarningKind.outputJump.category == .dataCheck && WarningKind.missedReport.category == .dataCheck && WarningKind.anomaly.category == .risk)
        #expect(level(found, 8, .anomaly) == nil && level(found, 8, .forecastMiss) == nil, "an upside surprise is no business risk")
        let jump = try #require(found.first { $0.subject == SmallWorld.code(8) && $0.kind == .outputJump })
        #expect(jump.explanation.contains("同比+20.0%") && jump.explanation.contains("计量单位"))
        #expect(level(found, 8, .outputDrop) == nil, "a jump is no drop")
        // log(1.05) / 0.02 = 2.4 < 4 and log(1.05) / 0.03 = 1.6 < 3.29.
        #expect(level(found, 9, .anomaly) == nil && level(found, 9, .outputJump) == nil && level(found, 9, .forecastMiss) == nil)
    }

    /// The model's text gives the same 同比 as the output-drop rule (a / b − 1, not a log change), the normal range in per
    /// cents, and no statistics words; the z value stays an input for analysts.
    @Test func theModelsSpeakInTheRulesPercentages() async throws {
        let found = try await scan()
        let drop = try #require(found.first { $0.subject == SmallWorld.code(13) && $0.kind == .outputDrop })
        let anomaly = try #require(found.first { $0.subject == SmallWorld.code(13) && $0.kind == .anomaly })
        #expect(anomaly.inputs["yoy"] == drop.inputs["yoy"])
        let pct = String(format: "%.1f%%", -(drop.inputs["yoy"] ?? 0))
        #expect(drop.explanation.contains("同比下降" + pct) && anomaly.explanation.contains("同比下降" + pct), "\(drop.explanation) / \(anomaly.explanation)")
        #expect(anomaly.inputs["z"] != nil && anomaly.threshold.contains("常态范围"))
        for w in found {
            for word in ["对数", "稳健", "标准差", "σ", "z值", "残差"] {
                #expect(!w.explanation.contains(word) && !w.threshold.contains(word), "\(w.id): \(word) in \(w.explanation) / \(w.threshold)")
            }
        }
    }

    @Test func aChainBreaksWhereOneFirmInOrangeOrRedCarriesTheLink() async throws {
        // The models are switched off so that each firm's level is the simple rules' (a −25 % month would otherwise be a
        // red anomaly too).
        var t = RiskThresholds()
        t.anomalyZ = [100, 200, 300]
        t.forecastZ = [100, 200, 300]
        let found = try await scan(t)
        let breaks = found.filter { $0.kind == .chainBreak }
        let nfm04 = try #require(breaks.first { $0.subject == "NFM/NFM-04" })
        #expect(nfm04.level == .red && nfm04.subjectType == "chain" && nfm04.chain == "NFM" && nfm04.region == "360602")
        #expect(nfm04.inputs["localFirms"] == 1 && nfm04.inputs["topShare"] == 100)
        #expect(nfm04.id == "chain-break:NFM-04:2026-10")
        #expect(level(found, 13, .outputDrop) == .yellow)
        // Two equal firms: the top one holds exactly half, which is not more than half; a yellow firm is not enough.
        #expect(Set(breaks.map(\.subject)) == ["NFM/NFM-04"])
    }

    /// A firm whose output collapsed and which then stopped reporting is flagged for the missing months and still judged on
    /// its last month; a month's gap is yellow; a firm silent for longer than the window, or below the scale, is not.
    @Test func aFirmThatStopsReportingIsFlaggedAndItsLastMonthJudged() async throws {
        let found = try await scan()
        let missed = found.filter { $0.kind == .missedReport }
        #expect(Set(missed.map(\.subject)) == [SmallWorld.code(17), SmallWorld.code(18)])
        #expect(level(found, 17, .missedReport) == .orange && level(found, 18, .missedReport) == .yellow)
        let drop = try #require(found.first { $0.kind == .outputDrop && $0.subject == SmallWorld.code(17) })
        #expect(drop.level == .red && drop.period == Self.period.description && drop.id == "output-drop:\(SmallWorld.code(17)):\(Self.period)")
        #expect(drop.explanation.hasPrefix("（断报，按最近报送的2026年8月判断）") && drop.inputs["monthsMissing"] == 2)
        #expect(found.filter { $0.subject == SmallWorld.code(18) }.map(\.kind) == [.missedReport], "a steady firm that misses a month is only late")
        #expect(found.allSatisfy { $0.subject != SmallWorld.code(19) && $0.subject != SmallWorld.code(20) })
    }

    @Test func everyKindIsRaisedByTheSmallWorldsTogether() async throws {
        let enterprises = Set(try await scan().map(\.kind))
        let regions = Set(try await RegionRuleWorld.scan().map(\.kind))
        #expect(enterprises.union(regions) == Set(WarningKind.allCases), "never raised: \(Set(WarningKind.allCases).subtracting(enterprises.union(regions)))")
    }
}

/// 29 规上 firms: ten in 南昌县 (360121) whose 2026 output is 20 % below 2025 and three of which lose money all year, ten in
/// 宜春 (360902) flat with two losing, nine in 鹰潭 (360602) flat with five losing.
///
/// By hand, 1–10月 2026: 南昌 16,000 per firm against 20,000; province (10 × 16,000 + 19 × 20,000) / (29 × 20,000) − 1 =
/// −6.9 %; 南昌 lags by 13.1 points (red, ≥ 12). Loss shares: 南昌 30 % (orange: not above 30), 宜春 20 % (nothing: not
/// above 20), 鹰潭 56 % but only nine firms (nothing: a region needs ten).
enum RegionRuleWorld {
    static let world = Task { () async throws -> IndicatorCube in
        var firms: [SmallWorld.Firm] = []
        for n in 1...10 {
            firms.append(.init(n: 100 + n, region: "360121", figures: { k in
                SmallWorld.base([.outputValue: k >= 26 ? 1_600 : 2_000, .profit: n <= 3 && k >= 26 ? -40 : 80])
            }))
            firms.append(.init(n: 200 + n, region: "360902", figures: { k in SmallWorld.base([.profit: n <= 2 && k >= 26 ? -40 : 80]) }))
            if n <= 9 {
                firms.append(.init(n: 300 + n, region: "360602", figures: { k in SmallWorld.base([.profit: n <= 5 && k >= 26 ? -40 : 80]) }))
            }
        }
        return try await SmallWorld.make(firms).cube()
    }

    static func scan() async throws -> [RiskWarning] {
        RiskScanner(cube: try await world.value).scan(try ReportingPeriod(Fixture.last))
    }
}

@Suite struct RegionWarningRuleTests {
    @Test func lossShareAndLagAreJudgedPerCountyAndCity() async throws {
        let found = try await RegionRuleWorld.scan().filter { $0.subjectType == "region" }
        func w(_ kind: WarningKind, _ code: String) -> RiskWarning? { found.first { $0.kind == kind && $0.subject == code } }
        for code in ["360121", "360100"] {
            let lag = try #require(w(.regionLagging, code), "\(code) lags")
            #expect(lag.level == .red)
            #expect(lag.inputs["growth"] == -20 && lag.inputs["provinceGrowth"] == -6.9)
            let losses = try #require(w(.regionLosses, code), "\(code) losses")
            #expect(losses.level == .orange, "30 % is not above the red line of 30 %")
            #expect(losses.inputs["lossShare"] == 30 && losses.inputs["firms"] == 10 && losses.inputs["lossFirms"] == 3)
        }
        #expect(w(.regionLosses, "360902") == nil && w(.regionLosses, "360900") == nil, "20 % is not above 20 %")
        #expect(w(.regionLagging, "360900") == nil, "growing faster than the province is no lag")
        #expect(found.allSatisfy { !$0.subject.hasPrefix("3606") }, "nine firms are too few to judge a region")
        #expect(found.allSatisfy { $0.subject != "360000" }, "the province is not compared with itself")
    }
}
