import BrainCore
import BrainStore

/// 产业人才地图: supply and demand by city × occupation with a 1–5 star shortage index, and the top shortages per city
/// and per chain.
public struct TalentMap: Codable, Sendable {
    /// One city × occupation cell.
    public struct Cell: Codable, Sendable {
        public let city: String
        public let cityName: String
        public let occupation: String
        public let occupationGroup: String?
        public let chain: String?
        public let skillLevel: String?
        public let education: String?
        public let experienceYears: Double?
        public let supply: Int
        public let demand: Int
        /// Demand over supply.
        public let ratio: Double
        /// 1 (surplus) … 5 (acute shortage).
        public let stars: Int
        public let medianSalary: Double?
        /// Why the stars are what they are.
        public let reason: String
    }

    /// Totals and top shortages of a city or chain.
    public struct Summary: Codable, Sendable {
        public let code: String
        public let name: String
        public let supply: Int
        public let demand: Int
        public let ratio: Double
        public let stars: Int
        public let topShortages: [String]
    }

    public let period: String
    public let cells: [Cell]
    public let cities: [Summary]
    public let chains: [Summary]

    /// Stars from the demand/supply ratio (below 0.8 → 1, 0.8–1 → 2, 1–1.3 → 3, 1.3–1.8 → 4, from 1.8 → 5), plus half a
    /// star each for asking 本科 or more, five years' experience or more, and a salary 20 % above the city's median,
    /// rounded and kept within 1…5.
    static func stars(ratio: Double, education: String?, years: Double?, salaryPremium: Double?) -> (Int, String) {
        var s: Double = ratio < 0.8 ? 1 : ratio < 1 ? 2 : ratio < 1.3 ? 3 : ratio < 1.8 ? 4 : 5
        var why = [String(format: "供需比%.2f", ratio)]
        if let e = education, ["本科", "硕士", "博士"].contains(e) { s += 0.5; why.append("学历要求\(e)") }
        if let y = years, y >= 5 { s += 0.5; why.append("需\(Int(y))年以上经验") }
        if let p = salaryPremium, p >= 1.2 { s += 0.5; why.append(String(format: "薪酬高于本市中位%.0f%%", (p - 1) * 100)) }
        return (Int(min(5, max(1, s.rounded(.down)))), why.joined(separator: "，"))
    }

    /// Builds the map from talent records for the latest period among them (or `period`), limited to `cities` and `chain`.
    public static func build(records: [TalentRecord], cities: Set<String>?, chain: String?, period: String?, catalog: RegionCatalog) -> TalentMap {
        let latest = period ?? records.map(\.period).max() ?? ""
        let rows = records.filter { $0.period == latest && (cities == nil || cities!.contains($0.city)) && (chain == nil || $0.chain == chain) }
        var cityMedian: [String: Double] = [:]
        for (city, rs) in Dictionary(grouping: records.filter { $0.period == latest }, by: \.city) {
            let salaries = rs.compactMap(\.medianSalary).sorted()
            if !salaries.isEmpty { cityMedian[city] = salaries[salaries.count / 2] }
        }
        let cells = rows.map { r -> Cell in
            let ratio = Double(r.demand) / Double(max(r.supply, 1))
            let premium = r.medianSalary.flatMap { s in cityMedian[r.city].map { s / $0 } }
            let (stars, reason) = Self.stars(ratio: ratio, education: r.education, years: r.experienceYears, salaryPremium: premium)
            return Cell(city: r.city, cityName: catalog.region(r.city)?.name ?? r.city, occupation: r.occupation, occupationGroup: r.occupationGroup,
                        chain: r.chain, skillLevel: r.skillLevel, education: r.education, experienceYears: r.experienceYears, supply: r.supply,
                        demand: r.demand, ratio: (ratio * 100).rounded() / 100, stars: stars, medianSalary: r.medianSalary, reason: reason)
        }.sorted { ($0.city, -$0.stars, -$0.ratio) < ($1.city, -$1.stars, -$1.ratio) }
        func summary(_ code: String, _ name: String, _ group: [Cell]) -> Summary {
            let s = group.reduce(0) { $0 + $1.supply }, d = group.reduce(0) { $0 + $1.demand }
            let ratio = Double(d) / Double(max(s, 1))
            let top = group.filter { $0.stars >= 4 }.sorted { ($0.stars, $0.ratio) > ($1.stars, $1.ratio) }.prefix(3).map(\.occupation)
            return Summary(code: code, name: name, supply: s, demand: d, ratio: (ratio * 100).rounded() / 100,
                           stars: Self.stars(ratio: ratio, education: nil, years: nil, salaryPremium: nil).0, topShortages: Array(top))
        }
        let citySummaries = Dictionary(grouping: cells, by: \.city).map { summary($0.key, catalog.region($0.key)?.name ?? $0.key, $0.value) }
            .sorted { $0.code < $1.code }
        let chainSummaries = Dictionary(grouping: cells.filter { $0.chain != nil }, by: { $0.chain! })
            .map { summary($0.key, catalog.chains.chain($0.key)?.name ?? $0.key, $0.value) }.sorted { $0.ratio > $1.ratio }
        return TalentMap(period: latest, cells: cells, cities: citySummaries, chains: chainSummaries)
    }
}
