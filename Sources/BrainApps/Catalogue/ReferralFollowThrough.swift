import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

extension CatalogueDesk {
    /// True when a provider counts as local: seated in the province (by its GB/T 2260 code), whatever the kind says.
    public static func isInProvince(_ p: ServiceProvider, province: String) -> Bool { p.region.prefix(2) == province.prefix(2) }

    /// The provider's kind in Chinese, where a `local` provider seated outside the province is 省外服务商.
    public static func kindName(of p: ServiceProvider, province: String) -> String {
        if p.kind == "local" && !isInProvince(p, province: province) { return "省外服务商" }
        return kindNames[p.kind] ?? p.kind
    }

    /// True when a solution suits a firm of `chain`: general solutions (no chains) always, chain-specific ones only
    /// for their chains (a firm on no chain gets general ones only).
    public static func fits(_ s: ServiceSolution, chain: String?) -> Bool {
        s.chains.isEmpty || chain.map { c in s.chains.contains { $0.caseInsensitiveCompare(c) == .orderedSame } } == true
    }

    /// The enterprise agrees (or not) to be put in touch with the provider of one proposed referral: agreed, the
    /// referral goes to the provider (`referred`); refused, it is `declined` and the provider never sees it.
    public func consent(referral id: String, agree: Bool, by p: Principal, now: String = Timestamp.now()) async throws -> Referral {
        try p.require(.submitDiagnosis)
        guard var r = try await referral(id), let mine = p.ownEnterprise, r.uscc == mine else { throw AppError.notFound("no referral \(id)") }
        guard r.state == "proposed" else { throw AppError.conflict("already_answered", "referral \(id) is \(r.state), not waiting for consent") }
        let state = agree ? "referred" : "declined"
        r.state = state
        r.updatedAt = now
        r.history.append(.init(state: state, by: p.username, at: now, note: agree ? "企业同意对接" : "企业不同意对接"))
        try await save(referrals: [r])
        return r
    }

    /// 申请对接: the enterprise asks, from the catalogue, to be put in touch with a solution's provider; the request is
    /// its consent, so the provider sees it at once. An open referral to the same solution is returned as it is.
    public func requestConnection(solution id: String, note: String?, by p: Principal) async throws -> (referral: Referral, created: Bool) {
        try p.require(.submitDiagnosis)
        guard let mine = p.ownEnterprise else { throw AppError.forbidden("only an enterprise user asks for a connection") }
        let text = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= 200 else { throw AppError.bad("note", "at most 200 characters") }
        if var open = try await referrals(uscc: mine).first(where: { $0.solutionId == id && $0.state != "declined" }) {
            guard open.state == "proposed" else { return (open, false) }
            open = try await consent(referral: open.id, agree: true, by: p)
            return (open, true)
        }
        guard try await solutions().contains(where: { $0.id == id }) else { throw AppError.bad("solutionId", "no solution \(id) in the catalogue") }
        let made = try await refer(uscc: mine, items: [(id, text.isEmpty ? "企业申请对接" : text)], diagnosisId: nil, by: p.username)
        guard let r = made.first else { throw AppError.conflict("already_requested", "an open referral to \(id) exists") }
        return (r, true)
    }

    /// The consented referrals addressed to the provider a `provider` account answers for, newest first; an account
    /// not linked to a provider sees none.
    public func inbox(for p: Principal) async throws -> (provider: ServiceProvider?, referrals: [Referral]) {
        guard p.servesReferrals || p.can(.manageUsers) else { throw AppError.forbidden("only a service provider's account has a referral inbox") }
        guard let link = try await store.providerAccount(p.username) else { return (nil, []) }
        let provider = try await providers().first { $0.id == link.providerId }
        return (provider, try await referrals(provider: link.providerId).filter(\.isConsented).sorted { $0.createdAt > $1.createdAt })
    }

    /// The provider named on a consented referral marks it contacted or declined; anyone else's answers as missing.
    public func answer(referral id: String, to state: String, by p: Principal, note: String?) async throws -> Referral {
        guard ["contacted", "declined"].contains(state) else { throw AppError.bad("state", "a provider marks a referral contacted or declined") }
        guard p.servesReferrals, let link = try await store.providerAccount(p.username), let r = try await referral(id),
              r.providerId == link.providerId, r.isConsented else { throw AppError.notFound("no referral \(id)") }
        return try await advance(referral: r.id, to: state, by: p.username, note: note)
    }

    /// Links a `provider` account to a catalogue provider (administrators).
    public func link(account username: String, to providerId: String, by p: Principal, now: String = Timestamp.now()) async throws -> ProviderAccount {
        try p.require(.manageUsers)
        guard let user = try await store.user(username), user.role == Role.provider.rawValue else {
            throw AppError.bad("username", "\(String(username.prefix(100))) is not a service provider's account")
        }
        guard try await providers().contains(where: { $0.id == providerId }) else { throw AppError.bad("providerId", "no provider \(providerId) in the catalogue") }
        let link = ProviderAccount(username: user.username, providerId: providerId, linkedBy: p.username, linkedAt: now)
        try await store.linkProviderAccount(link)
        return link
    }
}
