import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// What one import of a reference table stored.
public struct ReferenceImportResult: Codable, Sendable, Hashable {
    public let kind: String
    public let version: Int
    public let rows: Int
    /// Chains (or zones) defined by the new version.
    public let entries: Int
    /// Links defined (chains only; 0 for zones).
    public let links: Int
    public let importedAt: String
    public let actor: String
    /// Policies only: ids new in this version, ids withdrawn before that stand again, and ids withdrawn because the
    /// version no longer lists them (their awards and applications stay).
    public var added: [String]? = nil
    public var reinstated: [String]? = nil
    public var withdrawn: [String]? = nil
}

/// The stored versions of one reference table, newest first.
public struct ReferenceVersionList: Codable, Sendable, Hashable {
    public let kind: String
    public let province: String
    /// Where the table in force comes from (`imported version 3`, `bundled chains-jiangxi.json`, `none`).
    public let inForce: String
    public let versions: [ReferenceVersion]
}

/// The province's own reference data (参考数据): chain definitions and development zones imported as tables, each import a
/// new stored version (who, when, rows) with the earlier ones kept; the table in force exported as the same table.
public struct ReferenceDesk: Sendable {
    public let store: Store
    public let catalog: RegionCatalog

    public init(store: Store, catalog: RegionCatalog) {
        self.store = store
        self.catalog = catalog
    }

    /// The kinds of reference table.
    public enum Kind: String, Sendable, CaseIterable {
        case chains, zones, policies, tiles, catalogue, questionnaire, targets

        /// The table's name in messages.
        public var table: String {
            switch self {
            case .chains: return "chain definitions"
            case .zones: return "zones"
            case .policies: return "policy table"
            case .tiles: return "city tile layout"
            case .catalogue: return "service catalogue"
            case .questionnaire: return "diagnosis questionnaire"
            case .targets: return "annual target table"
            }
        }
    }

    /// Imports a chain definition table (CSV, UTF-8 or GBK, or an XLSX workbook's first sheet): validates it (`ChainTableError` names every row and
    /// column at fault), stores it as a new version and puts it in force for this province at once.
    public func importChains(_ data: Data, fileName: String, by p: Principal) async throws -> ReferenceImportResult {
        try p.require(.manageReference)
        let parsed = try ChainTable.read(data: data, fileName: fileName, origin: "imported")
        return try await store(chains: parsed.book, rows: parsed.rows, fileName: fileName, actor: p.username)
    }

    /// Stores a validated chain book as a new version and puts it in force (the CLI and the API both end here).
    public func store(chains book: ChainBook, rows: Int, fileName: String, actor: String) async throws -> ReferenceImportResult {
        let stored = try await store.addReferenceVersion(kind: Kind.chains.rawValue, actor: actor, fileName: fileName, rowCount: rows,
                                                         content: ChainTable.csv(book))
        catalog.chainShelf.replace(with: ChainBook(chains: book.chains, industryClasses: book.industryClasses,
                                                   origin: "imported version \(stored.version)"))
        return ReferenceImportResult(kind: Kind.chains.rawValue, version: stored.version, rows: rows, entries: book.chains.count,
                                     links: book.chains.reduce(0) { $0 + $1.links.count }, importedAt: stored.importedAt, actor: actor)
    }

    /// The chain definitions in force as the same table (CSV), whether imported or bundled.
    public func exportChains(by p: Principal) throws -> String {
        try p.require(.manageReference)
        return ChainTable.csv(catalog.chains)
    }

    /// One stored version of the chain definitions as CSV (404 when there is no such version).
    public func exportChains(version: Int, by p: Principal) async throws -> String {
        try await export(.chains, version: version, by: p)
    }

    /// Imports a zone table (CSV, UTF-8 or GBK, or an XLSX workbook's first sheet): validates it against the province's regions and chains
    /// (`ChainTableError` names every row and column at fault), stores it as a new version and puts it in force at once.
    public func importZones(_ data: Data, fileName: String, by p: Principal) async throws -> ReferenceImportResult {
        try p.require(.manageReference)
        let parsed = try ZoneTable.read(data: data, fileName: fileName, catalog: catalog)
        return try await store(zones: parsed.zones, rows: parsed.rows, fileName: fileName, actor: p.username)
    }

    /// Stores validated zones as a new version and puts them in force (the CLI and the API both end here).
    public func store(zones: [DevelopmentZone], rows: Int, fileName: String, actor: String) async throws -> ReferenceImportResult {
        let stored = try await store.addReferenceVersion(kind: Kind.zones.rawValue, actor: actor, fileName: fileName, rowCount: rows,
                                                         content: ZoneTable.csv(zones))
        catalog.zoneShelf.replace(with: zones, origin: "imported version \(stored.version)")
        return ReferenceImportResult(kind: Kind.zones.rawValue, version: stored.version, rows: rows, entries: zones.count, links: 0,
                                     importedAt: stored.importedAt, actor: actor)
    }

    /// The zones in force as the same table (CSV), whether imported or bundled.
    public func exportZones(by p: Principal) throws -> String {
        try p.require(.manageReference)
        return ZoneTable.csv(catalog.zones)
    }

    /// One stored version of a reference table as CSV (404 when there is no such version).
    public func export(_ kind: Kind, version: Int, by p: Principal) async throws -> String {
        try p.require(.manageReference)
        guard let found = try await store.referenceContent(kind: kind.rawValue, version: version) else {
            throw AppError.notFound("no stored version \(version) of the \(kind.table)")
        }
        return found.content
    }

    /// Every stored version of a reference table, newest first, with what is in force.
    public func versions(_ kind: Kind, by p: Principal) async throws -> ReferenceVersionList {
        try p.require(.manageReference)
        return ReferenceVersionList(kind: kind.rawValue, province: catalog.provinceCode, inForce: try await inForce(kind),
                                    versions: try await store.referenceVersions(kind: kind.rawValue))
    }

    /// Where the table in force comes from (`imported version 3`, `bundled chains-jiangxi.json`, `none`).
    public func inForce(_ kind: Kind) async throws -> String {
        switch kind {
        case .chains: return catalog.chains.origin
        case .zones: return catalog.zoneShelf.origin
        case .policies: return try await policiesOrigin()
        case .tiles: return catalog.tileShelf.origin
        case .catalogue: return try await catalogueOrigin()
        case .questionnaire:
            let newest = try await store.referenceVersions(kind: Kind.questionnaire.rawValue).first
            return newest.map { "imported version \($0.version)" } ?? "bundled questionnaire-miit-2024.json (\(Questionnaire.standard.version))"
        case .targets:
            let newest = try await store.referenceVersions(kind: Kind.targets.rawValue).first
            return newest.map { "imported version \($0.version)" } ?? "none"
        }
    }

    /// The chain catalogue a province starts with: its newest imported version, else the bundled Jiangxi chains for 36,
    /// else none. A stored version that no longer reads is an error naming the version (never silently dropped).
    public static func chains(in store: Store, province: String) async throws -> ChainBook {
        if let stored = try await store.referenceContent(kind: Kind.chains.rawValue) {
            do {
                let book = try ChainTable.read(csv: stored.content, origin: "imported version \(stored.version.version)").book
                return book
            } catch {
                throw StoreError("stored chain definitions version \(stored.version.version) do not read: \(error)")
            }
        }
        return province == "36" ? .jiangxi : .empty
    }

    /// The reference data of the database's province: its regions from the national list, its chains and its zones
    /// (the newest imported version, else the bundled Jiangxi zones for 36, else none).
    public static func catalog(for store: Store, province: String) async throws -> RegionCatalog {
        let chains = try await chains(in: store, province: province)
        let catalog = try RegionCatalog.province(province, chains: chains)
        if let stored = try await store.referenceContent(kind: Kind.zones.rawValue) {
            do {
                let zones = try ZoneTable.read(csv: stored.content, catalog: catalog).zones
                catalog.zoneShelf.replace(with: zones, origin: "imported version \(stored.version.version)")
            } catch {
                throw StoreError("stored zones version \(stored.version.version) do not read: \(error)")
            }
        }
        if let stored = try await store.referenceContent(kind: Kind.tiles.rawValue) {
            do {
                let tiles = try TileTable.read(csv: stored.content, catalog: catalog).tiles
                catalog.tileShelf.replace(with: tiles, origin: "imported version \(stored.version.version)")
            } catch {
                throw StoreError("stored city tile layout version \(stored.version.version) does not read: \(error)")
            }
        }
        return catalog
    }
}
