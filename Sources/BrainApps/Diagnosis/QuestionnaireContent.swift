import BrainCore
import Foundation

// The content of the standard questionnaire, modelled on MIIT 《中小企业数字化水平评测指标（2024年版）》 (four areas,
// four levels) with a GB/T 39116-2020 智能制造能力成熟度 self-check for larger firms. Questions and advice are written
// for this platform; they follow the structure of the indicators, not their exact wording. The content is the bundled
// data file `Resources/questionnaire-miit-2024.json` (format: `QuestionnaireFile` below).

extension Questionnaire {
    /// The questionnaire every diagnosis uses, decoded and validated from the bundled file on first use; a broken file
    /// stops the process with a message naming the file and the entry.
    public static let standard: Questionnaire = BundledData.loaded { try QuestionnaireFile.bundled() }.questionnaire
}

/// The format of the bundled questionnaire, `Resources/questionnaire-miit-2024.json`: a note on the content's sources and
/// the `Questionnaire` itself, as its Codable form.
struct QuestionnaireFile: Codable, Sendable, Hashable {
    /// Where the content comes from and how closely it follows its sources.
    var about: String
    var questionnaire: Questionnaire

    static let fileName = "questionnaire-miit-2024.json"

    /// Reads, decodes and validates the bundled file.
    static func bundled() throws -> QuestionnaireFile {
        try decode(BundledData.data(fileName, in: .module), file: fileName)
    }

    /// Decodes `data` as a questionnaire file and validates it; errors name `file` and the entry at fault.
    static func decode(_ data: Data, file: String) throws -> QuestionnaireFile {
        let content = try BundledData.decode(QuestionnaireFile.self, from: data, file: file)
        if let problem = content.problems().first { throw BundledDataError(file: file, problem) }
        return content
    }

    /// The questionnaire's own self-check (`integrityProblems`: unique ids and codes, weights, options from 0 to 100 …)
    /// plus the file's grading convention: a MIIT question's options are evenly graded, 4 options 0/33/67/100 and
    /// 5 options 0/25/50/75/100 (each `i × 100 / (n − 1)`, rounded).
    func problems() -> [String] {
        var problems = questionnaire.integrityProblems()
        for q in questionnaire.questions where !q.largeFirmOnly && q.options.count > 1 {
            let step = 100.0 / Double(q.options.count - 1)
            let even = q.options.indices.map { (Double($0) * step).rounded() }
            if q.options.map(\.points) != even {
                problems.append("\(q.id): options must be evenly graded \(even.map { String(Int($0)) }.joined(separator: "/"))")
            }
        }
        return problems
    }
}
