import Foundation
import SQLKit

/// One stored version of a province's reference table (chains, zones): who imported it, when, how many rows.
public struct ReferenceVersion: Codable, Sendable, Hashable {
    public let kind: String
    public let version: Int
    public let actor: String
    public let importedAt: String
    public let fileName: String
    public let rowCount: Int
}

/// A database set to one province refused another (`brain serve --province 44` on a Jiangxi database).
public struct ProvinceMismatch: Error, CustomStringConvertible {
    public let stored: String
    public let requested: String
    public var description: String {
        "this database belongs to province \(stored); it cannot be opened as province \(requested) (start without --province, or use another --data folder or --database)"
    }
}

private struct VersionRow: Decodable {
    let kind: String, version: Int, actor: String, imported_at: String, file_name: String, row_count: Int
    var value: ReferenceVersion {
        ReferenceVersion(kind: kind, version: version, actor: actor, importedAt: imported_at, fileName: file_name, rowCount: row_count)
    }
}

extension Store {
    /// The setting that holds the database's two-digit province code.
    public static let provinceSetting = "province.code"

    /// The province of this database (two digits), or nil on a database not yet set.
    public func province() async throws -> String? { try await setting(Self.provinceSetting) }

    /// Settles the database's province: a database already set keeps its province and refuses another `requested` one
    /// with `ProvinceMismatch`; an unset database takes `requested` when it holds no enterprises, else (a database
    /// from before provinces were recorded, which holds Jiangxi's data) it is Jiangxi, 36. Returns the province in force.
    public func settleProvince(requested: String?) async throws -> String {
        if let stored = try await province() {
            if let requested, requested != stored { throw ProvinceMismatch(stored: stored, requested: requested) }
            return stored
        }
        let empty = try await enterpriseCount() == 0
        let chosen = empty ? (requested ?? "36") : "36"
        if let requested, requested != chosen { throw ProvinceMismatch(stored: chosen, requested: requested) }
        let inForce = try await settingIfAbsent(Self.provinceSetting, chosen)
        if let requested, requested != inForce { throw ProvinceMismatch(stored: inForce, requested: requested) }
        return inForce
    }

    /// Stores a new version of a reference table and returns it (versions count from 1 per kind).
    public func addReferenceVersion(kind: String, actor: String, fileName: String, rowCount: Int, content: String) async throws -> ReferenceVersion {
        try await transaction { db in
            try await self.addReferenceVersion(kind: kind, actor: actor, fileName: fileName, rowCount: rowCount, content: content, in: db)
        }
    }

    /// Stores a new version of a reference table inside the caller's transaction.
    func addReferenceVersion(kind: String, actor: String, fileName: String, rowCount: Int, content: String,
                             in db: any SQLDatabase) async throws -> ReferenceVersion {
        let at = Timestamp.precise()
        do {
            let row = try await db.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "v")
                .from("reference_versions").where("kind", .equal, kind).first()
            let next = (try row?.decode(column: "v", as: Int?.self) ?? 0) + 1
            try await db.insert(into: "reference_versions")
                .columns("kind", "version", "actor", "imported_at", "file_name", "row_count", "content")
                .values(SQLBind(kind), SQLBind(next), SQLBind(actor), SQLBind(at), SQLBind(fileName), SQLBind(rowCount), SQLBind(content))
                .run()
            return ReferenceVersion(kind: kind, version: next, actor: actor, importedAt: at, fileName: fileName, rowCount: rowCount)
        }
    }

    /// Every stored version of a reference table, newest first.
    public func referenceVersions(kind: String) async throws -> [ReferenceVersion] {
        try await sql.select().columns("kind", "version", "actor", "imported_at", "file_name", "row_count")
            .from("reference_versions").where("kind", .equal, kind).orderBy("version", .descending)
            .all(decoding: VersionRow.self).map(\.value)
    }

    /// The content of one version of a reference table (the newest when `version` is nil), or nil when there is none.
    public func referenceContent(kind: String, version: Int? = nil) async throws -> (version: ReferenceVersion, content: String)? {
        var q = sql.select().columns("kind", "version", "actor", "imported_at", "file_name", "row_count", "content")
            .from("reference_versions").where("kind", .equal, kind)
        if let version { q = q.where("version", .equal, version) }
        guard let row = try await q.orderBy("version", .descending).limit(1).first() else { return nil }
        let meta = try row.decode(model: VersionRow.self)
        return (meta.value, try row.decode(column: "content", as: String.self))
    }
}
