import BrainCore
import BrainStore
import Foundation

/// Joins firms into a supply network: each firm buys from firms on the links that feed its own, mostly inside the
/// province and by size, and from firms outside the province where local supply is missing or thin.
struct SupplyGenerator {
    let seed: UInt64
    let chains: [IndustryChain]

    /// Regions outside Jiangxi that supply it, with sample names.
    static let outside: [(region: String, place: String)] = [
        ("440300", "深圳"), ("440100", "广州"), ("441900", "东莞"), ("320500", "苏州"), ("320200", "无锡"), ("330100", "杭州"),
        ("330200", "宁波"), ("310115", "上海浦东"), ("350200", "厦门"), ("430100", "长沙"), ("420100", "武汉"),
        ("340100", "合肥"), ("370200", "青岛"), ("110108", "北京海淀"), ("510100", "成都"), ("610100", "西安"),
    ]

    /// The largest yearly order (万元) one buyer places with one outside supplier.
    static let largestOutsideOrder = 200_000.0

    func generate(firms: [DemoFirm], gaps: Set<String>) -> [SupplyLink] {
        var rng = SeededRandom(seed: seed, stream: 0x5077)
        var byLink: [String: [Int]] = [:]
        for (i, f) in firms.enumerated() {
            for link in f.enterprise.chainLinks { byLink[link, default: []].append(i) }
        }
        // Cumulative revenue weights per link so that big firms win more customers.
        var cumulative: [String: [Double]] = [:]
        for (link, members) in byLink {
            var acc = 0.0
            cumulative[link] = members.map { acc += firms[$0].enterprise.revenue.squareRoot(); return acc }
        }
        // Outside suppliers per link, each with what it can still sell into the province in a year (万元): a share of
        // its own revenue, so no outside firm supplies more than a firm of its size could.
        var outsideFirms: [String: [(code: String, name: String, region: String, room: Double)]] = [:]
        var out: [SupplyLink] = []
        var seen = Set<String>()
        for f in firms {
            guard let chain = chains.first(where: { $0.code == f.chain }) else { continue }
            let upstream = chain.suppliers(of: f.link)
            guard !upstream.isEmpty else { continue }
            let purchases = f.enterprise.revenue * rng.uniform(0.35, 0.6)
            let count = 1 + Int(rng.next() % 4)
            for k in 0..<count {
                let link = rng.pick(upstream)
                let product = link.products.isEmpty ? link.name : rng.pick(link.products)
                let value = (purchases / Double(count) * rng.uniform(0.5, 1.5) * 10).rounded() / 10
                let members = byLink[link.code] ?? []
                let local = !gaps.contains(link.code) && !members.isEmpty && rng.chance(0.75)
                if local {
                    let weights = cumulative[link.code]!
                    let x = rng.unit() * weights.last!
                    var lo = 0, hi = weights.count - 1
                    while lo < hi { let mid = (lo + hi) / 2; if weights[mid] < x { lo = mid + 1 } else { hi = mid } }
                    let s = firms[members[lo]].enterprise
                    guard s.uscc != f.enterprise.uscc, seen.insert(s.uscc + f.enterprise.uscc + product).inserted else { continue }
                    // A supplier sells one customer at most half its own revenue.
                    out.append(SupplyLink(supplier: s.uscc, supplierName: s.name, supplierRegion: s.region, customer: f.enterprise.uscc,
                                          product: product, chain: chain.code, link: link.code, annualValue: min(value, (s.revenue * 5).rounded() / 10)))
                } else {
                    // One order from outside is at most 20 亿元 a year: a very large buyer spreads its purchases.
                    let value = min(value, Self.largestOutsideOrder)
                    var open = outsideFirms[link.code, default: []].indices.filter { outsideFirms[link.code]![$0].room >= value }
                    if open.isEmpty || rng.chance(0.25) {
                        // A new outside supplier: revenue from 2 亿 up (most between 2 and 30 亿元, a few up to 500 亿),
                        // big enough for this order, selling 5–25 % of it into the province.
                        let place = rng.pick(Self.outside)
                        let body = String((0..<8).map { _ in CreditCode.alphabet[Int(rng.next() % 31)] })
                        let code = CreditCode.make(region: place.region, body: body)!.value
                        let name = place.place + String([rng.pick(EnterpriseGenerator.brands), rng.pick(EnterpriseGenerator.brands)]) + String(link.name.split(separator: "与").first ?? Substring(link.name)).prefix(6) + "有限公司"
                        let intoProvince = rng.uniform(0.05, 0.25)
                        let revenue = max(min(rng.pareto(xm: 20_000, alpha: 1.1), 5_000_000), value / intoProvince)
                        outsideFirms[link.code, default: []].append((code, name, place.region, revenue * intoProvince))
                        open = [outsideFirms[link.code]!.count - 1]
                    }
                    let slot = rng.pick(open)
                    outsideFirms[link.code]![slot].room -= value
                    let o = outsideFirms[link.code]![slot]
                    guard seen.insert(o.code + f.enterprise.uscc + product).inserted else { continue }
                    out.append(SupplyLink(supplier: o.code, supplierName: o.name, supplierRegion: o.region, customer: f.enterprise.uscc,
                                          product: product, chain: chain.code, link: link.code, annualValue: value))
                }
            }
        }
        return out
    }
}

/// Talent supply and demand by city × occupation, quarterly, shaped by each city's chains.
struct TalentGenerator {
    let seed: UInt64

    /// Manufacturing-relevant occupations (职业分类大典 major groups 2 专业技术人员 and 6 生产制造及有关人员) with the
    /// chain they serve, the skill level, education and experience positions usually ask for.
    static let occupations: [(name: String, chain: String?, group: String, skill: String, education: String, years: Double)] = [
        ("集成电路工程技术人员", "ELEC", pro, "中级职称", "本科", 3), ("电子工程技术人员", "ELEC", pro, "中级职称", "本科", 3),
        ("电子元器件制造工", "ELEC", prod, "中级工", "中专", 1), ("软件和信息技术服务人员", "ELEC", pro, "中级职称", "本科", 2),
        ("冶金工程技术人员", "NFM", pro, "中级职称", "本科", 3), ("有色金属冶炼工", "NFM", prod, "高级工", "中专", 3),
        ("材料工程技术人员", "NFM", pro, "中级职称", "硕士", 3), ("机械工程技术人员", "EQUIP", pro, "中级职称", "本科", 3),
        ("数控机床操作工", "EQUIP", prod, "高级工", "大专", 3), ("电池制造工", "NEWENERGY", prod, "中级工", "中专", 1),
        ("新能源工程技术人员", "NEWENERGY", pro, "中级职称", "本科", 3), ("光伏组件制造工", "NEWENERGY", prod, "中级工", "中专", 1),
        ("化工工程技术人员", "PETROCHEM", pro, "中级职称", "本科", 3), ("化工总控工", "PETROCHEM", prod, "高级工", "大专", 3),
        ("陶瓷工艺师", "BUILDMAT", pro, "中级职称", "大专", 5), ("炼钢工", "STEEL", prod, "高级工", "中专", 3),
        ("航空器制造工程技术人员", "AVIATION", pro, "高级职称", "硕士", 5), ("飞机装配工", "AVIATION", prod, "技师", "大专", 5),
        ("食品工程技术人员", "FOOD", pro, "中级职称", "本科", 2), ("纺织服装工", "TEXTILE", prod, "初级工", "初中", 0),
        ("药物制剂工程技术人员", "PHARMA", pro, "中级职称", "本科", 3), ("家具设计师", "FURNITURE", pro, "中级职称", "大专", 3),
        ("工业机器人系统运维员", nil, prod, "技师", "大专", 3), ("电工", nil, prod, "高级工", "中专", 3),
        ("焊工", nil, prod, "高级工", "中专", 3), ("质量管理工程技术人员", nil, pro, "中级职称", "本科", 3),
        ("数据分析师", nil, pro, "中级职称", "本科", 2),
    ]
    static let pro = "2 专业技术人员", prod = "6 生产制造及有关人员"

    func generate(lastMonth: Month) -> [TalentRecord] {
        var rng = SeededRandom(seed: seed, stream: 0x7A1E)
        var quarterEnd = lastMonth
        while quarterEnd.month % 3 != 0 { quarterEnd = quarterEnd.previous }
        let periods = (0..<8).reversed().map { quarterEnd.adding(months: -3 * $0) }
        var out: [TalentRecord] = []
        for profile in CityProfiles.jiangxi {
            let totalWeight = profile.chainWeights.values.reduce(0, +)
            for occ in Self.occupations {
                let w = occ.chain.map { (profile.chainWeights[$0] ?? 0.01) / max(totalWeight, 0.01) } ?? 0.3
                let base = 4_000 * profile.firmShare * (0.2 + 3 * w)
                var tightness = occ.chain == "ELEC" || occ.chain == "NEWENERGY" || occ.chain == "AVIATION" ? rng.uniform(1.2, 1.8) : rng.uniform(0.7, 1.3)
                if occ.skill == "技师" || occ.skill == "高级职称" || occ.name.contains("机器人") { tightness *= 1.3 }
                for (k, p) in periods.enumerated() {
                    let growth = pow(1.02, Double(k))
                    let demand = Int(base * tightness * growth * rng.uniform(0.9, 1.1))
                    let supply = Int(base * growth * rng.uniform(0.85, 1.15))
                    out.append(TalentRecord(city: profile.city, occupation: occ.name, chain: occ.chain, period: p.description,
                                            supply: max(1, supply), demand: max(1, demand),
                                            medianSalary: (rng.uniform(4_500, 9_500) * (occ.chain == "ELEC" ? 1.3 : 1.0) * (occ.group == Self.pro ? 1.25 : 1.0)).rounded(),
                                            occupationGroup: occ.group, skillLevel: occ.skill, education: occ.education, experienceYears: occ.years))
                }
            }
        }
        return out
    }
}
