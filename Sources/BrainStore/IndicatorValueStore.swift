import BrainCore
import Foundation
import SQLKit

/// What a merge of deliveries did.
public struct MergeOutcome: Sendable, Hashable {
    /// Source values written (new, changed or cleared).
    public var valuesChanged = 0
    /// Firm-months whose value as the applications read it changed.
    public var rowsChanged = 0
}

/// One change of one source's value: the correction history behind every figure.
public struct IndicatorChange: Codable, Sendable, Hashable {
    public let uscc: String
    public let month: String
    public let indicator: String
    public let source: String
    public let oldValue: Double?
    public let newValue: Double?
    public let batch: String
    public let actor: String
    public let at: String
}

/// Sources that disagree on one indicator of one firm's month by more than the tolerance.
public struct Disagreement: Codable, Sendable, Hashable {
    public let uscc: String
    public let month: String
    public let indicator: String
    /// The value the applications read and its source.
    public let chosenSource: String
    public let chosenValue: Double
    /// Every source's value, in the order of precedence.
    public let values: [SourcedValue]
    /// (largest − smallest) ÷ the largest magnitude.
    public let spread: Double
}

extension Store {
    /// The source that values stored before sources were kept are taken to come from (the statistics bureau's register
    /// and the demo both are).
    public static let legacySource = DataSource.statistics.code
    static let valueColumns = ["uscc", "month", "indicator", "source", "value", "batch", "recorded_at"]
    static let changeColumns = ["uscc", "month", "indicator", "source", "old_value", "new_value", "batch", "actor", "at"]

    /// Merges what one source delivered: each given value replaces only that source's value of that indicator, a clear
    /// marker clears only that, and nothing else of the firm's month changes. Every change is written to the correction
    /// history. The value the applications read (the `indicators` table) is then re-picked per indicator by `order`.
    /// A firm-month stored before sources were kept counts as `legacySource`'s the first time another value arrives.
    public func mergeDeliveries(_ deliveries: [IndicatorDelivery], source: String, batch: String, actor: String,
                                order: SourceOrder = .standard, in db: any SQLDatabase) async throws -> MergeOutcome {
        var outcome = MergeOutcome()
        let now = Timestamp.precise()
        for start in stride(from: 0, to: deliveries.count, by: 400) {
            let chunk = deliveries[start..<min(start + 400, deliveries.count)]
            let keys = chunk.map { ($0.uscc, $0.month) }
            var cells = try await sourcedValues(for: keys, db: db)
            let wide = try await storedReports(for: keys, db: db)
            var writes: [SourcedWrite] = []
            var changes: [IndicatorChange] = []
            var resolved: [MonthlyReport] = []
            for d in chunk {
                let key = CellKey(uscc: d.uscc, month: d.month.description)
                let stored = wide[Key(uscc: d.uscc, month: d.month)]
                var row = stored ?? MonthlyReport(uscc: d.uscc, month: d.month, values: Array(repeating: nil, count: Indicator.allCases.count))
                for ind in Indicator.allCases {
                    let given = d.values[ind]
                    guard given != nil || d.cleared.contains(ind) else { continue }
                    var bySource = cells[key, default: [:]][ind.rawValue, default: [:]]
                    if bySource.isEmpty, let legacy = stored?[ind] {
                        // Stored before sources were kept: it becomes the legacy source's value, kept like any other (when
                        // that source is the one delivering, its new value replaces it below).
                        bySource[Self.legacySource] = .some(legacy)
                        if source != Self.legacySource {
                            writes.append(SourcedWrite(uscc: d.uscc, month: key.month, indicator: ind.rawValue, source: Self.legacySource, value: legacy, batch: "legacy"))
                        }
                    }
                    let old = bySource[source]
                    if old == .some(given) || (old == nil && given == nil) { continue }
                    bySource[source] = .some(given)
                    cells[key, default: [:]][ind.rawValue] = bySource
                    writes.append(SourcedWrite(uscc: d.uscc, month: key.month, indicator: ind.rawValue, source: source, value: given, batch: batch))
                    changes.append(IndicatorChange(uscc: d.uscc, month: key.month, indicator: ind.rawValue, source: source, oldValue: old ?? nil,
                                                   newValue: given, batch: batch, actor: actor, at: now))
                    row[ind] = order.pick(bySource.map { (source: $0.key, value: $0.value) })?.value
                }
                if row != stored && !(stored == nil && row.values.allSatisfy { $0 == nil }) { resolved.append(row) }
            }
            try await writeSourcedValues(writes, at: now, db: db)
            try await writeChanges(changes, db: db)
            if !resolved.isEmpty { try await writeReports(resolved, db: db) }
            outcome.valuesChanged += changes.count
            outcome.rowsChanged += resolved.count
        }
        return outcome
    }

    struct SourcedWrite {
        let uscc, month, indicator, source: String
        let value: Double?
        let batch: String
    }

    struct CellKey: Hashable {
        let uscc: String
        let month: String
    }

    /// (firm, month) → indicator → source → value (nil: cleared).
    private func sourcedValues(for keys: [(String, Month)], db: any SQLDatabase) async throws -> [CellKey: [String: [String: Double?]]] {
        let rows = try await db.select().columns("uscc", "month", "indicator", "source", "value").from("indicator_values")
            .where("uscc", .in, Array(Set(keys.map(\.0)))).where("month", .in, Array(Set(keys.map { $0.1.description }))).all()
        var out: [CellKey: [String: [String: Double?]]] = [:]
        for row in rows {
            let key = CellKey(uscc: try row.decode(column: "uscc", as: String.self), month: try row.decode(column: "month", as: String.self))
            out[key, default: [:]][try row.decode(column: "indicator", as: String.self), default: [:]][try row.decode(column: "source", as: String.self)] =
                .some(try row.decode(column: "value", as: Double?.self))
        }
        return out
    }

    private func writeSourcedValues(_ writes: [SourcedWrite], at: String, db: any SQLDatabase) async throws {
        // One row per key and statement (PostgreSQL refuses to update a row twice in one INSERT … ON CONFLICT): the last wins.
        var last: [String: Int] = [:]
        for (i, w) in writes.enumerated() { last[w.uscc + "|" + w.month + "|" + w.indicator + "|" + w.source] = i }
        let writes = writes.enumerated().filter { last[$0.element.uscc + "|" + $0.element.month + "|" + $0.element.indicator + "|" + $0.element.source] == $0.offset }.map(\.element)
        for part in writes.chunked(maxBinds: Self.valueColumns.count, dialect: kind) {
            var insert = db.insert(into: "indicator_values").columns(Self.valueColumns)
            for w in part {
                insert = insert.values([SQLBind(w.uscc), SQLBind(w.month), SQLBind(w.indicator), SQLBind(w.source), SQLBind(w.value),
                                        SQLBind(w.batch), SQLBind(at)])
            }
            try await insert.onConflict(with: ["uscc", "month", "indicator", "source"]) { c in
                c.set(excludedValueOf: "value").set(excludedValueOf: "batch").set(excludedValueOf: "recorded_at")
            }.run()
        }
    }

    private func writeChanges(_ changes: [IndicatorChange], db: any SQLDatabase) async throws {
        for part in changes.chunked(maxBinds: Self.changeColumns.count, dialect: kind) {
            var insert = db.insert(into: "indicator_changes").columns(Self.changeColumns)
            for c in part {
                insert = insert.values([SQLBind(c.uscc), SQLBind(c.month), SQLBind(c.indicator), SQLBind(c.source), SQLBind(c.oldValue),
                                        SQLBind(c.newValue), SQLBind(c.batch), SQLBind(c.actor), SQLBind(c.at)])
            }
            try await insert.run()
        }
    }

    /// Every source's value of one firm's month, by indicator, in the order of precedence.
    public func sourcedValues(uscc: String, month: Month, order: SourceOrder = .standard) async throws -> [String: [SourcedValue]] {
        let rows = try await sql.select().columns(Self.valueColumns.map { SQLColumn($0) }).from("indicator_values")
            .where("uscc", .equal, uscc).where("month", .equal, month.description).all()
        var out: [String: [SourcedValue]] = [:]
        for row in rows {
            out[try row.decode(column: "indicator", as: String.self), default: []].append(try Self.decodeSourced(row))
        }
        return out.mapValues { $0.sorted { order.rank($0.source) < order.rank($1.source) } }
    }

    /// The correction history of one firm (optionally one month), oldest first.
    public func indicatorChanges(uscc: String, month: Month? = nil) async throws -> [IndicatorChange] {
        var q = sql.select().columns(Self.changeColumns.map { SQLColumn($0) }).from("indicator_changes").where("uscc", .equal, uscc)
        if let month { q = q.where("month", .equal, month.description) }
        return try await q.orderBy("at").all().map(Self.decodeChange)
    }

    /// Firm-months where two sources' values of an indicator differ by more than `tolerance` (relative to the larger),
    /// largest spread first; `firms` limits the firms (the caller's scope).
    public func disagreements(month: Month? = nil, tolerance: Double = 0.05, firms: Set<String>? = nil,
                              order: SourceOrder = .standard) async throws -> [Disagreement] {
        var q = sql.select().columns(Self.valueColumns.map { SQLColumn($0) }).from("indicator_values").where("value", .isNot, SQLLiteral.null)
        if let month { q = q.where("month", .equal, month.description) }
        var groups: [String: [SourcedValue]] = [:]
        var keys: [String: (String, String, String)] = [:]
        for row in try await q.all() {
            let uscc = try row.decode(column: "uscc", as: String.self)
            if let firms, !firms.contains(uscc) { continue }
            let m = try row.decode(column: "month", as: String.self), ind = try row.decode(column: "indicator", as: String.self)
            let k = uscc + "|" + m + "|" + ind
            keys[k] = (uscc, m, ind)
            groups[k, default: []].append(try Self.decodeSourced(row))
        }
        var out: [Disagreement] = []
        for (k, values) in groups where values.count > 1 {
            let numbers = values.compactMap(\.value)
            guard let lo = numbers.min(), let hi = numbers.max() else { continue }
            let scale = max(abs(lo), abs(hi))
            let spread = scale == 0 ? 0 : (hi - lo) / scale
            guard spread > tolerance, let chosen = order.pick(values.map { ($0.source, $0.value) }), let (uscc, m, ind) = keys[k] else { continue }
            out.append(Disagreement(uscc: uscc, month: m, indicator: ind, chosenSource: chosen.source, chosenValue: chosen.value,
                                    values: values.sorted { order.rank($0.source) < order.rank($1.source) }, spread: spread))
        }
        return out.sorted { ($0.spread, $0.uscc, $0.month, $0.indicator) > ($1.spread, $1.uscc, $1.month, $1.indicator) }
    }

    static func decodeSourced(_ row: any SQLRow) throws -> SourcedValue {
        SourcedValue(source: try row.decode(column: "source", as: String.self), value: try row.decode(column: "value", as: Double?.self),
                     batch: try row.decode(column: "batch", as: String.self), recordedAt: try row.decode(column: "recorded_at", as: String.self))
    }
}
