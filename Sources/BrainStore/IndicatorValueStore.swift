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
    static var indicatorNames: [String] { MergeStatements.indicators }
    static var sourceValueColumns: [String] { ["uscc", "month", "source", "mask"] + indicatorNames }
    static var logColumns: [String] { ["delivery", "batch", "uscc", "month", "source", "mask", "actor", "at"] + indicatorNames + indicatorNames.map { "was_" + $0 } }

    /// The correction log with each row's delivery (batch, source, actor, time) joined in, selecting `columns`.
    func logSelect(_ columns: [String] = Store.logColumns) -> SQLSelectBuilder {
        sql.select().columns(columns.map { SQLColumn($0) }).from("indicator_log")
            .join("indicator_deliveries", on: SQLColumn("delivery", table: "indicator_log"), .equal, SQLColumn("id", table: "indicator_deliveries"))
    }

    /// Merges what one source delivered: each given value replaces only that source's value of that indicator, a clear
    /// marker clears only that, and nothing else of the firm's month changes. Every change is written to the correction
    /// log. The value the applications read (the `indicators` table) is then re-picked per indicator by `order`.
    /// A firm-month stored before sources were kept counts as `legacySource`'s the first time another value arrives.
    /// Runs on the caller's transaction; set-based (see `MergeStatements`), in parts of 5,000 deliveries.
    public func mergeDeliveries(_ deliveries: [IndicatorDelivery], source: String, batch: String, actor: String,
                                order: SourceOrder = .standard, in db: any SQLDatabase) async throws -> MergeOutcome {
        let conn = SQLKitMergeConnection(db: db, dialect: kind)
        var outcome = MergeOutcome()
        let delivery = try await conn.openDelivery(batch: batch, source: source, actor: actor, at: Timestamp.precise())
        for start in stride(from: 0, to: deliveries.count, by: 5_000) {
            let part = deliveries[start..<min(start + 5_000, deliveries.count)].map { StagedDelivery($0) }
            let done = try await conn.merge(part, source: source, delivery: delivery, order: order, dropDuplicatesOf: false).outcome
            outcome.valuesChanged += done.valuesChanged
            outcome.rowsChanged += done.rowsChanged
        }
        return outcome
    }

    /// One source row of a firm-month: which indicators it holds (`mask`) and their values.
    struct SourceRow {
        let uscc, month, source: String
        let mask: Int
        let values: [Double?]

        init(_ row: any SQLRow) throws {
            uscc = try row.decode(column: "uscc", as: String.self)
            month = try row.decode(column: "month", as: String.self)
            source = try row.decode(column: "source", as: String.self)
            mask = try row.decode(column: "mask", as: Int.self)
            values = try Store.indicatorNames.map { try row.decode(column: $0, as: Double?.self) }
        }

        func holds(_ i: Int) -> Bool { mask & (1 << i) != 0 }
    }

    /// One row of the correction log.
    struct LogRow {
        let batch, uscc, month, source, actor, at: String
        /// The delivery's id: the order deliveries were committed in (two may share a millisecond).
        let delivery: Int
        let mask: Int
        let values: [Double?]
        let was: [Double?]

        init(_ row: any SQLRow) throws {
            batch = try row.decode(column: "batch", as: String.self)
            delivery = try row.decode(column: "delivery", as: Int.self)
            uscc = try row.decode(column: "uscc", as: String.self)
            month = try row.decode(column: "month", as: String.self)
            source = try row.decode(column: "source", as: String.self)
            actor = try row.decode(column: "actor", as: String.self)
            at = try row.decode(column: "at", as: String.self)
            mask = try row.decode(column: "mask", as: Int.self)
            values = try Store.indicatorNames.map { try row.decode(column: $0, as: Double?.self) }
            was = try Store.indicatorNames.map { try row.decode(column: "was_" + $0, as: Double?.self) }
        }

        /// The log row as one change per indicator it changed.
        var changes: [IndicatorChange] {
            Store.indicatorNames.enumerated().compactMap { i, name in
                guard mask & (1 << i) != 0 else { return nil }
                return IndicatorChange(uscc: uscc, month: month, indicator: name, source: source, oldValue: was[i], newValue: values[i],
                                       batch: batch, actor: actor, at: at)
            }
        }
    }

    /// Per (firm, month, source, indicator) the last log row that set it: the batch and time behind a stored value.
    private func lastSetters(_ log: [LogRow]) -> [String: (batch: String, at: String)] {
        var out: [String: (batch: String, at: String)] = [:]
        for row in log.sorted(by: { $0.delivery < $1.delivery }) {
            for i in Self.indicatorNames.indices where row.mask & (1 << i) != 0 {
                out[row.uscc + "|" + row.month + "|" + row.source + "|" + String(i)] = (row.batch, row.at)
            }
        }
        return out
    }

    private func sourcedValue(_ row: SourceRow, _ i: Int, _ setters: [String: (batch: String, at: String)]) -> SourcedValue {
        let setter = setters[row.uscc + "|" + row.month + "|" + row.source + "|" + String(i)]
        return SourcedValue(source: row.source, value: row.values[i], batch: setter?.batch ?? "legacy", recordedAt: setter?.at ?? "")
    }

    /// Every source's value of one firm's month, by indicator, in the order of precedence. A value no batch set (stored
    /// before sources were kept) carries the batch `legacy`.
    public func sourcedValues(uscc: String, month: Month, order: SourceOrder = .standard) async throws -> [String: [SourcedValue]] {
        let rows = try await sql.select().columns(Self.sourceValueColumns.map { SQLColumn($0) }).from("source_values")
            .where("uscc", .equal, uscc).where("month", .equal, month.description).all().map(SourceRow.init)
        let setters = lastSetters(try await logRows(uscc: uscc, month: month))
        var out: [String: [SourcedValue]] = [:]
        for row in rows {
            for (i, name) in Self.indicatorNames.enumerated() where row.holds(i) {
                out[name, default: []].append(sourcedValue(row, i, setters))
            }
        }
        return out.mapValues { $0.sorted { order.rank($0.source) < order.rank($1.source) } }
    }

    private func logRows(uscc: String, month: Month?) async throws -> [LogRow] {
        var q = logSelect().where("uscc", .equal, uscc)
        if let month { q = q.where("month", .equal, month.description) }
        // In the order the deliveries were committed (their ids are taken under the write lock): two deliveries within
        // the same millisecond have the same time, and batch keys do not sort in time order.
        return try await q.orderBy(SQLColumn("delivery", table: "indicator_log")).all().map(LogRow.init)
    }

    /// The correction history of one firm (optionally one month), oldest first.
    public func indicatorChanges(uscc: String, month: Month? = nil) async throws -> [IndicatorChange] {
        try await logRows(uscc: uscc, month: month).flatMap(\.changes)
    }

    /// Firm-months where two sources' values of an indicator differ by more than `tolerance` (relative to the larger),
    /// largest spread first; `firms` limits the firms (the caller's scope).
    public func disagreements(month: Month? = nil, tolerance: Double = 0.05, firms: Set<String>? = nil,
                              order: SourceOrder = .standard) async throws -> [Disagreement] {
        // Only firm-months that more than one source delivered can disagree.
        var multi = sql.select().columns("uscc", "month").from("source_values")
        if let month { multi = multi.where("month", .equal, month.description) }
        multi = multi.groupBy("uscc").groupBy("month").having(SQLFunction("COUNT", args: SQLLiteral.all), .greaterThan, SQLLiteral.numeric("1"))
        var q = sql.select().columns(Self.sourceValueColumns.map { SQLColumn($0) }).from("source_values")
            .where(SQLGroupExpression([SQLColumn("uscc"), SQLColumn("month")]), .in, SQLGroupExpression(multi.select))
        if let month { q = q.where("month", .equal, month.description) }
        var groups: [String: [SourceRow]] = [:]
        for row in try await q.all().map(SourceRow.init) {
            if let firms, !firms.contains(row.uscc) { continue }
            groups[row.uscc + "|" + row.month, default: []].append(row)
        }
        var found: [(rows: [SourceRow], i: Int, spread: Double)] = []
        for rows in groups.values where rows.count > 1 {
            for i in Self.indicatorNames.indices {
                let numbers = rows.filter { $0.holds(i) }.compactMap { $0.values[i] }
                guard numbers.count > 1, let lo = numbers.min(), let hi = numbers.max() else { continue }
                let scale = max(abs(lo), abs(hi))
                let spread = scale == 0 ? 0 : (hi - lo) / scale
                if spread > tolerance { found.append((rows, i, spread)) }
            }
        }
        // The batches behind the disagreeing values.
        var setters: [String: (batch: String, at: String)] = [:]
        let keys = Array(Set(found.map { $0.rows[0].uscc + "|" + $0.rows[0].month }))
        for start in stride(from: 0, to: keys.count, by: 500) {
            let part = keys[start..<min(start + 500, keys.count)]
            let firmsPart = Array(Set(part.map { String($0.prefix { $0 != "|" }) }))
            let log = try await logSelect().where("uscc", .in, firmsPart).all().map(LogRow.init)
            setters.merge(lastSetters(log.filter { part.contains($0.uscc + "|" + $0.month) })) { _, new in new }
        }
        var out: [Disagreement] = []
        for (rows, i, spread) in found {
            let values = rows.filter { $0.holds(i) && $0.values[i] != nil }.map { sourcedValue($0, i, setters) }
                .sorted { order.rank($0.source) < order.rank($1.source) }
            guard let chosen = order.pick(values.map { ($0.source, $0.value) }) else { continue }
            out.append(Disagreement(uscc: rows[0].uscc, month: rows[0].month, indicator: Self.indicatorNames[i], chosenSource: chosen.source,
                                    chosenValue: chosen.value, values: values, spread: spread))
        }
        return out.sorted { ($0.spread, $0.uscc, $0.month, $0.indicator) > ($1.spread, $1.uscc, $1.month, $1.indicator) }
    }
}
