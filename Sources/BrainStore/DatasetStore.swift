import BrainCore
import Foundation
import SQLKit

/// One investment project (投资项目/技改项目) as stored: amounts in 万元, months `YYYY-MM`; a value never delivered is nil.
public struct InvestmentProject: Codable, Sendable, Hashable {
    public let code: String
    public let uscc: String
    public var name: String
    /// 新建, 扩建, 技术改造, 设备更新 … (`DataDictionary.projectKinds`).
    public var kind: String?
    /// Planned total investment (万元).
    public var planned: Double?
    /// Investment completed to date (万元).
    public var completed: Double?
    public var startMonth: String?
    /// Planned completion month.
    public var endMonth: String?
    /// 在建, 投产, 停建 … (`DataDictionary.projectStatuses`).
    public var status: String?
    /// Where the project is built (GB/T 2260); the firm's region unless the file says otherwise.
    public var region: String
    /// The import batch that last changed it.
    public var batch: String

    public init(code: String, uscc: String, name: String, kind: String?, planned: Double?, completed: Double?, startMonth: String?,
                endMonth: String?, status: String?, region: String, batch: String) {
        self.code = code
        self.uscc = uscc
        self.name = name
        self.kind = kind
        self.planned = planned
        self.completed = completed
        self.startMonth = startMonth
        self.endMonth = endMonth
        self.status = status
        self.region = region
        self.batch = batch
    }

    /// True when the stored values are the same (the batch aside).
    public func sameValues(as o: InvestmentProject) -> Bool {
        uscc == o.uscc && name == o.name && kind == o.kind && planned == o.planned && completed == o.completed && startMonth == o.startMonth
            && endMonth == o.endMonth && status == o.status && region == o.region
    }
}

/// One firm's land use (用地) in one year: the area in 亩 and, when the file carried them, that year's tax and output (万元).
public struct LandUseRecord: Codable, Sendable, Hashable {
    public let uscc: String
    public let year: Int
    public var area: Double
    public var tax: Double?
    public var output: Double?
    public var batch: String

    public init(uscc: String, year: Int, area: Double, tax: Double?, output: Double?, batch: String) {
        self.uscc = uscc
        self.year = year
        self.area = area
        self.tax = tax
        self.output = output
        self.batch = batch
    }
}

/// One firm's electricity on one day (日用电量), in 万千瓦时 like the monthly indicator.
public struct DailyElectricity: Codable, Sendable, Hashable {
    public let uscc: String
    /// `YYYY-MM-DD`.
    public let day: String
    public let electricity: Double

    public init(uscc: String, day: String, electricity: Double) {
        self.uscc = uscc
        self.day = day
        self.electricity = electricity
    }
}

/// A firm's daily electricity summed over one month.
public struct DailyMonthTotal: Sendable, Hashable {
    public let uscc: String
    public let month: String
    public let days: Int
    public let total: Double
}

extension Store {
    static let projectColumns = ["code", "uscc", "name", "kind", "planned", "completed", "start_month", "end_month", "status", "region", "batch", "updated_at"]

    private struct ProjectRow: Decodable {
        let code, uscc, name: String
        let kind: String?
        let planned, completed: Double?
        let start_month, end_month, status: String?
        let region, batch: String
        var project: InvestmentProject {
            InvestmentProject(code: code, uscc: uscc, name: name, kind: kind, planned: planned, completed: completed, startMonth: start_month,
                              endMonth: end_month, status: status, region: region, batch: batch)
        }
    }

    /// Investment projects, all or one firm's, by project code.
    public func investmentProjects(uscc: String? = nil) async throws -> [InvestmentProject] {
        var q = sql.select().columns(Store.projectColumns.dropLast().map { SQLColumn($0) }).from("investment_projects")
        if let uscc { q = q.where("uscc", .equal, uscc) }
        return try await q.orderBy("code").all(decoding: ProjectRow.self).map(\.project)
    }

    /// Writes whole projects (the importer has merged each with the stored one already), replacing a stored project by code.
    public func upsertInvestmentProjects(_ rows: [InvestmentProject], in db: any SQLDatabase) async throws {
        let now = Timestamp.now()
        for chunk in rows.chunked(maxBinds: Store.projectColumns.count, dialect: kind) {
            var insert = db.insert(into: "investment_projects").columns(Store.projectColumns)
            for p in chunk {
                insert = insert.values(SQLBind(p.code), SQLBind(p.uscc), SQLBind(p.name), SQLBind(p.kind), SQLBind(p.planned), SQLBind(p.completed),
                                       SQLBind(p.startMonth), SQLBind(p.endMonth), SQLBind(p.status), SQLBind(p.region), SQLBind(p.batch), SQLBind(now))
            }
            try await insert.onConflict(with: ["code"]) { c in
                var c = c
                for col in Store.projectColumns.dropFirst() { c = c.set(excludedValueOf: col) }
                return c
            }.run()
        }
    }

    private struct LandRow: Decodable {
        let uscc: String
        let year: Int
        let area: Double
        let tax, output: Double?
        let batch: String
    }

    /// Land use records, all or one firm's, by firm and year.
    public func landUse(uscc: String? = nil) async throws -> [LandUseRecord] {
        var q = sql.select().columns("uscc", "year", "area", "tax", "output", "batch").from("land_use")
        if let uscc { q = q.where("uscc", .equal, uscc) }
        return try await q.orderBy("uscc").orderBy("year").all(decoding: LandRow.self).map {
            LandUseRecord(uscc: $0.uscc, year: $0.year, area: $0.area, tax: $0.tax, output: $0.output, batch: $0.batch)
        }
    }

    /// Writes whole land records (merged by the importer), replacing a firm's year.
    public func upsertLandUse(_ rows: [LandUseRecord], in db: any SQLDatabase) async throws {
        let now = Timestamp.now()
        for chunk in rows.chunked(maxBinds: 7, dialect: kind) {
            var insert = db.insert(into: "land_use").columns("uscc", "year", "area", "tax", "output", "batch", "updated_at")
            for r in chunk {
                insert = insert.values(SQLBind(r.uscc), SQLBind(r.year), SQLBind(r.area), SQLBind(r.tax), SQLBind(r.output), SQLBind(r.batch), SQLBind(now))
            }
            try await insert.onConflict(with: ["uscc", "year"]) { c in
                c.set(excludedValueOf: "area").set(excludedValueOf: "tax").set(excludedValueOf: "output").set(excludedValueOf: "batch").set(excludedValueOf: "updated_at")
            }.run()
        }
    }

    /// Writes daily values in multi-row statements; a day already stored is replaced. Returns how many rows were new or
    /// different (an identical value is not rewritten).
    public func upsertDailyElectricity(_ rows: [DailyElectricity], in db: any SQLDatabase) async throws -> Int {
        var changed = 0
        for chunk in rows.chunked(maxBinds: 3, dialect: kind) {
            var insert = db.insert(into: "daily_electricity").columns("uscc", "day", "electricity")
            for r in chunk { insert = insert.values(SQLBind(r.uscc), SQLBind(r.day), SQLBind(r.electricity)) }
            changed += try await insert.onConflict(with: ["uscc", "day"]) { c in
                c.set(excludedValueOf: "electricity")
                    .where(SQLColumn("electricity", table: "daily_electricity"), .notEqual, SQLExcludedColumn("electricity"))
            }.returning("uscc").all().count
        }
        return changed
    }

    /// One firm's daily values from `from` to `to` (inclusive days `YYYY-MM-DD`), oldest first.
    public func dailyElectricity(uscc: String, from: String, to: String) async throws -> [DailyElectricity] {
        struct Row: Decodable { let uscc, day: String; let electricity: Double }
        return try await sql.select().columns("uscc", "day", "electricity").from("daily_electricity")
            .where("uscc", .equal, uscc).where("day", .greaterThanOrEqual, from).where("day", .lessThanOrEqual, to)
            .orderBy("day").all(decoding: Row.self).map { DailyElectricity(uscc: $0.uscc, day: $0.day, electricity: $0.electricity) }
    }

    /// Every firm's daily values of one month summed (firms with at least one day), for the check against the monthly figure.
    public func dailyMonthTotals(_ month: Month) async throws -> [DailyMonthTotal] {
        struct Row: Decodable { let uscc: String; let n: Int; let total: Double }
        let m = month.description
        return try await sql.select().column("uscc").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLFunction("SUM", args: SQLColumn("electricity")), as: "total").from("daily_electricity")
            .where("day", .greaterThanOrEqual, m + "-01").where("day", .lessThanOrEqual, m + "-31")
            .groupBy("uscc").orderBy("uscc").all(decoding: Row.self)
            .map { DailyMonthTotal(uscc: $0.uscc, month: m, days: $0.n, total: $0.total) }
    }

    /// The newest month with any daily value, if any.
    public func latestDailyMonth() async throws -> Month? {
        struct Row: Decodable { let d: String? }
        let row = try await sql.select().column(SQLFunction("MAX", args: SQLColumn("day")), as: "d").from("daily_electricity").first(decoding: Row.self)
        return row?.d.flatMap { Month(String($0.prefix(7))) }
    }

    /// Rows of a table, for the catalogue.
    public func rowCount(of table: DatasetTable) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table.rawValue).first()?
            .decode(column: "n", as: Int.self) ?? 0
    }
}

/// The tables of the datasets added with migration 17, for counting.
public enum DatasetTable: String, Sendable {
    case investmentProjects = "investment_projects"
    case landUse = "land_use"
    case dailyElectricity = "daily_electricity"
}
