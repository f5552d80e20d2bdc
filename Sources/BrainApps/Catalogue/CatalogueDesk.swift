import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Logging

/// A solution with its provider, as the catalogue lists it.
public struct CatalogueEntry: Codable, Sendable {
    public let solution: ServiceSolution
    public let provider: ServiceProvider
    public let kindName: String
}

/// What a catalogue search asks for; every field optional.
public struct CatalogueQuery: Sendable {
    public var text: String?
    public var category: String?
    public var chain: String?
    public var area: String?
    public var kind: String?
    public var region: String?
    /// Only solutions whose lower price is at most this (万元).
    public var maxPrice: Double?
    /// The province's two-digit code: a `local` provider counts as 本地服务商 only when seated in it.
    public var province: String?
    public init(text: String? = nil, category: String? = nil, chain: String? = nil, area: String? = nil, kind: String? = nil,
                region: String? = nil, maxPrice: Double? = nil) {
        self.text = text; self.category = category; self.chain = chain; self.area = area; self.kind = kind; self.region = region
        self.maxPrice = maxPrice
    }
}

/// A referral from a diagnosis (or a direct request) to a solution, followed through proposed (a diagnosis suggested
/// it; the provider sees nothing until the enterprise agrees) → referred → contacted → adopted (or declined), each step
/// with who and when.
public struct Referral: Codable, Sendable, Hashable {
    /// One step of a referral.
    public struct Step: Codable, Sendable, Hashable {
        public let state: String
        public let by: String
        public let at: String
        public let note: String?
    }
    public var id: String
    public var uscc: String
    public var solutionId: String
    public var providerId: String
    public var diagnosisId: String?
    public var reason: String
    public var state: String
    public var history: [Step]
    public var createdAt: String
    public var updatedAt: String

    public static let states = ["proposed", "referred", "contacted", "adopted", "declined"]
    /// Which states may follow which.
    public static let next: [String: [String]] = ["proposed": ["referred", "declined"], "referred": ["contacted", "declined"], "contacted": ["adopted", "declined"]]
    /// Chinese names of the states.
    public static let stateNames = ["proposed": "待企业同意", "referred": "待联系", "contacted": "已联系", "adopted": "已采纳", "declined": "未采纳"]
    /// True once the enterprise agreed (a direct request or a consented proposal): the provider may see it.
    public var isConsented: Bool { history.first?.state != "proposed" || history.contains { $0.state == "referred" } }
}

/// 服务资源目录: providers and their solutions, search and filter, and referrals from diagnoses.
public struct CatalogueDesk: Sendable {
    static let problems = Logger(label: "brain.catalogue")
    public let store: Store
    /// Encrypts providers' contact details at rest (they name people and phone numbers).
    public let cipher: FieldCipher?

    public init(store: Store, cipher: FieldCipher? = nil) {
        self.store = store
        self.cipher = cipher
    }

    public static let kindNames = ["government": "政府资源", "industry": "行业资源", "local": "本地服务商"]

    /// Fills an empty catalogue with the demo providers and solutions; returns how many solutions were added.
    @discardableResult
    public func seedIfEmpty() async throws -> Int {
        guard try await store.documentCount(.solutions) == 0 else { return 0 }
        try await save(providers: SeededCatalogue.providers)
        try await save(solutions: SeededCatalogue.solutions)
        return SeededCatalogue.solutions.count
    }

    public func save(providers: [ServiceProvider]) async throws {
        let sealed = try providers.map { p -> ServiceProvider in
            var p = p
            if let cipher, !p.contact.isEmpty, !FieldCipher.isEncrypted(p.contact) { p.contact = try cipher.encrypt(p.contact) }
            return p
        }
        try await store.putDocuments(.providers, sealed.map { DocumentRow(key: $0.id, values: [$0.kind], doc: $0) })
    }

    /// Re-encrypts every provider contact with the current key; returns how many changed.
    public func rotateKeys() async throws -> Int {
        guard let cipher else { return 0 }
        var changed: [ServiceProvider] = []
        for var p in try await store.documents(.providers, as: ServiceProvider.self) where cipher.needsRotation(p.contact) || (!p.contact.isEmpty && !FieldCipher.isEncrypted(p.contact)) {
            p.contact = try cipher.encrypt(try cipher.decrypt(p.contact))
            changed.append(p)
        }
        try await store.putDocuments(.providers, changed.map { DocumentRow(key: $0.id, values: [$0.kind], doc: $0) })
        return changed.count
    }

    public func save(solutions: [ServiceSolution]) async throws {
        try await store.putDocuments(.solutions, solutions.map { DocumentRow(key: $0.id, values: [$0.providerId], doc: $0) })
    }

    /// Providers with their contact details decrypted (shown as 「已加密」 when the key that sealed them is not loaded).
    public func providers() async throws -> [ServiceProvider] {
        try await store.documents(.providers, as: ServiceProvider.self).map { p in
            var p = p
            if FieldCipher.isEncrypted(p.contact) {
                do {
                    guard let cipher else { throw AppError.unavailable("no_data_key", "no data key is loaded") }
                    p.contact = try cipher.decrypt(p.contact)
                } catch {
                    // The key that sealed it is not loaded: the operator must know, the reader sees that it is sealed.
                    Self.problems.error("contact of provider \(p.id) cannot be decrypted: \(error)")
                    p.contact = "（已加密）"
                }
            }
            return p
        }
    }
    /// The solutions listed in the catalogue (withdrawn ones only when asked for).
    public func solutions(includingWithdrawn: Bool = false) async throws -> [ServiceSolution] {
        let all = try await store.documents(.solutions, as: ServiceSolution.self)
        return includingWithdrawn ? all : all.filter { $0.withdrawnAt == nil }
    }

    /// Puts a new version of the catalogue table in force: its providers and solutions are written (a solution withdrawn
    /// before and listed again stands again; a listed one keeps when it was first created), and every stored solution it
    /// no longer lists is withdrawn, never deleted, so referrals to it keep their history. Returns the ids added and withdrawn.
    public func replace(providers: [ServiceProvider], solutions: [ServiceSolution]) async throws -> (added: [String], withdrawn: [String]) {
        let stored = Dictionary(try await self.solutions(includingWithdrawn: true).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let storedProviders = Dictionary(try await store.documents(.providers, as: ServiceProvider.self).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let listed = Set(solutions.map(\.id))
        let now = Timestamp.now()
        var added: [String] = []
        let fresh = solutions.map { s -> ServiceSolution in
            var s = s
            if let old = stored[s.id] { s.createdAt = old.createdAt } else { added.append(s.id) }
            return s
        }
        let gone = stored.values.filter { !listed.contains($0.id) && $0.withdrawnAt == nil }.map { s -> ServiceSolution in
            var s = s
            s.withdrawnAt = now
            return s
        }
        try await save(providers: providers.map { p in
            var p = p
            if let old = storedProviders[p.id] { p.createdAt = old.createdAt }
            return p
        })
        try await save(solutions: fresh + gone)
        return (added.sorted(), gone.map(\.id).sorted())
    }

    /// Solutions matching every given filter, best text match first (then by id).
    public func search(_ q: CatalogueQuery) async throws -> [CatalogueEntry] {
        let providers = Dictionary(uniqueKeysWithValues: try await self.providers().map { ($0.id, $0) })
        let terms = (q.text ?? "").split(whereSeparator: { $0 == " " || $0 == "，" || $0 == "," }).map(String.init)
        var hits: [(entry: CatalogueEntry, score: Int)] = []
        for s in try await solutions() {
            guard let p = providers[s.providerId] else { continue }
            if let c = q.category, s.category != c { continue }
            if let c = q.chain, !s.chains.isEmpty, !s.chains.contains(c) { continue }
            if let a = q.area, !s.areas.contains(a) && !s.areas.contains(where: { $0.hasPrefix(a + ".") }) { continue }
            if let k = q.kind, p.kind != k || (k == "local" && q.province.map { !Self.isInProvince(p, province: $0) } == true) { continue }
            if let r = q.region, !p.region.hasPrefix(String(r.prefix(r.hasSuffix("0000") ? 2 : r.hasSuffix("00") ? 4 : 6))) { continue }
            if let m = q.maxPrice, let lo = s.priceMin, lo > m { continue }
            var score = 0
            for t in terms {
                if s.title.contains(t) { score += 5 }
                if s.tags.contains(where: { $0.contains(t) }) { score += 3 }
                if s.summary.contains(t) || s.category.contains(t) { score += 2 }
                if p.name.contains(t) { score += 1 }
            }
            if !terms.isEmpty && score == 0 { continue }
            if let c = q.chain, s.chains.contains(c) { score += 1 }
            hits.append((CatalogueEntry(solution: s, provider: p, kindName: q.province.map { Self.kindName(of: p, province: $0) } ?? Self.kindNames[p.kind] ?? p.kind), score))
        }
        return hits.sorted { ($0.score, $1.entry.solution.id) > ($1.score, $0.entry.solution.id) }.map(\.entry)
    }

    /// Refers an enterprise to solutions (from a diagnosis or on request); existing open referrals are kept.
    public func refer(uscc: String, items: [(solutionId: String, reason: String)], diagnosisId: String?, by user: String,
                      state: String = "referred") async throws -> [Referral] {
        let solutions = Dictionary(uniqueKeysWithValues: try await solutions().map { ($0.id, $0) })
        let existing = Set(try await referrals(uscc: uscc).filter { $0.state != "declined" }.map(\.solutionId))
        let now = Timestamp.now()
        var fresh: [Referral] = []
        for item in items where !existing.contains(item.solutionId) {
            guard let s = solutions[item.solutionId] else { throw AppError.bad("solutionId", "no solution \(item.solutionId) in the catalogue") }
            fresh.append(Referral(id: "R-\(uscc)-\(s.id)-\(Self.stamp())", uscc: uscc, solutionId: s.id, providerId: s.providerId, diagnosisId: diagnosisId,
                                  reason: item.reason, state: state, history: [.init(state: state, by: user, at: now, note: item.reason)],
                                  createdAt: now, updatedAt: now))
        }
        try await save(referrals: fresh)
        return fresh
    }

    /// Moves a referral on (contacted, adopted or declined).
    public func advance(referral id: String, to state: String, by user: String, note: String?) async throws -> Referral {
        guard var r = try await store.document(.referrals, key: id, as: Referral.self) else { throw AppError.notFound("no referral \(id)") }
        guard Referral.states.contains(state), state != "referred", state != "proposed" else { throw AppError.bad("state", "must be contacted, adopted or declined") }
        guard Referral.next[r.state]?.contains(state) == true else {
            throw AppError.bad("state", "referral \(id) is \(r.state); it can become \((Referral.next[r.state] ?? []).joined(separator: " or ").nilIfEmpty ?? "nothing else")")
        }
        let now = Timestamp.now()
        r.state = state
        r.updatedAt = now
        r.history.append(.init(state: state, by: user, at: now, note: note))
        try await save(referrals: [r])
        return r
    }

    /// Moves a referral on for the caller: the enterprise itself, or an official who runs programmes over the firm.
    public func advance(referral id: String, to state: String, by p: Principal, note: String?, cube: IndicatorCube,
                        catalog: RegionCatalog) async throws -> Referral {
        guard let r = try await referral(id) else { throw AppError.notFound("no referral \(id)") }
        let mayAct = p.ownEnterprise != nil ? p.ownEnterprise == r.uscc : p.can(.managePrograms) && p.reads(firm: r.uscc, cube: cube, catalog: catalog)
        guard mayAct else { throw AppError.forbidden("referral \(id) is not yours to update") }
        return try await advance(referral: id, to: state, by: p.username, note: note)
    }

    public func referral(_ id: String) async throws -> Referral? { try await store.document(.referrals, key: id, as: Referral.self) }

    /// Referrals of an enterprise, of a provider's solutions, or all.
    public func referrals(uscc: String? = nil, provider: String? = nil) async throws -> [Referral] {
        let all: [Referral]
        if let uscc { all = try await store.documents(.referrals, as: Referral.self, where: [("uscc", uscc)]) } else { all = try await store.allDocuments(.referrals, as: Referral.self) }
        return provider.map { p in all.filter { $0.providerId == p } } ?? all
    }

    func save(referrals: [Referral]) async throws {
        try await store.putDocuments(.referrals, referrals.map { DocumentRow(key: $0.id, values: [$0.uscc, $0.solutionId, $0.state], doc: $0) })
    }

    static func stamp() -> String { String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36) }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
