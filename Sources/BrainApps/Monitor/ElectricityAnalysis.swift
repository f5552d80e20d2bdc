import BrainCore
import BrainData
import Foundation

/// 电力看经济: electricity against output for a slice, by region and chain, and the firms whose power fell while the
/// output they report did not.
public struct ElectricityAnalysis: Codable, Sendable {
    /// Electricity and output of one group.
    public struct Row: Codable, Sendable {
        public let code: String
        public let name: String
        public let firms: Int
        /// 1–N月累计 (万千瓦时) and growth, %.
        public let electricity: Double
        public let electricityYoy: Double?
        public let output: Double
        public let outputYoy: Double?
        /// Electricity growth over output growth (nil when output barely moved).
        public let elasticity: Double?
        /// Pearson correlation of monthly electricity 同比 with output 同比 over the 24 months.
        public let correlation: Double?
    }

    /// A firm whose power fell while its reported output held: a data-quality and truthfulness flag.
    public struct Divergence: Codable, Sendable {
        public let uscc: String
        public let name: String
        public let region: String
        public let electricityYoy: Double
        public let outputYoy: Double
    }

    public let period: String
    public let whole: Row
    public let regions: [Row]
    public let chains: [Row]
    /// Firms with 当月用电量同比 ≤ −20 % while 当月产值同比 ≥ −10 %, largest gap first (at most 100).
    public var divergent: [Divergence]
    public let divergentTotal: Int

    /// The analysis for a viewer: the firm-level divergence list keeps only firms the viewer may read one by one (the
    /// count of all of them stays).
    public func redacted(readable: (String) -> Bool) -> ElectricityAnalysis {
        var out = self
        out.divergent = divergent.filter { readable($0.uscc) }
        return out
    }
}

extension MonitorService {
    public func electricity(_ scope: AnalysisScope) -> ElectricityAnalysis {
        let selected = scope.firms(in: cube)
        let p = scope.period
        let level = catalog.region(scope.region)?.level ?? .province
        // Group membership: 0 = whole, then regions, then chains.
        var groupCodes = ["*"]
        var groupIndex: [String: Int] = ["*": 0]
        func group(_ key: String) -> Int {
            if let g = groupIndex[key] { return g }
            groupIndex[key] = groupCodes.count
            groupCodes.append(key)
            return groupCodes.count - 1
        }
        let first = p.end.adding(months: -35)
        let months = Month.range(first, p.end)
        var elec: [[Double]] = [], out: [[Double]] = [], firmCount: [Int] = []
        func ensure(_ g: Int) {
            while elec.count <= g { elec.append(Array(repeating: 0, count: months.count)); out.append(Array(repeating: 0, count: months.count)); firmCount.append(0) }
        }
        var divergent: [ElectricityAnalysis.Divergence] = []
        for i in selected {
            let firm = cube.firms[i]
            var groups = [0]
            switch level {
            case .province: if let c = catalog.city(of: firm.region) { groups.append(group("R" + c)) }
            case .city: groups.append(group("R" + firm.region))
            case .county: break
            }
            for c in firm.chains { groups.append(group("C" + c)) }
            for g in groups { ensure(g); firmCount[g] += 1 }
            for (k, m) in months.enumerated() {
                let e = cube.value(.electricity, firm: i, month: m), o = cube.value(.outputValue, firm: i, month: m)
                for g in groups {
                    if !e.isNaN { elec[g][k] += e }
                    if !o.isNaN { out[g][k] += o }
                }
            }
            let e0 = cube.periodValue(.electricity, firm: i, months: p.currentMonths), e1 = cube.periodValue(.electricity, firm: i, months: p.sameLastYear.currentMonths)
            let o0 = cube.periodValue(.outputValue, firm: i, months: p.currentMonths), o1 = cube.periodValue(.outputValue, firm: i, months: p.sameLastYear.currentMonths)
            if let eg = Aggregate.growth(e0, e1), let og = Aggregate.growth(o0, o1), eg <= -20, og >= -10, !e0.isNaN, !o0.isNaN {
                divergent.append(.init(uscc: firm.uscc, name: firm.name, region: firm.region, electricityYoy: eg, outputYoy: og))
            }
        }
        ensure(0)
        let position = Dictionary(uniqueKeysWithValues: months.enumerated().map { ($1.ordinal, $0) })
        func total(_ series: [Double], _ ms: [Month]) -> Double { ms.reduce(0) { $0 + (position[$1.ordinal].map { series[$0] } ?? 0) } }
        func row(_ g: Int, code: String, name: String) -> ElectricityAnalysis.Row {
            let e = total(elec[g], p.cumulativeMonths), eLY = total(elec[g], p.sameLastYear.cumulativeMonths)
            let o = total(out[g], p.cumulativeMonths), oLY = total(out[g], p.sameLastYear.cumulativeMonths)
            let eg = Aggregate.growth(e, eLY), og = Aggregate.growth(o, oLY)
            var periods: [ReportingPeriod] = []
            var q = p
            while periods.count < 24 { periods.append(q); q = q.previous }
            var xs: [Double] = [], ys: [Double] = []
            for q in periods {
                if let a = Aggregate.growth(total(elec[g], q.currentMonths), total(elec[g], q.sameLastYear.currentMonths)),
                   let b = Aggregate.growth(total(out[g], q.currentMonths), total(out[g], q.sameLastYear.currentMonths)) {
                    xs.append(a); ys.append(b)
                }
            }
            let elasticity: Double? = (eg != nil && og != nil && abs(og!) >= 0.5) ? ((eg! / og!) * 100).rounded() / 100 : nil
            return .init(code: code, name: name, firms: firmCount[g], electricity: (e * 100).rounded() / 100, electricityYoy: eg,
                         output: (o * 100).rounded() / 100, outputYoy: og, elasticity: elasticity, correlation: pearson(xs, ys))
        }
        var regions: [ElectricityAnalysis.Row] = [], chains: [ElectricityAnalysis.Row] = []
        for (key, g) in groupIndex.sorted(by: { $0.key < $1.key }) where key != "*" {
            let code = String(key.dropFirst())
            if key.hasPrefix("R") { regions.append(row(g, code: code, name: catalog.region(code)?.name ?? code)) }
            else { chains.append(row(g, code: code, name: catalog.chains.chain(code)?.name ?? code)) }
        }
        divergent.sort { ($0.outputYoy - $0.electricityYoy) > ($1.outputYoy - $1.electricityYoy) }
        return ElectricityAnalysis(period: p.description, whole: row(0, code: scope.region, name: catalog.region(scope.region)?.name ?? scope.region),
                                   regions: regions, chains: chains, divergent: Array(divergent.prefix(100)), divergentTotal: divergent.count)
    }
}

/// Pearson correlation, nil with fewer than 3 points or no variance.
func pearson(_ xs: [Double], _ ys: [Double]) -> Double? {
    guard xs.count >= 3, xs.count == ys.count else { return nil }
    let n = Double(xs.count)
    let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for k in 0..<xs.count {
        let dx = xs[k] - mx, dy = ys[k] - my
        sxy += dx * dy; sxx += dx * dx; syy += dy * dy
    }
    guard sxx > 0, syy > 0 else { return nil }
    return ((sxy / (sxx * syy).squareRoot()) * 1000).rounded() / 1000
}
