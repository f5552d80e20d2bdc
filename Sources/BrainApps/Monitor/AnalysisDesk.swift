import BrainCore
import BrainData
import BrainSecurity

/// The analyses officials read — 工业运行 overview, 电力看经济, 产业链 analysis, 产业评价, 精准招商 and the 转型升级 brief —
/// computed from the current cube and supply network, cached per cube, and cut to what the caller may read one firm at a
/// time (statistical disclosure control). API routes and portal pages both call these; neither assembles an analysis.
public final class AnalysisDesk: Sendable {
    let cubes: CubeHolder
    let networks: SupplyNetworkHolder
    let catalog: RegionCatalog
    let diagnoses: DiagnosisDesk
    let programmes: ProgrammeDesk
    let datasets: DatasetDesk?
    /// 工业运行 overviews of the current cube, by slice.
    public let overviews = ResultCache<MonitorOverview>()
    /// 产业链 analyses of the current cube and supply network, by chain and slice.
    public let chainAnalyses = ResultCache<ChainAnalysis>(capacity: 512)
    /// 电力看经济 analyses of the current cube, by slice.
    public let electricityAnalyses = ResultCache<ElectricityAnalysis>(capacity: 128)
    /// The annual targets and price indices in force (年度目标表), read by the overview's 目标完成率 and 增加值增速.
    public let targets = TargetShelf()

    public init(cubes: CubeHolder, networks: SupplyNetworkHolder, catalog: RegionCatalog, diagnoses: DiagnosisDesk, programmes: ProgrammeDesk,
                datasets: DatasetDesk? = nil) {
        self.datasets = datasets
        self.cubes = cubes
        self.networks = networks
        self.catalog = catalog
        self.diagnoses = diagnoses
        self.programmes = programmes
    }

    /// The overview of a slice, computed once per cube (aggregates only; nothing to cut).
    public func overview(_ scope: AnalysisScope) -> MonitorOverview {
        let cube = cubes.cube
        let prices = priceIndices(region: scope.region, through: scope.period.end.year)
        let key = "\(scope.region)|\(scope.zone ?? "")|\(scope.chain ?? "")|\(scope.industry ?? "")|\(scope.period)|"
            + prices.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        var overview = overviews.value(version: ResultCache<MonitorOverview>.version(of: cube), key: key) {
            var o = MonitorService(cube: cube, catalog: catalog, priceIndices: prices).overview(scope)
            let (q, _) = QualityDesk(catalog: catalog).measure(scope.firms(in: cube), month: scope.period.end, cube: cube, firmsToo: false)
            let inconsistentShare = q.reporting == 0 ? 0 : Double(q.inconsistent) / Double(q.reporting)
            o.dataQuality = OverviewQuality(expected: q.expected, reporting: q.reporting, completeness: q.completeness, inconsistent: q.inconsistent,
                                            score: q.score, poor: q.completeness < 0.95 || inconsistentShare > 0.05)
            return o
        }
        overview.targets = TargetProgress.of(overview, scope: scope, targets: targets)
        return overview
    }

    /// The producer price index of each year up to `through` for a region: its own row of the target table, else its
    /// city's, else the province's.
    func priceIndices(region: String, through year: Int) -> [Int: Double] {
        var places = [region]
        if let city = catalog.city(of: region), city != region { places.append(city) }
        if catalog.province.code != region { places.append(catalog.province.code) }
        var out: [Int: Double] = [:]
        for y in (year - 3)...year {
            if let v = places.lazy.compactMap({ self.targets.value(.producerPriceIndex, region: $0, year: y) }).first { out[y] = v }
        }
        return out
    }

    /// The chain analysis as computed, for internal use (investment leads rank links by it).
    public func chainAnalysis(_ chain: IndustryChain, _ scope: AnalysisScope) -> ChainAnalysis {
        let cube = cubes.cube, (network, generation) = networks.versioned
        let key = "\(chain.code)|\(scope.region)|\(scope.zone ?? "")|\(scope.period)"
        return chainAnalyses.value(version: ResultCache<ChainAnalysis>.version(of: cube) + "#\(generation)", key: key) {
            ChainAnalyzer(cube: cube, network: network, catalog: catalog).analyze(chain, scope: scope)
        }
    }

    /// The analysis as one caller may see it: firms it may not read one by one are left out of the leaders, and a link
    /// whose unreadable part could reveal one firm shows no figures.
    public func chainAnalysis(_ chain: IndustryChain, _ scope: AnalysisScope, for p: Principal) -> ChainAnalysis {
        guard let readable = readableFirms(p) else { return chainAnalysis(chain, scope) }
        return chainAnalysis(chain, scope).redacted(readable: readable)
    }

    /// Power against output for a slice, computed once per cube.
    public func electricity(_ scope: AnalysisScope) -> ElectricityAnalysis {
        let cube = cubes.cube
        let key = "\(scope.region)|\(scope.zone ?? "")|\(scope.chain ?? "")|\(scope.industry ?? "")|\(scope.period)"
        return electricityAnalyses.value(version: ResultCache<ElectricityAnalysis>.version(of: cube), key: key) {
            MonitorService(cube: cube, catalog: catalog).electricity(scope)
        }
    }

    /// Power against output as one caller may see it: firms it may not read one by one are left out of the divergence list.
    public func electricity(_ scope: AnalysisScope, for p: Principal) -> ElectricityAnalysis {
        guard let readable = readableFirms(p) else { return electricity(scope) }
        return electricity(scope).redacted(readable: readable)
    }

    /// 产业评价: the composite index per chain × city (or zone) the caller oversees, ranked within each chain; cells
    /// whose firms the caller cannot read one by one are judged by the disclosure rule.
    public func evaluation(for p: Principal, by area: EvaluationArea, chain: String?) async throws -> EvaluationRanking {
        let admits = p.visibleAreas(byCity: area == .city, in: catalog) ?? { _ in true }
        let readable = p.indicatorScope(in: catalog)
        let cube = cubes.cube
        let index = EvaluationIndex(cube: cube, catalog: catalog, digitalScores: try await diagnoses.latestScores(),
                                    land: try await datasets?.landForEvaluation(cube: cube) ?? [:])
        return index.rank(by: area, chain: chain, weights: try await programmes.weights(), admits: admits,
                          readable: { readable.admits(uscc: $0.uscc, region: $0.region, zone: $0.zone) })
    }

    /// 精准招商: for the chain's gap and weak links in the slice, ranked candidate firms outside the province.
    public func investmentLeads(chain: IndustryChain, scope: AnalysisScope, limit: Int) async throws -> InvestmentLeadsReport {
        InvestmentLeads(cube: cubes.cube, network: networks.network, catalog: catalog, targets: try await programmes.targets())
            .report(chain: chain, scope: scope, limit: limit, analysis: chainAnalysis(chain, scope))
    }

    /// 转型升级规划: the brief for one chain in the slice, with the chain analysis as the caller may see it.
    public func upgradeBrief(chain: IndustryChain, scope: AnalysisScope, for p: Principal) async throws -> UpgradeBrief {
        let cube = cubes.cube, network = networks.network
        let leads = InvestmentLeads(cube: cube, network: network, catalog: catalog, targets: try await programmes.targets())
            .report(chain: chain, scope: scope, limit: 3, analysis: chainAnalysis(chain, scope))
        return UpgradeBriefWriter(cube: cube, network: network, catalog: catalog)
            .brief(chain: chain, scope: scope, maturity: try await diagnoses.latestSnapshots(), projects: try await programmes.allProjects(),
                   leads: leads, analysis: chainAnalysis(chain, scope, for: p))
    }

    /// Whether a firm may be read one by one by `p`; nil when `p` reads every firm (no copy, no walk over the members).
    private func readableFirms(_ p: Principal) -> ((String) -> Bool)? {
        let readable = p.indicatorScope(in: catalog)
        if readable == .all { return nil }
        let cube = cubes.cube
        return { uscc in
            guard let i = cube.firmIndex[uscc] else { return false }
            let e = cube.firms[i]
            return readable.admits(uscc: e.uscc, region: e.region, zone: e.zone)
        }
    }
}
