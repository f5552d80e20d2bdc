import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

extension ReferenceDesk {
    /// Imports an annual target table (年度目标表; CSV or an XLSX workbook's first sheet: region, year, indicator,
    /// target): validates it against the province's regions (`ChainTableError` names every row and column at fault;
    /// nothing is taken when one row is wrong, since a version replaces the whole table), stores it as a new version and
    /// puts it in force for the dashboard's 目标完成率 and 增加值增速 at once.
    public func importTargets(_ data: Data, fileName: String, by p: Principal, shelf: TargetShelf) async throws -> ReferenceImportResult {
        try p.require(.manageReference)
        let parsed = try TargetTable.read(data: data, fileName: fileName, catalog: catalog)
        return try await store(targets: parsed.targets, rows: parsed.rows, fileName: fileName, actor: p.username, shelf: shelf)
    }

    /// Stores validated targets as a new version and puts them in force (the CLI and the API both end here; the CLI
    /// passes no shelf, and a server reads the newest version when it starts).
    public func store(targets: [AnnualTarget], rows: Int, fileName: String, actor: String, shelf: TargetShelf?) async throws -> ReferenceImportResult {
        let stored = try await store.addReferenceVersion(kind: Kind.targets.rawValue, actor: actor, fileName: fileName, rowCount: rows,
                                                         content: TargetTable.csv(targets))
        shelf?.replace(with: targets, origin: "imported version \(stored.version)")
        return ReferenceImportResult(kind: Kind.targets.rawValue, version: stored.version, rows: rows, entries: targets.count, links: 0,
                                     importedAt: stored.importedAt, actor: actor)
    }

    /// The targets in force as the same table (CSV; only the header when none was imported).
    public func exportTargets(by p: Principal, shelf: TargetShelf) throws -> String {
        try p.require(.manageReference)
        return TargetTable.csv(shelf.targets)
    }

    /// Puts the newest stored target table in force (a server's start). A stored version that no longer reads is an
    /// error naming the version.
    public static func loadTargets(from store: Store, catalog: RegionCatalog, into shelf: TargetShelf) async throws {
        guard let stored = try await store.referenceContent(kind: Kind.targets.rawValue) else { return }
        do {
            let targets = try TargetTable.read(csv: stored.content, catalog: catalog).targets
            shelf.replace(with: targets, origin: "imported version \(stored.version.version)")
        } catch {
            throw StoreError("stored target table version \(stored.version.version) does not read: \(error)")
        }
    }
}
