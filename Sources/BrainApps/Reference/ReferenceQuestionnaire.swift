import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

extension ReferenceDesk {
    /// Imports a questionnaire table (问诊问卷表; CSV or an XLSX workbook's first sheet) as a new version and puts it in
    /// force for new diagnoses, all or nothing (`ChainTableError` names every row and column at fault). Its `version`
    /// must be new unless the content is the same (re-importing an export is fine): results already given keep the version
    /// they were scored with, and that version must keep meaning one questionnaire.
    public func importQuestionnaire(_ data: Data, fileName: String, by p: Principal, diagnoses: DiagnosisDesk) async throws -> ReferenceImportResult {
        try p.require(.manageReference)
        let parsed = try QuestionnaireTable.read(data: data, fileName: fileName)
        return try await store(questionnaire: parsed.questionnaire, rows: parsed.rows, fileName: fileName, actor: p.username, into: diagnoses)
    }

    /// Stores a validated questionnaire as a new version and puts it in force (the CLI and the API both end here); refuses
    /// a version name already used for other content.
    public func store(questionnaire q: Questionnaire, rows: Int, fileName: String, actor: String, into diagnoses: DiagnosisDesk?) async throws -> ReferenceImportResult {
        let known: Questionnaire?
        if let diagnoses { known = try await diagnoses.questionnaire(version: q.version) } else {
            known = try await DiagnosisDesk(store: store).questionnaire(version: q.version)
        }
        if let known, known != q {
            throw ChainTableError(problems: [ChainTableProblem(row: 2, column: "version", value: q.version,
                                                               reason: "version \(q.version) is already in use for other questions; give the new table its own version (results keep the version they were scored with)")],
                                  what: "questionnaire table")
        }
        let stored = try await store.addReferenceVersion(kind: Kind.questionnaire.rawValue, actor: actor, fileName: fileName, rowCount: rows,
                                                         content: QuestionnaireTable.csv(q))
        diagnoses?.replace(questionnaire: q)
        return ReferenceImportResult(kind: Kind.questionnaire.rawValue, version: stored.version, rows: rows, entries: q.questions.count, links: 0,
                                     importedAt: stored.importedAt, actor: actor)
    }

    /// The questionnaire in force as the same table (CSV), whether imported or bundled.
    public func exportQuestionnaire(by p: Principal, diagnoses: DiagnosisDesk) throws -> String {
        try p.require(.manageReference)
        return QuestionnaireTable.csv(diagnoses.questionnaire)
    }
}
