import BrainCore
import BrainStore
import Foundation

/// A registered demonstration project (智能工厂, 数字化车间 …) of an enterprise, with its measured outcomes.
public struct DemonstrationProject: Codable, Sendable, Hashable {
    /// One measured outcome, e.g. 生产效率 from 100 to 128 件/人·日.
    public struct Outcome: Codable, Sendable, Hashable {
        public var metric: String
        public var before: Double?
        public var after: Double?
        public var unit: String
        /// Change in % (computed when before and after are given).
        public var change: Double?
        public init(metric: String, before: Double?, after: Double?, unit: String, change: Double? = nil) {
            self.metric = metric; self.before = before; self.after = after; self.unit = unit
            self.change = change ?? { if let b = before, let a = after, b != 0 { return round1((a / b - 1) * 100) } else { return nil } }()
        }
    }
    public var id: String
    public var uscc: String
    public var company: String
    public var name: String
    /// One of `DemonstrationProject.kinds`.
    public var kind: String
    /// 国家级, 省级 or 市级.
    public var level: String
    public var year: Int
    public var chain: String?
    public var region: String
    public var investment: Double?
    public var summary: String
    public var outcomes: [Outcome]
    public var createdBy: String
    public var createdAt: String

    /// Kinds of projects with their Chinese names.
    public static let kinds: [String: String] = [
        "smart_factory": "智能制造示范工厂", "digital_workshop": "数字化车间", "industrial_internet": "工业互联网平台",
        "green_factory": "绿色工厂", "innovation": "科技创新示范", "scenario": "智能制造优秀场景",
    ]
    public static let levels = ["国家级", "省级", "市级"]

    public var kindName: String { Self.kinds[kind] ?? kind }
}

/// What a request to register a demonstration project carries; validated before anything is saved.
public struct DemonstrationProjectDraft: Codable, Sendable {
    public var uscc: String?
    public var name: String?
    public var kind: String?
    public var level: String?
    public var year: Int?
    public var chain: String?
    public var investment: Double?
    public var summary: String?
    public var outcomes: [DemonstrationProject.Outcome]?

    public init(uscc: String?, name: String?, kind: String?, level: String?, year: Int?, chain: String?, investment: Double?, summary: String?,
                outcomes: [DemonstrationProject.Outcome]?) {
        self.uscc = uscc; self.name = name; self.kind = kind; self.level = level; self.year = year
        self.chain = chain; self.investment = investment; self.summary = summary; self.outcomes = outcomes
    }

    /// The project, or every problem with the draft (field and reason).
    public func validated(firm: (String) -> Enterprise?, id: String, by user: String, chains: ChainBook) throws -> DemonstrationProject {
        var problems: [(String, String)] = []
        var company: Enterprise?
        if let u = uscc {
            if let e = firm(u) { company = e } else { problems.append(("uscc", "no enterprise with credit code \(u)")) }
        } else { problems.append(("uscc", "required")) }
        let title = name?.trimmingCharacters(in: .whitespaces) ?? ""
        if title.isEmpty { problems.append(("name", "required")) } else if title.count > 200 { problems.append(("name", "at most 200 characters")) }
        if let k = kind { if DemonstrationProject.kinds[k] == nil { problems.append(("kind", "must be one of \(DemonstrationProject.kinds.keys.sorted().joined(separator: ", "))")) } }
        else { problems.append(("kind", "required")) }
        let lvl = level ?? "省级"
        if !DemonstrationProject.levels.contains(lvl) { problems.append(("level", "must be 国家级, 省级 or 市级")) }
        if let y = year { if !(2000...2100).contains(y) { problems.append(("year", "must be a year from 2000 to 2100")) } } else { problems.append(("year", "required")) }
        if let c = chain, chains.chain(c) == nil { problems.append(("chain", "\(c) is not a chain code")) }
        if let v = investment, !v.isFinite || v < 0 || v > 1e8 { problems.append(("investment", "must be an amount from 0 to 100000000 万元")) }
        for (k, o) in (outcomes ?? []).enumerated() {
            if o.metric.trimmingCharacters(in: .whitespaces).isEmpty { problems.append(("outcomes[\(k)].metric", "required")) }
            if [o.before, o.after].contains(where: { $0.map { !$0.isFinite } ?? false }) { problems.append(("outcomes[\(k)]", "before and after must be finite numbers")) }
        }
        if let (field, reason) = problems.first {
            throw AppError.bad(field, problems.count == 1 ? reason : reason + " (and \(problems.count - 1) more: " + problems.dropFirst().map { "\($0.0): \($0.1)" }.joined(separator: "; ") + ")")
        }
        let e = company!
        let outcomes = (outcomes ?? []).map { DemonstrationProject.Outcome(metric: $0.metric, before: $0.before, after: $0.after, unit: $0.unit) }
        return DemonstrationProject(id: id, uscc: e.uscc, company: e.name, name: title, kind: kind!, level: lvl, year: year!,
                                    chain: chain ?? e.chains.first, region: e.region, investment: investment, summary: summary ?? "",
                                    outcomes: outcomes, createdBy: user, createdAt: Timestamp.now())
    }
}

extension Store {
    /// Every registered demonstration project (served from the document cache between writes).
    public func demonstrationProjects() async throws -> [DemonstrationProject] {
        try await allDocuments(.demoProjects, as: DemonstrationProject.self)
    }

    public func saveDemonstrationProjects(_ projects: [DemonstrationProject]) async throws {
        try await putDocuments(.demoProjects, projects.map { DocumentRow(key: $0.id, values: [$0.uscc], doc: $0) })
    }
}
