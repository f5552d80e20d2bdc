import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

extension ReferenceDesk {
    /// Imports a policy table (政策表; CSV, UTF-8 or GBK, or an XLSX workbook's first sheet) as a new version, all or
    /// nothing: every row's criteria and amount formula are parsed (`ChainTableError` names every row and column at
    /// fault, with the rule parser's line and column), and with `facts` every amount formula is tried on every firm.
    /// Policies the table no longer lists are withdrawn, never deleted; awards and applications stay as they are.
    public func importPolicies(_ data: Data, fileName: String, by p: Principal, facts: [Facts]? = nil,
                               names: (Int) -> String = { "enterprise #\($0)" }) async throws -> ReferenceImportResult {
        try p.require(.manageReference)
        let parsed = try PolicyTable.read(data: data, fileName: fileName, catalog: catalog, createdBy: p.username)
        if let facts {
            var problems: [ChainTableProblem] = []
            for (record, line) in zip(parsed.policies, parsed.lines) {
                guard let policy = try? ParsedPolicy.parse(record), let problem = policy.amountProblem(facts: facts, names: names) else { continue }
                problems.append(ChainTableProblem(row: line, column: "amount", value: record.formula, reason: "policy \(record.id): \(problem.description)"))
            }
            if !problems.isEmpty { throw ChainTableError(problems: problems, what: "policy table") }
        }
        return try await store(policies: parsed.policies, rows: parsed.rows, fileName: fileName, actor: p.username)
    }

    /// Stores validated policies as a new version and puts them in force in one transaction (the CLI and the API both end
    /// here): a policy keeps when and by whom it was first created; one that was withdrawn and is listed again stands again.
    public func store(policies: [PolicyRecord], rows: Int, fileName: String, actor: String) async throws -> ReferenceImportResult {
        let stored = Dictionary(try await store.policies().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var added: [String] = [], reinstated: [String] = []
        let records = policies.map { p -> PolicyRecord in
            var p = p
            if let old = stored[p.id] {
                p.createdAt = old.createdAt
                p.createdBy = old.createdBy
                if old.withdrawnAt != nil { reinstated.append(p.id) }
            } else {
                added.append(p.id)
            }
            return p
        }
        let (version, withdrawn) = try await store.replacePolicies(records, kind: Kind.policies.rawValue, actor: actor, fileName: fileName,
                                                                  rowCount: rows, content: PolicyTable.csv(records))
        var result = ReferenceImportResult(kind: Kind.policies.rawValue, version: version.version, rows: rows, entries: records.count, links: 0,
                                           importedAt: version.importedAt, actor: actor)
        result.added = added
        result.reinstated = reinstated
        result.withdrawn = withdrawn
        return result
    }

    /// The policies in force (every stored policy not withdrawn, whether imported, written one by one or seeded as demo
    /// content) as the policy table (CSV); importing it unchanged changes nothing.
    public func exportPolicies(by p: Principal) async throws -> String {
        try p.require(.manageReference)
        return PolicyTable.csv(try await store.policies().filter { $0.withdrawnAt == nil })
    }

    /// Where the policies in force come from: the newest imported version, the bundled demo examples, policies written
    /// one by one, or none.
    func policiesOrigin() async throws -> String {
        if let newest = try await store.referenceVersions(kind: Kind.policies.rawValue).first {
            return "imported version \(newest.version)"
        }
        if let file = try await store.setting("demo.policies") { return "bundled demo \(file)" }
        let standing = try await store.policies().filter { $0.withdrawnAt == nil }.count
        return standing == 0 ? "none" : "\(standing) policies written one by one (no imported version)"
    }
}
