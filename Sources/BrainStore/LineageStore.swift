import BrainCore
import SQLKit

/// The source values one batch brought (or the legacy values of firms before sources were kept), for lineage.
public struct BatchContribution: Codable, Sendable, Hashable {
    public let source: String
    /// The import batch, or `legacy` for values stored before sources were kept.
    public let batch: String
    public let firms: Int
    public let values: Int
}

extension Store {
    /// Every change one batch made to indicator values, ordered by firm, month and indicator; `total` counts changed values.
    public func changes(ofBatch batch: String, limit: Int = 1_000, offset: Int = 0) async throws -> (total: Int, items: [IndicatorChange]) {
        let bits = Self.indicatorNames.indices.map { "(CASE WHEN (mask & \(1 << $0)) <> 0 THEN 1 ELSE 0 END)" }.joined(separator: " + ")
        let total = try await sql.raw("SELECT COALESCE(SUM(\(unsafeRaw: bits)), 0) AS n FROM indicator_log WHERE delivery IN (SELECT id FROM indicator_deliveries WHERE batch = \(bind: batch))").first()?
            .decode(column: "n", as: Int?.self) ?? 0
        // Each log row holds one to ten changes: read enough rows for the page, then cut it.
        let rows = try await logSelect().where("batch", .equal, batch)
            .orderBy("uscc").orderBy("month").orderBy("source").limit(offset + limit).all().map(LogRow.init)
        return (total, Array(rows.flatMap(\.changes).dropFirst(offset).prefix(limit)))
    }

    /// The sources and batches behind one indicator of a set of firms in a month: per (source, batch) how many firms'
    /// values it holds. A value no batch set (stored before sources were kept) counts under (`legacySource`, `legacy`).
    public func contributions(indicator: Indicator, month: Month, firms: Set<String>, order: SourceOrder = .standard) async throws -> [BatchContribution] {
        guard !firms.isEmpty, let i = Indicator.allCases.firstIndex(of: indicator) else { return [] }
        let bit = 1 << i
        var perKey: [String: (source: String, batch: String, firms: Set<String>, values: Int)] = [:]
        var sourced = Set<String>()
        let codes = Array(firms)
        for start in stride(from: 0, to: codes.count, by: 5_000) {
            let part = Array(codes[start..<min(start + 5_000, codes.count)])
            let rows = try await sql.select().columns(Self.sourceValueColumns.map { SQLColumn($0) }).from("source_values")
                .where("month", .equal, month.description).where("uscc", .in, part).all().map(SourceRow.init)
            let log = try await logSelect(["uscc", "source", "batch", "delivery"])
                .where("month", .equal, month.description).where("uscc", .in, part)
                .where(SQLRaw("(mask & \(bit)) <> 0"))
                .all()
            // The last delivery that set it (deliveries' ids are in commit order; two may share a millisecond).
            var setter: [String: (batch: String, delivery: Int)] = [:]
            for row in log {
                let k = try row.decode(column: "uscc", as: String.self) + "|" + row.decode(column: "source", as: String.self)
                let b = try row.decode(column: "batch", as: String.self), d = try row.decode(column: "delivery", as: Int.self)
                if let seen = setter[k], seen.delivery > d { continue }
                setter[k] = (b, d)
            }
            for row in rows {
                sourced.insert(row.uscc)
                guard row.holds(i), row.values[i] != nil else { continue }
                let batch = setter[row.uscc + "|" + row.source]?.batch ?? "legacy"
                let k = row.source + "|" + batch
                var c = perKey[k] ?? (row.source, batch, [], 0)
                c.firms.insert(row.uscc)
                c.values += 1
                perKey[k] = c
            }
        }
        // Firms with a stored value and no source rows: the legacy value.
        let unsourced = firms.subtracting(sourced)
        if !unsourced.isEmpty {
            let list = Array(unsourced)
            var n = 0
            for start in stride(from: 0, to: list.count, by: 5_000) {
                let part = Array(list[start..<min(start + 5_000, list.count)])
                n += try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("indicators")
                    .where("month", .equal, month.description).where("uscc", .in, part).where(SQLColumn(indicator.rawValue), .isNot, SQLLiteral.null)
                    .first()?.decode(column: "n", as: Int.self) ?? 0
            }
            if n > 0 {
                let k = Self.legacySource + "|legacy"
                var c = perKey[k] ?? (Self.legacySource, "legacy", [], 0)
                c.values += n
                perKey[k] = c
            }
        }
        return perKey.values.map { BatchContribution(source: $0.source, batch: $0.batch, firms: $0.batch == "legacy" ? $0.values : $0.firms.count, values: $0.values) }
            .sorted { (order.rank($0.source), -$0.values, $0.batch) < (order.rank($1.source), -$1.values, $1.batch) }
    }

    /// When each firm's first value of a month arrived (from any source), uscc → ISO 8601 time. Absent: firms whose values
    /// were stored before arrival times were kept, and firms whose first value came in a backfill — a batch that also
    /// brought months more than `backfillMonths` before this one (a province loading its history is not reporting late).
    public func firstArrivals(month: Month, backfillMonths: Int = 2) async throws -> [String: String] {
        var first: [String: (at: String, batch: String, delivery: Int)] = [:]
        // What the legacy source's deliveries set, per firm: the rest of its row was there before sources were kept.
        var legacyLogged: [String: Int] = [:]
        for row in try await logSelect(["uscc", "at", "batch", "source", "mask", "delivery"]).where("month", .equal, month.description).all() {
            let uscc = try row.decode(column: "uscc", as: String.self), at = try row.decode(column: "at", as: String.self)
            let delivery = try row.decode(column: "delivery", as: Int.self)
            if try row.decode(column: "source", as: String.self) == Self.legacySource {
                legacyLogged[uscc, default: 0] |= try row.decode(column: "mask", as: Int.self)
            }
            if let seen = first[uscc], seen.delivery <= delivery { continue }
            first[uscc] = (at, try row.decode(column: "batch", as: String.self), delivery)
        }
        // A firm whose month held values before sources were kept (the legacy row a later delivery converted): when its
        // first value arrived is not known, so it is not judged — a power company's file today does not make it late.
        for row in try await sql.select().columns("uscc", "mask").from("source_values")
            .where("month", .equal, month.description).where("source", .equal, Self.legacySource).all() {
            let uscc = try row.decode(column: "uscc", as: String.self), mask = try row.decode(column: "mask", as: Int.self)
            if first[uscc] != nil, mask & ~legacyLogged[uscc, default: 0] != 0 { first.removeValue(forKey: uscc) }
        }
        let batches = Array(Set(first.values.map(\.batch)))
        var earliest: [String: String] = [:]
        for start in stride(from: 0, to: batches.count, by: 500) {
            let part = Array(batches[start..<min(start + 500, batches.count)])
            for row in try await logSelect(["batch"]).column(SQLFunction("MIN", args: SQLColumn("month")), as: "earliest")
                .where("batch", .in, part).groupBy("batch").all() {
                earliest[try row.decode(column: "batch", as: String.self)] = try row.decode(column: "earliest", as: String.self)
            }
        }
        let oldest = month.adding(months: -backfillMonths).description
        return first.filter { (earliest[$0.value.batch] ?? "") >= oldest }.mapValues(\.at)
    }

    /// Per source, the indicators it holds a value of (bit *i* for indicator *i*; clears excluded) for each firm in a
    /// month: source → uscc → mask.
    public func sourceHoldings(month: Month) async throws -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for row in try await sql.select().columns(Self.sourceValueColumns.map { SQLColumn($0) }).from("source_values")
            .where("month", .equal, month.description).all() {
            let r = try SourceRow(row)
            var held = 0
            for i in Self.indicatorNames.indices where r.holds(i) && r.values[i] != nil { held |= 1 << i }
            if held != 0 { out[r.source, default: [:]][r.uscc] = held }
        }
        return out
    }

    /// The newest batch of each import kind, for the catalogue's freshness.
    public func latestBatchPerKind() async throws -> [String: ImportBatch] {
        var out: [String: ImportBatch] = [:]
        for b in try await recentBatches(actor: nil, limit: 10_000) where out[b.kind] == nil { out[b.kind] = b }
        return out
    }
}
