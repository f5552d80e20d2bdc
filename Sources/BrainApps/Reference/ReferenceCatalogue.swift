import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

extension ReferenceDesk {
    /// The diagnosis sub-areas a catalogue table's `areas` may name: those of the questionnaire in force.
    public static func catalogueAreas(_ questionnaire: Questionnaire) -> Set<String> { Set(questionnaire.subareaCodes) }

    /// Imports a service catalogue table (服务资源目录表; CSV or an XLSX workbook's first sheet) as a new version, all or
    /// nothing: every row is checked first (`ChainTableError` names every row and column at fault). Solutions the table no
    /// longer lists are withdrawn, never deleted; referrals to them keep their history.
    public func importCatalogue(_ data: Data, fileName: String, by p: Principal, catalogue: CatalogueDesk,
                                questionnaire: Questionnaire) async throws -> ReferenceImportResult {
        try p.require(.manageReference)
        let parsed = try CatalogueTable.read(data: data, fileName: fileName, chains: Set(catalog.chains.codes), areas: Self.catalogueAreas(questionnaire))
        return try await store(catalogue: parsed, fileName: fileName, actor: p.username, into: catalogue)
    }

    /// Stores a validated catalogue as a new version and puts it in force (the CLI and the API both end here).
    public func store(catalogue content: CatalogueTable.Content, fileName: String, actor: String, into desk: CatalogueDesk) async throws -> ReferenceImportResult {
        let (added, withdrawn) = try await desk.replace(providers: content.providers, solutions: content.solutions)
        let stored = try await store.addReferenceVersion(kind: Kind.catalogue.rawValue, actor: actor, fileName: fileName, rowCount: content.rows,
                                                         content: CatalogueTable.csv(providers: content.providers, solutions: content.solutions))
        var result = ReferenceImportResult(kind: Kind.catalogue.rawValue, version: stored.version, rows: content.rows, entries: content.solutions.count,
                                           links: 0, importedAt: stored.importedAt, actor: actor)
        result.added = added
        result.withdrawn = withdrawn
        return result
    }

    /// The catalogue in force (every listed solution with its provider, contacts decrypted) as the same table (CSV);
    /// importing it unchanged changes nothing.
    public func exportCatalogue(by p: Principal, catalogue: CatalogueDesk) async throws -> String {
        try p.require(.manageReference)
        return CatalogueTable.csv(providers: try await catalogue.providers(), solutions: try await catalogue.solutions())
    }

    /// Where the catalogue in force comes from: the newest imported version, the bundled demo catalogue, or none.
    func catalogueOrigin() async throws -> String {
        if let newest = try await store.referenceVersions(kind: Kind.catalogue.rawValue).first { return "imported version \(newest.version)" }
        if try await store.documentCount(.solutions) == 0 { return "none" }
        return try await store.setting("demo.manifest") != nil ? "bundled demo service-catalogue-demo.json" : "solutions written one by one (no imported version)"
    }
}
