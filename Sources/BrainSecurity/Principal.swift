import Foundation
import BrainCore
import BrainStore

/// An authenticated caller: who, which role and which data scope.
public struct Principal: Sendable, Hashable, Codable {
    public let username: String
    public let role: Role
    /// Region code, zone code or credit code, as the role requires; nil for roles without a data scope.
    public let scope: String?
    /// A service client's grant (what it may write and read); nil for people.
    public let client: ClientGrant?

    public init(username: String, role: Role, scope: String?) {
        self.username = username
        self.role = role
        self.scope = scope
        self.client = nil
    }

    private init(client: ClientGrant, region: String) {
        username = ClientGrant.actor(client.id)
        role = .client
        scope = region
        self.client = client
    }

    /// A service client acting within `region` (the province, a city or a county code).
    public static func client(_ grant: ClientGrant, region: String) -> Principal { Principal(client: grant, region: region) }

    /// The client's id, or nil for a person.
    public var clientID: String? { client?.id }

    /// True when the caller may write the dataset: people with `data:import`, clients holding the dataset's write scope.
    public func mayWrite(dataset: String) -> Bool {
        if let client { return client.writes.contains(dataset) }
        return can(.importData)
    }

    /// True when the caller may read the published service: clients holding its read scope; people always (the
    /// service's own access rules apply on top).
    public func mayRead(service: String) -> Bool {
        if let client { return client.reads.contains(service) }
        return true
    }

    /// True when the caller may read what services of this source expose: clients approved for at least one such
    /// published service; people always (their role's own data scope applies on top).
    public func mayRead(source: String) -> Bool {
        if let client { return client.readSources.contains(source) }
        return true
    }

    public func can(_ permission: Permission) -> Bool { AccessPolicy.allows(role, permission) }

    /// The caller's own enterprise (an enterprise user's credit code); nil for every other role.
    public var ownEnterprise: String? { role == .enterprise ? scope : nil }

    /// True for roles that read enterprise data only when enterprises grant it (providers and experts): the portal offers
    /// them the service catalogue and the data granted to them.
    public var readsThroughGrants: Bool { role == .provider || role == .expert }
    /// True for a service provider's account: it answers the referrals addressed to the catalogue provider it is linked to.
    public var servesReferrals: Bool { role == .provider }

    /// True when the caller's scope is the whole province (administrators, province officials, experts, providers).
    public var seesProvince: Bool {
        role.scopeKind == .none || role.scopeKind == .province || (role == .client && scope.map { $0.hasSuffix("0000") } ?? false)
    }

    /// The region cells (city or zone codes) of an area ranking this caller may see: officials of a city or county their
    /// city's (and the zones touching it), zone managers their zone; nil when the caller may see every cell, and an empty
    /// set when its account has no scope.
    public func visibleAreas(byCity: Bool, in catalog: RegionCatalog) -> ((String) -> Bool)? {
        switch role {
        case .cityOfficial, .countyOfficial:
            guard let mine = scope, let city = catalog.city(of: mine) else { return { _ in false } }
            return byCity ? { $0 == city } : { z in catalog.zone(z)?.cities.contains(city) ?? false }
        case .zoneManager:
            guard let mine = scope else { return { _ in false } }
            return byCity ? { _ in false } : { $0 == mine }
        case .client:
            guard let mine = scope else { return { _ in false } }
            if mine == catalog.province.code { return nil }
            guard let city = catalog.city(of: mine) else { return { _ in false } }
            return byCity ? { $0 == city } : { z in catalog.zone(z)?.cities.contains(city) ?? false }
        case .admin, .provinceOfficial, .enterprise, .provider, .expert:
            return nil
        }
    }

    /// The rows of enterprise data this caller may read, resolved against the region catalogue.
    /// Providers and experts see public registry profiles of every enterprise but no indicators
    /// (`indicatorScope` says so); an enterprise sees only itself.
    public func enterpriseScope(in catalog: RegionCatalog) -> ScopeRestriction {
        switch role {
        case .admin, .provider, .expert:
            return .all
        case .provinceOfficial:
            return .all
        case .cityOfficial, .countyOfficial:
            guard let scope else { return .nothing }
            return .regions(Set([scope] + catalog.counties(within: scope)))
        case .client:
            guard let scope else { return .nothing }
            if scope == catalog.province.code { return .all }
            return .regions(Set([scope] + catalog.counties(within: scope)))
        case .zoneManager:
            guard let scope else { return .nothing }
            return .zone(scope)
        case .enterprise:
            guard let scope else { return .nothing }
            return .enterprise(scope)
        }
    }

    /// True when a warning lies inside this caller's scope: its region (an enterprise warning carries the firm's region
    /// and zone), its zone for a zone manager, its subject for an enterprise. The API and the portal both ask this, and a
    /// warning outside the scope answers exactly as a missing one (404), so its existence does not leak.
    public func canSee(warning w: WarningRecord, in catalog: RegionCatalog) -> Bool {
        // A warning about one firm carries its figures: only roles that read enterprise figures see it.
        if w.subjectType == "enterprise", !can(.readIndicators) { return false }
        switch enterpriseScope(in: catalog) {
        case .all: return true
        case .regions(let set): return w.region.map(set.contains) ?? false
        case .zone(let z): return w.zone == z
        case .enterprise(let code): return w.subject == code
        case .nothing: return false
        }
    }

    /// The rows whose indicators and supply links this caller may read.
    public func indicatorScope(in catalog: RegionCatalog) -> ScopeRestriction {
        can(.readIndicators) ? enterpriseScope(in: catalog) : .nothing
    }
}

/// Checks that a scope code suits a role: a city code for a city official, a credit code for an enterprise, …
public enum ScopeValidator {
    /// Returns the normalised scope or a message saying what is wrong.
    public static func validate(role: Role, scope: String?, catalog: RegionCatalog) -> Result<String?, ScopeProblem> {
        let code = scope?.trimmingCharacters(in: .whitespaces)
        switch role.scopeKind {
        case .region:
            return .failure(ScopeProblem("role client is for service clients, not people: create one with `brain clients add` or POST /api/v1/clients"))
        case .none:
            if let code, !code.isEmpty { return .failure(ScopeProblem("role \(role.rawValue) has no data scope; drop --scope")) }
            return .success(nil)
        case .province:
            let c = code ?? catalog.province.code
            guard catalog.region(c)?.level == .province else {
                return .failure(ScopeProblem("role \(role.rawValue) needs the province code \(catalog.province.code), got \(c)"))
            }
            return .success(c)
        case .city, .county:
            let level: RegionLevel = role.scopeKind == .city ? .city : .county
            guard let c = code, let region = catalog.region(c) else {
                return .failure(ScopeProblem("role \(role.rawValue) needs --scope with a GB/T 2260 \(level.rawValue) code (e.g. \(level == .city ? "360100" : "360121"))\(code.map { ", \($0) is not a known region" } ?? "")"))
            }
            guard region.level == level else {
                return .failure(ScopeProblem("\(c) \(region.name) is a \(region.level.rawValue), role \(role.rawValue) needs a \(level.rawValue) code"))
            }
            return .success(c)
        case .zone:
            guard let c = code, catalog.zone(c) != nil else {
                return .failure(ScopeProblem("role zone-manager needs --scope with a development zone code such as Z360101\(code.map { ", \($0) is not a known zone" } ?? "")"))
            }
            return .success(c)
        case .enterprise:
            guard let c = code else { return .failure(ScopeProblem("role enterprise needs --scope with the firm's 统一社会信用代码")) }
            do {
                return .success(try CreditCode(c).value)
            } catch {
                return .failure(ScopeProblem("--scope \(c) is not a valid credit code: \(error)"))
            }
        }
    }
}

extension ScopeValidator {
    /// Checks a service client's region: the province, a city or a county of the catalogue; returns it or says why not.
    public static func clientRegion(_ code: String?, catalog: RegionCatalog) -> Result<String, ScopeProblem> {
        let c = (code ?? catalog.province.code).trimmingCharacters(in: .whitespaces)
        guard let r = catalog.region(c) else {
            return .failure(ScopeProblem("region: \(c) is not a GB/T 2260 code of \(catalog.province.name) (the province \(catalog.province.code), a city or a county)"))
        }
        _ = r
        return .success(c)
    }
}

/// Why a scope does not fit a role.
public struct ScopeProblem: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
