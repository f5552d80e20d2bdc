import Testing
@testable import BrainCore

/// Any province's reference data from the national list: regions (a municipality's districts stand for cities), zones
/// and chains only where they exist, the national adjacency, and how a firm is placed on chain links.
@Suite struct ProvinceCatalogTests {
    @Test func guangdongHasItsCitiesAndCountiesAndNothingOfJiangxi() throws {
        let gd = try RegionCatalog.province("44")
        #expect(gd.province.code == "440000" && gd.province.name == "广东省" && gd.provinceCode == "44")
        #expect(gd.cities.count == 21)
        #expect(gd.cities.contains { $0.name == "广州市" } && gd.cities.contains { $0.name == "深圳市" })
        #expect(gd.counties.count == 122)
        #expect(gd.regions.allSatisfy { $0.code.hasPrefix("44") })
        #expect(gd.region("360102") == nil, "a Jiangxi code is not Guangdong's")
        #expect(gd.zones.isEmpty && gd.chains.chains.isEmpty && gd.chains.origin == "none")
        #expect(gd.city(of: "440106") == "440100")   // 天河区 is 广州's
        // 东莞 has no counties: the city covers its own code, and the province covers it.
        #expect(gd.counties(within: "441900") == ["441900"])
        #expect(gd.counties(within: "440000").contains("441900") && gd.counties(within: "440000").contains("440106"))
        #expect(try RegionCatalog.province("440000").regions.count == gd.regions.count, "six digits work too")
    }

    @Test func aMunicipalitysDistrictsStandForItsCities() throws {
        let cq = try RegionCatalog.province("50")
        #expect(cq.province.name == "重庆市")
        #expect(!cq.cities.isEmpty && cq.cities.count == cq.counties.count, "every district is its own city")
        #expect(cq.city(of: "500101") == "500101")   // 万州区
        #expect(cq.counties(within: "500101") == ["500101"])
        #expect(Set(cq.counties(within: "500000")) == Set(cq.counties.map(\.code)))
        let bj = try RegionCatalog.province("11")
        #expect(bj.cities.count == 16 && bj.city(of: "110105") == "110105")   // 朝阳区
    }

    @Test func jiangxiFromTheNationalListIsTheBundledJiangxi() throws {
        let jx = try RegionCatalog.province("36")
        #expect(Set(jx.regions.map(\.code)) == Set(RegionCatalog.jiangxi.regions.map(\.code)))
        #expect(jx.zones.count == 44 && jx.chains.chains.count == 12)
        #expect(jx.cities.count == 11, "Jiangxi has no county directly under the province")
    }

    @Test func anUnknownProvinceIsRefused() {
        for code in ["99", "3601", "360100", "", "xx"] {
            #expect(throws: UnknownProvince.self, "\(code)") { try RegionCatalog.province(code) }
        }
        #expect(RegionCatalog.provinceCode("44") == "44" && RegionCatalog.provinceCode("71") == nil)
    }

    @Test func neighboursAreTheProvincesSharingABorder() {
        #expect(ProvinceNeighbours.all.count == 31)
        for (p, ns) in ProvinceNeighbours.all {
            for n in ns { #expect(ProvinceNeighbours.of(n).contains(p), "\(p)–\(n) both ways") }
            #expect(!ns.contains(p))
        }
        #expect(ProvinceNeighbours.of("36") == ["33", "34", "35", "42", "43", "44"])
        #expect(ProvinceNeighbours.of("44") == ["35", "36", "43", "45"])
        #expect(ProvinceNeighbours.of("15").count == 8 && ProvinceNeighbours.of("61").count == 8)   // 内蒙古, 陕西
        #expect(ProvinceNeighbours.of("46").isEmpty, "海南 has no land border")
        #expect(ProvinceNeighbours.of("360000") == ProvinceNeighbours.of("36"))
    }

    @Test func aFirmWithoutLinksIsPlacedByItsIndustryClassWithTheReason() throws {
        let book = ChainBook.jiangxi
        let placed = ChainPlacement.place(industry: "3985", explicitLinks: [], book: book)
        #expect(!placed.links.isEmpty)
        for p in placed.links {
            #expect(p.basis == "industry")
            #expect(book.chain(ofLink: p.link)?.link(p.link)?.industries.contains("3985") == true)
            #expect(p.reason.hasPrefix("行业代码 3985（电子专用材料制造）属于 "), "\(p.reason)")
            #expect(p.reason.hasSuffix(" 环节"))
        }
        let elec = try #require(placed.links.first { $0.chain == "ELEC" })
        let link = try #require(book.chain("ELEC")?.link(elec.link))
        #expect(elec.reason == "行业代码 3985（电子专用材料制造）属于 电子信息·\(link.name) 环节")
        #expect(ChainPlacement.place(industry: "13", explicitLinks: [], book: book).links.isEmpty, "a division places nowhere")
        #expect(ChainPlacement.place(industry: "3985", explicitLinks: [], book: .empty).links.isEmpty, "no chains, no places")
    }

    @Test func explicitLinksWin() {
        let placed = ChainPlacement.place(industry: "3985", explicitLinks: ["NFM-04"], book: .jiangxi)
        #expect(placed.linkCodes == ["NFM-04"])
        #expect(placed.links[0].basis == "explicit" && placed.links[0].reason.hasPrefix("登记的产业链环节 有色金属·"))
    }

    @Test func productsPlaceAFirmToo() throws {
        let link = try #require(ChainBook.jiangxi.chains.first?.links.first)
        let product = try #require(link.products.first)
        let placed = ChainPlacement.place(industry: "0000", explicitLinks: [], products: [product], book: .jiangxi)
        #expect(placed.links.contains { $0.link == link.code && $0.basis == "product" && $0.reason.contains(product) })
    }
}
