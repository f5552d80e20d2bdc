import Logging
import BrainCore
import SQLKit

extension Store {
    static let indicatorColumns = ["uscc", "month"] + Indicator.allCases.map(\.rawValue)

    /// Writes monthly reports, replacing any earlier report for the same enterprise and month.
    /// Rows identical to what is stored are skipped; returns how many rows changed.
    @discardableResult
    public func upsertReports(_ reports: [MonthlyReport], in db: (any SQLDatabase)? = nil, compare: Bool = true) async throws -> Int {
        guard !reports.isEmpty else { return 0 }
        let work: @Sendable (any SQLDatabase) async throws -> Int = { db in
            var changed = 0
            for chunk in reports.chunked(maxBinds: Store.indicatorColumns.count, dialect: self.kind) {
                var fresh = Array(chunk)
                if compare {
                    let existing = try await self.storedReports(for: chunk.map { ($0.uscc, $0.month) }, db: db)
                    fresh = chunk.filter { existing[Key(uscc: $0.uscc, month: $0.month)] != $0 }
                }
                guard !fresh.isEmpty else { continue }
                changed += fresh.count
                try await self.writeReports(fresh, db: db)
            }
            return changed
        }
        if let db { return try await work(db) }
        return try await transaction(work)
    }

    struct Key: Hashable {
        let uscc: String
        let month: Month
    }

    func writeReports(_ rows: [MonthlyReport], db: any SQLDatabase) async throws {
        var insert = db.insert(into: "indicators").columns(Store.indicatorColumns)
        for r in rows {
            insert = insert.values([SQLBind(r.uscc), SQLBind(r.month.description)] + r.values.map { SQLBind($0) })
        }
        try await insert.onConflict(with: ["uscc", "month"]) { conflict in
            var c = conflict
            for column in Store.indicatorColumns.dropFirst(2) { c = c.set(excludedValueOf: column) }
            return c
        }.run()
    }

    func storedReports(for keys: [(String, Month)], db: any SQLDatabase) async throws -> [Key: MonthlyReport] {
        let codes = Array(Set(keys.map(\.0)))
        let months = Array(Set(keys.map { $0.1.description }))
        let rows = try await db.select().columns(Store.indicatorColumns.map { SQLColumn($0) }).from("indicators")
            .where("uscc", .in, codes).where("month", .in, months).all()
        var out: [Key: MonthlyReport] = [:]
        for row in rows {
            let r = try Store.decodeReport(row)
            out[Key(uscc: r.uscc, month: r.month)] = r
        }
        return out
    }

    static func decodeReport(_ row: any SQLRow) throws -> MonthlyReport {
        let uscc = try row.decode(column: "uscc", as: String.self)
        let monthText = try row.decode(column: "month", as: String.self)
        guard let month = Month(monthText) else { throw StoreError("stored month \(monthText) for \(uscc) is not YYYY-MM") }
        // A stored value outside the plausible range (written before the checks, or by hand) reads as not reported, so no
        // answer built from it can hold an infinite or absurd figure.
        let values = try Indicator.allCases.map { ind -> Double? in
            try row.decode(column: ind.rawValue, as: Double?.self).flatMap { v in
                let clean = ind.sanitized(v)
                return clean.isNaN ? nil : clean
            }
        }
        return MonthlyReport(uscc: uscc, month: month, values: values)
    }

    /// An enterprise's reports, oldest first, optionally from a month on.
    public func reports(uscc: String, from: Month? = nil) async throws -> [MonthlyReport] {
        var q = sql.select().columns(Store.indicatorColumns.map { SQLColumn($0) }).from("indicators").where("uscc", .equal, uscc)
        if let from { q = q.where("month", .greaterThanOrEqual, from.description) }
        return try await q.orderBy("month").all().map(Store.decodeReport)
    }

    /// The stored reports of `firms` from `from` to `to` (inclusive), in parts of 5,000 firms.
    public func reports(firms: [String], from: Month, to: Month) async throws -> [MonthlyReport] {
        var out: [MonthlyReport] = []
        for start in stride(from: 0, to: firms.count, by: 5_000) {
            let part = Array(firms[start..<min(start + 5_000, firms.count)])
            out += try await sql.select().columns(Store.indicatorColumns.map { SQLColumn($0) }).from("indicators").where("uscc", .in, part)
                .where("month", .greaterThanOrEqual, from.description).where("month", .lessThanOrEqual, to.description).all().map(Store.decodeReport)
        }
        return out
    }

    /// Every stored report, streamed to `body` in (uscc, month) order without holding them all as rows.
    public func forEachReport(_ body: @escaping @Sendable (MonthlyReport) -> Void) async throws {
        try await sql.select().columns(Store.indicatorColumns.map { SQLColumn($0) }).from("indicators").orderBy("uscc").orderBy("month")
            .run { row in
                do { body(try Store.decodeReport(row)) } catch { Store.problems.error("indicator row skipped: \(error)") }
            }
    }

    /// Number of stored monthly reports.
    public func reportCount() async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("indicators").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    /// The latest month any enterprise reported, if any.
    public func latestReportedMonth() async throws -> Month? {
        let row = try await sql.select().column(SQLFunction("MAX", args: SQLColumn("month")), as: "m").from("indicators").first()
        return try row?.decode(column: "m", as: String?.self).flatMap(Month.init)
    }
}

extension Store {
    /// The first and last month with any report, if any.
    public func reportMonthRange() async throws -> ClosedRange<Month>? {
        let row = try await sql.select().column(SQLFunction("MIN", args: SQLColumn("month")), as: "a")
            .column(SQLFunction("MAX", args: SQLColumn("month")), as: "b").from("indicators").first()
        guard let a = try row?.decode(column: "a", as: String?.self).flatMap(Month.init),
              let b = try row?.decode(column: "b", as: String?.self).flatMap(Month.init) else { return nil }
        return a...b
    }
}
