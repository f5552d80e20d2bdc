import BrainCore
import BrainSecurity
import BrainStore
import Foundation

/// 产业人才地图 as the API and the portal ask for it: talent figures are city aggregates, so officials see their city and
/// zone managers the cities their zone spans; province-level callers see every city.
public struct TalentDesk: Sendable {
    public let store: Store
    public let catalog: RegionCatalog

    public init(store: Store, catalog: RegionCatalog) {
        self.store = store
        self.catalog = catalog
    }

    /// The cities a caller may see (nil: all of them).
    public func allowedCities(for p: Principal) -> Set<String>? {
        switch p.role {
        case .cityOfficial, .countyOfficial: return p.scope.flatMap { catalog.city(of: $0) }.map { [$0] } ?? []
        case .zoneManager: return Set(p.scope.flatMap { catalog.zone($0)?.cities } ?? [])
        case .client: return p.seesProvince ? nil : p.scope.flatMap { catalog.city(of: $0) }.map { [$0] } ?? []
        case .admin, .provinceOfficial, .enterprise, .provider, .expert: return nil
        }
    }

    /// The map for the caller: `region` narrows it to a city (or the province), `chain` and `period` filter it.
    public func map(for p: Principal, region: String?, chain: String?, period: Month?) async throws -> TalentMap {
        let allowed = allowedCities(for: p)
        var cities = allowed
        if let r = region {
            guard let reg = catalog.region(r) else { throw AppError.bad("region", "\(r) is not a GB/T 2260 code of \(catalog.province.name)") }
            let asked: Set<String> = reg.level == .province ? Set(catalog.cities.map(\.code)) : [catalog.city(of: r) ?? r]
            if let allowed, asked.isDisjoint(with: allowed) { throw AppError.forbidden("region \(r) is outside your data scope") }
            cities = allowed.map { $0.intersection(asked) } ?? (reg.level == .province ? nil : asked)
        }
        var chainCode: String?
        if let c = chain?.uppercased() {
            guard catalog.chains.chain(c) != nil else { throw AppError.bad("chain", "\(c) is not a chain code") }
            chainCode = c
        }
        let records = try await store.talent(cities: cities)
        let month = period?.description
        if let month, !records.contains(where: { $0.period == month }) {
            throw AppError.bad("period", "no talent data for \(month); periods with data: \(Set(records.map(\.period)).sorted().suffix(8).joined(separator: ", "))")
        }
        return TalentMap.build(records: records, cities: cities, chain: chainCode, period: month, catalog: catalog)
    }

    /// The data version the maps rest on (changes with every import), for caches.
    public func version() async throws -> String { try await store.importVersion() }
}
