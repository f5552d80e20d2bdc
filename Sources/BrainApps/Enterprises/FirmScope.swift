import BrainCore
import BrainData
import BrainSecurity

extension Principal {
    /// True when the caller may read this firm's figures one by one: the firm lies in the caller's data scope (a firm not
    /// in the cube only for a province-wide reader of indicators).
    public func reads(firm uscc: String, cube: IndicatorCube, catalog: RegionCatalog) -> Bool {
        guard let i = cube.firmIndex[uscc] else { return seesProvince && can(.readIndicators) }
        let e = cube.firms[i]
        return indicatorScope(in: catalog).admits(uscc: e.uscc, region: e.region, zone: e.zone)
    }
}
