import Foundation
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

/// The bundled chain file (`Resources/chains-jiangxi.json`) and the checks a broken file fails.
@Suite struct ChainCatalogFileTests {
    @Test func bundledFileHolds12ChainsOf132LinksAnd203Classes() {
        #expect(ChainCatalog.all.count == 12)
        #expect(ChainCatalog.all.reduce(0) { $0 + $1.links.count } == 132)
        #expect(ChainCatalog.industryClasses.count == 203)
        #expect(ChainCatalog.bundled.problems().isEmpty)
        #expect(ChainCatalog.bundled.chains.allSatisfy { !$0.note.isEmpty })
        #expect(ChainCatalog.chain("NFM")?.link("NFM-04")?.feeds == ["NFM-07", "NFM-10"])
        #expect(IndustryCatalog.standard.industryClass("3211")?.name == "铜冶炼")
    }

    /// A one-chain file whose links are `(code, feeds)` pairs, every link of class 3211.
    func file(chain: String = "AAA", _ links: [(String, [String])], classes: [String] = ["3211"], stage: String = "upstream") -> Data {
        let linkJSON = links.map { code, feeds in
            #"{"code":"\#(code)","name":"环节","stage":"\#(stage)","products":["产品"],"industries":["3211"],"feeds":[\#(feeds.map { "\"\($0)\"" }.joined(separator: ","))]}"#
        }
        let classJSON = classes.map { #"{"code":"\#($0)","name":"铜冶炼"}"# }
        return Data(#"{"about":"test","chains":[{"code":"\#(chain)","name":"链","note":"test","clusters":[],"links":[\#(linkJSON.joined(separator: ","))]}],"industryClasses":[\#(classJSON.joined(separator: ","))]}"#.utf8)
    }

    func message(_ data: Data) -> String? {
        do {
            _ = try ChainCatalogFile.decode(data, file: "broken.json")
            return nil
        } catch let e as BundledDataError {
            #expect(e.file == "broken.json")
            return e.description
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func aGoodSmallFileDecodes() throws {
        let f = try ChainCatalogFile.decode(file([("AAA-01", ["AAA-02"]), ("AAA-02", [])]), file: "small.json")
        #expect(f.chains.map(\.chain.edges.count) == [1])
    }

    @Test func validationNamesTheEntryAtFault() throws {
        let unknownFeed = try #require(message(file([("AAA-01", ["AAA-09"])])))
        #expect(unknownFeed == "broken.json: chain AAA: link AAA-01 feeds AAA-09, which is not a link of AAA")
        let cycle = try #require(message(file([("AAA-01", ["AAA-02"]), ("AAA-02", ["AAA-03"]), ("AAA-03", ["AAA-02"])])))
        #expect(cycle == "broken.json: chain AAA: the feeds form a cycle AAA-02 → AAA-03 → AAA-02")
        #expect(message(file([("AAA-01", ["AAA-01"])]))?.contains("cycle AAA-01 → AAA-01") == true)
        #expect(message(file([("AAA-01", []), ("AAA-01", [])])) == "broken.json: chain AAA: link AAA-01 is listed twice")
        #expect(message(file([("BBB-01", [])])) == "broken.json: chain AAA: link BBB-01 does not start with AAA-")
        #expect(message(file([("AAA-01", [])], classes: ["3240"])) == "broken.json: chain AAA: link AAA-01 uses class 3211, which is not in industryClasses")
        #expect(message(file([("AAA-01", [])], classes: ["3211", "3211"])) == "broken.json: industry class 3211 is listed twice")
    }

    @Test func decodingErrorsNameTheCodingPath() throws {
        let badStage = try #require(message(file([("AAA-01", []), ("AAA-02", [])], stage: "top")))
        #expect(badStage.hasPrefix("broken.json: at chains[0].links[0].stage: "), "\(badStage)")
        let noNote = Data(#"{"about":"","chains":[{"code":"AAA","name":"链","clusters":[],"links":[]}],"industryClasses":[]}"#.utf8)
        #expect(message(noNote) == #"broken.json: missing key "note" at chains[0]"#)
        let notJSON = try #require(message(Data("{\"about\":".utf8)))
        #expect(notJSON.hasPrefix("broken.json: at the top level: "), "\(notJSON)")
        #expect(throws: BundledDataError(file: "nothing.json", "missing from the bundle \(Bundle.main.bundlePath)")) {
            try BundledData.data("nothing.json", in: .main)
        }
    }
}
