import Foundation
import Testing
@testable import BrainCore

/// The bundled zone catalogue (`Resources/zones-jiangxi.json`) and the checks a broken file fails.
@Suite struct ZoneCatalogFileTests {
    @Test func bundledFileHolds44Zones() throws {
        #expect(ZoneCatalog.jiangxi.count == 44)
        let kinds = Dictionary(grouping: ZoneCatalog.jiangxi, by: \.kind).mapValues(\.count)
        #expect(kinds == [.nationalNewArea: 1, .nationalHighTech: 9, .nationalEconomic: 10, .bonded: 4, .provincial: 20])
        #expect(ZoneCatalog.jiangxi.first?.code == "Z360001")
        #expect(ZoneCatalog.zone("Z360001")?.cities == ["360100", "360400"])
        #expect(ZoneCatalog.zone("Z361103")?.shortName == "万年高新区")
        #expect(RegionCatalog.jiangxi.zones == ZoneCatalog.jiangxi)
        let file = try ZoneCatalogFile.bundled()
        #expect(!file.about.isEmpty)
        #expect(file.problems(regions: RegionCatalog.jiangxi.regions).isEmpty)
    }

    /// 南昌市 with two counties and 九江市 with one, enough to check zones against.
    static let regions = [
        Region(code: "360000", name: "江西省", level: .province, parent: nil),
        Region(code: "360100", name: "南昌市", level: .city, parent: "360000"),
        Region(code: "360111", name: "青山湖区", level: .county, parent: "360100"),
        Region(code: "360112", name: "新建区", level: .county, parent: "360100"),
        Region(code: "360400", name: "九江市", level: .city, parent: "360000"),
        Region(code: "360425", name: "永修县", level: .county, parent: "360400"),
    ]

    func file(_ zones: [(code: String, counties: [String])], chain: String = "ELEC") -> Data {
        let zoneJSON = zones.map { code, counties in
            #"{"code":"\#(code)","name":"开发区","shortName":"区","kind":"provincial","counties":[\#(counties.map { "\"\($0)\"" }.joined(separator: ","))],"chains":["\#(chain)"]}"#
        }
        return Data(#"{"about":"test","zones":[\#(zoneJSON.joined(separator: ","))]}"#.utf8)
    }

    func message(_ data: Data) -> String? {
        do {
            _ = try ZoneCatalogFile.decode(data, file: "broken.json", regions: Self.regions)
            return nil
        } catch let e as BundledDataError {
            return e.description
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func aGoodSmallFileDecodes() throws {
        let f = try ZoneCatalogFile.decode(file([("Z360001", ["360112", "360425"]), ("Z360101", ["360111"])]), file: "small.json", regions: Self.regions)
        #expect(f.zones.map(\.cities) == [["360100", "360400"], ["360100"]])
    }

    @Test func validationNamesTheZoneAtFault() {
        #expect(message(file([("Z360101", ["360111"]), ("Z360101", ["360112"])])) == "broken.json: zone Z360101 is listed twice")
        #expect(message(file([("Z360101", ["360199"])])) == "broken.json: zone Z360101: 360199 is not a county of the region catalogue")
        #expect(message(file([("Z360101", ["360100"])])) == "broken.json: zone Z360101: 360100 is not a county of the region catalogue")
        #expect(message(file([("Z360101", ["360425"])])) == "broken.json: zone Z360101: its code names city 360100, in which none of its counties lies")
        #expect(message(file([("Z360101", [])])) == "broken.json: zone Z360101 has no counties")
        #expect(message(file([("Z36010", ["360111"])])) == "broken.json: zone Z36010: code must be Z and six digits")
        #expect(message(file([("Z360101", ["360111"])], chain: "NOPE")) == "broken.json: zone Z360101: chain NOPE is not a chain of the catalogue")
        #expect(message(Data(#"{"about":"","zones":[{"code":"Z360101"}]}"#.utf8)) == #"broken.json: missing key "name" at zones[0]"#)
    }

    @Test func aCountyFiledUnderTheWrongCityIsNamed() {
        // A county whose code prefix names a city other than its parent in the catalogue.
        let regions = Self.regions + [Region(code: "360199", name: "错区", level: .county, parent: "360400")]
        #expect(throws: BundledDataError(file: "broken.json", "zone Z360101: county 360199 lies in 360400, not in one of the zone's cities")) {
            try ZoneCatalogFile.decode(file([("Z360101", ["360199"])]), file: "broken.json", regions: regions)
        }
    }
}

/// The bundled city profiles (`Resources/cities-jiangxi.json`) and the checks a broken file fails.
@Suite struct CityProfilesFileTests {
    @Test func bundledFileHolds11CitiesWeighing100Counties() throws {
        let profiles = CityProfiles.jiangxi
        #expect(profiles.count == 11)
        #expect(profiles.map(\.city) == RegionCatalog.jiangxi.cities.map(\.code))
        #expect(profiles.reduce(0) { $0 + $1.countyWeights.count } == 100)
        #expect(profiles.allSatisfy { $0.chainWeights.count == 12 })
        #expect(profiles.first?.firmShare == 0.125)
        #expect(profiles.first { $0.city == "360600" }?.chainWeights["NFM"] == 0.6)
        let file = try CityProfilesFile.bundled()
        #expect(file.cities.map(\.name) == RegionCatalog.jiangxi.cities.map(\.name))
        #expect(file.problems(regions: RegionCatalog.jiangxi.regions).isEmpty)
    }

    func file(city: String = "360100", name: String = "南昌市", share: Double = 1, chains: String = #""ELEC":1"#,
              counties: String = #""360111":0.5,"360112":0.5"#) -> Data {
        Data(#"{"about":"test","cities":[{"city":"\#(city)","name":"\#(name)","firmShare":\#(share),"chainWeights":{\#(chains)},"countyWeights":{\#(counties)}}]}"#.utf8)
    }

    func message(_ data: Data) -> String? {
        do {
            _ = try CityProfilesFile.decode(data, file: "broken.json", regions: ZoneCatalogFileTests.regions)
            return nil
        } catch let e as BundledDataError {
            return e.description
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func aGoodSmallFileDecodes() throws {
        let f = try CityProfilesFile.decode(file(), file: "small.json", regions: ZoneCatalogFileTests.regions)
        #expect(f.cities.map(\.profile) == [CityProfile(city: "360100", firmShare: 1, chainWeights: ["ELEC": 1], countyWeights: ["360111": 0.5, "360112": 0.5])])
    }

    @Test func validationNamesTheCityAtFault() {
        #expect(message(file(city: "360111")) == "broken.json: city 360111 is not a city of the region catalogue")
        #expect(message(file(city: "360900")) == "broken.json: city 360900 is not a city of the region catalogue")
        #expect(message(file(name: "九江市")) == "broken.json: city 360100: name 九江市 is not 南昌市")
        #expect(message(file(counties: #""360111":0.5,"360425":0.5"#)) == "broken.json: city 360100: 360425 is not a county of the city")
        #expect(message(file(chains: #""ELEC":0.5,"NOPE":0.5"#)) == "broken.json: city 360100: chain NOPE is not a chain of the catalogue")
        #expect(message(file(chains: #""ELEC":0.9"#)) == "broken.json: city 360100: the chain weights do not sum to 1")
        #expect(message(file(counties: #""360111":1.5,"360112":-0.5"#)) == "broken.json: city 360100: a share or weight is negative")
        #expect(message(file(share: 0.5)) == "broken.json: the cities' firm shares do not sum to 1")
        #expect(message(Data(#"{"about":"","cities":[{"city":"360100","name":"南昌市","firmShare":"1"}]}"#.utf8))?.hasPrefix("broken.json: at cities[0].firmShare: ") == true)
    }

    func anchored(_ anchor: String, focus: String = #"{"words":["LED"],"weight":3}"#) -> Data {
        Data(#"{"about":"test","cities":[{"city":"360100","name":"南昌市","firmShare":1,"chainWeights":{"ELEC":1},"countyWeights":{"360111":1},"linkFocus":[\#(focus)],"anchors":[\#(anchor)]}]}"#.utf8)
    }

    @Test func basesAndLinkFocusAreChecked() throws {
        let good = #"{"county":"360111","link":"ELEC-09","firms":1,"revenueShare":0.04,"note":"手机"}"#
        let f = try CityProfilesFile.decode(anchored(good), file: "small.json", regions: ZoneCatalogFileTests.regions)
        #expect(f.cities.first?.profile.anchors == [AnchorBase(county: "360111", link: "ELEC-09", firms: 1, revenueShare: 0.04, note: "手机")])
        #expect(f.cities.first?.profile.linkFocus == [LinkFocus(words: ["LED"], weight: 3)])
        #expect(message(anchored(#"{"county":"360425","link":"ELEC-09","firms":1,"revenueShare":0.04,"note":""}"#))
                == "broken.json: city 360100: anchor county 360425 is not a county of the city")
        #expect(message(anchored(#"{"county":"360111","link":"ELEC-99","firms":1,"revenueShare":0.04,"note":""}"#))
                == "broken.json: city 360100: anchor link ELEC-99 is not a link of the catalogue")
        #expect(message(anchored(#"{"county":"360111","link":"ELEC-09","firms":0,"revenueShare":0.04,"note":""}"#))
                == "broken.json: city 360100: anchor ELEC-09 needs 1 to 10 firms and a revenue share above 0 and at most 0.5")
        #expect(message(anchored(good, focus: #"{"words":[],"weight":3}"#))
                == "broken.json: city 360100: a link focus needs words and a weight above 0 and at most 20")
        // The bundled file plants 赣州's rare-earth separation and tungsten mining, and a cement plant in every city.
        let ganzhou = try #require(CityProfiles.jiangxi.first { $0.city == "360700" })
        #expect(ganzhou.anchors.contains { $0.link == "NFM-06" } && ganzhou.anchors.contains { $0.link == "NFM-02" })
        #expect(CityProfiles.jiangxi.allSatisfy { p in p.anchors.contains { $0.link == "BUILDMAT-02" } })
    }
}
