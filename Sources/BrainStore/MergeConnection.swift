import BrainCore
import SQLKit

/// One delivery row as the merge stages it: which indicators it carries (`mask`, clears included), their values (NULL
/// for a clear or an indicator the row does not carry) and the row's line in its file.
public struct StagedDelivery: Sendable {
    public let uscc: String
    public let month: String
    public let line: Int
    public let mask: Int
    public let values: [Double?]

    public init(uscc: String, month: String, line: Int, mask: Int, values: [Double?]) {
        self.uscc = uscc
        self.month = month
        self.line = line
        self.mask = mask
        self.values = values
    }

    /// A delivery as staged: bit *i* of `mask` for each indicator given or cleared, in `Indicator.allCases` order.
    public init(_ d: IndicatorDelivery, line: Int = 0) {
        var mask = 0
        var values = [Double?](repeating: nil, count: Indicator.allCases.count)
        for (i, ind) in Indicator.allCases.enumerated() {
            if let v = d.values[ind] { values[i] = v; mask |= 1 << i } else if d.cleared.contains(ind) { mask |= 1 << i }
        }
        self.init(uscc: d.uscc, month: d.month.description, line: line, mask: mask, values: values)
    }

    /// Cells carrying a value: what changes when the source had nothing before.
    var given: Int {
        var m = 0
        for (i, v) in values.enumerated() where v != nil && mask & (1 << i) != 0 { m |= 1 << i }
        return m
    }
}

/// A value bound into a merge statement's `{name}` parameter.
enum MergeValue: Sendable {
    case text(String)
    case int(Int)
}

/// One connection a merge runs on, inside a transaction the caller holds: the store's own (SQLKit, both engines) or a
/// raw SQLite connection for bulk imports.
protocol MergeConnection {
    /// Runs a statement whose `{name}` parameters are bound from `params`.
    func run(_ template: String, _ params: [String: MergeValue]) async throws
    /// Runs a query and returns its first row's `n` column.
    func count(_ template: String, _ params: [String: MergeValue]) async throws -> Int
    /// Runs a query returning two integer columns `a` and `b`.
    func pairs(_ template: String) async throws -> [(Int, Int)]
    /// Inserts rows into the `merge_in` staging table.
    func stage(_ rows: [StagedDelivery]) async throws
    /// Merges rows as one source's delivery (see `setBasedMerge` for the rules), logged under `delivery` (see
    /// `openDelivery`); with `dropDuplicatesOf`, rows repeating a firm-month of an earlier call since `startSeen` are not
    /// merged and come back with the earlier line.
    func merge(_ rows: [StagedDelivery], source: String, delivery: Int, order: SourceOrder,
               dropDuplicatesOf seen: Bool) async throws -> (outcome: MergeOutcome, duplicates: [(line: Int, earlier: Int)])
    /// Adds firm-months (with their lines) to the table `merge` checks repeats against (see `startSeen`).
    func rememberSeen(_ seen: [(uscc: String, month: String, line: Int)]) async throws
    /// Serialises delivery numbering between concurrent transactions (PostgreSQL); nothing on SQLite, whose writers are
    /// serialised already.
    func lockDeliveries() async throws
    /// The engine the statements run on (temporary tables are emptied and analyzed its way).
    var dialect: DatabaseKind { get }
}

extension MergeConnection {
    /// Merges staged rows as one source's delivery; the staging table must be empty. See `MergeStatements`.
    func setBasedMerge(_ rows: [StagedDelivery], source: String, delivery: Int, order: SourceOrder,
                       dropDuplicatesOf seen: Bool) async throws -> (outcome: MergeOutcome, duplicates: [(line: Int, earlier: Int)]) {
        for s in MergeStatements.createTemp + MergeStatements.clearTemp(dialect) { try await run(s, [:]) }
        try await stage(rows)
        for s in MergeStatements.afterStage(dialect) { try await run(s, [:]) }
        var duplicates: [(line: Int, earlier: Int)] = []
        if seen {
            // Rows repeating a firm-month of an earlier part of the same file: the first row wins, as within a part.
            duplicates = try await pairs("SELECT n.line AS a, s.line AS b FROM merge_in n JOIN merge_seen s ON s.uscc = n.uscc AND s.month = n.month")
                .map { (line: $0.0, earlier: $0.1) }
            if !duplicates.isEmpty {
                try await run("DELETE FROM merge_in WHERE EXISTS (SELECT 1 FROM merge_seen s WHERE s.uscc = merge_in.uscc AND s.month = merge_in.month)", [:])
            }
            try await run("INSERT INTO merge_seen (uscc, month, line) SELECT uscc, month, line FROM merge_in", [:])
        }
        let params: [String: MergeValue] = ["delivery": .int(delivery), "source": .text(source), "legacy": .text(Store.legacySource)]
        let statements = MergeStatements(order: order, dialect: dialect).afterStaging
        // Converting legacy rows is needed only when the source is not the legacy one or values exist.
        for s in statements { try await run(s, params) }
        let values = try await count(MergeStatements.countChanged, [:])
        let read = try await count(MergeStatements.countDiffers, [:])
        return (MergeOutcome(valuesChanged: values, rowsChanged: read), duplicates)
    }

    /// Records one delivery (a batch of one source, by an actor, at a time) and returns its number for the log rows of
    /// its changes. Numbers grow with each delivery; the caller's transaction holds the row.
    func openDelivery(batch: String, source: String, actor: String, at: String) async throws -> Int {
        try await lockDeliveries()
        let next = try await count("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM indicator_deliveries", [:])
        try await run("INSERT INTO indicator_deliveries (id, batch, source, actor, at) VALUES ({id}, {batch}, {source}, {actor}, {at})",
                      ["id": .int(next), "batch": .text(batch), "source": .text(source), "actor": .text(actor), "at": .text(at)])
        return next
    }

    /// Prepares the table that finds firm-months repeated across the parts of one file.
    func startSeen() async throws {
        try await run("CREATE TEMP TABLE IF NOT EXISTS merge_seen (uscc TEXT NOT NULL, month TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (uscc, month))", [:])
        try await run(dialect == .postgres ? "TRUNCATE merge_seen" : "DELETE FROM merge_seen", [:])
    }
}

/// Splits a template at its `{name}` parameters.
enum MergeTemplate {
    static func pieces(_ template: String) -> [(literal: String, param: String?)] {
        var out: [(String, String?)] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.append((String(rest[..<open]), String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...]
        }
        out.append((String(rest), nil))
        return out
    }
}

/// A merge on the store's own connection (inside `Store.transaction`), on either engine.
struct SQLKitMergeConnection: MergeConnection {
    let db: any SQLDatabase
    let dialect: DatabaseKind

    private func query(_ template: String, _ params: [String: MergeValue]) throws -> SQLQueryString {
        var q = SQLQueryString("")
        for (literal, param) in MergeTemplate.pieces(template) {
            q.appendLiteral(literal)
            guard let param else { continue }
            switch params[param] {
            case .text(let t): q.appendInterpolation(bind: t)
            case .int(let i): q.appendInterpolation(bind: i)
            case nil: throw RawSQLiteError(code: 0, message: "merge statement parameter {\(param)} is not bound")
            }
        }
        return q
    }

    func run(_ template: String, _ params: [String: MergeValue]) async throws {
        try await db.raw(try query(template, params)).run()
    }

    func count(_ template: String, _ params: [String: MergeValue]) async throws -> Int {
        try await db.raw(try query(template, params)).first()?.decode(column: "n", as: Int?.self) ?? 0
    }

    func merge(_ rows: [StagedDelivery], source: String, delivery: Int, order: SourceOrder,
               dropDuplicatesOf seen: Bool) async throws -> (outcome: MergeOutcome, duplicates: [(line: Int, earlier: Int)]) {
        try await setBasedMerge(rows, source: source, delivery: delivery, order: order, dropDuplicatesOf: seen)
    }

    func rememberSeen(_ seen: [(uscc: String, month: String, line: Int)]) async throws {
        for start in stride(from: 0, to: seen.count, by: 1_000) {
            var insert = db.insert(into: "merge_seen").columns("uscc", "month", "line")
            for s in seen[start..<min(start + 1_000, seen.count)] { insert = insert.values([SQLBind(s.uscc), SQLBind(s.month), SQLBind(s.line)]) }
            try await insert.run()
        }
    }

    func lockDeliveries() async throws {
        // Concurrent imports on PostgreSQL wait here for each other's commit rather than take the same number.
        if dialect == .postgres { try await run("LOCK TABLE indicator_deliveries IN SHARE ROW EXCLUSIVE MODE", [:]) }
    }

    func pairs(_ template: String) async throws -> [(Int, Int)] {
        try await db.raw(try query(template, [:])).all().map { (try $0.decode(column: "a", as: Int.self), try $0.decode(column: "b", as: Int.self)) }
    }

    func stage(_ rows: [StagedDelivery]) async throws {
        let columns = MergeStatements.stagedColumns
        if dialect == .postgres { return try await stageAsArrays(rows) }
        for part in rows.chunked(maxBinds: columns.count, dialect: dialect) {
            var insert = db.insert(into: "merge_in").columns(columns)
            for r in part {
                insert = insert.values([SQLBind(r.uscc), SQLBind(r.month), SQLBind(r.line), SQLBind(r.mask), SQLBind(r.given)]
                                       + r.values.map { SQLBind($0) })
            }
            try await insert.run()
        }
    }
}

extension SQLKitMergeConnection {
    /// PostgreSQL: the part as one array per column, unpacked by `unnest` in one statement (a multi-row VALUES insert
    /// spent 25 µs a row in the client, binding 15 values a row one by one: half a second for a part of 20,000). A
    /// NULL value travels as NaN (arrays of non-optional numbers bind in binary); values reaching a merge are finite,
    /// validated by the data dictionary.
    func stageAsArrays(_ rows: [StagedDelivery]) async throws {
        guard !rows.isEmpty else { return }
        let n = MergeStatements.indicators.count
        var q = SQLQueryString("INSERT INTO merge_in (" + MergeStatements.stagedColumns.joined(separator: ", ") + ") SELECT u, m, l, k, g, ")
        q.appendLiteral((0..<n).map { "NULLIF(v\($0), 'NaN')" }.joined(separator: ", ") + " FROM unnest(")
        q.appendInterpolation(bind: rows.map(\.uscc)); q.appendLiteral("::text[], ")
        q.appendInterpolation(bind: rows.map(\.month)); q.appendLiteral("::text[], ")
        q.appendInterpolation(bind: rows.map(\.line)); q.appendLiteral("::int8[], ")
        q.appendInterpolation(bind: rows.map(\.mask)); q.appendLiteral("::int8[], ")
        q.appendInterpolation(bind: rows.map(\.given)); q.appendLiteral("::int8[]")
        for i in 0..<n {
            q.appendLiteral(", ")
            q.appendInterpolation(bind: rows.map { $0.values[i] ?? .nan })
            q.appendLiteral("::float8[]")
        }
        q.appendLiteral(") AS t(u, m, l, k, g, " + (0..<n).map { "v\($0)" }.joined(separator: ", ") + ")")
        try await db.raw(q).run()
    }
}

/// A merge on a raw SQLite connection: statements prepared once per connection and reused for every part.
struct RawMergeConnection: MergeConnection {
    let conn: RawSQLite
    var dialect: DatabaseKind { .sqlite }

    private func prepared(_ template: String, _ params: [String: MergeValue]) throws -> RawStatement {
        let sql = MergeTemplate.pieces(template).map { $0.literal + ($0.param.map { ":" + $0 } ?? "") }.joined()
        let s = try conn.statement(sql)
        for (name, value) in params {
            let i = s.index(of: ":" + name)
            guard i > 0 else { continue }
            switch value {
            case .text(let t): s.bind(i, t)
            case .int(let v): s.bind(i, v)
            }
        }
        return s
    }

    func run(_ template: String, _ params: [String: MergeValue]) async throws {
        try prepared(template, params).run()
    }

    func count(_ template: String, _ params: [String: MergeValue]) async throws -> Int {
        let cell = try prepared(template, params).rows().first?.first ?? nil
        return cell.flatMap { Int($0) } ?? 0
    }

    func pairs(_ template: String) async throws -> [(Int, Int)] {
        try prepared(template, [:]).rows().map { (Int($0[0] ?? "") ?? 0, Int($0[1] ?? "") ?? 0) }
    }

    func lockDeliveries() async throws {}

    func rememberSeen(_ seen: [(uscc: String, month: String, line: Int)]) async throws {
        let s = try conn.statement("INSERT OR IGNORE INTO merge_seen (uscc, month, line) VALUES (?, ?, ?)")
        for e in seen {
            s.bind(1, e.uscc); s.bind(2, e.month); s.bind(3, e.line)
            try s.run()
        }
    }

    func stage(_ rows: [StagedDelivery]) async throws {
        let columns = MergeStatements.stagedColumns
        let s = try conn.statement("INSERT INTO merge_in (" + columns.joined(separator: ", ") + ") VALUES ("
                                   + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")")
        for r in rows {
            s.bind(1, r.uscc)
            s.bind(2, r.month)
            s.bind(3, r.line)
            s.bind(4, r.mask)
            s.bind(5, r.given)
            for (i, v) in r.values.enumerated() { s.bind(Int32(6 + i), v) }
            try s.run()
        }
    }
}
