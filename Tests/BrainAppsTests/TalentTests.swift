import BrainCore
import Testing
@testable import BrainApps

@Suite struct TalentTests {
    @Test func mapCoversCitiesWithStarsAndShortages() async throws {
        let f = try await Fixture.load()
        let records = try await f.store.talent()
        let map = TalentMap.build(records: records, cities: nil, chain: nil, period: nil, catalog: .jiangxi)
        #expect(map.period == "2026-09")
        #expect(map.cities.count == 11)
        #expect(map.chains.count == 12)
        #expect(map.cells.allSatisfy { (1...5).contains($0.stars) && !$0.reason.isEmpty && $0.skillLevel != nil && $0.education != nil })
        #expect(map.cells.contains { $0.stars >= 4 })
        #expect(map.cities.contains { !$0.topShortages.isEmpty })
        let yichun = TalentMap.build(records: records, cities: ["360900"], chain: "NEWENERGY", period: nil, catalog: .jiangxi)
        #expect(yichun.cells.allSatisfy { $0.city == "360900" && $0.chain == "NEWENERGY" })
    }

    @Test func starsFollowTheRatioAndTheAsk() {
        #expect(TalentMap.stars(ratio: 0.5, education: nil, years: nil, salaryPremium: nil).0 == 1)
        #expect(TalentMap.stars(ratio: 1.1, education: nil, years: nil, salaryPremium: nil).0 == 3)
        #expect(TalentMap.stars(ratio: 2.5, education: "硕士", years: 8, salaryPremium: 1.5).0 == 5)
        #expect(TalentMap.stars(ratio: 1.5, education: "本科", years: 5, salaryPremium: nil).0 == 5)
    }
}
