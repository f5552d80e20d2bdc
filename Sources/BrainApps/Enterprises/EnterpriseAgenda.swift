import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// One item of a to-do list on the home page: what to do, how many, and where to do it.
public struct AgendaItem: Codable, Sendable, Hashable {
    /// `report`, `policies`, `awards`, `consent`, `contacts` (enterprise) or `referrals` (provider).
    public let kind: String
    public let text: String
    public let count: Int
    public let href: String
}

/// The home page's to-do list: for an enterprise, the months it has not reported this year, policies it may apply for,
/// awards under way, referrals waiting for its consent and contact exchanges waiting for its answer; for a provider's
/// account, the consented referrals it has not contacted yet.
public struct EnterpriseAgenda: Sendable {
    public let catalogue: CatalogueDesk
    public let contacts: ContactExchangeDesk
    public let policies: PolicyMatcher

    public init(catalogue: CatalogueDesk, contacts: ContactExchangeDesk, policies: PolicyMatcher) {
        self.catalogue = catalogue; self.contacts = contacts; self.policies = policies
    }

    /// Months of the data's latest year, up to its latest month, with no output reported; January is reported with
    /// February (1–2月), so it is missing only when February is.
    public static func monthsToReport(firm i: Int, cube: IndicatorCube) -> [Month] {
        let last = cube.lastMonth
        var missing: [Month] = []
        for m in 2...max(2, last.month) where m <= last.month {
            guard let month = Month(year: last.year, month: m) else { continue }
            if cube.value(.outputValue, firm: i, month: month).isNaN { missing.append(month) }
        }
        return missing
    }

    /// The caller's to-do items, the most pressing first; empty for other roles.
    public func items(for p: Principal, cube: IndicatorCube) async throws -> [AgendaItem] {
        if p.servesReferrals {
            let waiting = try await catalogue.inbox(for: p).referrals.filter { $0.state == "referred" }.count
            return waiting == 0 ? [] : [AgendaItem(kind: "referrals", text: "\(waiting) 家企业同意对接，等待您联系", count: waiting, href: "/provider/referrals")]
        }
        guard let uscc = p.ownEnterprise, let i = cube.firmIndex[uscc] else { return [] }
        var out: [AgendaItem] = []
        let months = Self.monthsToReport(firm: i, cube: cube)
        if !months.isEmpty {
            let names = months.prefix(6).map { "\($0.month)月" }.joined(separator: "、") + (months.count > 6 ? "等" : "")
            out.append(AgendaItem(kind: "report", text: "\(cube.lastMonth.year)年 \(names) 尚未报送经营数据", count: months.count, href: "/my/figures"))
        }
        let consent = try await catalogue.referrals(uscc: uscc).filter { $0.state == "proposed" }.count
        if consent > 0 { out.append(AgendaItem(kind: "consent", text: "问诊推荐的 \(consent) 个服务方案等待您确认是否对接", count: consent, href: "/my/diagnosis#consent")) }
        let asked = try await contacts.waiting(uscc: uscc)
        if asked > 0 { out.append(AgendaItem(kind: "contacts", text: "\(asked) 家企业请求与您交换联系方式", count: asked, href: "/my/market#contacts")) }
        let matches = try await policies.matches(for: uscc, cube: cube)
        let applicable = matches.filter { $0.canApply && $0.outcome == .eligible }.count
        if applicable > 0 { out.append(AgendaItem(kind: "policies", text: "\(applicable) 项政策符合条件，可以申报", count: applicable, href: "/my/policies")) }
        let underway = matches.filter { m in m.award.map { !["paid", "rejected"].contains($0.state) } ?? false }.count
        if underway > 0 { out.append(AgendaItem(kind: "awards", text: "\(underway) 项奖补正在办理，请留意进度", count: underway, href: "/my/policies")) }
        return out
    }
}
