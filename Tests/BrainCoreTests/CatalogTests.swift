import Testing
@testable import BrainCore

@Suite struct RegionCatalogTests {
    let catalog = RegionCatalog.jiangxi

    @Test func jiangxiHas11CitiesAnd100Counties() {
        #expect(catalog.province.code == "360000")
        #expect(catalog.cities.count == 11)
        #expect(catalog.counties.count == 100)
        #expect(catalog.counties(within: "360600").count == catalog.children(of: "360600").count)
        #expect(catalog.city(of: "360681") == "360600")
    }

    @Test func zonesUseRealCountiesAndGanjiangSpansTwoCities() throws {
        #expect(catalog.zones.count >= 30)
        for zone in catalog.zones {
            #expect(!zone.counties.isEmpty)
            for county in zone.counties { #expect(catalog.region(county)?.level == .county, "\(zone.name) lists \(county)") }
            for chain in zone.chains { #expect(ChainCatalog.chain(chain) != nil, "\(zone.name) lists chain \(chain)") }
        }
        let ganjiang = try #require(catalog.zones.first { $0.shortName.contains("赣江新区") || $0.name.contains("赣江新区") })
        #expect(Set(ganjiang.cities) == ["360100", "360400"])
        for name in ["南昌高新区", "鹰潭高新区", "宜春经开区", "井冈山经开区", "赣州高新区", "上饶经开区", "九江经开区"] {
            #expect(catalog.zones.contains { $0.shortName == name }, "missing zone \(name)")
        }
        #expect(Set(catalog.zones.map(\.code)).count == catalog.zones.count)
    }

    @Test func cityProfilesCoverEveryCity() {
        let profiles = CityProfiles.jiangxi
        #expect(Set(profiles.map(\.city)) == Set(catalog.cities.map(\.code)))
        #expect(abs(profiles.map(\.firmShare).reduce(0, +) - 1) < 0.001)
        let yingtan = profiles.first { $0.city == "360600" }!
        #expect(yingtan.chainWeights.max { $0.value < $1.value }?.key == "NFM")
    }
}

@Suite struct ChainCatalogTests {
    @Test func twelveChainsInTheirOrder() {
        #expect(ChainCatalog.all.map(\.name) == ["电子信息", "有色金属", "装备制造", "新能源", "石化化工", "建材", "钢铁", "航空", "食品", "纺织服装", "医药", "现代家具"])
    }

    @Test(arguments: ChainCatalog.all)
    func eachChainIsAnAcyclicGraphOfAtLeast8Links(_ chain: IndustryChain) {
        #expect(chain.links.count >= 8)
        let codes = Set(chain.links.map(\.code))
        #expect(codes.count == chain.links.count)
        for link in chain.links {
            #expect(!link.products.isEmpty)
            #expect(!link.industries.isEmpty)
            for next in link.feeds { #expect(codes.contains(next), "\(link.code) feeds unknown \(next)") }
            for industry in link.industries {
                #expect(IndustryCatalog.standard.division(industry) != nil, "\(link.code): class \(industry) has no division")
                #expect(IndustryCatalog.standard.industryClass(industry) != nil, "\(link.code): class \(industry) missing from classes")
            }
        }
        // Topological order exists (no cycle): repeatedly remove links nobody feeds.
        var remaining = chain.links
        while !remaining.isEmpty {
            let fed = Set(remaining.flatMap(\.feeds))
            let roots = remaining.filter { !fed.contains($0.code) }
            #expect(!roots.isEmpty, "cycle in \(chain.code)")
            if roots.isEmpty { break }
            remaining.removeAll { r in roots.contains { $0.code == r.code } }
        }
        #expect(chain.links.first?.stage == .upstream)
        #expect(chain.links.last?.stage == .downstream)
    }

    @Test func copperPathRunsFromConcentrateToCable() throws {
        let nfm = try #require(ChainCatalog.chain("NFM"))
        let names = nfm.links.map(\.name).joined(separator: " ")
        for word in ["铜", "冶炼", "电线电缆", "钨", "稀土"] { #expect(names.contains(word), "NFM lacks \(word)") }
    }

    @Test func divisionsLoad() {
        #expect(IndustryCatalog.standard.divisions.count == 41)
        #expect(IndustryCatalog.standard.isValid("3211"))
        #expect(IndustryCatalog.standard.isValid("39"))
        #expect(!IndustryCatalog.standard.isValid("0111"))
        #expect(!IndustryCatalog.standard.isValid("abc"))
    }
}
