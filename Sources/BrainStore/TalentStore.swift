import BrainCore
import SQLKit

/// Talent supply and demand for one occupation in one city and period (人才供需).
public struct TalentRecord: Codable, Sendable, Hashable {
    public var city: String
    public var occupation: String
    public var chain: String?
    /// Period `YYYY-MM` (quarter-end months in the demo dataset).
    public var period: String
    /// Job seekers / graduates available.
    public var supply: Int
    /// Open positions.
    public var demand: Int
    /// Median monthly salary offered (元).
    public var medianSalary: Double?
    /// 职业分类大典 major group, e.g. `2 专业技术人员`, `6 生产制造及有关人员`.
    public var occupationGroup: String?
    /// Skill level most positions ask for (初级工 … 高级技师, or 初级/中级/高级职称).
    public var skillLevel: String?
    /// Education most positions ask for (中专, 大专, 本科, 硕士).
    public var education: String?
    /// Years of experience most positions ask for.
    public var experienceYears: Double?

    public init(city: String, occupation: String, chain: String?, period: String, supply: Int, demand: Int, medianSalary: Double?,
                occupationGroup: String? = nil, skillLevel: String? = nil, education: String? = nil, experienceYears: Double? = nil) {
        self.city = city
        self.occupation = occupation
        self.chain = chain
        self.period = period
        self.supply = supply
        self.demand = demand
        self.medianSalary = medianSalary
        self.occupationGroup = occupationGroup
        self.skillLevel = skillLevel
        self.education = education
        self.experienceYears = experienceYears
    }
}

private struct TalentRow: Decodable {
    let city: String, occupation: String, chain: String?, period: String
    let supply: Int, demand: Int, median_salary: Double?
    let occupation_group: String?, skill_level: String?, education: String?, experience_years: Double?
}

extension Store {
    /// Inserts or replaces talent records keyed by (city, occupation, period).
    public func upsertTalent(_ records: [TalentRecord], in db: (any SQLDatabase)? = nil) async throws {
        guard !records.isEmpty else { return }
        let columns = ["city", "occupation", "chain", "period", "supply", "demand", "median_salary", "occupation_group", "skill_level",
                       "education", "experience_years"]
        let work: @Sendable (any SQLDatabase) async throws -> Void = { db in
            for chunk in records.chunked(maxBinds: columns.count, dialect: self.kind) {
                var insert = db.insert(into: "talent").columns(columns)
                for r in chunk {
                    insert = insert.values(SQLBind(r.city), SQLBind(r.occupation), SQLBind(r.chain), SQLBind(r.period),
                                           SQLBind(r.supply), SQLBind(r.demand), SQLBind(r.medianSalary), SQLBind(r.occupationGroup),
                                           SQLBind(r.skillLevel), SQLBind(r.education), SQLBind(r.experienceYears))
                }
                try await insert.onConflict(with: ["city", "occupation", "period"]) { c in
                    c.set(excludedValueOf: "chain").set(excludedValueOf: "supply").set(excludedValueOf: "demand")
                        .set(excludedValueOf: "median_salary").set(excludedValueOf: "occupation_group").set(excludedValueOf: "skill_level")
                        .set(excludedValueOf: "education").set(excludedValueOf: "experience_years")
                }.run()
            }
        }
        if let db { try await work(db) } else { try await transaction(work) }
    }

    /// Talent records, optionally for a set of cities.
    public func talent(cities: Set<String>? = nil) async throws -> [TalentRecord] {
        var q = sql.select().columns("city", "occupation", "chain", "period", "supply", "demand", "median_salary", "occupation_group",
                                     "skill_level", "education", "experience_years").from("talent")
        if let cities { q = q.where("city", .in, Array(cities)) }
        return try await q.orderBy("period").orderBy("city").orderBy("occupation").all(decoding: TalentRow.self).map {
            TalentRecord(city: $0.city, occupation: $0.occupation, chain: $0.chain, period: $0.period, supply: $0.supply,
                         demand: $0.demand, medianSalary: $0.median_salary, occupationGroup: $0.occupation_group, skillLevel: $0.skill_level,
                         education: $0.education, experienceYears: $0.experience_years)
        }
    }
}
