import BrainCore
import BrainSecurity
import Testing
@testable import BrainApps

/// `AnalysisScope.resolve` against the caller's scope (the region rules themselves: BrainCoreTests/RegionRuleTests).
/// A code that is not Jiangxi's is a bad parameter named `region`; a real code outside the caller's scope is forbidden,
/// with the message naming the region.
@Suite struct ScopeRuleTests {
    let latest = Month("2026-10")!

    func resolve(region: String? = nil, zone: String? = nil, chain: String? = nil, _ p: Principal) throws -> AnalysisScope {
        try AnalysisScope.resolve(region: region, zone: zone, chain: chain, industry: nil, period: nil, principal: p, catalog: .jiangxi, latest: latest)
    }

    /// The refusal as (kind, parameter, message), or nil when it resolves.
    func refusal(region: String? = nil, zone: String? = nil, chain: String? = nil, _ p: Principal) -> (AppError.Kind, String, String)? {
        do { _ = try resolve(region: region, zone: zone, chain: chain, p); return nil } catch let e as AppError { return (e.kind, e.parameter, e.message) } catch {
            Issue.record("unexpected \(error)"); return nil
        }
    }

    static let yichun = Principal(username: "yc", role: .cityOfficial, scope: "360900")
    static let gaoan = Principal(username: "ga", role: .countyOfficial, scope: "360983")
    static let ganjiang = Principal(username: "gj", role: .zoneManager, scope: "Z360001")

    @Test func aCityOfficialStaysInsideTheCity() throws {
        let own = try resolve(Self.yichun)
        #expect(own.region == "360900" && own.counties == Set(["360900"] + RegionCatalog.jiangxi.counties(within: "360900")))
        #expect(try resolve(region: "360983", Self.yichun).counties == ["360983"], "a county of the city narrows the answer")
        // Another city, and a county of another city: forbidden, the message names the region.
        for other in ["360100", "360121"] {
            let r = try #require(refusal(region: other, Self.yichun))
            #expect(r.0 == .forbidden && r.2.hasPrefix("region \(other) is outside your data scope"), "\(r)")
        }
        #expect(refusal(region: "360000", Self.yichun)?.0 == .forbidden, "not the province either")
    }

    @Test func aCountyOfficialCannotWidenToItsCity() throws {
        #expect(try resolve(Self.gaoan).counties == ["360983"])
        #expect(refusal(region: "360900", Self.gaoan)?.0 == .forbidden)
        #expect(refusal(region: "360982", Self.gaoan)?.0 == .forbidden, "a sibling county")
    }

    /// 赣江新区 spans 南昌 and 九江: its manager may name the province, either city or one of its counties, never another
    /// city or zone, and the answer stays the zone.
    @Test func aZoneManagerStaysInsideTheZone() throws {
        let own = try resolve(Self.ganjiang)
        #expect(own.zone == "Z360001" && own.region == "360000")
        for r in ["360000", "360100", "360400", "360425"] { #expect(try resolve(region: r, Self.ganjiang).zone == "Z360001", "\(r)") }
        #expect(refusal(region: "360900", Self.ganjiang)?.0 == .forbidden)
        #expect(refusal(region: "360102", Self.ganjiang)?.0 == .forbidden, "东湖区 is in 南昌 but not in the zone")
        let z = try #require(refusal(zone: "Z360101", Self.ganjiang))
        #expect(z.0 == .forbidden && z.2.contains("zone Z360101"))
    }

    @Test func unknownCodesAreBadParametersNamed() {
        // Not Jiangxi's: 福州 (Fujian, not 抚州 361000), a lookalike of 南昌县, a prefix.
        for code in ["350100", "350121", "360199", "3601"] {
            for p in [Fixture.admin, Self.yichun, Self.ganjiang] {
                let r = refusal(region: code, p)
                #expect(r?.0 == .badParameter && r?.1 == "region", "\(code) for \(p.role): \(String(describing: r))")
            }
        }
        let zone = refusal(zone: "Z369999", Fixture.admin)
        #expect(zone?.0 == .badParameter && zone?.1 == "zone")
        #expect(refusal(chain: "NFM-04", Fixture.admin)?.1 == "chain", "a link is not a chain")
    }

    @Test func chainCodesAreCaseInsensitiveHere() throws {
        #expect(try resolve(chain: "nfm", Fixture.admin).chain == "NFM")
        #expect(try resolve(chain: "NewEnergy", Fixture.admin).chain == "NEWENERGY")
    }

    @Test func rolesWithoutStatisticsOrWithoutAScopeAreRefused() {
        #expect(refusal(Principal(username: "e", role: .enterprise, scope: "x"))?.0 == .forbidden)
        #expect(refusal(Principal(username: "p", role: .provider, scope: nil))?.0 == .forbidden)
        #expect(refusal(Principal(username: "c", role: .cityOfficial, scope: nil))?.0 == .forbidden)
        #expect(refusal(Principal(username: "z", role: .zoneManager, scope: nil))?.0 == .forbidden)
        #expect(refusal(region: "360121", Principal(username: "x", role: .expert, scope: nil)) == nil, "experts read every region's statistics")
    }
}
