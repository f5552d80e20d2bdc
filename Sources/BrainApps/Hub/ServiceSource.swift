import BrainCore
import BrainSecurity
import BrainStore

/// What a published service runs when a consumer calls it: an analysis (工业运行 overview, 产业链 analysis, 风险预警 list,
/// policy matches) or a dataset read (the enterprise registry), each with the query parameters it accepts.
public enum ServiceSource: String, Codable, Sendable, CaseIterable {
    case overview
    case chainAnalysis = "chain-analysis"
    case warnings
    case policyMatches = "policy-matches"
    case enterprises

    /// Chinese name shown in the catalogue.
    public var nameZh: String {
        switch self {
        case .overview: return "工业运行总览"
        case .chainAnalysis: return "产业链分析"
        case .warnings: return "风险预警清单"
        case .policyMatches: return "政策匹配企业"
        case .enterprises: return "企业名录数据集"
        }
    }

    /// Every query parameter the source understands (a service accepts a subset, or has some fixed by its publisher).
    public var parameters: [String] {
        switch self {
        case .overview: return ["region", "zone", "chain", "industry", "period"]
        case .chainAnalysis: return ["chain", "region", "zone", "period"]
        case .warnings: return ["region", "chain", "level", "kind", "period", "state", "category", "limit", "offset"]
        case .policyMatches: return ["policy", "outcome", "region", "limit", "offset"]
        case .enterprises: return ["region", "chain", "industry", "limit", "offset"]
        }
    }

    /// Parameters a call must end up with, from the consumer or fixed by the publisher.
    public var required: [String] {
        switch self {
        case .chainAnalysis: return ["chain"]
        case .policyMatches: return ["policy"]
        case .overview, .warnings, .enterprises: return []
        }
    }

    /// The data scope a consumer reads through the service (shown in the catalogue next to the service's own scope).
    public var dataScope: String {
        switch self {
        case .overview, .chainAnalysis: return "statistics:read"
        case .warnings, .policyMatches: return "indicators:read"
        case .enterprises: return "enterprises:read"
        }
    }
}

/// What a publisher fills in: the service's id, texts, source, parameters, quotas and price note.
public struct ServiceDraft: Codable, Sendable {
    public var id: String
    public var title: String
    public var description: String
    public var source: String
    /// Query parameters consumers may pass; all of the source's (less the fixed ones) when absent.
    public var parameters: [String]?
    public var presets: [ServicePreset]?
    public var dailyCalls: Int?
    public var dailyRows: Int?
    public var priceNote: String?

    public init(id: String, title: String, description: String, source: String, parameters: [String]? = nil, presets: [ServicePreset]? = nil,
                dailyCalls: Int? = nil, dailyRows: Int? = nil, priceNote: String? = nil) {
        self.id = id; self.title = title; self.description = description; self.source = source; self.parameters = parameters
        self.presets = presets; self.dailyCalls = dailyCalls; self.dailyRows = dailyRows; self.priceNote = priceNote
    }

    /// Checks every field and returns the service as it would be stored (the first problem is thrown, naming the field).
    func validated(owner: String, now: String, createdAt: String?) throws -> PublishedService {
        let id = id.trimmingCharacters(in: .whitespaces)
        guard (3...40).contains(id.count), id.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }), id.first?.isLetter == true else {
            throw AppError.bad("id", "3–40 lower-case letters, digits and dashes starting with a letter (e.g. overview-nanchang), got '\(id.prefix(60))'")
        }
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (2...60).contains(title.count) else { throw AppError.bad("title", "2–60 characters, got \(title.count)") }
        let description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2_000).contains(description.count) else { throw AppError.bad("description", "1–2,000 characters, got \(description.count)") }
        guard let kind = ServiceSource(rawValue: source) else {
            throw AppError.bad("source", "must be one of \(ServiceSource.allCases.map(\.rawValue).joined(separator: ", ")), got '\(source.prefix(40))'")
        }
        var fixed: [ServicePreset] = []
        for (i, p) in (presets ?? []).enumerated() {
            guard kind.parameters.contains(p.name) else {
                throw AppError.bad("presets[\(i)].name", "\(kind.rawValue) has no parameter '\(p.name.prefix(40))'; it takes \(kind.parameters.joined(separator: ", "))")
            }
            let value = p.value.trimmingCharacters(in: .whitespaces)
            guard (1...60).contains(value.count) else { throw AppError.bad("presets[\(i)].value", "1–60 characters, got \(value.count)") }
            guard !fixed.contains(where: { $0.name == p.name }) else { throw AppError.bad("presets[\(i)].name", "'\(p.name)' is fixed twice") }
            fixed.append(ServicePreset(name: p.name, value: value))
        }
        let fixedNames = Set(fixed.map(\.name))
        let accepted = parameters ?? kind.parameters.filter { !fixedNames.contains($0) }
        for (i, name) in accepted.enumerated() {
            guard kind.parameters.contains(name) else {
                throw AppError.bad("parameters[\(i)]", "\(kind.rawValue) has no parameter '\(name.prefix(40))'; it takes \(kind.parameters.joined(separator: ", "))")
            }
            guard !fixedNames.contains(name) else { throw AppError.bad("parameters[\(i)]", "'\(name)' is fixed by a preset; a consumer cannot pass it") }
        }
        for name in kind.required where !fixedNames.contains(name) && !accepted.contains(name) {
            throw AppError.bad("presets", "\(kind.rawValue) needs '\(name)': fix it in presets or accept it in parameters")
        }
        for (field, value) in [("dailyCalls", dailyCalls), ("dailyRows", dailyRows)] {
            if let v = value, !(1...1_000_000_000).contains(v) { throw AppError.bad(field, "between 1 and 1,000,000,000 (or absent for no limit), got \(v)") }
        }
        let price = (priceNote ?? "免费").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(price.count) else { throw AppError.bad("priceNote", "1–200 characters, got \(price.count)") }
        for (field, text) in [("title", title), ("description", description), ("priceNote", price)] where text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
            throw AppError.bad(field, "control characters are not allowed")
        }
        return PublishedService(id: id, title: title, description: description, source: kind.rawValue,
                                scopes: ["service:\(id)", kind.dataScope], parameters: Array(OrderedUnique.unique(accepted)),
                                presets: fixed, dailyCalls: dailyCalls, dailyRows: dailyRows, priceNote: price, owner: owner,
                                state: "published", createdAt: createdAt ?? now, updatedAt: now)
    }
}

/// Order-keeping de-duplication.
enum OrderedUnique {
    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
