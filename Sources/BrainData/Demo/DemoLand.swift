import BrainCore
import BrainStore

extension DemoSeeder {
    /// Land use for about three in four of the demo's 规上 firms with a full year of tax: the area that gives each firm a 亩均税收 between 5 and
    /// 40 万元/亩 (roughly the spread of Jiangxi's industrial firms), chosen from its credit code so every run gives the
    /// same figures. Tax and output are left to the monthly indicators of the year.
    func landUse(enterprises: [Enterprise], reports: [MonthlyReport]) -> [LandUseRecord] {
        let year = lastMonth.month == 12 ? lastMonth.year : lastMonth.year - 1
        var tax: [String: Double] = [:], months: [String: Int] = [:]
        for r in reports where r.month.year == year {
            guard let t = r[.tax] else { continue }
            tax[r.uscc, default: 0] += t
            months[r.uscc, default: 0] += 1
        }
        var out: [LandUseRecord] = []
        for e in enterprises where e.aboveScale {
            guard let t = tax[e.uscc], t > 0, months[e.uscc, default: 0] >= 11 else { continue }
            var h: UInt64 = seed ^ 0x1A4D
            for b in e.uscc.utf8 { h = (h &* 1_099_511_628_211) ^ UInt64(b) }
            guard h % 4 != 0 else { continue }
            let share = Double((h / 4) % 1000) / 1000
            let perMu = 5 + 35 * share * share // most firms at the lower end, as in the province's 亩均 ranking
            let area = max(3, (t / perMu * 10).rounded() / 10)
            out.append(LandUseRecord(uscc: e.uscc, year: year, area: area, tax: nil, output: nil, batch: "demo"))
        }
        return out
    }
}
