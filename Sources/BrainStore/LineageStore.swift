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
    /// Every change one batch made to indicator values, in order.
    public func changes(ofBatch batch: String, limit: Int = 1_000, offset: Int = 0) async throws -> (total: Int, items: [IndicatorChange]) {
        let total = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("indicator_changes")
            .where("batch", .equal, batch).first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await sql.select().columns(Self.changeColumns.map { SQLColumn($0) }).from("indicator_changes").where("batch", .equal, batch)
            .orderBy("uscc").orderBy("month").orderBy("indicator").limit(limit).offset(offset).all()
        return (total, try rows.map(Self.decodeChange))
    }

    /// The sources and batches behind one indicator of a set of firms in a month: per (source, batch) how many firms'
    /// values it holds. Firms whose value predates sources are counted under (`legacySource`, `legacy`) as long as no
    /// source row exists for them.
    public func contributions(indicator: Indicator, month: Month, firms: Set<String>, order: SourceOrder = .standard) async throws -> [BatchContribution] {
        guard !firms.isEmpty else { return [] }
        var perKey: [String: (source: String, batch: String, firms: Set<String>, values: Int)] = [:]
        var sourced = Set<String>()
        let codes = Array(firms)
        for start in stride(from: 0, to: codes.count, by: 5_000) {
            let part = Array(codes[start..<min(start + 5_000, codes.count)])
            let rows = try await sql.select().columns("uscc", "source", "batch", "value").from("indicator_values")
                .where("month", .equal, month.description).where("indicator", .equal, indicator.rawValue).where("uscc", .in, part).all()
            for row in rows {
                let uscc = try row.decode(column: "uscc", as: String.self)
                let source = try row.decode(column: "source", as: String.self), batch = try row.decode(column: "batch", as: String.self)
                sourced.insert(uscc)
                guard try row.decode(column: "value", as: Double?.self) != nil else { continue }
                let k = source + "|" + batch
                var c = perKey[k] ?? (source, batch, [], 0)
                c.firms.insert(uscc)
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
            if n > 0 { perKey["legacy"] = (Self.legacySource, "legacy", [], n) }
        }
        return perKey.values.map { BatchContribution(source: $0.source, batch: $0.batch, firms: $0.batch == "legacy" ? $0.values : $0.firms.count, values: $0.values) }
            .sorted { (order.rank($0.source), -$0.values, $0.batch) < (order.rank($1.source), -$1.values, $1.batch) }
    }

    static func decodeChange(_ row: any SQLRow) throws -> IndicatorChange {
        IndicatorChange(uscc: try row.decode(column: "uscc", as: String.self), month: try row.decode(column: "month", as: String.self),
                        indicator: try row.decode(column: "indicator", as: String.self), source: try row.decode(column: "source", as: String.self),
                        oldValue: try row.decode(column: "old_value", as: Double?.self), newValue: try row.decode(column: "new_value", as: Double?.self),
                        batch: try row.decode(column: "batch", as: String.self), actor: try row.decode(column: "actor", as: String.self),
                        at: try row.decode(column: "at", as: String.self))
    }

    /// The newest batch of each import kind, for the catalogue's freshness.
    public func latestBatchPerKind() async throws -> [String: ImportBatch] {
        var out: [String: ImportBatch] = [:]
        for b in try await recentBatches(actor: nil, limit: 10_000) where out[b.kind] == nil { out[b.kind] = b }
        return out
    }
}
