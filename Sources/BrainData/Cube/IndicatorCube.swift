import BrainCore
import Foundation

/// The in-memory columnar read model (indicator cube): enterprise × month × indicator with the enterprise's
/// region, zone, chain, industry and size as dimensions. Immutable once built; a refresh builds a new one.
///
/// Values are stored indicator by indicator, month by month, all firms of a month contiguous, so that summing a
/// month over a selection of firms walks memory in order. A missing report is NaN.
public final class IndicatorCube: Sendable {
    /// First and last calendar months covered (January slots exist and hold what was reported for January).
    public let firstMonth: Month
    public let lastMonth: Month
    public let monthCount: Int
    public let firms: [Enterprise]
    public let firmIndex: [String: Int]
    /// Per firm: index of its city in `cities`, of its county in `counties`, of its zone in `zones` (-1 = none),
    /// of its GB/T 4754 division in `divisions` (-1 = unknown), and a bit per chain in `chains`.
    public let cityOf: [Int32]
    public let countyOf: [Int32]
    public let zoneOf: [Int32]
    public let divisionOf: [Int32]
    public let chainMask: [UInt16]
    public let cities: [String]
    public let counties: [String]
    public let zones: [String]
    public let divisions: [String]
    public let chains: [String]
    /// `values[indicator][month * firmCount + firm]`.
    let values: [[Double]]
    /// Reports loaded.
    public let reportCount: Int
    /// Stored values left out because they were not finite or outside the data dictionary's plausible range.
    public let skippedValues: Int
    public let builtAt: Date
    /// The province's reference data the cube was built with (regions, zones, the chains in force then).
    public let catalog: RegionCatalog
    /// Per firm: the chain links the firm sits on with why (its own link codes, or links derived from its industry
    /// class); `firms[i].chainLinks` holds the same codes.
    public let placements: [ChainPlacement]

    init(firstMonth: Month, lastMonth: Month, firms: [Enterprise], catalog: RegionCatalog, values: [[Double]], reportCount: Int,
         skippedValues: Int = 0, placements: [ChainPlacement]? = nil) {
        self.catalog = catalog
        self.placements = placements ?? firms.map { ChainPlacement.place(industry: $0.industry, explicitLinks: $0.chainLinks, book: .empty) }
        self.firstMonth = firstMonth
        self.lastMonth = lastMonth
        monthCount = lastMonth.ordinal - firstMonth.ordinal + 1
        self.firms = firms
        firmIndex = Dictionary(firms.enumerated().map { ($1.uscc, $0) }, uniquingKeysWith: { a, _ in a })
        cities = catalog.cities.map(\.code)
        counties = catalog.counties.map(\.code)
        zones = catalog.zones.map(\.code)
        divisions = IndustryCatalog.standard.divisions.map(\.code)
        chains = catalog.chains.codes
        let cityIdx = Dictionary(uniqueKeysWithValues: cities.enumerated().map { ($1, Int32($0)) })
        let countyIdx = Dictionary(uniqueKeysWithValues: counties.enumerated().map { ($1, Int32($0)) })
        let zoneIdx = Dictionary(uniqueKeysWithValues: zones.enumerated().map { ($1, Int32($0)) })
        let divIdx = Dictionary(uniqueKeysWithValues: divisions.enumerated().map { ($1, Int32($0)) })
        let chainIdx = Dictionary(uniqueKeysWithValues: chains.enumerated().map { ($1, $0) })
        cityOf = firms.map { catalog.city(of: $0.region).flatMap { cityIdx[$0] } ?? -1 }
        countyOf = firms.map { countyIdx[$0.region] ?? -1 }
        zoneOf = firms.map { $0.zone.flatMap { zoneIdx[$0] } ?? -1 }
        divisionOf = firms.map { divIdx[String($0.industry.prefix(2))] ?? -1 }
        chainMask = firms.map { e in e.chains.reduce(UInt16(0)) { m, c in chainIdx[c].map { m | (1 << UInt16($0)) } ?? m } }
        self.values = values
        self.reportCount = reportCount
        self.skippedValues = skippedValues
        builtAt = Date()
    }

    public var firmCount: Int { firms.count }

    /// Position of a month in the cube, or nil outside it.
    public func monthIndex(_ m: Month) -> Int? {
        let i = m.ordinal - firstMonth.ordinal
        return i >= 0 && i < monthCount ? i : nil
    }

    /// One value (NaN when not reported or outside the cube).
    public func value(_ indicator: Indicator, firm: Int, month: Month) -> Double {
        guard let m = monthIndex(month) else { return .nan }
        return values[indicator.index][m * firms.count + firm]
    }

    /// Runs `body` with the contiguous values of one indicator and month for all firms (empty outside the cube).
    public func withMonth<R>(_ indicator: Indicator, _ month: Month, _ body: (UnsafeBufferPointer<Double>) -> R) -> R {
        guard let m = monthIndex(month) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let n = firms.count
        return values[indicator.index].withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[(m * n)..<(m * n + n)]))
        }
    }

    /// A firm's value for a reporting period: the sum over `months` for flows, the last month's value for stocks;
    /// NaN when nothing was reported.
    public func periodValue(_ indicator: Indicator, firm: Int, months: [Month]) -> Double {
        if indicator.aggregation == .last {
            return months.last.map { value(indicator, firm: firm, month: $0) } ?? .nan
        }
        var total = 0.0, seen = false
        for m in months {
            let v = value(indicator, firm: firm, month: m)
            if !v.isNaN { total += v; seen = true }
        }
        return seen ? total : .nan
    }

    /// Bit of a chain code in `chainMask`, if the chain exists.
    public func chainBit(_ code: String) -> UInt16? { chains.firstIndex(of: code).map { 1 << UInt16($0) } }

    /// Indices of the firms matching every given dimension.
    public func select(counties countySet: Set<String>? = nil, zone: String? = nil, chain: String? = nil, industryPrefix: String? = nil,
                       aboveScaleOnly: Bool = true, scope: ((Enterprise) -> Bool)? = nil) -> [Int] {
        let zoneIndex: Int32? = zone.map { z in zones.firstIndex(of: z).map(Int32.init) ?? -2 }
        let bit: UInt16? = chain.map { chainBit($0) ?? 0 }
        var out: [Int] = []
        out.reserveCapacity(firms.count)
        for i in 0..<firms.count {
            if aboveScaleOnly && !firms[i].aboveScale { continue }
            if let countySet, !countySet.contains(firms[i].region) { continue }
            if let zoneIndex, zoneOf[i] != zoneIndex { continue }
            if let bit, chainMask[i] & bit == 0 { continue }
            if let p = industryPrefix, !firms[i].industry.hasPrefix(p) { continue }
            if let scope, !scope(firms[i]) { continue }
            out.append(i)
        }
        return out
    }
}
