import BrainCore
import BrainData
import BrainSecurity
import Foundation
import Testing
@testable import BrainApps

@Suite struct ChainTests {
    func analysis(_ chain: String, region: String) async throws -> ChainAnalysis {
        let f = try await Fixture.load()
        let network = try await SupplyNetwork.load(from: f.store)
        let scope = try AnalysisScope.resolve(region: region, zone: nil, chain: nil, industry: nil, period: nil, principal: Fixture.admin,
                                              catalog: .jiangxi, latest: f.cube.lastMonth)
        return ChainAnalyzer(cube: f.cube, network: network).analyze(ChainCatalog.chain(chain)!, scope: scope)
    }

    /// Finding 5 of the hardening issue: experts read statistics but no firm; a link of one or two firms (or one dominant
    /// firm) must not show its output to them, and no leader may be named with its figures.
    @Test func aViewerWhoReadsNoFirmSeesNoFirmFigures() async throws {
        let a = try await analysis("NFM", region: "360000")
        let open = a.redacted { _ in true }
        #expect(open.links.map(\.output) == a.links.map(\.output) && open.suppressed == nil, "a viewer who reads every firm sees everything")
        let closed = a.redacted { _ in false }
        let rule = DisclosureRule()
        var suppressed = 0, shown = 0
        for (raw, seen) in zip(a.links, closed.links) {
            #expect(seen.leaders.isEmpty, "\(raw.code) leaders")
            var h = DisclosureRule.Hidden()
            for v in raw.members.values { h.add(v) }
            if raw.localFirms == 0 { #expect(seen.output == raw.output); continue }
            if rule.suppression(h) != nil {
                suppressed += 1
                #expect(seen.output == nil && seen.share == nil && seen.shareOfProvince == nil && seen.suppressed != nil, "\(raw.code)")
                #expect(!seen.strengthReason.contains(String(format: "%.1f%%", raw.share ?? 0)), "the reason carries no share either")
            } else {
                shown += 1
                #expect(seen.output == raw.output && seen.suppressed == nil, "\(raw.code)")
            }
            if raw.localFirms < 3 { #expect(seen.output == nil, "\(raw.code) has \(raw.localFirms) firm(s)") }
        }
        #expect(shown > 0, "links with many firms keep their figures")
        _ = suppressed
        // Reading half the firms: the hidden part alone decides.
        let some = a.redacted { $0.hasSuffix("0") || $0.hasSuffix("2") || $0.hasSuffix("4") }
        for l in some.links { #expect(l.leaders.allSatisfy { $0.uscc.hasSuffix("0") || $0.uscc.hasSuffix("2") || $0.uscc.hasSuffix("4") }) }
    }

    @Test func lithiumRanksStrongInYichun() async throws {
        let a = try await analysis("NEWENERGY", region: "360900")
        #expect(a.regionName == "宜春市")
        let strong = a.links.filter { $0.strength == "strong" }
        #expect(!strong.isEmpty)
        #expect(strong.allSatisfy { ($0.name + $0.products.joined()).contains("锂") || $0.name.contains("电芯") || $0.name.contains("正负极") || $0.name.contains("电解液") || $0.name.contains("储能") },
                "strong links in 宜春: \(strong.map(\.name))")
        let pv = a.links.filter { $0.name.contains("光伏") || $0.name.contains("硅") }
        #expect(pv.allSatisfy { $0.strength != "strong" })
    }

    @Test func sharesAddUpAndGapsAreTheMissingLinks() async throws {
        let a = try await analysis("NFM", region: "360000")
        #expect(a.links.count == ChainCatalog.chain("NFM")!.links.count)
        let total = a.links.reduce(0) { $0 + ($1.share ?? .nan) }
        #expect(abs(total - 100) < 0.1)
        #expect(Set(a.gaps.map(\.link)) == Set(a.links.filter { $0.localFirms == 0 }.map(\.code)))
        for link in a.links where link.localFirms > 0 {
            #expect(!link.leaders.isEmpty)
            #expect(link.leaders.first!.share >= link.leaders.last!.share)
            if let rate = link.localSupplyRate { #expect(rate >= 0 && rate <= 100) }
            if let hhi = link.supplierHHI { #expect(hhi > 0 && hhi <= 10_000) }
        }
    }

    @Test func plantedGapsShowAsMissing() async throws {
        let f = try await Fixture.load()
        for gap in f.manifest.gapLinks {
            let a = try await analysis(gap.chain, region: "360000")
            let link = try #require(a.links.first { $0.code == gap.link })
            #expect(link.strength == "missing")
            #expect(link.localFirms == 0)
        }
    }
}
