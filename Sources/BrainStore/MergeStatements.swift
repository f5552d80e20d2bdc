import BrainCore

/// The SQL of a merge by source, set-based: rows are staged in a temporary table, then a fixed handful of statements
/// converts legacy rows, finds what changed, writes the correction log and the source values, and re-picks the values
/// the applications read. The text is the same on SQLite and PostgreSQL; `{delivery}`, `{source}` and `{legacy}` are
/// parameters each connection binds its own way.
///
/// Tables: `source_values` holds each source's current values of a firm's month (one row per source, `mask` bit *i* set
/// when the source delivered indicator *i* — a set bit with a NULL value is a value the source cleared); `indicator_log`
/// holds one row per delivery and firm-month that changed something (`mask` = the changed indicators, their new values
/// and, in `was_…`, the values they replaced); `indicator_deliveries` says once per delivery which batch, source, actor
/// and time it was.
struct MergeStatements {
    let order: SourceOrder
    /// The engine: PostgreSQL reads `source_values` through `partRows` (see there), SQLite joins the table itself.
    var dialect: DatabaseKind = .sqlite
    static let indicators = Indicator.allCases.map(\.rawValue)

    static func bit(_ i: Int) -> Int { 1 << i }

    /// `CASE source WHEN 'manual' THEN 0 … ELSE n END` for the order of precedence.
    func rank(_ column: String) -> String {
        var s = "CASE \(column)"
        for (i, code) in order.codes.enumerated() { s += " WHEN '\(code.replacingOccurrences(of: "'", with: "''"))' THEN \(i)" }
        return s + " ELSE \(order.codes.count) END"
    }

    private var cols: [String] { Self.indicators }
    private func list(_ prefix: String = "", _ f: (Int, String) -> String) -> String {
        cols.enumerated().map { f($0.offset, $0.element) }.joined(separator: ", ")
    }

    private static let valueColumnsSQL: String = indicators.map { $0 + " DOUBLE PRECISION" }.joined(separator: ", ")
    private static let wasColumnsSQL: String = indicators.map { "was_" + $0 + " DOUBLE PRECISION" }.joined(separator: ", ")
    static let createTemp: [String] = [
        "CREATE TEMP TABLE IF NOT EXISTS merge_in (uscc TEXT NOT NULL, month TEXT NOT NULL, line INTEGER NOT NULL, mask INTEGER NOT NULL, changed INTEGER NOT NULL, \(valueColumnsSQL), \(wasColumnsSQL))",
        "CREATE TEMP TABLE IF NOT EXISTS merge_pick (uscc TEXT NOT NULL, month TEXT NOT NULL, differs INTEGER NOT NULL, \(valueColumnsSQL))",
    ]

    /// Empties the staging tables for the next part. On PostgreSQL a DELETE would leave every earlier part's rows behind
    /// as dead tuples that each later statement scans: a file's parts share one transaction, so nothing can reclaim them,
    /// and autovacuum never visits temporary tables, so a pooled connection's tables would grow with every batch it ever
    /// merged. TRUNCATE gives the table fresh, empty storage. SQLite's DELETE without a WHERE clause truncates already.
    static func clearTemp(_ dialect: DatabaseKind) -> [String] {
        // JIT compiling (PostgreSQL's default past a cost these statements' many lookups reach) costs 20 ms a statement
        // and saves nothing on a part of a few thousand rows.
        dialect == .postgres ? ["TRUNCATE merge_in, merge_pick", "SET LOCAL jit = off"] : ["DELETE FROM merge_in", "DELETE FROM merge_pick"]
    }

    /// Run after staging: PostgreSQL's planner learns the staged part's size and keys (temporary tables are never analyzed
    /// automatically, so it would otherwise plan the joins with `source_values` for a guessed size).
    static func afterStage(_ dialect: DatabaseKind) -> [String] {
        dialect == .postgres ? ["ANALYZE merge_in"] : []
    }

    /// The staging insert's columns (values bound per row).
    static let stagedColumns = ["uscc", "month", "line", "mask", "changed"] + indicators

    /// The source rows of the staged part's firm-months, as a table expression (of `source`'s rows only with
    /// `ofSource`, of the firm-months whose values changed only with `changedOnly`). On SQLite the table itself (the
    /// statement's own join conditions pick the rows; its planner probes the primary key per staged row). On PostgreSQL
    /// the rows are looked up one firm-month at a time by the primary key (a LATERAL subquery that OFFSET 0 keeps from
    /// being flattened): the planner's statistics of `source_values` lag behind a file's own inserts (one transaction),
    /// and with a new source's row count estimated at 1 it chose a nested loop over the whole table for every staged row
    /// — quadratic, 157 s for the fourth part of 20,000 — or hash joins that scanned all 2 million rows per part.
    func partRows(ofSource: Bool = false, changedOnly: Bool = false) -> String {
        guard dialect == .postgres else { return "source_values" }
        return "(SELECT v.* FROM (SELECT DISTINCT uscc, month FROM merge_in\(changedOnly ? " WHERE changed <> 0" : "")) k"
            + " CROSS JOIN LATERAL (SELECT * FROM source_values v WHERE v.month = k.month AND v.uscc = k.uscc"
            + (ofSource ? " AND v.source = {source}" : "") + " OFFSET 0) v)"
    }

    /// The statements after staging, in order. `differs` rows of `merge_pick` are the firm-months whose read value changed.
    var afterStaging: [String] {
        let any = cols.map { "i.\($0) IS NOT NULL" }.joined(separator: " OR ")
        let legacyMask = cols.enumerated().map { "(CASE WHEN i.\($0.element) IS NOT NULL THEN \(Self.bit($0.offset)) ELSE 0 END)" }.joined(separator: " + ")
        // A firm-month stored before sources were kept: its whole row becomes the legacy source's values (no log row).
        let legacy = """
            INSERT INTO source_values (uscc, month, source, mask, \(cols.joined(separator: ", ")))
            SELECT i.uscc, i.month, {legacy}, \(legacyMask), \(list { "i.\($1)" })
            FROM merge_in n JOIN indicators i ON i.uscc = n.uscc AND i.month = n.month
            WHERE (\(any)) AND NOT EXISTS (SELECT 1 FROM source_values s WHERE s.uscc = n.uscc AND s.month = n.month)
            """
        // What the delivering source had; a cell changes when it is delivered and differs (a clear of a value the source
        // never gave is no change).
        let changed = cols.enumerated().map { i, c in
            "(CASE WHEN (merge_in.mask & \(Self.bit(i))) <> 0 AND ((s.mask & \(Self.bit(i))) = 0 AND merge_in.\(c) IS NOT NULL OR (s.mask & \(Self.bit(i))) <> 0 AND merge_in.\(c) IS DISTINCT FROM s.\(c)) THEN \(Self.bit(i)) ELSE 0 END)"
        }.joined(separator: " + ")
        let old = """
            UPDATE merge_in SET changed = \(changed), \(list { "was_\($1) = s.\($1)" })
            FROM \(partRows(ofSource: true)) s WHERE s.uscc = merge_in.uscc AND s.month = merge_in.month AND s.source = {source}
            """
        let log = """
            INSERT INTO indicator_log (delivery, uscc, month, mask, \(cols.joined(separator: ", ")), \(list { "was_\($1)" }))
            SELECT {delivery}, uscc, month, changed, \(list { "CASE WHEN (changed & \(Self.bit($0))) <> 0 THEN \($1) END" }),
              \(list { "CASE WHEN (changed & \(Self.bit($0))) <> 0 THEN was_\($1) END" })
            FROM merge_in WHERE changed <> 0
            """
        let upsert = """
            INSERT INTO source_values (uscc, month, source, mask, \(cols.joined(separator: ", ")))
            SELECT uscc, month, {source}, changed, \(list { "CASE WHEN (changed & \(Self.bit($0))) <> 0 THEN \($1) END" }) FROM merge_in WHERE changed <> 0
            ON CONFLICT (uscc, month, source) DO UPDATE SET mask = source_values.mask | excluded.mask,
              \(list { "\($1) = CASE WHEN (excluded.mask & \(Self.bit($0))) <> 0 THEN excluded.\($1) ELSE source_values.\($1) END" })
            """
        let r = rank("s.source")
        // The changed firm-months' source rows: joined from the table on SQLite, looked up once into a CTE on PostgreSQL.
        let (with, rows, rowsOfChanged) = dialect == .postgres
            ? ("WITH part AS MATERIALIZED \(partRows(changedOnly: true)) ", "part", "part s")
            : ("", "source_values", "merge_in n JOIN source_values s ON s.uscc = n.uscc AND s.month = n.month WHERE n.changed <> 0")
        let pick = """
            \(with)INSERT INTO merge_pick (uscc, month, differs, \(cols.joined(separator: ", ")))
            SELECT s.uscc, s.month, 0, \(list { "MAX(CASE WHEN s.\($1) IS NOT NULL AND \(r) = b.r\($0) THEN s.\($1) END)" })
            FROM (SELECT s.uscc, s.month, \(list { "MIN(CASE WHEN s.\($1) IS NOT NULL THEN \(r) END) AS r\($0)" })
                  FROM \(rowsOfChanged) GROUP BY s.uscc, s.month) b
            JOIN \(rows) s ON s.uscc = b.uscc AND s.month = b.month
            GROUP BY s.uscc, s.month
            """
        // A firm-month whose read values differ from the stored row (a row that would be all empty is not created).
        let differs = """
            UPDATE merge_pick SET differs = 1 WHERE NOT EXISTS (SELECT 1 FROM indicators i WHERE i.uscc = merge_pick.uscc AND i.month = merge_pick.month
              AND \(cols.map { "i.\($0) IS NOT DISTINCT FROM merge_pick.\($0)" }.joined(separator: " AND ")))
              AND (\(cols.map { "merge_pick.\($0) IS NOT NULL" }.joined(separator: " OR "))
                   OR EXISTS (SELECT 1 FROM indicators i WHERE i.uscc = merge_pick.uscc AND i.month = merge_pick.month))
            """
        let write = """
            INSERT INTO indicators (uscc, month, \(cols.joined(separator: ", ")))
            SELECT uscc, month, \(cols.joined(separator: ", ")) FROM merge_pick WHERE differs = 1
            ON CONFLICT (uscc, month) DO UPDATE SET \(cols.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """
        return [legacy, old, log, upsert, pick, differs, write]
    }

    /// Counts after the statements: cells changed and firm-months whose read value changed.
    static let countChanged = "SELECT COALESCE(SUM(" + indicators.indices.map { "(CASE WHEN (changed & \(bit($0))) <> 0 THEN 1 ELSE 0 END)" }.joined(separator: " + ")
        + "), 0) AS n FROM merge_in"
    static let countDiffers = "SELECT COUNT(*) AS n FROM merge_pick WHERE differs = 1"
}
