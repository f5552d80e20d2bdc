import BrainCore
import BrainData
import Foundation

/// One measure of the 产业评价 composite index.
public enum EvaluationComponent: String, Codable, Sendable, CaseIterable {
    case scale
    case growth
    case profitability
    case rdIntensity = "rd_intensity"
    case digitalLevel = "digital_level"
    case energyProductivity = "energy_productivity"
    case landEfficiency = "land_efficiency"

    public var nameZh: String {
        switch self {
        case .scale: return "产业规模"
        case .growth: return "增长速度"
        case .profitability: return "盈利能力"
        case .rdIntensity: return "研发强度"
        case .digitalLevel: return "数字化水平"
        case .energyProductivity: return "能源产出率"
        case .landEfficiency: return "亩均效益"
        }
    }

    /// How the raw value is measured.
    public var definition: String {
        switch self {
        case .scale: return "1–N月累计工业总产值（万元），取对数后标准化"
        case .growth: return "1–N月累计工业总产值同比增速（%）"
        case .profitability: return "1–N月累计利润总额 / 营业收入（%）"
        case .rdIntensity: return "1–N月累计研发费用 / 营业收入（%）"
        case .digitalLevel: return "已问诊企业数字化水平评测平均得分（0–100）"
        case .energyProductivity: return "1–N月累计工业总产值 / 用电量（万元/万千瓦时）"
        case .landEfficiency: return "单位用地税收（万元/亩）：有用地数据的企业最近一年税收合计 / 其用地面积合计"
        }
    }

    public var unit: String {
        switch self {
        case .scale: return "万元"
        case .growth, .profitability, .rdIntensity: return "%"
        case .digitalLevel: return "分"
        case .energyProductivity: return "万元/万千瓦时"
        case .landEfficiency: return "万元/亩"
        }
    }

    /// Whether the component is scored on its logarithm (sizes and ratios that spread over orders of magnitude).
    var logScale: Bool { self == .scale || self == .energyProductivity || self == .landEfficiency }

    /// The benchmark spread: the smallest typical difference between cells that matters, in the unit scored (log10 for
    /// `logScale` components). Robust scaling never divides by less, so nearly equal cells get nearly equal scores.
    var benchmarkSpread: Double {
        switch self {
        case .scale: return 0.1              // output ×1.26
        case .growth: return 2               // 2 percentage points of 同比
        case .profitability: return 1        // 1 point of margin
        case .rdIntensity: return 0.3        // 0.3 point of R&D intensity
        case .digitalLevel: return 5         // 5 points of the 0–100 diagnosis score
        case .energyProductivity: return 0.05 // ×1.12
        case .landEfficiency: return 0.05    // ×1.12
        }
    }

    public var defaultWeight: Double {
        switch self {
        case .scale, .growth: return 20
        case .profitability, .rdIntensity, .digitalLevel, .energyProductivity: return 15
        case .landEfficiency: return 10
        }
    }
}

/// The weights of the composite index, by component code; visible in every answer and configurable.
public struct EvaluationWeights: Codable, Sendable, Equatable {
    public var weights: [String: Double]

    public init(weights: [String: Double]) { self.weights = weights }

    public static let standard = EvaluationWeights(weights: Dictionary(uniqueKeysWithValues: EvaluationComponent.allCases.map { ($0.rawValue, $0.defaultWeight) }))

    public func weight(_ c: EvaluationComponent) -> Double { weights[c.rawValue] ?? 0 }

    /// Checks a weight table: known components, finite non-negative numbers, some weight above zero.
    public static func validated(_ raw: [String: Double]) throws -> EvaluationWeights {
        for (key, value) in raw.sorted(by: { $0.key < $1.key }) {
            guard EvaluationComponent(rawValue: key) != nil else {
                throw AppError.bad("weights.\(key)", "unknown component; use one of \(EvaluationComponent.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard value.isFinite, value >= 0, value <= 1000 else { throw AppError.bad("weights.\(key)", "must be a number from 0 to 1000, got \(value)") }
        }
        guard raw.values.contains(where: { $0 > 0 }) else { throw AppError.bad("weights", "at least one weight must be above 0") }
        var full = raw
        for c in EvaluationComponent.allCases where full[c.rawValue] == nil { full[c.rawValue] = 0 }
        return EvaluationWeights(weights: full)
    }
}

/// Where the cells of the ranking lie: the cities or the development zones.
public enum EvaluationArea: String, Codable, Sendable, CaseIterable {
    case city, zone
}

/// One component of one cell: the raw value, its 0–100 score among the chain's cells and the weight applied.
public struct ComponentScore: Codable, Sendable {
    public let component: String
    public let name: String
    public let value: Double?
    public let unit: String
    public let score: Double?
    public let weight: Double
}

/// One chain × city (or zone) cell of the evaluation.
public struct EvaluationCell: Codable, Sendable {
    public let chain: String
    public let chainName: String
    public let area: String
    public let areaName: String
    public let firms: Int
    /// The composite index; absent when the cell is suppressed.
    public let index: Double?
    /// Rank among the same chain's cells (1 = best); absent when the cell is suppressed.
    public let rank: Int?
    public let components: [ComponentScore]
    /// What the index of this cell leaves out and why.
    public let notes: [String]
    /// Why the cell's figures are withheld (statistical disclosure control), when they are.
    public let suppressed: String?
}

/// The 产业评价 answer: every cell ranked within its chain, with the weights and the method.
public struct EvaluationRanking: Codable, Sendable {
    public let period: String
    public let by: EvaluationArea
    public let weights: [WeightInfo]
    public let method: String
    public let cells: [EvaluationCell]
    /// Cells left out for having too few firms.
    public let skippedCells: Int

    public struct WeightInfo: Codable, Sendable {
        public let component: String
        public let name: String
        public let weight: Double
        public let definition: String
        public let unit: String
    }
}

/// Computes the 产业评价 composite index per chain × city or zone from the cube and the diagnoses.
public struct EvaluationIndex: Sendable {
    public let cube: IndicatorCube
    public let catalog: RegionCatalog
    /// Latest diagnosis score (0–100) per enterprise.
    public let digitalScores: [String: Double]
    /// Cells need at least this many 规上 firms.
    public let minimumFirms: Int
    /// Per firm, its land area and the tax of the same year (`DatasetDesk.landForEvaluation`); empty without land data.
    public let land: [String: LandShare]

    public init(cube: IndicatorCube, catalog: RegionCatalog? = nil, digitalScores: [String: Double], land: [String: LandShare] = [:], minimumFirms: Int = 3) {
        self.cube = cube
        self.catalog = catalog ?? cube.catalog
        self.digitalScores = digitalScores
        self.land = land
        self.minimumFirms = minimumFirms
    }

    struct Sums {
        var firms = 0, output = 0.0, outputLastYear = 0.0, revenue = 0.0, profit = 0.0, rd = 0.0, electricity = 0.0
        var outputWithPower = 0.0, digital = 0.0, diagnosed = 0
        var landArea = 0.0, landTax = 0.0, landFirms = 0
        /// The cell's firms the viewer may not read, for disclosure control.
        var hidden = DisclosureRule.Hidden()
    }

    /// Ranks every cell; `chain` limits to one chain, `admits` to the cells the caller may see (by area code).
    /// `readable` says which enterprises the viewer may read one by one: a cell whose unreadable part could reveal one firm
    /// is shown without figures (`DisclosureRule`).
    public func rank(by area: EvaluationArea, chain: String? = nil, weights: EvaluationWeights, admits: (String) -> Bool = { _ in true },
                     readable: (Enterprise) -> Bool = { _ in true }, disclosure: DisclosureRule = DisclosureRule()) -> EvaluationRanking {
        let period = (try? ReportingPeriod(cube.lastMonth)) ?? ReportingPeriod.latestComplete(today: cube.lastMonth.next)
        let now = period.cumulativeMonths, before = period.sameLastYear.cumulativeMonths
        let chains = chain.map { [$0] } ?? cube.chains
        var cells: [String: [String: Sums]] = [:]
        for i in 0..<cube.firmCount where cube.firms[i].aboveScale {
            let e = cube.firms[i]
            let key: String?
            switch area {
            case .city: key = catalog.city(of: e.region)
            case .zone: key = e.zone
            }
            guard let key else { continue }
            let mine = e.chains.filter { chains.contains($0) }
            guard !mine.isEmpty else { continue }
            func v(_ ind: Indicator, _ months: [Month]) -> Double { let x = cube.periodValue(ind, firm: i, months: months); return x.isNaN ? 0 : x }
            let output = v(.outputValue, now), power = v(.electricity, now)
            let hidden = !readable(e)
            for c in mine {
                var s = cells[c, default: [:]][key, default: Sums()]
                s.firms += 1
                if hidden { s.hidden.add(output) }
                s.output += output
                s.outputLastYear += v(.outputValue, before)
                s.revenue += v(.revenue, now)
                s.profit += v(.profit, now)
                s.rd += v(.rdExpense, now)
                if power > 0 { s.electricity += power; s.outputWithPower += output }
                if let d = digitalScores[e.uscc] { s.digital += d; s.diagnosed += 1 }
                if let l = land[e.uscc] { s.landArea += l.area; s.landTax += l.tax; s.landFirms += 1 }
                cells[c, default: [:]][key] = s
            }
        }
        var out: [EvaluationCell] = []
        var skipped = 0
        for c in chains.sorted() {
            guard let byArea = cells[c] else { continue }
            let kept = byArea.filter { $0.value.firms >= minimumFirms }
            skipped += byArea.count - kept.count
            let keys = kept.keys.sorted()
            var raw: [EvaluationComponent: [Double?]] = [:]
            for comp in EvaluationComponent.allCases {
                raw[comp] = keys.map { k in Self.raw(comp, kept[k]!) }
            }
            var scores: [EvaluationComponent: [Double?]] = [:]
            for comp in EvaluationComponent.allCases {
                let values = raw[comp]!.map { v in comp.logScale ? v.map { log10(max($0, 1e-9)) } : v }
                scores[comp] = Self.normalise(values, benchmark: comp.benchmarkSpread)
            }
            var rows: [(key: String, index: Double, comps: [ComponentScore], notes: [String])] = []
            for (j, k) in keys.enumerated() {
                var total = 0.0, weightSum = 0.0
                var comps: [ComponentScore] = []
                var notes: [String] = []
                for comp in EvaluationComponent.allCases {
                    let w = weights.weight(comp)
                    let s = scores[comp]![j]
                    comps.append(ComponentScore(component: comp.rawValue, name: comp.nameZh, value: raw[comp]![j].map(round2), unit: comp.unit,
                                                score: s.map(round1), weight: w))
                    if let s, w > 0 { total += s * w; weightSum += w }
                    if s == nil, w > 0 {
                        notes.append(comp == .landEfficiency ? "无用地数据，\(comp.nameZh)未计入，其权重按比例分给其他指标"
                                     : comp == .digitalLevel ? "无企业完成转型问诊，\(comp.nameZh)未计入"
                                     : "\(comp.nameZh)无法计算，未计入")
                    }
                }
                let d = kept[k]!
                if d.diagnosed > 0 { notes.append("数字化水平基于\(d.diagnosed)家已问诊企业") }
                if d.landFirms > 0, d.landFirms < d.firms { notes.append("亩均效益基于\(d.landFirms)家有用地数据的企业（共\(d.firms)家）") }
                rows.append((k, weightSum > 0 ? round1(total / weightSum) : 0, comps, notes))
            }
            rows.sort { ($0.index, $1.key) > ($1.index, $0.key) }
            let name = catalog.chains.chain(c)?.name ?? c
            for (r, row) in rows.enumerated() where admits(row.key) {
                let areaName = area == .city ? catalog.region(row.key)?.name ?? row.key : catalog.zone(row.key)?.shortName ?? row.key
                if let why = disclosure.suppression(kept[row.key]!.hidden) {
                    let bare = row.comps.map { ComponentScore(component: $0.component, name: $0.name, value: nil, unit: $0.unit, score: nil, weight: $0.weight) }
                    out.append(EvaluationCell(chain: c, chainName: name, area: row.key, areaName: areaName, firms: kept[row.key]!.firms,
                                              index: nil, rank: nil, components: bare, notes: [why], suppressed: why))
                    continue
                }
                out.append(EvaluationCell(chain: c, chainName: name, area: row.key, areaName: areaName, firms: kept[row.key]!.firms,
                                          index: row.index, rank: r + 1, components: row.comps, notes: row.notes, suppressed: nil))
            }
        }
        let info = EvaluationComponent.allCases.map {
            EvaluationRanking.WeightInfo(component: $0.rawValue, name: $0.nameZh, weight: weights.weight($0), definition: $0.definition, unit: $0.unit)
        }
        return EvaluationRanking(period: period.description, by: area, weights: info,
                                 method: "各指标在同一产业链的全部\(area == .city ? "设区市" : "开发区")间稳健标准化为0–100分：中位数得50分，每高（低）一个离散度加（减）25分，截断于0和100分；离散度取四分位距÷1.349，且不小于该指标的基准差（增速2个百分点、利润率1个百分点、研发强度0.3个百分点、数字化5分，规模、能源产出率和亩均效益取对数后分别为0.1、0.05和0.05），相差无几的单元得分也相差无几，个别极端值不压缩其他单元的分差。按权重加权平均；缺失指标不计入并按比例重分权重；规上企业少于\(minimumFirms)家的单元不参与评价。",
                                 cells: out, skippedCells: skipped)
    }

    static func raw(_ c: EvaluationComponent, _ s: Sums) -> Double? {
        switch c {
        case .scale: return s.output > 0 ? s.output : nil
        case .growth: return s.outputLastYear > 0 ? (s.output / s.outputLastYear - 1) * 100 : nil
        case .profitability: return s.revenue > 0 ? s.profit / s.revenue * 100 : nil
        case .rdIntensity: return s.revenue > 0 ? s.rd / s.revenue * 100 : nil
        case .digitalLevel: return s.diagnosed > 0 ? s.digital / Double(s.diagnosed) : nil
        case .energyProductivity: return s.electricity > 0 ? s.outputWithPower / s.electricity : nil
        case .landEfficiency: return s.landArea > 0 ? s.landTax / s.landArea : nil
        }
    }

    /// Robust scaling to 0–100 over the present values: the median scores 50, each spread above (below) it adds
    /// (takes) 25 points, clipped to 0 and 100. The spread is the interquartile range ÷ 1.349 (the standard deviation of a
    /// normal sample), never less than `benchmark`, so nearly equal values score nearly equal and one outlier does not
    /// squeeze the others together. Missing values stay missing.
    static func normalise(_ values: [Double?], benchmark: Double) -> [Double?] {
        let present = values.compactMap { $0 }.sorted()
        guard !present.isEmpty else { return values.map { _ in nil } }
        let median = quantile(present, 0.5)
        let spread = max((quantile(present, 0.75) - quantile(present, 0.25)) / 1.349, benchmark)
        return values.map { v in v.map { min(100, max(0, 50 + 25 * ($0 - median) / spread)) } }
    }

    /// The `p` quantile of sorted values, interpolated linearly between order statistics.
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}

func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }
