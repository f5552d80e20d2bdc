import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

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

    /// One firm's month by source; the adapter has already admitted the caller to the firm's indicators. With `asOf`,
    /// every source's value as it stood at that instant, rebuilt from the correction history (a value stored before
    /// sources were kept counts as present from the start), and the history up to then.
    public func firmMonth(admitted uscc: String, month: Month, asOf: Date? = nil) async throws -> FirmMonthSources {
        var values = try await store.sourcedValues(uscc: uscc, month: month, order: order)
        var history = try await store.indicatorChanges(uscc: uscc, month: month)
        if let asOf {
            let t = Timestamp.precise(asOf)
            values = Self.values(values, history: history, asOf: t, order: order)
            history = history.filter { $0.at <= t }
        }
        var chosen: [String: String] = [:]
        for (indicator, list) in values {
            if let pick = order.pick(list.map { ($0.source, $0.value) }) { chosen[indicator] = pick.source }
        }
        return FirmMonthSources(uscc: uscc, month: month.description, values: values, chosen: chosen, history: history)
    }

    /// Source values as they stood at `t`: per indicator and source, the last change up to `t`; without one, the value the
    /// first later change replaced (a legacy value) or nothing.
    static func values(_ now: [String: [SourcedValue]], history: [IndicatorChange], asOf t: String, order: SourceOrder) -> [String: [SourcedValue]] {
        var keys = Set<String>()
        for (ind, list) in now { for v in list { keys.insert(ind + "|" + v.source) } }
        for c in history { keys.insert(c.indicator + "|" + c.source) }
        var out: [String: [SourcedValue]] = [:]
        for key in keys {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            let (ind, source) = (parts[0], parts[1])
            let changes = history.filter { $0.indicator == ind && $0.source == source }
            let v: SourcedValue?
            if let last = changes.last(where: { $0.at <= t }) {
                v = SourcedValue(source: source, value: last.newValue, batch: last.batch, recordedAt: last.at)
            } else if let first = changes.first {
                v = first.oldValue.map { SourcedValue(source: source, value: $0, batch: "legacy", recordedAt: "") }
            } else {
                v = now[ind]?.first { $0.source == source && $0.batch == "legacy" }
            }
            if let v { out[ind, default: []].append(v) }
        }
        return out.mapValues { $0.sorted { order.rank($0.source) < order.rank($1.source) } }
    }
}
