import BrainCore
import SQLKit

/// A supply relation: `supplier` sells `product` to `customer`; the supplier may be outside the province.
public struct SupplyLink: Codable, Sendable, Hashable {
    public var supplier: String
    public var supplierName: String
    /// GB/T 2260 code of the supplier's region (outside the province for bought-in supply).
    public var supplierRegion: String
    public var customer: String
    public var product: String
    public var chain: String?
    public var link: String?
    /// Annual purchase value (万元).
    public var annualValue: Double

    public init(supplier: String, supplierName: String, supplierRegion: String, customer: String, product: String,
                chain: String?, link: String?, annualValue: Double) {
        self.supplier = supplier
        self.supplierName = supplierName
        self.supplierRegion = supplierRegion
        self.customer = customer
        self.product = product
        self.chain = chain
        self.link = link
        self.annualValue = annualValue
    }
}

private struct SupplyRow: Decodable {
    let supplier: String
    let supplier_name: String
    let supplier_region: String
    let customer: String
    let product: String
    let chain: String?
    let link: String?
    let annual_value: Double
    var value: SupplyLink {
        SupplyLink(supplier: supplier, supplierName: supplier_name, supplierRegion: supplier_region, customer: customer,
                   product: product, chain: chain, link: link, annualValue: annual_value)
    }
}

extension Store {
    static let supplyColumns = ["supplier", "supplier_name", "supplier_region", "customer", "product", "chain", "link", "annual_value"]

    /// Inserts or replaces supply links keyed by (supplier, customer, product); returns how many rows changed.
    @discardableResult
    public func upsertSupplyLinks(_ links: [SupplyLink], in db: (any SQLDatabase)? = nil, compare: Bool = true) async throws -> Int {
        guard !links.isEmpty else { return 0 }
        let work: @Sendable (any SQLDatabase) async throws -> Int = { db in
            var changed = 0
            for chunk in links.chunked(maxBinds: Store.supplyColumns.count, dialect: self.kind) {
                var fresh = Array(chunk)
                if compare {
                    let stored = try await db.select().columns(Store.supplyColumns.map { SQLColumn($0) }).from("supply_links")
                        .where("supplier", .in, Array(Set(chunk.map(\.supplier)))).all(decoding: SupplyRow.self).map(\.value)
                    let set = Set(stored)
                    fresh = chunk.filter { !set.contains($0) }
                }
                guard !fresh.isEmpty else { continue }
                changed += fresh.count
                var insert = db.insert(into: "supply_links").columns(Store.supplyColumns)
                for l in fresh {
                    insert = insert.values(SQLBind(l.supplier), SQLBind(l.supplierName), SQLBind(l.supplierRegion), SQLBind(l.customer),
                                           SQLBind(l.product), SQLBind(l.chain), SQLBind(l.link), SQLBind(l.annualValue))
                }
                try await insert.onConflict(with: ["supplier", "customer", "product"]) { conflict in
                    var c = conflict
                    for column in ["supplier_name", "supplier_region", "chain", "link", "annual_value"] { c = c.set(excludedValueOf: column) }
                    return c
                }.run()
            }
            return changed
        }
        if let db { return try await work(db) }
        return try await transaction(work)
    }

    /// Supply links where the enterprise is supplier or customer.
    public func supplyLinks(of uscc: String) async throws -> [SupplyLink] {
        try await sql.select().columns(Store.supplyColumns.map { SQLColumn($0) }).from("supply_links")
            .where { $0.where("supplier", .equal, uscc).orWhere("customer", .equal, uscc) }
            .orderBy("annual_value", .descending).all(decoding: SupplyRow.self).map(\.value)
    }

    /// Every supply link.
    public func allSupplyLinks() async throws -> [SupplyLink] {
        try await sql.select().columns(Store.supplyColumns.map { SQLColumn($0) }).from("supply_links")
            .all(decoding: SupplyRow.self).map(\.value)
    }

    public func supplyLinkCount() async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("supply_links").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }
}
