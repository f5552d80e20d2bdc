import BrainCore
import BrainStore
import Testing
@testable import BrainApps

/// `TalentMap` on hand-made records: the star bands at their edges, the half stars, the filters and the empty map.
@Suite struct TalentMapRuleTests {
    func stars(_ ratio: Double, education: String? = nil, years: Double? = nil, premium: Double? = nil) -> Int {
        TalentMap.stars(ratio: ratio, education: education, years: years, salaryPremium: premium).0
    }

    /// Below 0.8 → 1, [0.8, 1) → 2, [1, 1.3) → 3, [1.3, 1.8) → 4, from 1.8 → 5: each band starts at its lower bound.
    @Test func bandsStartAtTheirLowerBound() {
        let edges: [(Double, Int)] = [(0, 1), (0.79, 1), (0.8, 2), (0.99, 2), (1.0, 3), (1.29, 3), (1.3, 4), (1.79, 4), (1.8, 5), (40, 5)]
        for (ratio, expected) in edges { #expect(stars(ratio) == expected, "ratio \(ratio)") }
    }

    /// Half a star each for 本科 or more, five years or more, a salary 20 % above the city's median; the total is rounded
    /// down, so one half star alone never lifts a band and two do.
    @Test func halfStarsCountInPairs() {
        #expect(stars(1.0, education: "本科") == 3)
        #expect(stars(1.0, education: "本科", years: 5) == 4)
        #expect(stars(1.0, education: "大专", years: 4.9, premium: 1.19) == 3, "each just short")
        #expect(stars(1.0, years: 5, premium: 1.2) == 4)
        #expect(stars(1.8, education: "博士", years: 10, premium: 2) == 5, "never above five")
        #expect(stars(0.1, education: "硕士", years: 5) == 2)
        let (_, why) = TalentMap.stars(ratio: 1.0, education: "硕士", years: 6, salaryPremium: 1.25)
        #expect(why == "供需比1.00，学历要求硕士，需6年以上经验，薪酬高于本市中位25%")
    }

    static let records: [TalentRecord] = [
        // 南昌, the latest quarter.
        TalentRecord(city: "360100", occupation: "电池工艺工程师", chain: "NEWENERGY", period: "2026-09", supply: 100, demand: 180, medianSalary: 12_000, education: "本科"),
        TalentRecord(city: "360100", occupation: "焊工", chain: "EQUIP", period: "2026-09", supply: 100, demand: 79, medianSalary: 6_000),
        TalentRecord(city: "360100", occupation: "质检员", chain: "NEWENERGY", period: "2026-09", supply: 50, demand: 50, medianSalary: 7_000),
        // 宜春.
        TalentRecord(city: "360900", occupation: "锂电设备维修工", chain: "NEWENERGY", period: "2026-09", supply: 0, demand: 30, medianSalary: nil),
        TalentRecord(city: "360900", occupation: "化验员", chain: nil, period: "2026-09", supply: 40, demand: 52, medianSalary: 5_000),
        // An older quarter, which the map of the latest period leaves out.
        TalentRecord(city: "360100", occupation: "电池工艺工程师", chain: "NEWENERGY", period: "2026-06", supply: 10, demand: 1, medianSalary: 9_000),
    ]

    @Test func theLatestPeriodWithItsCellsAndSummaries() throws {
        let map = TalentMap.build(records: Self.records, cities: nil, chain: nil, period: nil, catalog: .jiangxi)
        #expect(map.period == "2026-09")
        #expect(map.cells.count == 5)
        let engineer = try #require(map.cells.first { $0.occupation == "电池工艺工程师" })
        // 1.8 → 5 stars; 本科 and a salary of 12,000 against 南昌's median 7,000 add a star, capped at five.
        #expect(engineer.ratio == 1.8 && engineer.stars == 5 && engineer.cityName == "南昌市")
        #expect(map.cells.first { $0.occupation == "焊工" }?.stars == 1, "0.79 is still a surplus")
        // No supply at all: demand over one, not a division by zero.
        #expect(map.cells.first { $0.occupation == "锂电设备维修工" }?.ratio == 30)
        // Cells come by city, most stars first.
        #expect(map.cells.map(\.city) == ["360100", "360100", "360100", "360900", "360900"])
        #expect(map.cells.prefix(3).map(\.stars) == map.cells.prefix(3).map(\.stars).sorted(by: >))
        // 南昌: 250 supply, 309 demand (1.24, 3 stars); its only cell of four stars or more is the engineer.
        let nanchang = try #require(map.cities.first { $0.code == "360100" })
        #expect(nanchang.supply == 250 && nanchang.demand == 309 && nanchang.ratio == 1.24 && nanchang.stars == 3)
        #expect(nanchang.topShortages == ["电池工艺工程师"])
        // Chains: the record without a chain counts for its city only; chains sorted by ratio, highest first.
        #expect(map.chains.map(\.code) == ["NEWENERGY", "EQUIP"])
        #expect(map.chains.first?.supply == 150 && map.chains.first?.demand == 260)
    }

    @Test func filtersByCityAndChain() {
        let yichun = TalentMap.build(records: Self.records, cities: ["360900"], chain: nil, period: nil, catalog: .jiangxi)
        #expect(Set(yichun.cells.map(\.city)) == ["360900"] && yichun.cities.map(\.code) == ["360900"])
        let newEnergy = TalentMap.build(records: Self.records, cities: nil, chain: "NEWENERGY", period: nil, catalog: .jiangxi)
        #expect(newEnergy.cells.count == 3 && newEnergy.cells.allSatisfy { $0.chain == "NEWENERGY" })
        #expect(newEnergy.chains.map(\.code) == ["NEWENERGY"])
        // A chain filter does not change the city's salary median: 12,000 is still measured against all of 南昌's cells.
        let engineer = newEnergy.cells.first { $0.occupation == "电池工艺工程师" }
        #expect(engineer?.reason.contains("薪酬高于本市中位71%") == true, "\(engineer?.reason ?? "-")")
        // Both filters together, and an older period asked by name.
        let both = TalentMap.build(records: Self.records, cities: ["360900"], chain: "EQUIP", period: nil, catalog: .jiangxi)
        #expect(both.cells.isEmpty && both.cities.isEmpty && both.period == "2026-09")
        let june = TalentMap.build(records: Self.records, cities: nil, chain: nil, period: "2026-06", catalog: .jiangxi)
        #expect(june.cells.count == 1 && june.cells.first?.stars == 1)
        // Chain codes are matched exactly.
        #expect(TalentMap.build(records: Self.records, cities: nil, chain: "newenergy", period: nil, catalog: .jiangxi).cells.isEmpty)
    }

    @Test func noRecordsMakeAnEmptyMap() {
        let map = TalentMap.build(records: [], cities: nil, chain: nil, period: nil, catalog: .jiangxi)
        #expect(map.period == "" && map.cells.isEmpty && map.cities.isEmpty && map.chains.isEmpty)
        let unknownCity = TalentMap.build(records: Self.records, cities: ["350100"], chain: nil, period: nil, catalog: .jiangxi)
        #expect(unknownCity.cells.isEmpty && unknownCity.cities.isEmpty)
    }
}
