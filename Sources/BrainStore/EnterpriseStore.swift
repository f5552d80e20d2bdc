import BrainCore
import SQLKit

/// Filters and paging for listing enterprises.
public struct EnterpriseQuery: Sendable {
    /// Region codes to match (a region and everything under it, resolved by the caller).
    public var regions: Set<String>?
    public var zone: String?
    public var chain: String?
    public var link: String?
    /// GB/T 4754 classes that place a firm without links of its own on `chain` (or `link`): such a firm matches too.
    public var placedByClasses: [String]?
    /// GB/T 4754 prefix: a division `33` or a class `3311`.
    public var industry: String?
    public var size: SizeClass?
    public var aboveScale: Bool?
    /// Matches part of the name or the whole credit code.
    public var text: String?
    public var limit = 50
    public var offset = 0

    public init() {}
}

/// One page of a listing with the total number of matches.
public struct Page<T: Sendable & Encodable>: Sendable, Encodable {
    public let total: Int
    public let limit: Int
    public let offset: Int
    public let items: [T]

    public init(total: Int, limit: Int, offset: Int, items: [T]) {
        self.total = total
        self.limit = limit
        self.offset = offset
        self.items = items
    }
}

extension Page: Decodable where T: Decodable {}

struct EnterpriseRow: Decodable {
    let uscc: String
    let name: String
    let region: String
    let zone: String?
    let industry: String
    let employees: Int
    let revenue: Double
    let size_class: String
    let above_scale: Int
    let chain_links: String
    let founded: Int?

    var enterprise: Enterprise {
        Enterprise(uscc: uscc, name: name, region: region, zone: zone, industry: industry, employees: employees,
                   revenue: revenue, sizeClass: SizeClass(rawValue: size_class) ?? .micro, aboveScale: above_scale != 0,
                   chainLinks: chain_links.isEmpty ? [] : chain_links.split(separator: ",").map(String.init),
                   founded: founded)
    }
}

extension Store {
    static let enterpriseColumns = ["uscc", "name", "region", "zone", "industry", "employees", "revenue", "size_class",
                                    "above_scale", "chain_links", "founded", "updated_at"]

    /// Inserts or updates enterprises by credit code, with their chain links; returns how many rows changed.
    @discardableResult
    public func upsertEnterprises(_ enterprises: [Enterprise], in db: (any SQLDatabase)? = nil) async throws -> Int {
        guard !enterprises.isEmpty else { return 0 }
        let work: @Sendable (any SQLDatabase) async throws -> Int = { db in
            let now = Timestamp.now()
            let columns = Store.enterpriseColumns
            var changed = 0
            for chunk in enterprises.chunked(maxBinds: columns.count, dialect: self.kind) {
                // Only rows whose content differs are written, so re-importing the same data changes nothing.
                let existing = try await self.enterprisesByCode(chunk.map(\.uscc), db: db)
                let fresh = chunk.filter { existing[$0.uscc] != $0 }
                guard !fresh.isEmpty else { continue }
                changed += fresh.count
                var insert = db.insert(into: "enterprises").columns(columns)
                for e in fresh {
                    insert = insert.values([
                        SQLBind(e.uscc), SQLBind(e.name), SQLBind(e.region), SQLBind(e.zone), SQLBind(e.industry),
                        SQLBind(e.employees), SQLBind(e.revenue), SQLBind(e.sizeClass.rawValue),
                        SQLBind(e.aboveScale ? 1 : 0), SQLBind(e.chainLinks.joined(separator: ",")),
                        SQLBind(e.founded), SQLBind(now),
                    ])
                }
                try await insert.onConflict(with: ["uscc"]) { conflict in
                    var c = conflict
                    for column in columns.dropFirst() { c = c.set(excludedValueOf: column) }
                    return c
                }.run()
                try await db.delete(from: "enterprise_links").where("uscc", .in, fresh.map(\.uscc)).run()
                let links = fresh.flatMap { e in e.chainLinks.map { (e.uscc, $0) } }
                for part in links.chunked(maxBinds: 3, dialect: self.kind) {
                    var ins = db.insert(into: "enterprise_links").columns("uscc", "chain", "link")
                    for (uscc, link) in part {
                        ins = ins.values(SQLBind(uscc), SQLBind(String(link.split(separator: "-").first ?? "")), SQLBind(link))
                    }
                    try await ins.run()
                }
            }
            return changed
        }
        if let db { return try await work(db) }
        return try await transaction(work)
    }

    func enterprisesByCode(_ codes: [String], db: any SQLDatabase) async throws -> [String: Enterprise] {
        guard !codes.isEmpty else { return [:] }
        let rows = try await db.select().columns(Store.enterpriseColumns.dropLast().map { SQLColumn($0) })
            .from("enterprises").where("uscc", .in, codes).all(decoding: EnterpriseRow.self)
        return Dictionary(rows.map { ($0.uscc, $0.enterprise) }, uniquingKeysWith: { a, _ in a })
    }

    /// One enterprise by credit code, if it exists and lies inside the scope.
    public func enterprise(_ uscc: String, scope: ScopeRestriction) async throws -> Enterprise? {
        guard let e = try await enterprisesByCode([uscc], db: sql)[uscc] else { return nil }
        return scope.admits(uscc: e.uscc, region: e.region, zone: e.zone) ? e : nil
    }

    /// True when the code exists at all (used to tell "not found" from "outside your scope").
    public func enterpriseExists(_ uscc: String) async throws -> Bool {
        try await sql.select().column("uscc").from("enterprises").where("uscc", .equal, uscc).first() != nil
    }

    /// Lists enterprises matching the query inside the scope, largest revenue first.
    public func enterprises(_ query: EnterpriseQuery, scope: ScopeRestriction) async throws -> Page<Enterprise> {
        if case .nothing = scope { return Page(total: 0, limit: query.limit, offset: query.offset, items: []) }
        func filtered(_ b: SQLSelectBuilder) -> SQLSelectBuilder {
            var b = b
            switch scope {
            case .all, .nothing: break
            case .regions(let set): b = b.where("region", .in, Array(set))
            case .zone(let z): b = b.where("zone", .equal, z)
            case .enterprise(let code): b = b.where("uscc", .equal, code)
            }
            if let regions = query.regions { b = b.where("region", .in, Array(regions)) }
            if let zone = query.zone { b = b.where("zone", .equal, zone) }
            // A firm on the chain (link) by its own links, or, without links of its own, by its class.
            func onLinks(_ b: SQLSelectBuilder, column: String, value: String) -> SQLSelectBuilder {
                let own = SQLSubquery.select { $0.column("uscc").from("enterprise_links").where(SQLColumn(column), .equal, SQLBind(value)) }
                guard let classes = query.placedByClasses, !classes.isEmpty else { return b.where(SQLColumn("uscc"), .in, own) }
                return b.where { g in
                    g.where(SQLColumn("uscc"), .in, own).orWhere { $0.where("chain_links", .equal, "").where("industry", .in, classes) }
                }
            }
            if let chain = query.chain { b = onLinks(b, column: "chain", value: chain) }
            if let link = query.link { b = onLinks(b, column: "link", value: link) }
            if let industry = query.industry { b = b.where("industry", .like, industry + "%") }
            if let size = query.size { b = b.where("size_class", .equal, size.rawValue) }
            if let above = query.aboveScale { b = b.where("above_scale", .equal, above ? 1 : 0) }
            if let text = query.text, !text.isEmpty {
                b = b.where { $0.where("name", .like, "%" + text + "%").orWhere("uscc", .equal, text.uppercased()) }
            }
            return b
        }
        let countRow = try await filtered(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("enterprises")).first()
        let total = try countRow?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await filtered(sql.select().columns(Store.enterpriseColumns.dropLast().map { SQLColumn($0) }).from("enterprises"))
            .orderBy("revenue", .descending).orderBy("uscc")
            .limit(query.limit).offset(query.offset)
            .all(decoding: EnterpriseRow.self)
        return Page(total: total, limit: query.limit, offset: query.offset, items: rows.map(\.enterprise))
    }

    /// Every enterprise (for building in-memory read models).
    public func allEnterprises() async throws -> [Enterprise] {
        try await sql.select().columns(Store.enterpriseColumns.dropLast().map { SQLColumn($0) }).from("enterprises")
            .orderBy("uscc").all(decoding: EnterpriseRow.self).map(\.enterprise)
    }

    /// Number of enterprises, optionally only 规上.
    public func enterpriseCount(aboveScaleOnly: Bool = false) async throws -> Int {
        var q = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("enterprises")
        if aboveScaleOnly { q = q.where("above_scale", .equal, 1) }
        return try await q.first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

extension Array where Element: Sendable {
    /// Splits rows so that one multi-row statement stays under the engine's bind-parameter limit.
    func chunked(maxBinds columnsPerRow: Int, dialect: DatabaseKind) -> [ArraySlice<Element>] {
        let limit = dialect == .sqlite ? 32_000 : 60_000
        let size = Swift.max(1, Swift.min(2_000, limit / Swift.max(1, columnsPerRow)))
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
