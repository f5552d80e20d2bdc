import Testing
@testable import BrainCore

/// The shape rules of the chain catalogue beyond CatalogTests' "acyclic, ≥ 8 links": edges run from upstream to
/// downstream, the file lists links in a topological order, and codes lead from a link to its chain and from an industry
/// class to its links.
///
/// Documented exception: edges between two links of the same stage are allowed and common (NFM-01 铜矿 → NFM-04 冶炼 are
/// both 上游, ELEC-04 → ELEC-07 both 中游; 29 such edges in all); what never happens is an edge that goes back a stage.
@Suite struct ChainRuleTests {
    static func rank(_ s: ChainStage) -> Int { s == .upstream ? 0 : s == .midstream ? 1 : 2 }

    @Test(arguments: ChainCatalog.all)
    func edgesNeverGoBackAStage(_ chain: IndustryChain) throws {
        for (from, to) in chain.edges {
            let a = try #require(chain.link(from)), b = try #require(chain.link(to))
            #expect(Self.rank(a.stage) <= Self.rank(b.stage), "\(from) \(a.stage) → \(to) \(b.stage)")
            #expect(chain.suppliers(of: to).contains { $0.code == from }, "suppliers(of:) is the inverse of feeds")
        }
    }

    @Test(arguments: ChainCatalog.all)
    func linksAreListedUpstreamFirstAndInFeedOrder(_ chain: IndustryChain) {
        let stages = chain.links.map { Self.rank($0.stage) }
        #expect(stages == stages.sorted(), "\(chain.code) lists a later stage before an earlier one")
        let position = Dictionary(uniqueKeysWithValues: chain.links.enumerated().map { ($1.code, $0) })
        for (from, to) in chain.edges { #expect(position[from]! < position[to]!, "\(from) feeds \(to), listed before it") }
    }

    @Test(arguments: ChainCatalog.all)
    func endsAreDownstreamStartsAreUpstreamAndNoLinkStandsAlone(_ chain: IndustryChain) {
        for link in chain.links {
            let suppliers = chain.suppliers(of: link.code)
            if link.stage == .downstream { #expect(link.feeds.isEmpty, "\(link.code) is downstream but feeds \(link.feeds)") }
            if link.feeds.isEmpty { #expect(link.stage == .downstream, "\(link.code) feeds nothing but is \(link.stage)") }
            if suppliers.isEmpty { #expect(link.stage == .upstream, "\(link.code) has no supplier but is \(link.stage)") }
            #expect(!(suppliers.isEmpty && link.feeds.isEmpty), "\(link.code) is isolated")
        }
    }

    @Test func sameStageEdgesExistAndAreTheOnlyFlatOnes() {
        let flat = ChainCatalog.all.flatMap { c in c.edges.filter { c.link($0.from)!.stage == c.link($0.to)!.stage }.map { "\($0.from)→\($0.to)" } }
        #expect(flat.count == 29)
        #expect(flat.contains("NFM-01→NFM-04"))
    }

    /// Chain codes are exact and upper case; the scope and importers upper-case what users type before asking.
    @Test func chainLookupIsExact() {
        #expect(ChainCatalog.chain("NFM")?.name == "有色金属")
        for code in ["nfm", "Nfm", " NFM", "NFM ", "NFM-04", "NF", ""] { #expect(ChainCatalog.chain(code) == nil, "'\(code)'") }
        #expect(ChainCatalog.chain("nfm".uppercased()) != nil)
        #expect(ChainCatalog.chain("NFM")?.link("nfm-04") == nil)
        #expect(ChainCatalog.chain("NFM")?.link("ELEC-01") == nil, "a link of another chain")
    }

    /// A link code leads to its chain: every link starts with its own chain's code and a dash, and with no other chain's.
    @Test func theChainOfALinkCode() {
        for chain in ChainCatalog.all {
            for link in chain.links {
                let owners = ChainCatalog.all.filter { link.code.hasPrefix($0.code + "-") }.map(\.code)
                #expect(owners == [chain.code], "\(link.code) → \(owners)")
                let firm = Enterprise(uscc: "x", name: "x", region: "360121", zone: nil, industry: "3211", employees: 1, revenue: 1,
                                      chainLinks: [link.code])
                #expect(firm.chains == [chain.code])
            }
        }
        let firm = Enterprise(uscc: "x", name: "x", region: "360121", zone: nil, industry: "3211", employees: 1, revenue: 1,
                              chainLinks: ["NFM-03", "ELEC-01", "NFM-04"])
        #expect(firm.chains == ["NFM", "ELEC"], "in order of first appearance, once each")
    }

    @Test func linksAreFoundByIndustryClass() {
        func links(_ cls: String) -> [String] { ChainCatalog.all.flatMap { $0.links.filter { $0.industries.contains(cls) }.map(\.code) } }
        // Every class the catalogue lists sits on at least one link.
        for cls in ChainCatalog.industryClasses { #expect(!links(cls.code).isEmpty, "\(cls.code) \(cls.name) sits on no link") }
        #expect(links("3211") == ["NFM-04"])                   // 铜冶炼
        #expect(Set(links("3985").map { $0.split(separator: "-")[0] }) == ["ELEC", "NFM", "NEWENERGY"])
        #expect(links("3985").count == 6)
        // Classes match whole: the group 321 and the division 32 are valid codes but name no link and no class.
        for partial in ["321", "32", "32110"] { #expect(links(partial).isEmpty && IndustryCatalog.standard.industryClass(partial) == nil) }
        #expect(IndustryCatalog.standard.isValid("321") && IndustryCatalog.standard.isValid("32"))
        #expect(IndustryCatalog.standard.division("3211")?.code == "32")
    }
}
