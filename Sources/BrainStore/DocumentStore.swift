import Foundation
import SQLKit

/// A table that keeps each record as one JSON document plus a few plain columns to filter on.
public struct DocumentTable: Sendable {
    public let name: String
    public let key: String
    /// Plain columns written next to the document (besides the key), in order.
    public let columns: [String]

    public static let providers = DocumentTable(name: "service_providers", key: "id", columns: ["kind"])
    public static let solutions = DocumentTable(name: "service_solutions", key: "id", columns: ["provider_id"])
    public static let diagnoses = DocumentTable(name: "diagnoses", key: "id", columns: ["uscc", "submitted_at", "total", "level"])
    public static let referrals = DocumentTable(name: "referrals", key: "id", columns: ["uscc", "solution_id", "state"])
    public static let listings = DocumentTable(name: "market_listings", key: "id", columns: ["uscc", "kind", "state"])
    public static let demoProjects = DocumentTable(name: "demo_projects", key: "id", columns: ["uscc"])
    public static let investmentTargets = DocumentTable(name: "investment_targets", key: "code", columns: ["link"])
    public static let dataGrants = DocumentTable(name: "data_grants", key: "id", columns: ["owner", "grantee"])
    public static let announcements = DocumentTable(name: "announcements", key: "id", columns: ["publish_at", "state"])
    public static let securityEvents = DocumentTable(name: "security_events", key: "id", columns: ["at", "level", "kind", "state"])
}

/// One row for a document table: the key, the plain column values in the table's order, and the record.
public struct DocumentRow<T: Encodable & Sendable>: Sendable {
    public let key: String
    public let values: [any Encodable & Sendable]
    public let doc: T
    public init(key: String, values: [any Encodable & Sendable], doc: T) { self.key = key; self.values = values; self.doc = doc }
}

extension Store {
    /// Inserts or replaces documents by key, all in one transaction.
    public func putDocuments<T: Encodable & Sendable>(_ table: DocumentTable, _ rows: [DocumentRow<T>]) async throws {
        guard !rows.isEmpty else { return }
        let columns = [table.key] + table.columns + ["doc"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        documentCache.bump(table.name)
        defer { documentCache.bump(table.name) }
        try await transaction { db in
            for chunk in rows.chunked(maxBinds: columns.count, dialect: self.kind) {
                var insert = db.insert(into: table.name).columns(columns)
                for r in chunk {
                    precondition(r.values.count == table.columns.count, "\(table.name): \(table.columns.count) column values expected")
                    let json = String(decoding: try encoder.encode(r.doc), as: UTF8.self)
                    insert = insert.values([SQLBind(r.key)] + r.values.map { SQLBind($0) } + [SQLBind(json)])
                }
                try await insert.onConflict(with: [table.key]) { c in
                    var c = c
                    for col in columns.dropFirst() { c = c.set(excludedValueOf: col) }
                    return c
                }.run()
            }
        }
    }

    /// Documents of a table, optionally filtered by equality on plain columns, in key order (or `orderBy`).
    public func documents<T: Decodable>(_ table: DocumentTable, as type: T.Type, where filters: [(String, String)] = [],
                                        orderBy: String? = nil, descending: Bool = false, limit: Int? = nil) async throws -> [T] {
        var q = sql.select().column("doc").from(table.name)
        for (column, value) in filters { q = q.where(SQLColumn(column), .equal, SQLBind(value)) }
        q = q.orderBy(orderBy ?? table.key, descending ? .descending : .ascending)
        if orderBy != nil { q = q.orderBy(table.key) }
        if let limit { q = q.limit(limit) }
        let decoder = JSONDecoder()
        return try await q.all().map { row in
            try decoder.decode(T.self, from: Data(try row.decode(column: "doc", as: String.self).utf8))
        }
    }

    /// One document by key.
    public func document<T: Decodable>(_ table: DocumentTable, key: String, as type: T.Type) async throws -> T? {
        guard let row = try await sql.select().column("doc").from(table.name).where(SQLColumn(table.key), .equal, SQLBind(key)).first() else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(try row.decode(column: "doc", as: String.self).utf8))
    }

    /// Number of documents in a table.
    public func documentCount(_ table: DocumentTable) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table.name).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
