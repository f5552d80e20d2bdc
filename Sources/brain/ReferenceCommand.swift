import ArgumentParser
import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// `brain reference import|export|versions chains`: the province's own reference tables.
struct ReferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference", abstract: "The province's reference data: chain definitions (产业链定义表) and development zones (开发区表).",
        subcommands: [Import.self, Export.self, Versions.self])

    /// `brain reference import chains|zones FILE`
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a chain definition table (CSV: chain_code, chain_name, cluster, link_code, link_name, stage, feeds, products, industries) or a zone table (CSV: code, name, short_name, level, kind, region, chains) as a new version.",
            discussion: "Nothing is stored when a row is wrong; every problem is printed with its row and column (exit status 3). A running server picks the new chains up at its next start or through the API import.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "chains or zones") var kind: String
        @Argument(help: "CSV file (UTF-8 with or without BOM, or GBK)") var file: String

        func run() async throws {
            guard let k = ReferenceDesk.Kind(rawValue: kind) else { throw ValidationError("unknown reference kind \(kind); use chains or zones") }
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let (db, catalog) = try await store.openProvince()
            let desk = ReferenceDesk(store: db, catalog: catalog)
            let actor = "cli:\(NSUserName())", fileName = (file as NSString).lastPathComponent
            let result: ReferenceImportResult
            do {
                switch k {
                case .chains:
                    let parsed = try ChainTable.read(data: data, fileName: fileName, origin: "imported")
                    result = try await desk.store(chains: parsed.book, rows: parsed.rows, fileName: fileName, actor: actor)
                case .zones:
                    let parsed = try ZoneTable.read(data: data, fileName: fileName, catalog: catalog)
                    result = try await desk.store(zones: parsed.zones, rows: parsed.rows, fileName: fileName, actor: actor)
                }
            } catch let e as ChainTableError {
                await db.close()
                for p in e.problems { print(p.description) }
                print("nothing imported: \(e.problems.count) problem(s)")
                throw ExitCode(3)
            } catch {
                await db.close()
                throw Failure(String(describing: error))
            }
            try await AuditLedger(store: db).record(AuditEvent(actor: actor, action: "import reference \(kind)", target: "reference:\(kind):\(result.version)",
                                                               source: "cli", detail: "{\"rows\":\(result.rows),\"entries\":\(result.entries)}"))
            await db.close()
            switch k {
            case .chains: print("chain definitions version \(result.version) of province \(catalog.provinceCode): \(result.entries) chains, \(result.links) links from \(result.rows) rows")
            case .zones: print("zones version \(result.version) of province \(catalog.provinceCode): \(result.entries) zones from \(result.rows) rows")
            }
        }
    }

    /// `brain reference export chains|zones [--version N] [--out FILE]`
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the chain definitions or zones in force (or a stored version) as the same CSV table.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "chains or zones") var kind: String
        @Option(help: "A stored version (default: the one in force).") var version: Int?
        @Option(help: "Write to this file instead of standard output.") var out: String?

        func run() async throws {
            guard let k = ReferenceDesk.Kind(rawValue: kind) else { throw ValidationError("unknown reference kind \(kind); use chains or zones") }
            let (db, catalog) = try await store.openProvince()
            var text = k == .chains ? ChainTable.csv(catalog.chains) : ZoneTable.csv(catalog.zones)
            if let version {
                guard let stored = try await db.referenceContent(kind: kind, version: version) else {
                    await db.close()
                    throw Failure("no stored version \(version) of the \(kind)")
                }
                text = stored.content
            }
            await db.close()
            if let out { try Data(("\u{FEFF}" + text).utf8).write(to: URL(fileURLWithPath: out)) } else { print(text, terminator: "") }
        }
    }

    /// `brain reference versions chains|zones`
    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored versions of the chain definitions or zones (who, when, rows).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "chains or zones") var kind: String

        func run() async throws {
            guard ReferenceDesk.Kind(rawValue: kind) != nil else { throw ValidationError("unknown reference kind \(kind); use chains or zones") }
            let (db, catalog) = try await store.openProvince()
            let versions = try await db.referenceVersions(kind: kind)
            await db.close()
            print("province \(catalog.provinceCode) \(catalog.province.name); in force: \(kind == "chains" ? catalog.chains.origin : catalog.zoneShelf.origin)")
            for v in versions { print("version \(v.version)  \(v.importedAt)  \(v.actor)  \(v.rowCount) rows  \(v.fileName)") }
            if versions.isEmpty { print("no imported versions") }
        }
    }
}
