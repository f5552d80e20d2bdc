import Testing
@testable import BrainCore

/// The containment rules of `RegionCatalog`: cities hold their counties, lookups are exact (a code that only looks like a
/// Jiangxi one is not), zones are found by the counties they lie in, even across city lines. The scope rules built on
/// them (`AnalysisScope.resolve`) are in BrainAppsTests/ScopeRuleTests.swift.
@Suite struct RegionRuleTests {
    let catalog = RegionCatalog.jiangxi

    @Test func everyCityHoldsExactlyItsOwnCounties() {
        var seen: Set<String> = []
        for city in catalog.cities {
            let counties = catalog.counties(within: city.code)
            #expect(!counties.isEmpty, "\(city.name)")
            for code in counties {
                #expect(code.hasPrefix(city.code.prefix(4)) && code != city.code, "\(city.name) holds \(code)")
                #expect(catalog.region(code)?.parent == city.code)
                #expect(catalog.city(of: code) == city.code)
            }
            #expect(seen.isDisjoint(with: counties), "a county in two cities")
            seen.formUnion(counties)
        }
        #expect(seen == Set(catalog.counties.map(\.code)), "every county has a city")
        #expect(catalog.counties(within: "360100").contains("360121"))
        #expect(!catalog.counties(within: "360900").contains("360121"), "南昌县 is not 宜春's")
    }

    @Test func cityOfACountyACityAndTheProvince() {
        #expect(catalog.city(of: "360121") == "360100")   // 南昌县
        #expect(catalog.city(of: "360983") == "360900")   // 高安市
        #expect(catalog.city(of: "361000") == "361000")   // 抚州市 is its own city
        #expect(catalog.city(of: "360000") == nil, "the province is no city")
        #expect(catalog.counties(within: "360121") == ["360121"], "a county covers itself")
    }

    /// Codes that look like Jiangxi's but are not: lookups are exact, never by prefix.
    @Test func codesOfOtherProvincesAndLookalikesAreNotJiangxis() {
        for code in ["350100",    // 福州市 (Fujian), not 抚州市 361000
                     "350121",    // 闽侯县 (Fujian), ends like 南昌县 360121
                     "360199",    // starts like 南昌, no such county
                     "36012", "3601210", "36", "", "360121 "] {
            #expect(catalog.region(code) == nil, "'\(code)'")
            #expect(catalog.city(of: code) == nil, "'\(code)'")
            #expect(catalog.counties(within: code).isEmpty, "'\(code)'")
            #expect(catalog.zones(within: code).isEmpty, "'\(code)'")
            #expect(!catalog.isKnown(code), "'\(code)'")
        }
        #expect(catalog.isKnown("Z360101") && catalog.isKnown("360121"))
        #expect(!catalog.isKnown("Z350101"))
    }

    @Test func theProvinceCoversEverything() {
        let province = catalog.province
        #expect(province.code == "360000" && province.level == .province && province.parent == nil && province.name == "江西省")
        #expect(catalog.counties(within: "360000").count == 100)
        #expect(catalog.zones(within: "360000").count == catalog.zones.count)
        #expect(catalog.cities.allSatisfy { $0.parent == "360000" })
    }

    /// 赣江新区 lies in 南昌 (新建区, 青山湖区) and 九江 (永修县, 共青城市): both cities find it, a county finds only the zones
    /// touching it, and a city far away finds none of it.
    @Test func zonesAreFoundByTheCountiesTheyLieIn() throws {
        let ganjiang = try #require(catalog.zone("Z360001"))
        #expect(ganjiang.cities == ["360100", "360400"])
        #expect(catalog.zones(within: "360100").contains(ganjiang))
        #expect(catalog.zones(within: "360400").contains(ganjiang))
        #expect(catalog.zones(within: "360425").contains(ganjiang), "永修县")
        #expect(!catalog.zones(within: "360900").contains(ganjiang))
        // 南昌县 (360121) holds 南昌高新区 (partly) and 小蓝经开区, not 南昌经开区 (新建区).
        let inNanchangCounty = Set(catalog.zones(within: "360121").map(\.code))
        #expect(inNanchangCounty == ["Z360101", "Z360103"])
        // A city's zones are exactly those with a county in it.
        for city in catalog.cities {
            let expected = catalog.zones.filter { z in z.counties.contains { catalog.city(of: $0) == city.code } }.map(\.code)
            #expect(catalog.zones(within: city.code).map(\.code) == expected, "\(city.name)")
        }
    }

    /// `DevelopmentZone.cities` reads the city off the code's first four digits; the catalogue's parents must agree, and
    /// a zone code names its home city (Z3600xx: across cities).
    @Test func zoneCitiesAgreeWithTheCatalogue() {
        for zone in catalog.zones {
            var parents: [String] = []
            for county in zone.counties { if let c = catalog.city(of: county), !parents.contains(c) { parents.append(c) } }
            #expect(zone.cities == parents, "\(zone.shortName)")
            let home = String(zone.code.dropFirst().prefix(4))
            if home == "3600" {
                #expect(zone.cities.count >= 2, "\(zone.shortName) has a province code but one city")
            } else {
                #expect(zone.cities.contains(home + "00"), "\(zone.code) \(zone.shortName) lies outside its home city")
            }
        }
    }
}
