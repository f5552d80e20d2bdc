import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// Enterprise follow-through (issue 14, part 6): consent before a provider sees a referral, solutions of the firm's
/// chain only, 本地 meaning seated in the province, contacts exchanged only once both firms agreed, and data grants only
/// to the providers a firm deals with.
@Suite(.serialized) struct FollowThroughTests {
    static func firm(_ f: IndicatorCube, chain: String, skip: Set<String> = []) throws -> Enterprise {
        try #require(f.firms.first { $0.chains.first == chain && !skip.contains($0.uscc) })
    }

    @Test func referralsWaitForConsentAndOnlyTheNamedProviderSeesThem() async throws {
        let f = try await ServiceFixture.load()
        let desk = DiagnosisDesk(store: f.store)
        let catalogue = CatalogueDesk(store: f.store)
        let e = try Self.firm(f.cube, chain: "NEWENERGY")
        let record = try await desk.submit(firm: e, answers: ServiceFixture.answers(desk.questionnaire, large: DiagnosisDesk.isLarge(e), fraction: 0.2),
                                           by: "ft-firm", catalog: .jiangxi)
        let proposed = try await catalogue.referrals(uscc: e.uscc).filter { record.referrals.contains($0.id) }
        #expect(!proposed.isEmpty && proposed.allSatisfy { $0.state == "proposed" && !$0.isConsented })
        // The provider named on the first proposal sees nothing until the firm agrees.
        let first = proposed[0]
        try await f.store.addUser(UserRecord(username: "ft-provider", passwordHash: "h", role: "provider", scope: nil))
        let admin = Principal(username: "ft-admin", role: .admin, scope: nil)
        _ = try await catalogue.link(account: "ft-provider", to: first.providerId, by: admin)
        let provider = Principal(username: "ft-provider", role: .provider, scope: nil)
        #expect(try await catalogue.inbox(for: provider).referrals.contains { $0.id == first.id } == false)
        await #expect(throws: AppError.self) { try await catalogue.answer(referral: first.id, to: "contacted", by: provider, note: nil) }
        // Another firm cannot consent for it; the firm can, once.
        let other = Principal(username: "ft-other", role: .enterprise, scope: try Self.firm(f.cube, chain: "NFM").uscc)
        await #expect(throws: AppError.self) { try await catalogue.consent(referral: first.id, agree: true, by: other) }
        let me = Principal(username: "ft-firm", role: .enterprise, scope: e.uscc)
        let agreed = try await catalogue.consent(referral: first.id, agree: true, by: me)
        #expect(agreed.state == "referred" && agreed.history.map(\.state) == ["proposed", "referred"] && agreed.history.last?.by == "ft-firm")
        await #expect(throws: AppError.self) { try await catalogue.consent(referral: first.id, agree: false, by: me) }
        #expect(try await catalogue.inbox(for: provider).referrals.contains { $0.id == first.id })
        // A refused proposal never reaches its provider.
        if proposed.count > 1 {
            let refused = try await catalogue.consent(referral: proposed[1].id, agree: false, by: me)
            #expect(refused.state == "declined" && !refused.isConsented)
        }
        // Only the named provider answers; another provider's account gets "missing".
        try await f.store.addUser(UserRecord(username: "ft-provider2", passwordHash: "h", role: "provider", scope: nil))
        _ = try await catalogue.link(account: "ft-provider2", to: first.providerId == "P034" ? "P033" : "P034", by: admin)
        await #expect(throws: AppError.self) {
            try await catalogue.answer(referral: first.id, to: "contacted", by: Principal(username: "ft-provider2", role: .provider, scope: nil), note: nil)
        }
        #expect(try await catalogue.answer(referral: first.id, to: "contacted", by: provider, note: "已电话联系").state == "contacted")
        // Linking is for administrators, to provider accounts and catalogue providers only.
        await #expect(throws: AppError.self) { try await catalogue.link(account: "ft-provider", to: "P001", by: me) }
        await #expect(throws: AppError.self) { try await catalogue.link(account: "ft-provider", to: "P999", by: admin) }
    }

    @Test func recommendationsFitTheChainAndLocalMeansInTheProvince() async throws {
        let f = try await ServiceFixture.load()
        let desk = DiagnosisDesk(store: f.store)
        let solutions = Dictionary(uniqueKeysWithValues: try await CatalogueDesk(store: f.store).solutions().map { ($0.id, $0) })
        for chain in ["NFM", "TEXTILE", "PHARMA"] {
            let e = try Self.firm(f.cube, chain: chain)
            let record = try await desk.submit(firm: e, answers: ServiceFixture.answers(desk.questionnaire, large: DiagnosisDesk.isLarge(e), fraction: 0.1),
                                               by: "ft", catalog: .jiangxi)
            #expect(!record.recommendations.isEmpty)
            for r in record.recommendations {
                let s = try #require(solutions[r.solutionId])
                #expect(s.chains.isEmpty || s.chains.contains(chain), "\(chain): \(s.id) is for \(s.chains)")
            }
        }
        // 杭州, 深圳 and 上海 providers are 省外, not 本地; a local search inside the province leaves them out.
        let catalogue = CatalogueDesk(store: f.store)
        let providers = Dictionary(uniqueKeysWithValues: try await catalogue.providers().map { ($0.id, $0) })
        #expect(CatalogueDesk.kindName(of: try #require(providers["P034"]), province: "360000") == "省外服务商")
        #expect(CatalogueDesk.kindName(of: try #require(providers["P019"]), province: "360000") == "本地服务商")
        var q = CatalogueQuery(kind: "local")
        q.province = "360000"
        let local = try await catalogue.search(q)
        #expect(!local.isEmpty && local.allSatisfy { $0.provider.region.hasPrefix("36") && $0.kindName == "本地服务商" })
        #expect(try await catalogue.search(CatalogueQuery(chain: "ELEC")).allSatisfy { $0.solution.chains.isEmpty || $0.solution.chains.contains("ELEC") })
    }

    @Test func contactsAreExchangedOnlyOnceBothAgree() async throws {
        let f = try await ServiceFixture.load()
        let market = MarketDesk(store: f.store, catalog: .jiangxi)
        let desk = ContactExchangeDesk(store: f.store, market: market, cipher: FieldCipher(current: Array(repeating: 3, count: 32)))
        let buyer = try Self.firm(f.cube, chain: "NFM"), seller = try Self.firm(f.cube, chain: "NFM", skip: [buyer.uscc])
        let third = try Self.firm(f.cube, chain: "NFM", skip: [buyer.uscc, seller.uscc])
        func listing(_ id: String, _ e: Enterprise, _ kind: ListingKind) -> MarketListing {
            MarketListing(id: id, uscc: e.uscc, company: e.name, kind: kind, product: "电解铜", spec: nil, industry: nil, chain: "NFM", link: nil,
                          quantity: 10, unit: "吨", region: e.region, validFrom: "2026-01-01", validUntil: "2099-12-31", createdBy: "ft")
        }
        try await market.save([listing("FT-D", buyer, .demand), listing("FT-S", seller, .supply), listing("FT-D3", third, .demand)])
        let b = Principal(username: "ft-b", role: .enterprise, scope: buyer.uscc), s = Principal(username: "ft-s", role: .enterprise, scope: seller.uscc)
        let t = Principal(username: "ft-t", role: .enterprise, scope: third.uscc)
        // Asking from another firm's listing, to one's own or a same-kind listing, or without a contact is refused.
        await #expect(throws: AppError.self) { try await desk.request(from: "FT-S", to: "FT-D", contact: "王经理 13800000000", by: b) }
        await #expect(throws: AppError.self) { try await desk.request(from: "FT-D", to: "FT-D3", contact: "王经理 13800000000", by: b) }
        await #expect(throws: AppError.self) { try await desk.request(from: "FT-D", to: "FT-S", contact: " ", by: b) }
        let asked = try await desk.request(from: "FT-D", to: "FT-S", contact: "王经理 13800000000", by: b)
        #expect(asked.state == "requested" && asked.counterpartContact == nil && asked.myContact == "王经理 13800000000")
        await #expect(throws: AppError.self) { try await desk.request(from: "FT-D", to: "FT-S", contact: "王经理 13800000000", by: b) }
        // Before the answer neither side sees the other's contact; stored contacts are sealed.
        let incoming = try #require(try await desk.exchanges(for: s).first { $0.id == asked.id })
        #expect(incoming.direction == "incoming" && incoming.counterpartContact == nil)
        let stored = try #require(try await f.store.document(.marketContacts, key: asked.id, as: MarketContact.self))
        #expect(FieldCipher.isEncrypted(stored.fromContact))
        // Only the named counterpart answers: the requester is refused, a third firm finds nothing.
        await #expect(throws: AppError.self) { try await desk.accept(asked.id, contact: "x 1", by: b) }
        await #expect(throws: AppError.self) { try await desk.accept(asked.id, contact: "李总 13900000000", by: t) }
        let accepted = try await desk.accept(asked.id, contact: "李总 13900000000", by: s)
        #expect(accepted.counterpartContact == "王经理 13800000000")
        #expect(try await desk.exchanges(for: b).first { $0.id == asked.id }?.counterpartContact == "李总 13900000000")
        await #expect(throws: AppError.self) { try await desk.decline(asked.id, by: s) }
        #expect(try await desk.exchanges(for: t).isEmpty)
    }

    @Test func grantsGoOnlyToProvidersTheFirmDealsWith() async throws {
        let f = try await ServiceFixture.load()
        let catalogue = CatalogueDesk(store: f.store)
        let grants = GrantDesk(store: f.store, grants: DataGrants(store: f.store))
        let e = try Self.firm(f.cube, chain: "BUILDMAT")
        let me = Principal(username: "ft-g", role: .enterprise, scope: e.uscc), admin = Principal(username: "ft-admin", role: .admin, scope: nil)
        for (name, provider) in [("ft-near", "P021"), ("ft-far", "P035")] {
            try await f.store.addUser(UserRecord(username: name, passwordHash: "h", role: "provider", scope: nil))
            _ = try await catalogue.link(account: name, to: provider, by: admin)
        }
        #expect(try await grants.grantees(for: me).isEmpty)
        // A connection request to P021's solution makes it a grantee; P035 stays out.
        let s = try #require(try await catalogue.solutions().first { $0.providerId == "P021" })
        let (r, created) = try await catalogue.requestConnection(solution: s.id, note: nil, by: me)
        #expect(created && r.state == "referred" && r.isConsented)
        #expect(try await catalogue.requestConnection(solution: s.id, note: nil, by: me).created == false)
        #expect(try await grants.grantees(for: me).map(\.username) == ["ft-near"])
        let expires = Date().addingTimeInterval(86_400 * 10)
        _ = try await grants.grant(to: "ft-near", datasets: [.diagnosis], purpose: "方案设计", expires: expires, by: me)
        do {
            _ = try await grants.grant(to: "ft-far", datasets: [.diagnosis], purpose: "方案设计", expires: expires, by: me)
            Issue.record("a grant to an unrelated provider was accepted")
        } catch let e as AppError { #expect(e.parameter == "grantee") }
    }
}
