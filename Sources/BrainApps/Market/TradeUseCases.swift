import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// 贸易撮合 as callers use it: each function takes the caller, checks what it may do, and returns the typed result. The API
/// routes and the portal's 贸易撮合 page call these.
extension MarketDesk {
    /// Posts a listing for the caller's own enterprise; the draft is validated against the firm (its region, industry
    /// and chain links fill the gaps) and the errors name the field.
    public func post(_ draft: ListingDraft, by p: Principal, cube: IndicatorCube, now: Date = Date()) async throws -> MarketListing {
        try p.require(.trade)
        guard let uscc = p.ownEnterprise, let i = cube.firmIndex[uscc] else { throw AppError.forbidden("your account has no enterprise") }
        let listing = try draft.validated(for: cube.firms[i], id: "L-\(String(UInt64(now.timeIntervalSince1970 * 1_000_000), radix: 36))",
                                          by: p.username, today: Self.today(now), chains: cube.catalog.chains)
        try await save([listing])
        return listing
    }

    /// One page of listings, newest first: those of `uscc` when the caller may read them (the caller's own enterprise, or
    /// one the adapter has already admitted through the scope or a data grant), else those of every enterprise in the
    /// caller's scope (officials).
    public func listings(for p: Principal, admitted uscc: String?, kind: ListingKind?, state: String?, limit: Int, offset: Int,
                         cube: IndicatorCube, catalog: RegionCatalog) async throws -> Page<MarketListing> {
        if let state, state != "open", state != "closed" { throw AppError.bad("state", "must be open or closed") }
        var uscc = uscc
        if uscc == nil {
            if let own = p.ownEnterprise { uscc = own } else { try p.require(.readIndicators) }
        }
        let asked = uscc
        let all = try await listings(uscc: uscc, state: state).filter { l in
            (kind == nil || l.kind == kind) && (asked != nil || p.reads(firm: l.uscc, cube: cube, catalog: catalog))
        }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        return Page(total: all.count, limit: limit, offset: offset, items: Array(all.dropFirst(offset).prefix(limit)))
    }

    /// The listing when it belongs to the caller's enterprise (administrators: any); another firm's is refused.
    public func own(_ id: String, by p: Principal) async throws -> MarketListing {
        guard let l = try await listing(id) else { throw AppError.notFound("no listing \(id)") }
        guard p.can(.manageUsers) || p.ownEnterprise == l.uscc else { throw AppError.forbidden("listing \(id) belongs to another enterprise") }
        return l
    }

    /// Closes one of the caller's listings.
    public func close(_ id: String, by p: Principal) async throws -> MarketListing {
        try p.require(.trade)
        return try await close(try await own(id, by: p).id)
    }

    /// Ranked counterparts of one of the caller's listings, each with its score explained.
    public func matches(_ id: String, by p: Principal, limit: Int) async throws -> [MarketMatch] {
        try p.require(.trade)
        return try await matches(for: try await own(id, by: p), limit: limit)
    }
}
