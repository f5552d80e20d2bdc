import BrainCore
import BrainData
import BrainSecurity

extension DiagnosisDesk {
    /// Scores and saves a diagnosis for the caller: an enterprise diagnoses only itself (a different `uscc` is refused), an
    /// administrator names a firm it may read. Policy matching runs again afterwards, since the digital level is a policy
    /// fact (数字化转型示范) the enterprise should see at once. Bad answers throw `DiagnosisFailure` listing every field.
    public func submit(_ s: DiagnosisSubmission, by p: Principal, cube: IndicatorCube, catalog: RegionCatalog,
                       rematch policies: PolicyMatcher) async throws -> DiagnosisRecord {
        try p.require(.submitDiagnosis)
        let uscc: String
        if let mine = p.ownEnterprise {
            if let u = s.uscc, u != mine { throw AppError.forbidden("you can diagnose only your own enterprise \(mine)") }
            uscc = mine
        } else {
            guard let u = s.uscc else { throw AppError.bad("uscc", "required") }
            guard p.reads(firm: u, cube: cube, catalog: catalog) else { throw AppError.forbidden("enterprise \(u) is outside your data scope") }
            uscc = u
        }
        guard let i = cube.firmIndex[uscc] else { throw AppError.notFound("no enterprise with credit code \(uscc)") }
        guard let answers = s.answers else { throw AppError.bad("answers", "required: an object of question id → option index") }
        let record = try await submit(firm: cube.firms[i], answers: answers, by: p.username, catalog: catalog)
        try await policies.refresh(cube: cube, catalog: catalog)
        return record
    }
}
