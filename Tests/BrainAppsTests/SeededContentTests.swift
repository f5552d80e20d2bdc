import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// The seeded content read from BrainApps' bundled data files, and the checks a broken file fails.
@Suite struct SeededContentTests {
    /// The error message `decode` throws for `data`, or nil when it decodes.
    func message(_ decode: (Data) throws -> Void, _ data: Data) -> String? {
        do {
            try decode(data)
            return nil
        } catch let e as BundledDataError {
            #expect(e.file == "broken.json")
            return e.description
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    func encoded<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    // MARK: Questionnaire (questionnaire-miit-2024.json)

    @Test func questionnaireHas47QuestionsIn16SubareasAndRoundTrips() throws {
        let q = Questionnaire.standard
        #expect(q.version == "2024.1")
        #expect(q.questions.count == 47)
        #expect(q.questions.filter { !$0.largeFirmOnly }.count == 35)
        #expect(q.questions.filter(\.largeFirmOnly).map(\.id) == (1...12).map { "G\($0)" })
        #expect(q.areas.map(\.code) == ["foundation", "operation", "management", "outcome"])
        #expect(q.subareaCodes.count == 16)
        #expect(q.levels.map(\.minScore) == [0, 20, 40, 60, 80])
        #expect(q.maturityLevels.map(\.name) == ["规划级", "规范级", "集成级", "优化级", "引领级"])
        #expect(q.maturityThreshold == 80)
        #expect(q.question("F2")?.options.map(\.points) == [0, 25, 50, 75, 100])
        #expect(q.question("F3")?.options.map(\.points) == [0, 33, 67, 100])
        #expect(q.integrityProblems().isEmpty)
        // The Codable form (what the file holds and what the API serves) decodes into an equal value.
        #expect(try JSONDecoder().decode(Questionnaire.self, from: encoded(q)) == q)
    }

    /// The standard questionnaire with its questions replaced, as a file.
    func questionnaireFile(_ change: (inout [Questionnaire.Question]) -> Void) throws -> Data {
        let q = Questionnaire.standard
        var questions = q.questions
        change(&questions)
        return try encoded(QuestionnaireFile(about: "test", questionnaire: Questionnaire(
            version: q.version, title: q.title, levels: q.levels, areas: q.areas, questions: questions,
            maturityLevels: q.maturityLevels, maturityThreshold: q.maturityThreshold)))
    }

    @Test func aBrokenQuestionnaireFileNamesTheQuestion() throws {
        let decode: (Data) throws -> Void = { _ = try QuestionnaireFile.decode($0, file: "broken.json") }
        #expect(message(decode, try questionnaireFile { _ in }) == nil)
        let duplicate = try questionnaireFile { qs in
            let o = qs[1]
            qs[1] = .init(id: "F1", subarea: o.subarea, maturityLevel: nil, largeFirmOnly: false, text: o.text, options: o.options, advice: o.advice)
        }
        #expect(message(decode, duplicate) == "broken.json: duplicate question id F1")
        let uneven = try questionnaireFile { qs in
            let o = qs[0]
            qs[0] = .init(id: o.id, subarea: o.subarea, maturityLevel: nil, largeFirmOnly: false, text: o.text,
                          options: zip(o.options, [0.0, 10, 50, 75, 100]).map { .init(label: $0.label, points: $1) }, advice: o.advice)
        }
        #expect(message(decode, uneven) == "broken.json: F1: options must be evenly graded 0/25/50/75/100")
        let text = try #require(String(data: questionnaireFile { _ in }, encoding: .utf8))
        let stringPoints = Data(text.replacingOccurrences(of: #""points":0"#, with: #""points":"none""#).utf8)
        let typo = try #require(message(decode, stringPoints))
        #expect(typo.hasPrefix("broken.json: at questionnaire.questions[0].options[0].points: "), "\(typo)")
    }

    // MARK: Demo service catalogue (service-catalogue-demo.json)

    @Test func catalogueHas35ProvidersAnd85Solutions() {
        #expect(SeededCatalogue.providers.map(\.id) == (1...35).map { String(format: "P%03d", $0) })
        #expect(Dictionary(grouping: SeededCatalogue.providers, by: \.kind).mapValues(\.count) == ["government": 9, "industry": 9, "local": 17])
        #expect(SeededCatalogue.solutions.map(\.id) == (1...85).map { String(format: "S%03d", $0) })
        #expect(SeededCatalogue.solutions.reduce(0) { $0 + $1.cases.count } == 57)
        #expect(SeededCatalogue.solutions.filter { $0.priceMin == nil }.count == 5)
        #expect(SeededCatalogue.solutions.filter { $0.priceMax == 0 }.count == 4)
        let providers = Set(SeededCatalogue.providers.map(\.id))
        #expect(SeededCatalogue.solutions.allSatisfy { providers.contains($0.providerId) })
        #expect(SeededCatalogue.bundled.problems(areas: Set(Questionnaire.standard.subareaCodes), chains: Set(ChainCatalog.all.map(\.code))).isEmpty)
        #expect(SeededCatalogue.solutions.first?.title == "设备联网与数据采集")
        #expect(!SeededCatalogue.providers[0].createdAt.isEmpty)
    }

    @Test func aBrokenCatalogueFileNamesTheEntry() throws {
        let decode: (Data) throws -> Void = { _ = try ServiceCatalogueFile.decode($0, file: "broken.json") }
        func broken(_ change: (inout ServiceCatalogueFile) -> Void) throws -> Data {
            var file = SeededCatalogue.bundled
            change(&file)
            return try encoded(file)
        }
        #expect(message(decode, try broken { _ in }) == nil)
        #expect(message(decode, try broken { $0.solutions[4].providerId = "P999" }) == "broken.json: solution S005: provider P999 is not in providers")
        #expect(message(decode, try broken { $0.providers[1].id = "P001" }) == "broken.json: provider P001 is listed twice")
        #expect(message(decode, try broken { $0.solutions[2].areas.append("operation.magic") }) == "broken.json: solution S003: operation.magic is not a diagnosis sub-area")
        #expect(message(decode, try broken { $0.solutions[2].chains = ["GOLD"] }) == "broken.json: solution S003: GOLD is not a chain code")
        #expect(message(decode, try broken { $0.solutions[0].priceMax = nil }) == "broken.json: solution S001: priceMin and priceMax must both be given or both be absent")
        let text = try #require(String(data: broken { _ in }, encoding: .utf8))
        let untitled = Data(text.replacingOccurrences(of: #","title":"设备联网与数据采集""#, with: "").utf8)
        #expect(message(decode, untitled) == #"broken.json: missing key "title" at solutions[0]"#)
    }
}
