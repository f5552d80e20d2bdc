import BrainCore
import Foundation

/// A generated firm with the hidden parameters its monthly series are drawn from.
struct DemoFirm: Sendable {
    var enterprise: Enterprise
    let chain: String
    let link: String
    /// Annual growth of this firm's output.
    var growth: Double
    let margin: Double
    let exports: Bool
    /// Months since the first month before which the firm did not report (founded during the window).
    let startIndex: Int
    var distress: DistressKind?
    /// A healthy but thin-margin firm whose losses, month by month, outweigh its profits (never three losing months
    /// in a row), so that 亏损面 looks like a real province's.
    var struggling = false
    var distressOnset: Int = 0
    /// One of a city's planted well-known bases (`CityProfile.anchors`): kept clear of planted distress.
    var anchor = false
}

/// Places firms on cities, counties, zones and chain links following each city's signature industries.
struct EnterpriseGenerator {
    let scale: DemoScale
    let seed: UInt64
    let catalog: RegionCatalog
    let chains: [IndustryChain]
    let months: Int
    let firstMonth: Month

    /// Links deliberately left without local firms (high-end links Jiangxi really lacks), and links whose local output
    /// rests on one firm (one refinery, one maker of trainers, one of helicopters).
    func plantedLinks() -> (gaps: Set<String>, dominant: Set<String>) {
        let known = Set(chains.flatMap { $0.links.map(\.code) })
        return (PlantedStructure.gaps.intersection(known), PlantedStructure.dominant.intersection(known))
    }

    func generate() -> (firms: [DemoFirm], gaps: Set<String>, dominant: Set<String>) {
        let (gaps, dominant) = plantedLinks()
        let profiles = CityProfiles.jiangxi
        var rng = SeededRandom(seed: seed, stream: 0xE17)
        var names = Set<String>(), codes = Set<String>()
        var firms: [DemoFirm] = []
        var dominantCount: [String: Int] = [:]
        let total = scale.aboveScaleFirms + scale.smallerFirms
        firms.reserveCapacity(total)
        let cityWeights = profiles.map(\.firmShare)
        // Link weights per city, matched once rather than per firm.
        var focusWeights: [String: [String: Double]] = [:]
        for profile in profiles {
            var weights: [String: Double] = [:]
            for chain in chains { for link in chain.links { weights[link.code] = Self.focusWeight(link, profile.linkFocus) } }
            focusWeights[profile.city] = weights
        }
        // The cities' well-known bases come first, at their planted size.
        for profile in profiles {
            for anchor in profile.anchors where !gaps.contains(anchor.link) {
                guard let chain = chains.first(where: { $0.link(anchor.link) != nil }), let link = chain.link(anchor.link) else { continue }
                for k in 0..<anchor.firms where firms.count < scale.aboveScaleFirms {
                    // Split unevenly: the first firm of a base is the largest.
                    let weights = (0..<anchor.firms).map { 1 / Double($0 + 1) }
                    let part = weights[k] / weights.reduce(0, +)
                    let revenue = max(2_500, anchor.revenueShare * part * (Self.chainRevenueTargets[chain.code] ?? 1_000) * 10_000 * scale.share)
                    firms.append(makeFirm(county: anchor.county, chain: chain, link: link, revenue: revenue, above: true, anchor: true,
                                          rng: &rng, names: &names, codes: &codes))
                    if dominant.contains(link.code) { dominantCount[link.code, default: 0] += 1 }
                }
            }
        }
        let anchors = firms.count
        for i in anchors..<total {
            let above = i < scale.aboveScaleFirms
            let profile = profiles[rng.weighted(cityWeights)]
            let counties = profile.countyWeights.keys.sorted()
            let county = counties[rng.weighted(counties.map { profile.countyWeights[$0]! })]
            let chainCodes = chains.map(\.code)
            let chainCode = chainCodes[rng.weighted(chainCodes.map { profile.chainWeights[$0] ?? 0.01 })]
            let chain = chains.first { $0.code == chainCode }!
            var eligible = chain.links.filter { !gaps.contains($0.code) }
            // A dominant-supplier link keeps very few local firms.
            eligible = eligible.filter { !dominant.contains($0.code) || dominantCount[$0.code, default: 0] < 3 }
            let focus = focusWeights[profile.city] ?? [:]
            let link = eligible[rng.weighted(eligible.map { focus[$0.code] ?? 1 })]
            if dominant.contains(link.code) { dominantCount[link.code, default: 0] += 1 }
            var revenue: Double
            // The very largest firms (over 50 亿元) belong to a city's signature chains, like 江铜 in 贵溪.
            let maxWeight = profile.chainWeights.values.max() ?? 1
            let signature = (profile.chainWeights[chainCode] ?? 0) >= 0.5 * maxWeight
            if above {
                revenue = min(rng.pareto(xm: 2_300, alpha: 1.1), signature ? 6_000_000 : 500_000)
            } else {
                revenue = exp(rng.uniform(log(150), log(1_950)))
            }
            // Beside the one firm a dominant link rests on, only small ones.
            if dominant.contains(link.code) { revenue = min(revenue, 3_000) }
            firms.append(makeFirm(county: county, chain: chain, link: link, revenue: revenue, above: above, anchor: false,
                                  rng: &rng, names: &names, codes: &codes))
        }
        fillEmptyLinks(&firms, gaps: gaps, dominant: dominant, focus: focusWeights, rng: &rng, names: &names)
        calibrate(&firms)
        return (firms, gaps, dominant)
    }

    /// Only the planted gaps may be empty: a link the random draw left without firms (likely in the small demo) gets a
    /// firm of its chain moved onto it from a link with at least three, chosen where the link fits the firm's city.
    private func fillEmptyLinks(_ firms: inout [DemoFirm], gaps: Set<String>, dominant: Set<String>, focus: [String: [String: Double]],
                                rng: inout SeededRandom, names: inout Set<String>) {
        var count: [String: Int] = [:]
        for f in firms { for l in f.enterprise.chainLinks { count[l, default: 0] += 1 } }
        for chain in chains {
            for link in chain.links where count[link.code, default: 0] == 0 && !gaps.contains(link.code) {
                let movable = firms.indices.filter {
                    firms[$0].chain == chain.code && !firms[$0].anchor && firms[$0].enterprise.chainLinks == [firms[$0].link]
                        && count[firms[$0].link, default: 0] >= 3 && !dominant.contains(firms[$0].link)
                }
                guard !movable.isEmpty else { continue }
                let i = movable[rng.weighted(movable.map { focus[catalog.city(of: firms[$0].enterprise.region) ?? ""]?[link.code] ?? 1 })]
                let old = firms[i].enterprise
                count[firms[i].link, default: 0] -= 1
                count[link.code, default: 0] += 1
                names.remove(old.name)
                let name = makeName(county: old.region, link: link, chain: chain.code, above: old.aboveScale, rng: &rng, taken: &names)
                let e = Enterprise(uscc: old.uscc, name: name, region: old.region, zone: old.zone, industry: rng.pick(link.industries),
                                   employees: old.employees, revenue: old.revenue, chainLinks: [link.code], founded: old.founded)
                var moved = DemoFirm(enterprise: e, chain: chain.code, link: link.code, growth: firms[i].growth, margin: firms[i].margin,
                                     exports: firms[i].exports, startIndex: firms[i].startIndex)
                moved.struggling = firms[i].struggling
                firms[i] = moved
            }
        }
    }

    /// One firm on `link` in `county` with the given yearly revenue (万元).
    private func makeFirm(county: String, chain: IndustryChain, link: ChainLink, revenue: Double, above: Bool, anchor: Bool,
                          rng: inout SeededRandom, names: inout Set<String>, codes: inout Set<String>) -> DemoFirm {
        let (gaps, _) = plantedLinks()
        let industry = rng.pick(link.industries)
        let econ = ChainEconomics.of(chain.code)
        let employees = max(8, Int(revenue / (econ.productivity * exp(rng.normal(0, 0.35)))))
        var links = [link.code]
        if !anchor, rng.chance(0.2), let next = link.feeds.first, !gaps.contains(next), !PlantedStructure.dominant.contains(next) { links.append(next) }
        let zone = pickZone(county: county, chain: chain.code, rng: &rng)
        let uscc = makeCode(county: county, rng: &rng, taken: &codes)
        let name = makeName(county: county, link: link, chain: chain.code, above: above, rng: &rng, taken: &names)
        // The bases are old firms; others were founded any time since 1992.
        let founded = anchor ? Int(rng.uniform(1958, 2012)) : Int(rng.uniform(1992, 2026))
        // Firms founded inside the window start reporting then (only smaller firms, to keep 规上 history whole).
        let foundedMonth = Month(year: founded, month: 1 + Int(rng.next() % 12))!
        let start = above ? 0 : max(0, foundedMonth.ordinal - firstMonth.ordinal)
        let e = Enterprise(uscc: uscc, name: name, region: county, zone: zone, industry: industry, employees: employees,
                           revenue: (revenue * 10).rounded() / 10, chainLinks: links, founded: founded)
        var firm = DemoFirm(enterprise: e, chain: chain.code, link: link.code,
                            growth: rng.normal(econ.growth, anchor ? 0.03 : 0.05), margin: max(0.015, rng.normal(econ.margin, 0.02)),
                            exports: rng.chance(0.4), startIndex: min(start, months - 6))
        firm.anchor = anchor
        return firm
    }

    /// Approximate 2025 营业收入 of each chain's 规上 firms in Jiangxi (亿元), after the province's published figures
    /// (electronics above 1 万亿, non-ferrous near 8,000 亿, equipment near 7,000 亿 in 2023, grown since).
    static let chainRevenueTargets: [String: Double] = [
        "ELEC": 11_500, "NFM": 8_500, "EQUIP": 7_400, "NEWENERGY": 5_600, "PETROCHEM": 3_600, "BUILDMAT": 3_000,
        "STEEL": 2_300, "AVIATION": 1_900, "FOOD": 2_600, "TEXTILE": 2_000, "PHARMA": 2_000, "FURNITURE": 1_600,
    ]

    /// Stretches each chain's 规上 revenues above the threshold so that the chain totals land near the targets
    /// (scaled to the number of firms generated); employees follow revenue.
    private func calibrate(_ firms: inout [DemoFirm]) {
        let share = scale.share
        let floor = 2_300.0
        var sums: [String: (n: Int, excess: Double)] = [:]
        var anchored: [String: Double] = [:]
        for f in firms where f.enterprise.aboveScale {
            if f.anchor { anchored[f.chain, default: 0] += f.enterprise.revenue; continue }
            let s = sums[f.chain] ?? (0, 0)
            sums[f.chain] = (s.n + 1, s.excess + max(0, f.enterprise.revenue - floor))
        }
        // The planted bases keep their size; the other firms share what is left of the chain's target.
        for i in firms.indices where firms[i].enterprise.aboveScale && !firms[i].anchor {
            guard let s = sums[firms[i].chain], s.excess > 0, let target = Self.chainRevenueTargets[firms[i].chain] else { continue }
            let rest = max(target * 10_000 * share * 0.3, target * 10_000 * share - anchored[firms[i].chain, default: 0])
            let k = min(8, max(0.2, (rest - Double(s.n) * floor) / s.excess))
            var e = firms[i].enterprise
            let before = e.revenue
            let after = floor + max(0, before - floor) * k
            let employees = max(8, Int((Double(e.employees) * after / before).rounded()))
            e = Enterprise(uscc: e.uscc, name: e.name, region: e.region, zone: e.zone, industry: e.industry, employees: employees,
                           revenue: (after * 10).rounded() / 10, chainLinks: e.chainLinks, founded: e.founded)
            firms[i].enterprise = e
        }
    }

    private func pickZone(county: String, chain: String, rng: inout SeededRandom) -> String? {
        let here = catalog.zones.filter { $0.counties.contains(county) }
        guard !here.isEmpty else { return nil }
        let fitting = here.filter { $0.chains.contains(chain) }
        if !fitting.isEmpty, rng.chance(0.75) { return rng.pick(fitting).code }
        return rng.chance(0.35) ? rng.pick(here).code : nil
    }

    private func makeCode(county: String, rng: inout SeededRandom, taken: inout Set<String>) -> String {
        while true {
            let body = String((0..<8).map { _ in CreditCode.alphabet[Int(rng.next() % 31)] })
            if let code = CreditCode.make(region: county, body: body)?.value, taken.insert(code).inserted { return code }
        }
    }

    /// How much more likely a firm of the link's chain sits on the link, given a city's focus (`CityProfile.linkFocus`):
    /// words matched against the link's name and products.
    static func focusWeight(_ link: ChainLink, _ focus: [LinkFocus]) -> Double {
        let text = link.name + link.products.joined()
        return focus.reduce(1.0) { w, f in f.words.contains { text.contains($0) } ? w * f.weight : w }
    }

    static let brands = Array("华鑫恒泰宏达金瑞盛源昌隆兴旺晨光嘉禾博远天成永新润丰中科国信赣鄱洪都章贡庐山滕王豫章临川瑞翔汇通宇宸凯越正邦明阳合力鼎晟卓越聚能")
    static let forms = ["有限公司", "有限责任公司", "股份有限公司", "科技有限公司"]

    private func makeName(county: String, link: ChainLink, chain: String, above: Bool, rng: inout SeededRandom, taken: inout Set<String>) -> String {
        let place = Self.placeName(catalog.region(county)?.name ?? "江西", city: catalog.region(catalog.city(of: county) ?? "")?.name)
        let trade = Self.tradeWord(chain: chain, link: link)
        while true {
            let brand = String([rng.pick(Self.brands), rng.pick(Self.brands)])
            var form = above && rng.chance(0.2) ? "股份有限公司" : rng.pick(Self.forms)
            if trade.hasSuffix("科技") && form.hasPrefix("科技") { form = "有限公司" }
            let name = (rng.chance(0.5) ? "江西" : place) + brand + trade + form
            if taken.insert(name).inserted { return name }
        }
    }

    static func placeName(_ county: String, city: String?) -> String {
        var s = county
        for suffix in ["自治县", "县", "市", "区"] where s.hasSuffix(suffix) && s.count > 2 {
            s = String(s.dropLast(suffix.count))
            break
        }
        if ["东湖", "西湖", "青云谱", "青山湖", "红谷滩", "章贡", "月湖", "信州", "吉州", "青原", "渝水", "袁州", "临川", "浔阳", "濂溪", "安源", "昌江", "珠山"].contains(s), let city {
            return String(city.dropLast())
        }
        return s
    }

    static func tradeWord(chain: String, link: ChainLink) -> String {
        switch chain {
        case "ELEC": return ["电子", "光电", "电子科技", "智能科技", "微电子"][(Int(link.code.suffix(2)) ?? 0) % 5]
        case "NFM": return link.name.contains("钨") ? "钨业" : link.name.contains("稀土") ? "稀土" : link.name.contains("铝") ? "铝业" : "铜业"
        case "EQUIP": return "机械"
        case "NEWENERGY": return link.name.contains("光伏") || link.name.contains("硅") || link.name.contains("组件") ? "光伏" : "锂电"
        case "PETROCHEM": return "化工"
        case "BUILDMAT": return "建材"
        case "STEEL": return "钢铁"
        case "AVIATION": return "航空"
        case "FOOD": return "食品"
        case "TEXTILE": return "服饰"
        case "PHARMA": return "药业"
        case "FURNITURE": return "家具"
        default: return "实业"
        }
    }
}
