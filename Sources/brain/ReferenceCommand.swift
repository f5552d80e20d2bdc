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
        commandName: "reference", abstract: "The province's reference data: chain definitions (产业链定义表), development zones (开发区表), policies (政策表), the tile map's city layout (城市瓦片图表) the service catalogue (服务资源目录表), the diagnosis questionnaire (问诊问卷表) and the annual targets (年度目标表).",
        subcommands: [Import.self, Export.self, Versions.self])

    /// `brain reference import chains|zones|policies|tiles|catalogue|questionnaire|targets FILE`
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a chain definition table (CSV: chain_code, chain_name, cluster, link_code, link_name, stage, feeds, products, industries), a zone table (CSV: code, name, short_name, level, kind, region, chains) a policy table (CSV: id, name, issuer, document_no, kind, category, summary, amount, valid_from, valid_until, regions, criteria) a city tile table (CSV: city_code, row, column) or a service catalogue table (CSV: solution_id, title, category, tags, chains, areas, price_min, price_max, summary, cases, provider_id, provider_name, provider_kind, provider_region, provider_contact, provider_description) or a questionnaire table (CSV: version, title, area_code, area_name, area_weight, subarea_code, subarea_name, subarea_weight, question_id, question_text, maturity_level, advice, option_label, option_points) or an annual target table (CSV: region, year, indicator, target) as a new version.",
            discussion: "Nothing is stored when a row is wrong; every problem is printed with its row and column (exit status 3). Policies the new policy table no longer lists are withdrawn, never deleted (their awards stay). A running server picks the new version up at its next start or through the API import.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "chains, zones, policies, tiles, catalogue, questionnaire or targets") var kind: String
        @Argument(help: "CSV file (UTF-8 with or without BOM, or GBK)") var file: String

        func run() async throws {
            guard let k = ReferenceDesk.Kind(rawValue: kind) else { throw ValidationError("unknown reference kind \(kind); use chains, zones, policies, tiles, catalogue, questionnaire or targets") }
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
                case .policies:
                    let parsed = try PolicyTable.read(data: data, fileName: fileName, catalog: catalog, createdBy: actor)
                    result = try await desk.store(policies: parsed.policies, rows: parsed.rows, fileName: fileName, actor: actor)
                case .tiles:
                    let parsed = try TileTable.read(data: data, fileName: fileName, catalog: catalog)
                    result = try await desk.store(tiles: parsed.tiles, rows: parsed.rows, fileName: fileName, actor: actor)
                case .catalogue:
                    let parsed = try CatalogueTable.read(data: data, fileName: fileName, chains: Set(catalog.chains.codes),
                                                         areas: ReferenceDesk.catalogueAreas(try await DiagnosisDesk.storedQuestionnaire(in: db)))
                    let catalogue = CatalogueDesk(store: db, cipher: try FieldCipher.load(dataDirectory: store.data))
                    result = try await desk.store(catalogue: parsed, fileName: fileName, actor: actor, into: catalogue)
                case .questionnaire:
                    let parsed = try QuestionnaireTable.read(data: data, fileName: fileName)
                    result = try await desk.store(questionnaire: parsed.questionnaire, rows: parsed.rows, fileName: fileName, actor: actor, into: nil)
                case .targets:
                    let parsed = try TargetTable.read(data: data, fileName: fileName, catalog: catalog)
                    result = try await desk.store(targets: parsed.targets, rows: parsed.rows, fileName: fileName, actor: actor, shelf: nil)
                }
            } catch let e as ChainTableError {
                try? await refused(db, actor: actor, fileName: fileName, reason: "\(e.problems.count) problem(s): \(e.problems.first?.description ?? "")")
                await db.close()
                for p in e.problems { print(p.description) }
                print("nothing imported: \(e.problems.count) problem(s)")
                throw ExitCode(3)
            } catch {
                try? await refused(db, actor: actor, fileName: fileName, reason: String(describing: error))
                await db.close()
                throw Failure(String(describing: error))
            }
            try await AuditLedger(store: db).record(AuditEvent(actor: actor, action: "import reference \(kind)", target: "reference:\(kind):\(result.version)",
                                                               source: "cli", detail: Self.detail(["rows": String(result.rows), "entries": String(result.entries),
                                                                                                   "withdrawn": (result.withdrawn ?? []).joined(separator: ";")])))
            await db.close()
            switch k {
            case .chains: print("chain definitions version \(result.version) of province \(catalog.provinceCode): \(result.entries) chains, \(result.links) links from \(result.rows) rows")
            case .zones: print("zones version \(result.version) of province \(catalog.provinceCode): \(result.entries) zones from \(result.rows) rows")
            case .policies:
                print("policy table version \(result.version) of province \(catalog.provinceCode): \(result.entries) policies from \(result.rows) rows")
                for (what, ids) in [("added", result.added), ("listed again after a withdrawal", result.reinstated), ("withdrawn (awards kept)", result.withdrawn)] {
                    if let ids, !ids.isEmpty { print("  \(what): \(ids.joined(separator: ", "))") }
                }
            case .tiles: print("city tile layout version \(result.version) of province \(catalog.provinceCode): \(result.entries) cities")
            case .catalogue:
                print("service catalogue version \(result.version) of province \(catalog.provinceCode): \(result.entries) solutions from \(result.rows) rows")
                for (what, ids) in [("added", result.added), ("withdrawn (referrals kept)", result.withdrawn)] {
                    if let ids, !ids.isEmpty { print("  \(what): \(ids.joined(separator: ", "))") }
                }
            case .questionnaire: print("questionnaire version \(result.version) of province \(catalog.provinceCode): \(result.entries) questions from \(result.rows) rows; new diagnoses use it, earlier results keep theirs")
            case .targets: print("annual target table version \(result.version) of province \(catalog.provinceCode): \(result.entries) targets from \(result.rows) rows")
            }
        }

        /// Writes the refusal of an import to the audit ledger (what the API's middleware does for a refused request).
        func refused(_ db: Store, actor: String, fileName: String, reason: String) async throws {
            try await AuditLedger(store: db).record(AuditEvent(actor: actor, action: "import reference \(kind) refused", target: "reference:\(kind)",
                                                               source: "cli", outcome: "rejected",
                                                               detail: Self.detail(["file": String(fileName.prefix(200)), "reason": String(reason.prefix(500))])))
        }

        /// A JSON object of text values for a ledger entry's detail.
        static func detail(_ fields: [String: String]) -> String {
            (try? String(decoding: JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)) ?? "{}"
        }
    }

    /// `brain reference export chains|zones|policies|tiles|catalogue|questionnaire|targets [--version N] [--out FILE]`
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the chain definitions, zones, policies, city tiles, service catalogue or questionnaire in force (or a stored version) as the same CSV table.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "chains, zones, policies, tiles, catalogue, questionnaire or targets") var kind: String
        @Option(help: "A stored version (default: the one in force).") var version: Int?
        @Option(help: "Write to this file instead of standard output.") var out: String?

        func run() async throws {
            guard let k = ReferenceDesk.Kind(rawValue: kind) else { throw ValidationError("unknown reference kind \(kind); use chains, zones, policies, tiles, catalogue, questionnaire or targets") }
            let (db, catalog) = try await store.openProvince()
            var text: String
            switch k {
            case .chains: text = ChainTable.csv(catalog.chains)
            case .zones: text = ZoneTable.csv(catalog.zones)
            case .policies: text = PolicyTable.csv(try await db.policies().filter { $0.withdrawnAt == nil })
            case .tiles: text = TileTable.csv(catalog.tiles)
            case .catalogue:
                let catalogue = CatalogueDesk(store: db, cipher: try FieldCipher.load(dataDirectory: store.data))
                text = CatalogueTable.csv(providers: try await catalogue.providers(), solutions: try await catalogue.solutions())
            case .questionnaire: text = QuestionnaireTable.csv(try await DiagnosisDesk.storedQuestionnaire(in: db))
            case .targets:
                let shelf = TargetShelf()
                try await ReferenceDesk.loadTargets(from: db, catalog: catalog, into: shelf)
                text = TargetTable.csv(shelf.targets)
            }
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

    /// `brain reference versions chains|zones|policies|tiles|catalogue|questionnaire|targets`
    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored versions of the chain definitions, zones, policies, city tiles, service catalogue or questionnaire (who, when, rows).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "chains, zones, policies, tiles, catalogue, questionnaire or targets") var kind: String

        func run() async throws {
            guard let k = ReferenceDesk.Kind(rawValue: kind) else { throw ValidationError("unknown reference kind \(kind); use chains, zones, policies, tiles, catalogue, questionnaire or targets") }
            let (db, catalog) = try await store.openProvince()
            let versions = try await db.referenceVersions(kind: kind)
            let inForce = try await ReferenceDesk(store: db, catalog: catalog).inForce(k)
            await db.close()
            print("province \(catalog.provinceCode) \(catalog.province.name); in force: \(inForce)")
            for v in versions { print("version \(v.version)  \(v.importedAt)  \(v.actor)  \(v.rowCount) rows  \(v.fileName)") }
            if versions.isEmpty { print("no imported versions") }
        }
    }
}
