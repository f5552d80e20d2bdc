import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// The enterprises a caller asks for, as given (codes are checked by the desk).
public struct EnterpriseFilter: Sendable {
    public var region: String?
    public var zone: String?
    public var chain: String?
    public var link: String?
    public var industry: String?
    public var size: SizeClass?
    public var aboveScale: Bool?
    public var text: String?
    public var limit = 50
    public var offset = 0
    public init() {}
}

/// One enterprise as a caller may see it: the public profile always; the monthly figures and supply relations only within
/// the caller's scope or under a data grant (`figuresVisible`).
public struct EnterpriseRecord: Sendable {
    public let enterprise: Enterprise
    public let figuresVisible: Bool
    public let reports: [MonthlyReport]
    public let suppliers: [SupplyLink]
    public let customers: [SupplyLink]
    /// Its investment projects (投资/技改项目), by project code.
    public var projects: [InvestmentProject] = []
    /// Its land use by year with 亩均税收 and 亩均产值.
    public var land: [LandYear] = []
}

/// The enterprise registry as the API and the portal read it: lists inside the caller's scope, and one enterprise with
/// its figures when the scope or a grant allows (a read under a grant goes to the enterprise's access log).
public struct EnterpriseDesk: Sendable {
    public let store: Store
    public let catalog: RegionCatalog
    public let industries: IndustryCatalog
    public let grants: DataGrants

    public init(store: Store, catalog: RegionCatalog, industries: IndustryCatalog, grants: DataGrants) {
        self.store = store
        self.catalog = catalog
        self.industries = industries
        self.grants = grants
    }

    /// Enterprises inside the caller's scope, largest revenue first.
    public func list(for p: Principal, _ f: EnterpriseFilter) async throws -> Page<Enterprise> {
        var query = EnterpriseQuery()
        let scope = p.enterpriseScope(in: catalog)
        if let region = f.region {
            guard let r = catalog.region(region) else { throw AppError.bad("region", "\(region) is not a GB/T 2260 code of \(catalog.province.name)") }
            let codes = Set([r.code] + catalog.counties(within: r.code) + (r.level == .province ? catalog.cities.map(\.code) : []))
            if case .regions(let allowed) = scope, allowed.isDisjoint(with: codes) {
                throw AppError.forbidden("region \(region) \(r.name) is outside your data scope (\(p.scope ?? "-"))")
            }
            query.regions = r.level == .province ? nil : codes
        }
        if let zone = f.zone {
            guard catalog.zone(zone) != nil else { throw AppError.bad("zone", "\(zone) is not a known development zone code") }
            if case .zone(let mine) = scope, mine != zone { throw AppError.forbidden("zone \(zone) is outside your data scope (\(mine))") }
            query.zone = zone
        }
        // Firms without links of their own sit on the links their class is listed on (`ChainPlacement`).
        if let chain = f.chain?.uppercased() {
            guard let found = catalog.chains.chain(chain) else { throw AppError.bad("chain", "\(chain) is not a chain code; see /api/v1/chains") }
            query.chain = chain
            query.placedByClasses = Array(Set(found.links.flatMap(\.industries)))
        }
        if let link = f.link?.uppercased() {
            guard let found = catalog.chains.chain(ofLink: link)?.link(link) else {
                throw AppError.bad("link", "\(link) is not a chain link code")
            }
            query.link = link
            let both = Set(found.industries).intersection(query.placedByClasses ?? found.industries)
            query.placedByClasses = query.chain == nil ? found.industries : Array(both)
        }
        if let industry = f.industry {
            guard industries.isValid(industry) else { throw AppError.bad("industry", "\(industry) is not a GB/T 4754-2017 division or class") }
            query.industry = industry
        }
        query.size = f.size
        query.aboveScale = f.aboveScale
        query.text = f.text
        query.limit = f.limit
        query.offset = f.offset
        return try await store.enterprises(query, scope: scope)
    }

    /// One enterprise: inside the caller's scope, or opened by a data grant; its figures when the scope or the grant
    /// allows. `source` and `target` go to the owner's access log for a read under a grant.
    public func record(_ raw: String, from: Month?, for p: Principal, cube: IndicatorCube, source: String, target: String) async throws -> EnterpriseRecord {
        let code: String
        do { code = try CreditCode(raw).value } catch { throw AppError.bad("uscc", "\(raw) is not a valid credit code: \(error)") }
        var found = try await store.enterprise(code, scope: p.enterpriseScope(in: catalog))
        var grantId: String?
        if let i = cube.firmIndex[code] {
            let place = cube.firms[i]
            if !p.indicatorScope(in: catalog).admits(uscc: code, region: place.region, zone: place.zone),
               case .grant(let id) = try await grants.decide(p, owner: code, region: place.region, zone: place.zone, dataset: .indicators, catalog: catalog) {
                // Outside the caller's figures, a data grant from the enterprise opens them, as on every other route of its data.
                grantId = id
                if found == nil { found = try await store.enterprise(code, scope: .all) }
            }
        }
        guard let e = found else {
            if try await store.enterpriseExists(code) { throw AppError.forbidden("enterprise \(code) is outside your data scope (\(p.scope ?? "-"))") }
            throw AppError.notFound("no enterprise with credit code \(code)")
        }
        let visible = grantId != nil || p.indicatorScope(in: catalog).admits(uscc: e.uscc, region: e.region, zone: e.zone)
        if let grantId {
            try await grants.log(DataAccess(id: UUID().uuidString, owner: code, reader: p.username, dataset: GrantDataset.indicators.rawValue,
                                            target: target, grantId: grantId, outcome: "granted", source: source, at: Timestamp.precise()))
        }
        guard visible else { return EnterpriseRecord(enterprise: e, figuresVisible: false, reports: [], suppliers: [], customers: []) }
        let links = try await store.supplyLinks(of: code)
        var record = EnterpriseRecord(enterprise: e, figuresVisible: true, reports: try await store.reports(uscc: code, from: from),
                                      suppliers: links.filter { $0.customer == code }, customers: links.filter { $0.supplier == code })
        (record.projects, record.land) = try await DatasetDesk(store: store, catalog: catalog).profile(of: code, cube: cube)
        return record
    }
}
