import BrainCore
import BrainData
import Foundation

/// The latest diagnosis of one enterprise, as the planning brief and the evaluation read it.
public struct MaturitySnapshot: Codable, Sendable {
    public let level: Int
    public let total: Double
    public let weakestArea: String
    public let weakestAreaName: String
    public init(level: Int, total: Double, weakestArea: String, weakestAreaName: String) {
        self.level = level; self.total = total; self.weakestArea = weakestArea; self.weakestAreaName = weakestAreaName
    }
}

/// A 转型升级规划 brief for a chain in a region, generated from the data: the figures, the gaps and weak links, the
/// maturity distribution, the demonstration projects and the recommended actions, as data and as Markdown.
public struct UpgradeBrief: Codable, Sendable {
    public struct Figures: Codable, Sendable {
        public let firms: Int
        public let aboveScaleFirms: Int
        public let output: Double
        public let outputGrowth: Double?
        public let shareOfProvince: Double?
        public let rdIntensity: Double?
    }
    public struct Maturity: Codable, Sendable {
        public let diagnosed: Int
        public let coverage: Double
        public let averageScore: Double?
        /// Firms per level 0 (未达一级) … 4 (四级).
        public let byLevel: [Int]
        public let commonWeakestArea: String?
    }
    public struct Action: Codable, Sendable {
        public let kind: String
        public let title: String
        public let detail: String
    }
    public let chain: String
    public let chainName: String
    public let region: String
    public let regionName: String
    public let period: String
    public let figures: Figures
    public let gaps: [ChainAnalysis.Recommendation]
    public let weakLinks: [ChainAnalysis.Recommendation]
    public let strongLinks: [String]
    public let maturity: Maturity
    public let demonstrationProjects: [DemonstrationProject]
    public let actions: [Action]
    public let markdown: String
}

/// Builds the upgrade-planning brief from the chain analysis, the cube, the diagnoses and the project registry.
public struct UpgradeBriefWriter: Sendable {
    public let cube: IndicatorCube
    public let network: SupplyNetwork
    public let catalog: RegionCatalog

    public init(cube: IndicatorCube, network: SupplyNetwork, catalog: RegionCatalog? = nil) {
        self.cube = cube
        self.network = network
        self.catalog = catalog ?? cube.catalog
    }

    public func brief(chain: IndustryChain, scope: AnalysisScope, maturity: [String: MaturitySnapshot], projects: [DemonstrationProject],
                      leads: InvestmentLeadsReport?, analysis given: ChainAnalysis? = nil) -> UpgradeBrief {
        let analysis = given ?? ChainAnalyzer(cube: cube, network: network, catalog: catalog).analyze(chain, scope: scope)
        let isProvince = catalog.region(scope.region)?.level == .province
        let bit = cube.chainBit(chain.code) ?? 0
        let members = (0..<cube.firmCount).filter { i in
            let e = cube.firms[i]
            return cube.chainMask[i] & bit != 0 && (isProvince || scope.counties.contains(e.region)) && (scope.zone == nil || e.zone == scope.zone)
        }
        let now = scope.period.cumulativeMonths, before = scope.period.sameLastYear.cumulativeMonths
        var output = 0.0, lastYear = 0.0, revenue = 0.0, rd = 0.0, provinceOutput = 0.0
        func v(_ ind: Indicator, _ i: Int, _ months: [Month]) -> Double { let x = cube.periodValue(ind, firm: i, months: months); return x.isNaN ? 0 : x }
        for i in members where cube.firms[i].aboveScale {
            output += v(.outputValue, i, now); lastYear += v(.outputValue, i, before)
            revenue += v(.revenue, i, now); rd += v(.rdExpense, i, now)
        }
        for i in cube.select(chain: chain.code) { provinceOutput += v(.outputValue, i, now) }
        let figures = UpgradeBrief.Figures(firms: members.count, aboveScaleFirms: members.filter { cube.firms[$0].aboveScale }.count,
                                           output: round2(output), outputGrowth: lastYear > 0 ? round2((output / lastYear - 1) * 100) : nil,
                                           shareOfProvince: provinceOutput > 0 ? round2(output / provinceOutput * 100) : nil,
                                           rdIntensity: revenue > 0 ? round2(rd / revenue * 100) : nil)
        // Maturity of the chain's firms in scope.
        var byLevel = [Int](repeating: 0, count: 5)
        var total = 0.0
        var weakest: [String: Int] = [:]
        var diagnosed = 0
        for i in members {
            guard let m = maturity[cube.firms[i].uscc] else { continue }
            diagnosed += 1
            byLevel[min(max(m.level, 0), 4)] += 1
            total += m.total
            weakest[m.weakestAreaName, default: 0] += 1
        }
        let common = weakest.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        let mat = UpgradeBrief.Maturity(diagnosed: diagnosed, coverage: members.isEmpty ? 0 : round1(Double(diagnosed) / Double(members.count) * 100),
                                        averageScore: diagnosed > 0 ? round1(total / Double(diagnosed)) : nil, byLevel: byLevel, commonWeakestArea: common)
        let memberSet = Set(members.map { cube.firms[$0].uscc })
        let mine = projects.filter { memberSet.contains($0.uscc) && ($0.chain == nil || $0.chain == chain.code) }
            .sorted { ($0.year, $0.id) > ($1.year, $1.id) }
        let weak = analysis.links.filter { $0.strength == LinkStrength.weak.rawValue }.map {
            ChainAnalysis.Recommendation(link: $0.code, name: $0.name, reason: $0.strengthReason)
        }
        let strong = analysis.links.filter { $0.strength == LinkStrength.strong.rawValue }.map(\.name)
        var actions: [UpgradeBrief.Action] = []
        for g in analysis.gaps {
            let names = leads?.links.first { $0.link == g.link }?.candidates.prefix(3).map(\.name) ?? []
            actions.append(.init(kind: "补链", title: "围绕\(g.name)开展精准招商",
                                 detail: g.reason + (names.isEmpty ? "。" : "。可优先对接：\(names.joined(separator: "、"))。")))
        }
        for e in analysis.extend { actions.append(.init(kind: "延链", title: "延伸发展\(e.name)", detail: e.reason + "。")) }
        for w in weak.prefix(3) where !analysis.extend.contains(where: { $0.link == w.link }) {
            actions.append(.init(kind: "强链", title: "培育壮大\(w.name)", detail: "\(w.reason)；支持骨干企业技改扩能、引育配套企业。"))
        }
        if let lead = analysis.links.flatMap(\.leaders).max(by: { $0.pageRank < $1.pageRank }) {
            actions.append(.init(kind: "链主", title: "发挥链主企业带动作用",
                                 detail: "\(lead.name)在本地供应网络中影响力最高（PageRank \(String(format: "%.4f", lead.pageRank))），可牵头组织上下游配套对接。"))
        }
        let low = byLevel[0] + byLevel[1]
        if diagnosed == 0 {
            actions.append(.init(kind: "数字化", title: "开展数字化转型问诊",
                                 detail: "本产业链在本地区尚无企业完成转型问诊，建议组织服务商开展免费诊断，摸清数字化水平底数。"))
        } else if Double(low) / Double(diagnosed) >= 0.5 {
            actions.append(.init(kind: "数字化", title: "推进中小企业数字化普及",
                                 detail: "已问诊的\(diagnosed)家企业中\(low)家处于一级及以下，\(common.map { "普遍薄弱环节为\($0)，" } ?? "")建议推广轻量化、低成本的工业互联网应用。"))
        } else {
            actions.append(.init(kind: "数字化", title: "打造智能制造标杆",
                                 detail: "已问诊企业中三级及以上\(byLevel[3] + byLevel[4])家，建议遴选开展智能工厂、数字化车间示范。"))
        }
        if let r = figures.rdIntensity, r < 1.5 {
            actions.append(.init(kind: "创新", title: "提升研发投入强度", detail: String(format: "规上企业研发费用占营业收入%.2f%%，低于1.5%%，建议落实研发费用后补助政策并对接共性技术平台。", r)))
        }
        let regionName = analysis.regionName
        var md = "# \(regionName)\(chain.name)产业链转型升级规划简报\n\n"
        md += "数据截至\(analysis.period)，由产业大脑根据企业月报、供应网络和转型问诊数据自动生成。\n\n## 一、基本情况\n\n"
        md += "- 链上企业\(figures.firms)家，其中规上\(figures.aboveScaleFirms)家\n"
        md += String(format: "- %@规上工业总产值%.1f万元", scope.period.description, figures.output)
        if let g = figures.outputGrowth { md += String(format: "，同比%@%.1f%%", g >= 0 ? "增长" : "下降", abs(g)) }
        if let s = figures.shareOfProvince, !isProvince || scope.zone != nil { md += String(format: "，占全省该链%.1f%%", s) }
        md += "\n"
        if let r = figures.rdIntensity { md += String(format: "- 研发投入强度%.2f%%\n", r) }
        md += "\n## 二、链条短板\n\n"
        md += analysis.gaps.isEmpty ? "- 无缺失环节\n" : analysis.gaps.map { "- 缺链：\($0.name)。\($0.reason)\n" }.joined()
        md += weak.map { "- 弱链：\($0.name)。\($0.reason)\n" }.joined()
        if !strong.isEmpty { md += "- 优势环节：\(strong.joined(separator: "、"))\n" }
        md += "\n## 三、数字化成熟度\n\n"
        if diagnosed > 0 {
            md += String(format: "- 已问诊%d家（覆盖%.1f%%），平均得分%.1f\n", diagnosed, mat.coverage, mat.averageScore ?? 0)
            md += "- 等级分布：未达一级\(byLevel[0])家，一级\(byLevel[1])家，二级\(byLevel[2])家，三级\(byLevel[3])家，四级\(byLevel[4])家\n"
            if let common { md += "- 最常见的薄弱领域：\(common)\n" }
        } else {
            md += "- 尚无企业完成转型问诊\n"
        }
        md += "\n## 四、示范项目\n\n"
        md += mine.isEmpty ? "- 暂无登记的示范项目\n" : mine.prefix(5).map { "- \($0.year)年 \($0.level)\($0.kindName)：\($0.company)「\($0.name)」\n" }.joined()
        md += "\n## 五、推荐举措\n\n"
        md += actions.enumerated().map { "\($0.offset + 1). **\($0.element.title)**（\($0.element.kind)）：\($0.element.detail)\n" }.joined()
        return UpgradeBrief(chain: chain.code, chainName: chain.name, region: analysis.region, regionName: regionName, period: analysis.period,
                            figures: figures, gaps: analysis.gaps, weakLinks: weak, strongLinks: strong, maturity: mat,
                            demonstrationProjects: Array(mine.prefix(20)), actions: actions, markdown: md)
    }
}
