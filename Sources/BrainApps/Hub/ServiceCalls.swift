import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// The answer of one call of a published service: the underlying use case's JSON as bytes, and the rows it holds.
public struct ServiceAnswer: Sendable {
    public let body: Data
    public let rows: Int
}

extension HubDesk {
    /// Calls a published service as `p`: the service must be published, the caller its owner or holding approved access,
    /// every parameter one the service accepts (the first other one is refused by name), the day's quota not used up
    /// (`QuotaExceeded`, the first refusal of a day written to the ledger). The underlying use case runs within the
    /// consumer's region: a client's region, an official's own scope, the firm's county for an enterprise account, the
    /// province for other people. Calls, rows and bytes are metered.
    public func call(_ id: String, query: [(String, String)], by p: Principal, source: String = "", now: Date = Date()) async throws -> ServiceAnswer {
        let snap = try await current(now: now)
        guard let s = snap.services[id], s.state == "published" else { throw AppError.notFound("no published service \(id.prefix(60))") }
        let consumer = Self.consumer(p)
        guard s.owner == consumer || snap.approved.contains(Self.pair(id, consumer)) else {
            throw AppError.forbidden("\(consumer) has no approved access to service \(id); ask for it with POST /api/v1/hub/services/\(id)/requests")
        }
        var params: [String: String] = [:]
        for (name, value) in query {
            guard s.parameters.contains(name) else {
                throw AppError.bad(name, "unknown parameter; service \(id) accepts \(s.parameters.isEmpty ? "none" : s.parameters.joined(separator: ", "))")
            }
            let v = value.trimmingCharacters(in: .whitespaces)
            if !v.isEmpty { params[name] = v }
        }
        for preset in s.presets { params[preset.name] = preset.value }
        let kind = ServiceSource(rawValue: s.source) ?? .overview
        for name in kind.required where params[name] == nil { throw AppError.bad(name, "required by service \(id)") }
        do {
            try await meter.admit(service: s, consumer: consumer, now: now)
        } catch let q as QuotaExceeded {
            if q.firstToday, let ledger {
                try? await ledger.record(AuditEvent(actor: consumer, action: "GET /api/v1/hub/services/{id}/data", target: "service:\(id)", source: source,
                                                    outcome: "rejected", detail: Self.detail(["status": "429", "quota": q.quota, "limit": String(q.limit),
                                                                                             "note": "the first refusal of the day; later ones are counted in the usage's refused column"])))
            }
            throw q
        }
        do {
            let answer = try await run(kind, params, reader: reader(for: p))
            meter.record(service: id, consumer: consumer, rows: answer.rows, bytes: answer.body.count, now: now)
            return answer
        } catch {
            meter.cancel(service: id, consumer: consumer, now: now)
            throw error
        }
    }

    static func detail(_ fields: [String: String]) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? enc.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Who the underlying use case runs as: officials (and administrators) as themselves; a client, an enterprise
    /// account, a provider or an expert as an official of its region would (the region's level decides the role), so
    /// the service answers for that region and no wider.
    func reader(for p: Principal) -> Principal {
        if p.clientID == nil, p.can(.readStatistics), p.can(.readIndicators), p.ownEnterprise == nil { return p }
        var region = catalog.province.code
        if p.clientID != nil, let r = p.scope, catalog.region(r) != nil {
            region = r
        } else if let firm = p.ownEnterprise {
            let cube = cubes.cube
            region = cube.firmIndex[firm].map { cube.firms[$0].region } ?? region
        }
        let role: Role
        switch catalog.region(region)?.level {
        case .city: role = .cityOfficial
        case .county: role = .countyOfficial
        default: role = .provinceOfficial
        }
        return Principal(username: p.username, role: role, scope: region)
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(value)
    }

    func int(_ params: [String: String], _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let s = params[name] else { return value }
        guard let n = Int(s) else { throw AppError.bad(name, "'\(s.prefix(20))' is not a whole number") }
        guard range.contains(n) else { throw AppError.bad(name, "must be between \(range.lowerBound) and \(range.upperBound), got \(n)") }
        return n
    }

    func oneOf<T: RawRepresentable & CaseIterable>(_ params: [String: String], _ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let s = params[name] else { return nil }
        guard let v = T(rawValue: s) else { throw AppError.bad(name, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(s.prefix(40))'") }
        return v
    }

    func run(_ kind: ServiceSource, _ params: [String: String], reader: Principal) async throws -> ServiceAnswer {
        let cube = cubes.cube
        switch kind {
        case .overview:
            // Aggregates only: the same bytes for every reader of the same scope and parameters, kept for the cube and at
            // most 10 s (annual targets imported without a new cube); the slice is resolved (and checked) on a miss only.
            let version = ResultCache<Data>.version(of: cube) + "#\(Int(Date().timeIntervalSince1970) / 10)"
            let key = "overview|\(reader.role.rawValue)|\(reader.scope ?? "")|" + ServiceSource.overview.parameters.map { params[$0] ?? "" }.joined(separator: "|")
            if let body = answers.lookup(version: version, key: key) { return ServiceAnswer(body: body, rows: 1) }
            let scope = try AnalysisScope.resolve(region: params["region"], zone: params["zone"], chain: params["chain"], industry: params["industry"],
                                                  period: params["period"], principal: reader, catalog: catalog, latest: cube.lastMonth)
            let body = try Self.encode(analyses.overview(scope))
            answers.insert(version: version, key: key, body)
            return ServiceAnswer(body: body, rows: 1)
        case .chainAnalysis:
            let code = (params["chain"] ?? "").uppercased()
            guard let chain = catalog.chains.chain(code) else { throw AppError.bad("chain", "\(code.prefix(20)) is not a chain code; see /api/v1/chains") }
            let scope = try AnalysisScope.resolve(region: params["region"], zone: params["zone"], chain: nil, industry: nil, period: params["period"],
                                                  principal: reader, catalog: catalog, latest: cube.lastMonth)
            let analysis = analyses.chainAnalysis(chain, scope, for: reader)
            return ServiceAnswer(body: try Self.encode(analysis), rows: analysis.links.count)
        case .warnings:
            var f = WarningFilter()
            f.region = params["region"]
            f.chain = params["chain"]?.uppercased()
            f.level = try oneOf(params, "level", WarningLevel.self)
            f.kind = try oneOf(params, "kind", WarningKind.self)
            if let raw = params["period"] {
                guard let m = Month(raw) else { throw AppError.bad("period", "must be a month YYYY-MM, got '\(raw.prefix(20))'") }
                f.period = m
            }
            f.state = params["state"]
            f.category = try oneOf(params, "category", WarningCategory.self)
            f.limit = try int(params, "limit", default: 50, range: 1...500)
            f.offset = try int(params, "offset", default: 0, range: 0...10_000_000)
            let page = try await warnings.list(for: reader, f)
            return ServiceAnswer(body: try Self.encode(page), rows: page.items.count)
        case .policyMatches:
            let page = try await policies.matches(policy: params["policy"] ?? "", for: reader, outcome: try oneOf(params, "outcome", MatchOutcome.self),
                                                  region: params["region"], limit: try int(params, "limit", default: 50, range: 1...500),
                                                  offset: try int(params, "offset", default: 0, range: 0...10_000_000), cube: cube)
            return ServiceAnswer(body: try Self.encode(page), rows: page.items.count)
        case .enterprises:
            var f = EnterpriseFilter()
            f.region = params["region"]
            f.chain = params["chain"]
            f.industry = params["industry"]
            f.limit = try int(params, "limit", default: 50, range: 1...500)
            f.offset = try int(params, "offset", default: 0, range: 0...10_000_000)
            let page = try await enterprises.list(for: reader, f)
            return ServiceAnswer(body: try Self.encode(page), rows: page.items.count)
        }
    }
}
