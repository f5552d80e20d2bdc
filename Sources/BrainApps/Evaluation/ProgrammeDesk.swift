import BrainCore
import BrainData
import BrainModels
import BrainSecurity
import BrainStore
import Foundation

/// 产业评价, 科技创新示范 and 精准招商 targets as the API and the portal use them: the evaluation weights, the registry of
/// demonstration projects within the caller's scope, and the imported list of investment targets.
public struct ProgrammeDesk: Sendable {
    public let store: Store
    public let catalog: RegionCatalog
    static let weightsKey = "evaluation.weights"

    public init(store: Store, catalog: RegionCatalog) {
        self.store = store
        self.catalog = catalog
    }

    // MARK: Evaluation weights

    /// The weights in force (the standard ones until an official changes them; a stored value that no longer decodes is
    /// reported, not silently replaced).
    public func weights() async throws -> EvaluationWeights {
        guard let text = try await store.setting(Self.weightsKey) else { return .standard }
        do { return try JSONDecoder().decode(EvaluationWeights.self, from: Data(text.utf8)) } catch {
            throw AppError.conflict("bad_setting", "the stored evaluation weights do not decode (\(error)); save new weights")
        }
    }

    /// Validates and saves new weights (`rules:configure`).
    public func saveWeights(_ raw: [String: Double], by p: Principal) async throws -> EvaluationWeights {
        try p.require(.configureRules)
        let w = try EvaluationWeights.validated(raw)
        try await store.setSetting(Self.weightsKey, String(decoding: try JSONEncoder().encode(w), as: UTF8.self))
        return w
    }

    // MARK: Demonstration projects

    /// Projects of enterprises inside the caller's scope, newest first, optionally of one chain and kind.
    public func projects(for p: Principal, chain: String? = nil, kind: String? = nil, cube: IndicatorCube) async throws -> [DemonstrationProject] {
        if let kind, DemonstrationProject.kinds[kind] == nil {
            throw AppError.bad("kind", "must be one of \(DemonstrationProject.kinds.keys.sorted().joined(separator: ", "))")
        }
        let scope = p.enterpriseScope(in: catalog)
        return try await store.demonstrationProjects().filter { d in
            (chain == nil || d.chain == chain) && (kind == nil || d.kind == kind)
                && scope.admits(uscc: d.uscc, region: d.region, zone: cube.firmIndex[d.uscc].flatMap { cube.firms[$0].zone })
        }.sorted { ($0.year, $1.id) > ($1.year, $0.id) }
    }

    /// Every project (for the upgrade brief, which aggregates them).
    public func allProjects() async throws -> [DemonstrationProject] { try await store.demonstrationProjects() }

    /// Registers a project of an enterprise inside the caller's scope (`programs:manage`).
    public func register(_ draft: DemonstrationProjectDraft, by p: Principal, cube: IndicatorCube, now: Date = Date()) async throws -> DemonstrationProject {
        try p.require(.managePrograms)
        let project = try draft.validated(firm: { u in cube.firmIndex[u].map { cube.firms[$0] } }, id: "D-\(UInt64(now.timeIntervalSince1970 * 1000))", by: p.username, chains: cube.catalog.chains)
        guard p.enterpriseScope(in: catalog).admits(uscc: project.uscc, region: project.region, zone: cube.firmIndex[project.uscc].flatMap { cube.firms[$0].zone }) else {
            throw AppError.forbidden("enterprise \(project.uscc) is outside your data scope")
        }
        try await store.saveDemonstrationProjects([project])
        return project
    }

    // MARK: Investment targets

    /// The imported targets, optionally of one chain.
    public func targets(chain: String? = nil) async throws -> [InvestmentTarget] {
        try await store.investmentTargets().filter { chain == nil || $0.chain == chain }
    }

    /// Imports targets (`programs:manage`): good rows are kept, bad rows listed by index with field and reason.
    public func importTargets(_ rows: [InvestmentTargetDraft], by p: Principal) async throws -> InvestmentTargetReport {
        try p.require(.managePrograms)
        let (good, problems) = InvestmentTargetDraft.validate(rows, provincePrefix: String(catalog.province.code.prefix(2)), chains: catalog.chains)
        try await store.saveInvestmentTargets(good)
        return InvestmentTargetReport(rowsTotal: rows.count, rowsAccepted: good.count, rowsRejected: rows.count - good.count, problems: problems)
    }
}
