import BrainCore
import BrainData
import BrainSecurity
import BrainStore

/// One firm's month with every source's value, the source the applications read, and the correction history.
public struct FirmMonthSources: Codable, Sendable {
    public let uscc: String
    public let month: String
    /// Per indicator: every source's value, first the one the applications read.
    public let values: [String: [SourcedValue]]
    /// Per indicator: the source whose value the applications read (absent when no source has one).
    public let chosen: [String: String]
    /// Who changed which value from what, when, in which batch; oldest first.
    public let history: [IndicatorChange]
}

/// A data source with its place in the order of precedence.
public struct SourceEntry: Codable, Sendable {
    public let code: String
    public let nameZh: String
    public let rank: Int
}

/// The data centre's sources as officials read them: the registry and its order, where sources disagree, and one firm's
/// figures by source with their history.
public struct SourceDesk: Sendable {
    public let store: Store
    public let order: SourceOrder

    public init(store: Store, order: SourceOrder = .standard) {
        self.store = store
        self.order = order
    }

    /// The known sources in the order of precedence.
    public func sources() -> [SourceEntry] {
        DataSource.builtIn.map { SourceEntry(code: $0.code, nameZh: $0.nameZh, rank: order.rank($0.code) + 1) }
    }

    /// Firm-months within the caller's scope where sources disagree by more than `tolerance`, largest spread first.
    public func disagreements(for p: Principal, month: Month?, tolerance: Double, limit: Int, offset: Int,
                              cube: IndicatorCube, catalog: RegionCatalog) async throws -> Page<Disagreement> {
        try p.require(.readIndicators)
        guard tolerance.isFinite, (0...10).contains(tolerance) else { throw AppError.bad("tolerance", "must be a ratio between 0 and 10, such as 0.05") }
        let readable = p.indicatorScope(in: catalog)
        let firms: Set<String>? = readable == .all ? nil : Set(cube.firms.filter { readable.admits(uscc: $0.uscc, region: $0.region, zone: $0.zone) }.map(\.uscc))
        let all = try await store.disagreements(month: month, tolerance: tolerance, firms: firms, order: order)
        return Page(total: all.count, limit: limit, offset: offset, items: Array(all.dropFirst(offset).prefix(limit)))
    }

    /// One firm's month by source; the adapter has already admitted the caller to the firm's indicators.
    public func firmMonth(admitted uscc: String, month: Month) async throws -> FirmMonthSources {
        let values = try await store.sourcedValues(uscc: uscc, month: month, order: order)
        var chosen: [String: String] = [:]
        for (indicator, list) in values {
            if let pick = order.pick(list.map { ($0.source, $0.value) }) { chosen[indicator] = pick.source }
        }
        return FirmMonthSources(uscc: uscc, month: month.description, values: values, chosen: chosen,
                                history: try await store.indicatorChanges(uscc: uscc, month: month))
    }
}
