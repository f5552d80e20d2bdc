import BrainCore
import BrainData
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// The small demo agrees with what every Jiangxi official knows (issue 14, part 7): 赣州 is strong in rare earths and
/// tungsten, the links the province is known for are never 缺, the planted gaps are high-end links it lacks, 亏损面 is
/// highest in 1–2月 and falls through the year, and no outside firm supplies more than a firm of its size could.
/// Checked on the seed `brain serve --demo small` uses (2023) and on the apps' shared fixture (seed 5).
@Suite struct DemoFactsTests {
    typealias World = (store: Store, cube: IndicatorCube, network: SupplyNetwork, manifest: DemoManifest)

    static let served = Task { () async throws -> World in
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-facts-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/brain.sqlite")
        let manifest = try await DemoSeeder(scale: .small, seed: 2023, lastMonth: Fixture.last).seed(into: store, dataDirectory: nil)
        return (store, try await CubeBuilder.build(from: store, catalog: .jiangxi), try await SupplyNetwork.load(from: store), manifest)
    }

    static func worlds() async throws -> [(seed: Int, world: World)] {
        let f = try await Fixture.load()
        return [(2023, try await served.value), (5, (f.store, f.cube, try await SupplyNetwork.load(from: f.store), f.manifest))]
    }

    static func analysis(_ w: World, chain: String, region: String) throws -> ChainAnalysis {
        let scope = try AnalysisScope.resolve(region: region, zone: nil, chain: nil, industry: nil, period: nil, principal: Fixture.admin,
                                              catalog: .jiangxi, latest: w.cube.lastMonth)
        return ChainAnalyzer(cube: w.cube, network: w.network).analyze(ChainCatalog.chain(chain)!, scope: scope)
    }

    static func strength(_ a: ChainAnalysis, _ link: String) -> String? { a.links.first { $0.code == link }?.strength }

    @Test func ganzhouIsStrongInRareEarthsAndTungsten() async throws {
        for (seed, w) in try await Self.worlds() {
            let a = try Self.analysis(w, chain: "NFM", region: "360700")
            // 稀土分离冶炼 and 钨矿采选 strong; rare-earth mining and tungsten smelting at least 较强.
            for link in ["NFM-06", "NFM-02"] {
                #expect(Self.strength(a, link) == "strong", "seed \(seed): 赣州 \(link) is \(Self.strength(a, link) ?? "absent"): \(a.links.first { $0.code == link }?.strengthReason ?? "")")
            }
            for link in ["NFM-03", "NFM-05"] {
                #expect(["strong", "fair"].contains(Self.strength(a, link)), "seed \(seed): 赣州 \(link) is \(Self.strength(a, link) ?? "absent")")
            }
        }
    }

    @Test func citiesAreStrongInWhatTheyAreKnownFor() async throws {
        let known = [("NFM", "360600", "NFM-04", "鹰潭 铜冶炼"), ("NEWENERGY", "360900", "NEWENERGY-03", "宜春 碳酸锂"),
                     ("BUILDMAT", "360200", "BUILDMAT-08", "景德镇 陶瓷"), ("AVIATION", "360100", "AVIATION-08", "南昌 教练机"),
                     ("AVIATION", "360200", "AVIATION-09", "景德镇 直升机"), ("ELEC", "360800", "ELEC-05", "吉安 印制电路板"),
                     ("PHARMA", "360900", "PHARMA-05", "宜春（樟树） 中药提取")]
        for (seed, w) in try await Self.worlds() {
            for (chain, city, link, what) in known {
                let a = try Self.analysis(w, chain: chain, region: city)
                #expect(Self.strength(a, link) == "strong", "seed \(seed): \(what) is \(Self.strength(a, link) ?? "absent")")
            }
            // 赣州 has PCB makers too, and every city a cement plant.
            #expect(try Self.analysis(w, chain: "ELEC", region: "360700").links.first { $0.code == "ELEC-05" }!.localFirms > 0)
            for city in RegionCatalog.jiangxi.cities.map(\.code) {
                let cement = try Self.analysis(w, chain: "BUILDMAT", region: city).links.first { $0.code == "BUILDMAT-02" }!
                #expect(cement.localFirms > 0, "seed \(seed): no cement in \(city)")
            }
        }
    }

    @Test func theKnownLinksAreNeverMissingAndTheGapsArePlausible() async throws {
        let known = ["NFM-06", "NFM-02", "NFM-03", "NFM-05", "NFM-01", "NFM-04", "NEWENERGY-01", "NEWENERGY-03", "BUILDMAT-08",
                     "AVIATION-07", "AVIATION-08", "AVIATION-09", "ELEC-05", "BUILDMAT-02", "PHARMA-05", "PHARMA-01", "PETROCHEM-02"]
        for (seed, w) in try await Self.worlds() {
            #expect(Set(w.manifest.gapLinks.map(\.link)) == ["ELEC-02", "EQUIP-07", "AVIATION-05", "NEWENERGY-02"])
            for link in known {
                let chain = String(link.split(separator: "-")[0])
                let a = try Self.analysis(w, chain: chain, region: "360000")
                #expect(Self.strength(a, link) != "missing", "seed \(seed): \(link) is 缺 province-wide")
            }
            #expect(Set(w.manifest.dominantSupplierLinks.map(\.link)) == ["PETROCHEM-02", "AVIATION-08", "AVIATION-09"], "seed \(seed)")
            // Only the planted gaps are 缺 province-wide, even in the small demo.
            var missing = Set<String>()
            for chain in ChainCatalog.all {
                missing.formUnion(try Self.analysis(w, chain: chain.code, region: "360000").links.filter { $0.strength == "missing" }.map(\.code))
            }
            #expect(missing == Set(w.manifest.gapLinks.map(\.link)), "seed \(seed)")
        }
    }

    @Test func lossShareIsHighestInJanuaryFebruaryAndFallsThroughTheYear() async throws {
        for (seed, w) in try await Self.worlds() {
            func loss(_ period: String) throws -> Double {
                let scope = try AnalysisScope.resolve(region: nil, zone: nil, chain: nil, industry: nil, period: period, principal: Fixture.admin,
                                                      catalog: .jiangxi, latest: w.cube.lastMonth)
                return try #require(MonitorService(cube: w.cube).overview(scope).loss.lossShare)
            }
            let byPeriod = try ["2025-02", "2025-05", "2025-08", "2025-11", "2026-02", "2026-06", "2026-10"].map { try loss($0) }
            #expect(byPeriod[0] > byPeriod[3] + 4 && byPeriod[4] > byPeriod[6] + 4, "seed \(seed): 亏损面 \(byPeriod)")
            #expect(byPeriod[0] >= byPeriod[1] && byPeriod[1] >= byPeriod[2] && byPeriod[2] >= byPeriod[3], "seed \(seed): 亏损面 \(byPeriod)")
            #expect(byPeriod.allSatisfy { $0 > 3 && $0 < 35 }, "seed \(seed): 亏损面 \(byPeriod)")
        }
    }

    @Test func outsideSuppliersSellWhatFirmsOfTheirSizeCould() async throws {
        for (seed, w) in try await Self.worlds() {
            var outside: [String: Double] = [:]
            var bought: [String: Double] = [:]
            for l in w.network.links {
                bought[l.customer, default: 0] += l.annualValue
                if !l.supplierRegion.hasPrefix("36") { outside[l.supplier, default: 0] += l.annualValue }
            }
            #expect(!outside.isEmpty)
            // The small demo is 1/47 of the province: 20 亿元 here would be about 900 亿 there.
            #expect(outside.values.allSatisfy { $0 <= 200_000 }, "seed \(seed): largest outside supplier \(outside.values.max() ?? 0) 万元")
            // No firm buys more than it sells.
            let revenue = Dictionary(uniqueKeysWithValues: w.cube.firms.map { ($0.uscc, $0.revenue) })
            for (customer, value) in bought { #expect(value <= (revenue[customer] ?? 0) * 1.5, "seed \(seed): \(customer) buys \(value) 万元") }
        }
    }
}
