import BrainCore
import BrainData
import BrainSecurity
import BrainStore

/// The slice of the economy an application looks at: a region or zone, optionally a chain and an industry,
/// for one reporting period; resolved against the caller's data scope.
public struct AnalysisScope: Sendable {
    /// Region code the answer is about (the province when none was asked and the scope allows).
    public let region: String
    public let zone: String?
    public let chain: String?
    public let industry: String?
    public let period: ReportingPeriod
    /// The county codes that lie in `region` (all counties for the province), plus the region itself.
    public let counties: Set<String>

    /// Resolves query values against the catalogue and the caller's scope. `latest` is the last month with data.
    public static func resolve(region: String?, zone: String?, chain: String?, industry: String?, period: String?,
                               principal: Principal, catalog: RegionCatalog, latest: Month) throws -> AnalysisScope {
        var regionCode = region
        var zoneCode = zone
        switch principal.role {
        case .client where principal.scope == catalog.province.code:
            break
        case .cityOfficial, .countyOfficial, .client:
            guard let mine = principal.scope else { throw AppError.forbidden("your account has no data scope") }
            if let r = regionCode {
                guard catalog.region(r) != nil else { throw AppError.bad("region", "\(r) is not a GB/T 2260 code of \(catalog.province.name)") }
                let allowed = Set([mine] + catalog.counties(within: mine))
                guard allowed.contains(r) else { throw AppError.forbidden("region \(r) is outside your data scope (\(mine))") }
            } else {
                regionCode = mine
            }
        case .zoneManager:
            guard let mine = principal.scope else { throw AppError.forbidden("your account has no data scope") }
            if let z = zoneCode, z != mine { throw AppError.forbidden("zone \(z) is outside your data scope (\(mine))") }
            zoneCode = mine
            // A region may only name the province or a city or county the zone lies in (the answer is the zone's either way).
            if let r = regionCode, let zone = catalog.zone(mine) {
                guard catalog.region(r) != nil else { throw AppError.bad("region", "\(r) is not a GB/T 2260 code of \(catalog.province.name)") }
                let spanned = Set([catalog.province.code] + zone.counties + zone.cities)
                guard spanned.contains(r) else { throw AppError.forbidden("region \(r) is outside your zone \(zone.shortName) (\(mine))") }
            }
        case .enterprise, .provider:
            throw AppError.forbidden("role \(principal.role.rawValue) cannot read regional statistics")
        case .admin, .provinceOfficial, .expert:
            break
        }
        let r = regionCode ?? catalog.province.code
        guard catalog.region(r) != nil else { throw AppError.bad("region", "\(r) is not a GB/T 2260 code of \(catalog.province.name)") }
        if let z = zoneCode, catalog.zone(z) == nil { throw AppError.bad("zone", "\(z) is not a known development zone code") }
        var chainCode: String?
        if let c = chain?.uppercased() {
            guard catalog.chains.chain(c) != nil else { throw AppError.bad("chain", "\(c) is not a chain code; see /api/v1/chains") }
            chainCode = c
        }
        if let i = industry, !IndustryCatalog.standard.isValid(i) {
            throw AppError.bad("industry", "\(i) is not a GB/T 4754-2017 division or class")
        }
        var p: ReportingPeriod
        if let text = period {
            guard let m = Month(text) else { throw AppError.bad("period", "must be a month YYYY-MM, got '\(text)'") }
            guard m <= latest else { throw AppError.bad("period", "\(m) is after \(latest), the latest month with data") }
            do { p = try ReportingPeriod(m) } catch { throw AppError.bad("period", error.description) }
        } else {
            p = (try? ReportingPeriod(latest)) ?? ReportingPeriod.latestComplete(today: latest.next)
        }
        let counties = Set([r] + catalog.counties(within: r))
        return AnalysisScope(region: r, zone: zoneCode, chain: chainCode, industry: industry, period: p, counties: counties)
    }

    /// The 规上 firms of the cube inside this slice.
    public func firms(in cube: IndicatorCube, aboveScaleOnly: Bool = true) -> [Int] {
        let isProvince = cube.catalog.region(region)?.level == .province
        return cube.select(counties: isProvince ? nil : counties, zone: zone, chain: chain, industryPrefix: industry, aboveScaleOnly: aboveScaleOnly)
    }
}
