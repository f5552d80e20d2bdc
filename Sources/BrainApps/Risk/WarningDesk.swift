import BrainData
import BrainCore
import BrainSecurity
import BrainStore
import Foundation

/// The warnings a caller asks for, already checked: codes known, the region inside the caller's scope.
public struct WarningFilter: Sendable {
    public var region: String?
    public var zone: String?
    public var chain: String?
    public var enterprise: String?
    public var level: WarningLevel?
    public var kind: WarningKind?
    public var period: Month?
    public var state: String?
    /// 经营风险 or 数据核查; nil for both.
    public var category: WarningCategory?
    public var limit = 50
    public var offset = 0
    public init() {}
}

/// What can be done to a warning, and from which states.
public enum WarningAction: String, Sendable, CaseIterable {
    case acknowledge, resolve

    public var targetState: String { self == .acknowledge ? "acknowledged" : "resolved" }
    public var fromStates: [String] { self == .acknowledge ? ["open"] : ["open", "acknowledged"] }
}

/// 经济风险预警 as a user works with it — the one place the API and the portal list, read and handle warnings: the
/// caller's scope and role decide what it sees (a warning outside them answers as a missing one; roles without enterprise
/// figures see no warning about a single firm), the permission and the state decide what it may change.
public struct WarningDesk: Sendable {
    public let store: Store
    public let catalog: RegionCatalog
    /// The longest note a handler may leave on a warning.
    public static let maxNote = 2_000

    public init(store: Store, catalog: RegionCatalog) {
        self.store = store
        self.catalog = catalog
    }

    /// Warnings inside the caller's scope, most severe first.
    public func list(for p: Principal, _ f: WarningFilter) async throws -> Page<WarningRecord> {
        var query = WarningQuery()
        let scope = p.enterpriseScope(in: catalog)
        if let r = f.region {
            guard let region = catalog.region(r) else { throw AppError.bad("region", "\(r) is not a GB/T 2260 code of \(catalog.province.name)") }
            let codes = Set([r] + catalog.counties(within: r))
            if case .regions(let allowed) = scope, allowed.isDisjoint(with: codes) {
                throw AppError.forbidden("region \(r) \(region.name) is outside your data scope (\(p.scope ?? "-"))")
            }
            if region.level != .province { query.regions = codes }
        }
        if let z = f.zone {
            guard catalog.zone(z) != nil else { throw AppError.bad("zone", "\(z) is not a known development zone code") }
            query.zone = z
        }
        if let c = f.chain {
            guard catalog.chains.chain(c) != nil else { throw AppError.bad("chain", "\(c) is not a chain code") }
            query.chain = c
        }
        if let e = f.enterprise {
            do { query.subject = try CreditCode(e).value } catch { throw AppError.bad("enterprise", "\(e) is not a valid credit code: \(error)") }
        }
        if let s = f.state {
            guard ["open", "acknowledged", "resolved"].contains(s) else { throw AppError.bad("state", "must be open, acknowledged or resolved, got '\(s)'") }
            query.state = s
        }
        query.level = f.level?.rawValue
        query.kind = f.kind?.rawValue
        query.kinds = f.category.map { $0.kinds.map(\.rawValue) }
        query.period = f.period?.description
        query.limit = f.limit
        query.offset = f.offset
        // Experts read statistics but no enterprise figures: warnings about single firms carry them, so they are left out.
        query.aggregatesOnly = !p.can(.readIndicators)
        return try await store.warnings(query, scope: scope)
    }

    /// One warning the caller may see; a missing one and one outside the caller's view answer alike.
    public func warning(_ id: String, for p: Principal) async throws -> WarningRecord {
        guard let w = try await store.warning(id), p.canSee(warning: w, in: catalog) else { throw AppError.notFound("no warning \(id)") }
        return w
    }

    /// Acknowledges or resolves a warning the caller may see and handle, with an optional note of at most 2,000
    /// characters (longer is refused, never cut). Returns the warning as it is now.
    public func handle(_ id: String, _ action: WarningAction, note: String?, by p: Principal) async throws -> WarningRecord {
        try p.require(.handleWarnings)
        let w = try await warning(id, for: p)
        let text = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let t = text, t.count > Self.maxNote { throw AppError.bad("note", "at most \(Self.maxNote) characters, got \(t.count)") }
        guard action.fromStates.contains(w.state) else {
            throw AppError.conflict("wrong_state", "warning \(w.id) is \(w.state); only \(action.fromStates.joined(separator: " or ")) warnings can be \(action.targetState)")
        }
        try await store.transitionWarning(w.id, to: action.targetState, by: p.username, note: text.flatMap { $0.isEmpty ? nil : $0 })
        return try await warning(id, for: p)
    }

    /// The thresholds in force.
    public func thresholds() async throws -> RiskThresholds { try await WarningService(store: store).thresholds() }

    /// Replaces the thresholds (`rules:configure`) and rescans the latest period of the cube.
    public func saveThresholds(_ t: RiskThresholds, by p: Principal, cube: IndicatorCube) async throws -> RiskThresholds {
        try p.require(.configureRules)
        let service = WarningService(store: store)
        try await service.saveThresholds(t, chains: cube.catalog.chains)
        try await service.rescan(cube: cube)
        return t
    }
}
