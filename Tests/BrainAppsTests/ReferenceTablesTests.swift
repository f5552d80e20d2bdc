import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// The tile layout, the service catalogue and the questionnaire as reference tables: problems named by row and column,
/// exports that read back unchanged, replacements that withdraw rather than delete, results that keep their questionnaire.
@Suite(.serialized) struct ReferenceTablesTests {
    static func emptyStore() async throws -> Store {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-reftables-\(UUID().uuidString)").path
        return try await Store.openSQLite(path: dir + "/r.sqlite")
    }

    static func problems(_ body: () throws -> Void) -> [String] {
        do { try body(); return [] } catch let e as ChainTableError { return e.problems.map { "\($0.row):\($0.column)" } } catch { return ["\(error)"] }
    }

    // MARK: tiles

    @Test func tileLayoutsReadBackAndAreGeneratedForAnotherProvince() throws {
        let jiangxi = try RegionCatalog.province("36")
        #expect(jiangxi.tiles.count == 11)
        #expect(jiangxi.tileShelf.origin == "bundled city-tiles-jiangxi.csv")
        let text = TileTable.csv(jiangxi.tiles)
        #expect(TileTable.csv(try TileTable.read(csv: text, catalog: jiangxi).tiles) == text)
        // Guangdong has no bundled layout: every city gets a tile of its own on a near-square grid.
        let guangdong = try RegionCatalog.province("44")
        #expect(guangdong.tiles.count == guangdong.cities.count && guangdong.cities.count == 21)
        #expect(Set(guangdong.tiles.map { "\($0.row),\($0.column)" }).count == 21)
        #expect(guangdong.tiles.map(\.column).max() == 4)
        #expect(guangdong.tileShelf.origin == "generated in code order")
    }

    @Test func tileProblemsAreNamedByRowAndColumn() throws {
        let jiangxi = try RegionCatalog.province("36")
        var lines = TileTable.csv(jiangxi.tiles).split(separator: "\n").map(String.init)
        lines[1] = "440100,0,2"            // a Guangdong city
        lines[2] = lines[3].replacingOccurrences(of: lines[3].split(separator: ",")[0], with: "360121") // a county, not a city
        lines[4] = lines[4].split(separator: ",")[0] + ",1,x"
        let found = Self.problems { _ = try TileTable.read(csv: lines.joined(separator: "\n"), catalog: jiangxi) }
        #expect(found.contains("2:city_code"))
        #expect(found.contains("3:city_code"))
        #expect(found.contains("5:column"))
        #expect(found.contains { $0.hasSuffix(":city_code") && $0.hasPrefix("\(lines.count + 1):") })  // the cities left without a tile
        let clash = TileTable.csv(jiangxi.tiles).replacingOccurrences(of: "360200,0,3", with: "360200,0,2")
        #expect(Self.problems { _ = try TileTable.read(csv: clash, catalog: jiangxi) }.contains("3:column"))
    }

    // MARK: service catalogue

    @Test func theCatalogueReadsBackUnchangedAndNamesProblems() throws {
        let chains = Set(ChainBook.jiangxi.codes), areas = Set(Questionnaire.standard.subareaCodes)
        let text = CatalogueTable.csv(providers: SeededCatalogue.providers, solutions: SeededCatalogue.solutions)
        let read = try CatalogueTable.read(csv: text, chains: chains, areas: areas)
        #expect(read.solutions.count == SeededCatalogue.solutions.count)
        #expect(read.providers.count == SeededCatalogue.providers.count)
        #expect(CatalogueTable.csv(providers: read.providers, solutions: read.solutions) == text)
        #expect(read.solutions.map(\.cases) == SeededCatalogue.solutions.map(\.cases))
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0]
        let bad = header + "\n"
            + "X1,方案,智能化改造,,NOPE,foundation.nowhere,5,,简介,,P1,服务商,民间,360100,,\n"
            + "X2,方案,智能化改造,,,,,,简介,only one part,P2,服务商,本地服务商,999999,,\n"
            + "X3,方案,智能化改造,,,,,,简介,,P2,另一个名字,本地服务商,360100,,\n"
        let found = Self.problems { _ = try CatalogueTable.read(csv: bad, chains: chains, areas: areas) }
        for expected in ["2:chains", "2:areas", "2:price_max", "2:provider_kind", "3:cases", "3:provider_region", "4:provider_name"] {
            #expect(found.contains(expected), "expected \(expected) in \(found)")
        }
        lines.removeAll()
    }

    @Test func aSolutionLeftOutIsWithdrawnNotDeleted() async throws {
        let store = try await Self.emptyStore()
        let desk = CatalogueDesk(store: store)
        let reference = ReferenceDesk(store: store, catalog: .jiangxi)
        let all = CatalogueTable.Content(providers: SeededCatalogue.providers, solutions: SeededCatalogue.solutions, rows: SeededCatalogue.solutions.count)
        let first = try await reference.store(catalogue: all, fileName: "v1.csv", actor: "admin", into: desk)
        #expect(first.added?.count == SeededCatalogue.solutions.count)
        let gone = SeededCatalogue.solutions[0].id
        let fewer = CatalogueTable.Content(providers: SeededCatalogue.providers, solutions: Array(SeededCatalogue.solutions.dropFirst()), rows: 1)
        let second = try await reference.store(catalogue: fewer, fileName: "v2.csv", actor: "admin", into: desk)
        #expect(second.withdrawn == [gone])
        #expect(try await desk.solutions().contains { $0.id == gone } == false)
        #expect(try await desk.solutions(includingWithdrawn: true).first { $0.id == gone }?.withdrawnAt != nil)
        #expect(try await reference.inForce(.catalogue) == "imported version 2")
        await store.close()
    }

    // MARK: questionnaire

    @Test func theQuestionnaireReadsBackUnchanged() throws {
        let text = QuestionnaireTable.csv(.standard)
        let read = try QuestionnaireTable.read(csv: text)
        #expect(read.questionnaire == .standard)
        #expect(QuestionnaireTable.csv(read.questionnaire) == text)
        #expect(read.rows == Questionnaire.standard.questions.reduce(0) { $0 + $1.options.count })
    }

    @Test func questionnaireProblemsAreNamedByRowAndColumn() throws {
        var lines = QuestionnaireTable.csv(.standard).split(separator: "\n").map(String.init)
        // Row 2 (F1's first option): its points are not a number; row 3 says F1 has another text; the area weight of
        // row 4 disagrees with row 2's.
        func cells(_ i: Int) -> [String] { lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var two = cells(1); two[13] = "abc"; lines[1] = two.joined(separator: ",")
        var three = cells(2); three[9] = "另一道题"; lines[2] = three.joined(separator: ",")
        var four = cells(3); four[4] = "36"; lines[3] = four.joined(separator: ",")
        let found = Self.problems { _ = try QuestionnaireTable.read(csv: lines.joined(separator: "\n")) }
        #expect(found.contains("2:option_points"))
        #expect(found.contains("3:question_text"))
        #expect(found.contains("4:area_weight"))
        // A sub-area weight that breaks the sum is named at the sub-area's first row.
        var weights = QuestionnaireTable.csv(.standard).split(separator: "\n").map(String.init)
        weights = weights.map { $0.replacingOccurrences(of: ",foundation.equipment,设备数字化,30,", with: ",foundation.equipment,设备数字化,31,") }
        let sum = Self.problems { _ = try QuestionnaireTable.read(csv: weights.joined(separator: "\n")) }
        #expect(sum == ["2:subarea_weight"])
    }

    @Test func resultsKeepTheQuestionnaireTheyWereAnsweredOn() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-reftables-q-\(UUID().uuidString)").path
        let store = try await Store.openSQLite(path: dir + "/q.sqlite")
        _ = try await DemoSeeder(scale: .small, seed: 5, lastMonth: Fixture.last).seed(into: store, dataDirectory: dir)
        let cube = try await CubeBuilder.build(from: store, catalog: .jiangxi)
        let firm = try #require(cube.firms.first { $0.sizeClass == .small })
        let desk = DiagnosisDesk(store: store)
        let before = try await desk.submit(firm: firm, answers: ServiceFixture.answers(desk.questionnaire, large: false, fraction: 0.5), by: "u",
                                           catalog: .jiangxi, at: "2026-01-01T00:00:00Z", refer: false)
        #expect(before.result.version == Questionnaire.standard.version)
        // A province's own questionnaire: the standard's text with one question reworded, under the same version name: refused.
        let reworded = QuestionnaireTable.csv(.standard).replacingOccurrences(of: "关键生产设备数控化率", with: "关键设备数控化率（本省口径）")
        var q = try QuestionnaireTable.read(csv: reworded).questionnaire
        let reference = ReferenceDesk(store: store, catalog: .jiangxi)
        await #expect(throws: ChainTableError.self) { _ = try await reference.store(questionnaire: q, rows: 1, fileName: "q.csv", actor: "admin", into: desk) }
        // Under a version of its own it is taken; new results use it, the earlier one keeps the standard.
        q = try QuestionnaireTable.read(csv: reworded.replacingOccurrences(of: "\n\(Questionnaire.standard.version),", with: "\n2026-gd,")).questionnaire
        #expect(q.version == "2026-gd")
        _ = try await reference.store(questionnaire: q, rows: 1, fileName: "q.csv", actor: "admin", into: desk)
        #expect(desk.questionnaire.version == "2026-gd")
        let after = try await desk.submit(firm: firm, answers: ServiceFixture.answers(desk.questionnaire, large: false, fraction: 0.5), by: "u",
                                          catalog: .jiangxi, at: "2026-02-01T00:00:00Z", refer: false)
        #expect(after.result.version == "2026-gd")
        #expect(try await desk.diagnosis(before.id)?.result.version == Questionnaire.standard.version)
        #expect(try await desk.questionnaire(version: Questionnaire.standard.version) == .standard)
        #expect(try await desk.questionnaire(version: "2026-gd")?.question("F1")?.text == "关键设备数控化率（本省口径）")
        // A restarted server loads the imported version.
        #expect(try await DiagnosisDesk.storedQuestionnaire(in: store).version == "2026-gd")
        await store.close()
    }
}
