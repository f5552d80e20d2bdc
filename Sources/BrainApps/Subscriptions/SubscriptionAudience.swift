import BrainCore
import BrainSecurity
import BrainStore

/// Who may subscribe to what, and which events reach whom. Asked at subscription time (the filters must lie inside the
/// caller's scope) and again at fan-out time against the owner's current account, so a subscriber whose scope shrank
/// or whose account was disabled receives nothing beyond what it may read now.
public struct SubscriptionAudience: Sendable {
    public let catalog: RegionCatalog
    public init(catalog: RegionCatalog) { self.catalog = catalog }

    /// True for a machine client (`Principal.client`; its user name is `client:<id>`).
    public static func isClient(_ p: Principal) -> Bool { p.clientID != nil }

    /// The service source whose approved access lets a client receive warnings about single firms (their figures): access
    /// to any published warning-list service (`ServiceSource.warnings`, e.g. the demo's `warnings-list`); without it a
    /// client receives the region and chain warnings of its region only.
    public static let firmWarningsSource = "warnings"

    /// Why the caller may not subscribe to a topic; nil when it may. Officials (statistics:read) subscribe to warnings,
    /// those who import (data:import) to import completions; a client to both, within its region.
    public func refusal(_ p: Principal, topic: SubscriptionTopic) -> AppError? {
        if Self.isClient(p) { return p.scope == nil ? .forbidden("client \(p.username) has no region to subscribe within") : nil }
        switch topic {
        case .warnings:
            return p.can(.readStatistics) ? nil : .forbidden("role \(p.role.rawValue) lacks permission \(Permission.readStatistics.rawValue) to subscribe to warnings")
        case .imports:
            return p.can(.importData) ? nil : .forbidden("role \(p.role.rawValue) lacks permission \(Permission.importData.rawValue) to subscribe to import completions")
        }
    }

    /// The counties a client's region covers (all of the province for the province's code).
    private func clientCounties(_ p: Principal) -> Set<String>? {
        guard let s = p.scope else { return [] }
        if s == catalog.province.code || s == catalog.provinceCode { return nil }
        return Set(catalog.counties(within: s) + [s])
    }

    /// True when a region filter lies inside the caller's scope.
    public func mayFilter(region r: String, by p: Principal) -> Bool {
        guard catalog.region(r) != nil else { return false }
        let covered = Set(catalog.counties(within: r) + [r])
        if Self.isClient(p) {
            guard let mine = clientCounties(p) else { return true }
            return covered.isSubset(of: mine)
        }
        switch p.enterpriseScope(in: catalog) {
        case .all: return true
        case .regions(let set): return covered.isSubset(of: set.union(p.scope.map { [$0] } ?? []))
        case .zone, .enterprise, .nothing: return false
        }
    }

    /// True when the subscriber may receive this warning.
    public func receives(_ w: WarningRecord, by p: Principal) -> Bool {
        if Self.isClient(p) {
            if w.subjectType == "enterprise", !p.mayRead(source: Self.firmWarningsSource) { return false }
            guard let mine = clientCounties(p) else { return true }
            guard let region = w.region else { return false }
            return mine.contains(region)
        }
        return p.canSee(warning: w, in: catalog)
    }

    /// True when the subscriber may see this finished batch (as the import history shows it: administrators every
    /// batch, others their own).
    public func receives(_ n: ImportNotice, by p: Principal) -> Bool {
        n.actor == p.username || (!Self.isClient(p) && p.can(.manageUsers))
    }

    /// True when a warning passes a subscription's filters (empty lists pass everything).
    public func passes(_ w: WarningRecord, _ s: SubscriptionRecord) -> Bool {
        if !s.levels.isEmpty, !s.levels.contains(w.level) { return false }
        if !s.kinds.isEmpty, !s.kinds.contains(w.kind) { return false }
        if !s.chains.isEmpty, !(w.chain.map(s.chains.contains) ?? false) { return false }
        if !s.regions.isEmpty {
            guard let region = w.region else { return false }
            let city = catalog.city(of: region)
            return s.regions.contains { $0 == region || $0 == city || catalog.counties(within: $0).contains(region) }
        }
        return true
    }

    /// True when a finished batch passes a subscription's filters (kinds: import kinds).
    public func passes(_ n: ImportNotice, _ s: SubscriptionRecord) -> Bool {
        s.kinds.isEmpty || s.kinds.contains(n.kind)
    }
}

/// Who a subscription's owner is now: a person's current account (nil when removed or disabled), or a client through
/// the resolver the client registry supplies (nil until one is wired: a client's subscriptions then receive nothing).
public struct SubscriptionOwners: Sendable {
    let store: Store
    let resolveClient: (@Sendable (String) async throws -> Principal?)?
    public init(store: Store, resolveClient: (@Sendable (String) async throws -> Principal?)?) {
        self.store = store; self.resolveClient = resolveClient
    }

    public func principal(_ owner: String) async throws -> Principal? {
        if owner.hasPrefix("client:") { return try await resolveClient?(owner) }
        guard let u = try await store.user(owner), !u.disabled, let role = Role(rawValue: u.role) else { return nil }
        return Principal(username: u.username, role: role, scope: u.scope)
    }
}
