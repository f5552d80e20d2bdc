import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// 贸易撮合 on hand-made listings: which counterparts are eligible (other firm, overlapping windows, open) and how each
/// factor scores (product, chain link, place, quantity, past trade); the parts always add up to the score.
@Suite struct TradeMatchingTests {
    static func listing(_ id: String, _ firm: String, _ kind: ListingKind, _ product: String, link: String? = nil, industry: String? = nil,
                        quantity: Double = 100, unit: String = "吨", region: String = "360121",
                        from: String = "2026-01-01", until: String = "2026-12-31", state: String = "open") -> MarketListing {
        MarketListing(id: id, uscc: firm, company: "企业\(firm)", kind: kind, product: product, spec: nil, industry: industry, chain: nil, link: link,
                      quantity: quantity, unit: unit, region: region, validFrom: from, validUntil: until, state: state, createdBy: "u")
    }

    static let demand = listing("D", "A", .demand, "铜杆")

    func match(_ others: [MarketListing], relations: Set<String> = []) -> [MarketMatch] { match(Self.demand, others, relations: relations) }

    func match(_ query: MarketListing, _ others: [MarketListing], relations: Set<String> = []) -> [MarketMatch] {
        let index = MarketIndex(listings: [query] + others, context: MarketContext(linkSuppliers: MarketDesk.linkSuppliers(.jiangxi), pastRelations: relations, homeProvince: "36"))
        let found = index.matches(for: query, limit: 20)
        for m in found {
            #expect(m.parts.map(\.factor) == ["product", "industry", "chain", "distance", "capacity", "relation"])
            let sum = m.parts.reduce(0) { $0 + $1.points }
            #expect(abs(sum - m.score) < 1e-9, "\(m.listing.id): parts \(sum) ≠ score \(m.score)")
            #expect(m.parts.allSatisfy { $0.points >= 0 && $0.points <= $0.max })
        }
        #expect(zip(found, found.dropFirst()).allSatisfy { $0.score > $1.score || ($0.score == $1.score && $0.listing.id < $1.listing.id) },
                "best first, ties by id")
        return found
    }

    func points(_ m: [MarketMatch], _ id: String, _ factor: String) -> Double? {
        m.first { $0.listing.id == id }?.parts.first { $0.factor == factor }?.points
    }

    /// The fooling case: "铜杆加工设备" (machines that make copper rods) contains "铜杆" whole, yet is not copper rod.
    @Test func theSameProductBeatsAProductThatMerelyContainsIt() {
        let m = match([Self.listing("S1", "B", .supply, "铜杆"), Self.listing("S2", "C", .supply, "铜杆加工设备"),
                       Self.listing("S3", "E", .supply, "电线电缆")])
        #expect(m.map(\.listing.id) == ["S1", "S2"], "电线电缆 shares no character and nothing else, so it is not offered")
        let exact = points(m, "S1", "product")!, contained = points(m, "S2", "product")!
        #expect(exact > contained && contained > 0)
        #expect(m[0].parts[0].reason.hasPrefix("产品名称一致") && m[1].parts[0].reason.hasPrefix("产品名称部分相似"))
        // Supply looks for demand the same way.
        let back = match(Self.listing("S1", "B", .supply, "铜杆"), [Self.demand, Self.listing("D2", "C", .demand, "铜杆加工设备")])
        #expect(back.map(\.listing.id) == ["D", "D2"])
    }

    /// The demand sits on NFM-07 (铜材加工), which NFM-04 (冶炼) feeds and which feeds NFM-09 and NFM-10.
    @Test func chainPointsFollowTheLinks() {
        let demand = Self.listing("D", "A", .demand, "铜杆", link: "NFM-07")
        let m = match(demand, [Self.listing("S-feeds", "B", .supply, "铜杆", link: "NFM-04"), Self.listing("S-same", "C", .supply, "铜杆", link: "NFM-07"),
                               Self.listing("S-below", "E", .supply, "铜杆", link: "NFM-09"), Self.listing("S-chain", "F", .supply, "铜杆", link: "NFM-12"),
                               Self.listing("S-other", "G", .supply, "铜杆", link: "ELEC-01")])
        #expect(points(m, "S-feeds", "chain") == 20 && points(m, "S-same", "chain") == 15)
        #expect(points(m, "S-below", "chain") == 6 && points(m, "S-chain", "chain") == 6 && points(m, "S-other", "chain") == 0)
        #expect(m.map(\.listing.id).prefix(2) == ["S-feeds", "S-same"])
        // Without a common product, the link alone still brings a supplier of the right link forward.
        let byLink = match(demand, [Self.listing("S-feeds", "B", .supply, "阴极铜", link: "NFM-04"), Self.listing("S-x", "C", .supply, "阀门", link: "EQUIP-01")])
        #expect(byLink.map(\.listing.id) == ["S-feeds"])
    }

    @Test func distanceFromCountyToElsewhere() {
        let m = match([Self.listing("county", "B", .supply, "铜杆", region: "360121"), Self.listing("city", "C", .supply, "铜杆", region: "360102"),
                       Self.listing("fuzhou-jx", "E", .supply, "铜杆", region: "361000"),   // 抚州, Jiangxi
                       Self.listing("fuzhou-fj", "F", .supply, "铜杆", region: "350100"),   // 福州, Fujian: a neighbour
                       Self.listing("beijing", "G", .supply, "铜杆", region: "110100")])
        let expected = ["county": 15.0, "city": 12, "fuzhou-jx": 9, "fuzhou-fj": 5, "beijing": 0]
        for (id, p) in expected { #expect(points(m, id, "distance") == p, "\(id)") }
        #expect(m.map(\.listing.id) == ["county", "city", "fuzhou-jx", "fuzhou-fj", "beijing"])
        // Two places in the same other province.
        let guangdong = match(Self.listing("D", "A", .demand, "铜杆", region: "440300"), [Self.listing("gz", "B", .supply, "铜杆", region: "440100")])
        #expect(points(guangdong, "gz", "distance") == 7)
    }

    @Test func capacityComparesQuantitiesInOneUnit() {
        let m = match([Self.listing("half", "B", .supply, "铜杆", quantity: 50), Self.listing("kg", "C", .supply, "铜杆", quantity: 100_000, unit: "千克"),
                       Self.listing("pieces", "E", .supply, "铜杆", quantity: 1_000, unit: "件"), Self.listing("more", "F", .supply, "铜杆", quantity: 200)])
        #expect(points(m, "half", "capacity") == 5)
        #expect(points(m, "kg", "capacity") == 10, "100,000 千克 are 100 吨")
        #expect(points(m, "pieces", "capacity") == 0, "件 cannot be compared with 吨")
        #expect(points(m, "more", "capacity") == 10, "more than enough is full marks, not more")
        #expect(m.first { $0.listing.id == "half" }?.parts[4].reason.contains("50%") == true)
    }

    @Test func windowsMustOverlapEvenByOneDay() {
        let q = Self.listing("D", "A", .demand, "铜杆", from: "2026-03-01", until: "2026-06-30")
        let m = match(q, [Self.listing("after", "B", .supply, "铜杆", from: "2026-07-01", until: "2026-12-31"),
                          Self.listing("before", "C", .supply, "铜杆", from: "2026-01-01", until: "2026-02-28"),
                          Self.listing("touch-end", "E", .supply, "铜杆", from: "2026-06-30", until: "2026-09-30"),
                          Self.listing("touch-start", "F", .supply, "铜杆", from: "2025-12-01", until: "2026-03-01")])
        #expect(Set(m.map(\.listing.id)) == ["touch-end", "touch-start"])
    }

    @Test func aFirmNeverMatchesItselfNorAClosedListing() {
        let m = match([Self.listing("mine", "A", .supply, "铜杆"), Self.listing("closed", "B", .supply, "铜杆", state: "closed"),
                       Self.listing("other-demand", "C", .demand, "铜杆"), Self.listing("ok", "E", .supply, "铜杆杆")])
        #expect(m.map(\.listing.id) == ["ok"], "not its own supply, not a closed one, not another demand")
    }

    @Test func pastTradeAddsPointsInItsDirection() {
        let m = match([Self.listing("S-sold", "B", .supply, "铜杆"), Self.listing("S-bought", "C", .supply, "铜杆"), Self.listing("S-new", "E", .supply, "铜杆")],
                      relations: ["B|A", "A|C"])
        #expect(points(m, "S-sold", "relation") == 10 && points(m, "S-bought", "relation") == 5 && points(m, "S-new", "relation") == 0)
        #expect(m.map(\.listing.id) == ["S-sold", "S-bought", "S-new"])
        // Equal scores go to the smaller id.
        let tie = match([Self.listing("S-b", "B", .supply, "铜杆"), Self.listing("S-a", "C", .supply, "铜杆")])
        #expect(tie.map(\.listing.id) == ["S-a", "S-b"] && tie[0].score == tie[1].score)
    }

    /// A listing whose window has passed is still `open` (nothing closes it), but it is no counterpart: a demand posted a
    /// month ago is not offered a supply that expired yesterday.
    @Test func anExpiredListingNeverMatches() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-market-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/m.sqlite")
        let desk = MarketDesk(store: store, catalog: .jiangxi)
        let today = MarketDesk.today()
        let monthAgo = ListingDraft.plusDays(today, -30), yesterday = ListingDraft.plusDays(today, -1), later = ListingDraft.plusDays(today, 30)
        let demand = Self.listing("D", "A", .demand, "铜杆", from: monthAgo, until: later)
        try await desk.save([demand, Self.listing("S-expired", "B", .supply, "铜杆", from: monthAgo, until: yesterday),
                             Self.listing("S-valid", "C", .supply, "铜杆", from: monthAgo, until: later)])
        let ids = try await desk.matches(for: demand, limit: 10).map(\.listing.id)
        #expect(ids.contains("S-valid"))
        #expect(!ids.contains("S-expired"))
        await store.close()
    }
}
