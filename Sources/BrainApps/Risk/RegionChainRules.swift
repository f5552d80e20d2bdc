import BrainCore
import BrainData

extension RiskScanner {
    /// Region rules: 亏损面 above the threshold, cumulative output growth far below the province's.
    func regionWarnings(_ p: ReportingPeriod) -> [RiskWarning] {
        let months = p.cumulativeMonths, monthsLY = p.sameLastYear.cumulativeMonths
        struct Acc { var out = 0.0, outLY = 0.0, firms = 0, losses = 0 }
        var province = Acc()
        var groups: [String: Acc] = [:]
        for i in 0..<cube.firmCount where cube.firms[i].aboveScale {
            let o = cube.periodValue(.outputValue, firm: i, months: months), oLY = cube.periodValue(.outputValue, firm: i, months: monthsLY)
            let profit = cube.periodValue(.profit, firm: i, months: months)
            guard !o.isNaN else { continue }
            let region = cube.firms[i].region
            for code in Set([region, catalog.city(of: region) ?? region]) {
                var a = groups[code] ?? Acc()
                a.out += o; a.outLY += oLY.isNaN ? 0 : oLY; a.firms += 1; if profit < 0 { a.losses += 1 }
                groups[code] = a
            }
            province.out += o; province.outLY += oLY.isNaN ? 0 : oLY; province.firms += 1
        }
        guard province.outLY > 0 else { return [] }
        let provinceGrowth = (province.out / province.outLY - 1) * 100
        var out: [RiskWarning] = []
        for (code, a) in groups.sorted(by: { $0.key < $1.key }) where a.firms >= 10 {
            let name = catalog.region(code)?.name ?? code
            let share = Double(a.losses) / Double(a.firms) * 100
            let b = thresholds.regionLossShare
            let lossLevel: WarningLevel? = share > b[2] ? .red : share > b[1] ? .orange : share > b[0] ? .yellow : nil
            if let lv = lossLevel {
                out.append(RiskWarning(id: "region-losses:\(code):\(p)", kind: .regionLosses, level: lv, subjectType: "region", subject: code,
                                       subjectName: name, region: code, zone: nil, chain: nil, period: p.description, rule: "rule:region-losses",
                                       inputs: ["lossShare": (share * 10).rounded() / 10, "lossFirms": Double(a.losses), "firms": Double(a.firms)],
                                       threshold: "亏损面 > \(Int(b[lv == .yellow ? 0 : lv == .orange ? 1 : 2]))%",
                                       explanation: "\(name)\(p.cumulativeLabel)规上工业企业亏损面\(String(format: "%.1f", share))%（\(a.losses)/\(a.firms)家），高于\(Int(b[lv == .yellow ? 0 : lv == .orange ? 1 : 2]))%的预警线。"))
            }
            guard a.outLY > 0 else { continue }
            let growth = (a.out / a.outLY - 1) * 100
            let lag = provinceGrowth - growth
            let l = thresholds.regionLag
            let lagLevel: WarningLevel? = lag >= l[2] ? .red : lag >= l[1] ? .orange : lag >= l[0] ? .yellow : nil
            if let lv = lagLevel {
                out.append(RiskWarning(id: "region-lagging:\(code):\(p)", kind: .regionLagging, level: lv, subjectType: "region", subject: code,
                                       subjectName: name, region: code, zone: nil, chain: nil, period: p.description, rule: "rule:region-lagging",
                                       inputs: ["growth": (growth * 10).rounded() / 10, "provinceGrowth": (provinceGrowth * 10).rounded() / 10],
                                       threshold: "累计产值增速低于全省 ≥ \(Int(l[lv == .yellow ? 0 : lv == .orange ? 1 : 2]))个百分点",
                                       explanation: "\(name)\(p.cumulativeLabel)规上工业总产值同比\(String(format: "%.1f", growth))%，低于全省\(String(format: "%.1f", provinceGrowth))%达\(String(format: "%.1f", lag))个百分点。"))
            }
        }
        return out
    }

    /// 断链 risk: a link whose local supply rests on one firm (the only one, or one with more than half the link's
    /// revenue) that is itself in warning.
    func chainWarnings(_ p: ReportingPeriod, firmLevels: [String: WarningLevel]) -> [RiskWarning] {
        var byLink: [String: [Int]] = [:]
        for i in 0..<cube.firmCount { for link in cube.firms[i].chainLinks { byLink[link, default: []].append(i) } }
        var out: [RiskWarning] = []
        for chain in catalog.chains.chains {
            for link in chain.links {
                guard let members = byLink[link.code], !members.isEmpty else { continue }
                let total = members.reduce(0.0) { $0 + cube.firms[$1].revenue }
                guard total > 0, let top = members.max(by: { cube.firms[$0].revenue < cube.firms[$1].revenue }) else { continue }
                let share = cube.firms[top].revenue / total
                guard members.count == 1 || share > 0.5 else { continue }
                let firm = cube.firms[top]
                guard let lv = firmLevels[firm.uscc], lv >= .orange else { continue }
                out.append(RiskWarning(id: "chain-break:\(link.code):\(p)", kind: .chainBreak, level: lv, subjectType: "chain",
                                       subject: "\(chain.code)/\(link.code)", subjectName: "\(chain.name)·\(link.name)", region: firm.region,
                                       zone: firm.zone, chain: chain.code, period: p.description, rule: "rule:chain-break",
                                       inputs: ["localFirms": Double(members.count), "topShare": (share * 1000).rounded() / 10],
                                       threshold: "环节本地供给单一企业占比 > 50% 且该企业处于橙色及以上预警",
                                       explanation: "\(chain.name)产业链“\(link.name)”环节本省仅\(members.count)家企业，\(firm.name)占该环节营业收入\(String(format: "%.0f", share * 100))%，且该企业处于\(lv.nameZh)预警，存在断链风险。"))
            }
        }
        return out
    }
}
