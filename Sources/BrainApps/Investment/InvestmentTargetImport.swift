import BrainCore
import Foundation

/// One row of an investment-target import before validation.
public struct InvestmentTargetDraft: Decodable, Sendable {
    let code: String?
    let name: String?
    let region: String?
    let chain: String?
    let link: String?
    let revenue: Double?
    let note: String?

    public static func validate(_ rows: [InvestmentTargetDraft], provincePrefix: String, chains: ChainBook) -> ([InvestmentTarget], [InvestmentTargetReport.Problem]) {
        var good: [InvestmentTarget] = []
        var problems: [InvestmentTargetReport.Problem] = []
        for (k, r) in rows.enumerated() {
            func bad(_ field: String, _ reason: String) { problems.append(.init(row: k, field: field, reason: reason)) }
            guard let code = r.code?.trimmingCharacters(in: .whitespaces), !code.isEmpty, code.count <= 60 else { bad("code", "required, at most 60 characters"); continue }
            guard let name = r.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 200 else { bad("name", "required, at most 200 characters"); continue }
            if let n = r.note, n.count > 2_000 { bad("note", "at most 2,000 characters"); continue }
            guard let region = r.region, region.count == 6, region.allSatisfy(\.isNumber) else { bad("region", "must be a 6-digit GB/T 2260 code"); continue }
            guard !region.hasPrefix(provincePrefix) else { bad("region", "\(region) is inside the province; targets are firms outside it"); continue }
            guard let chainCode = r.chain?.uppercased(), let chain = chains.chain(chainCode) else { bad("chain", "must be a chain code of the province (see /api/v1/chains)"); continue }
            guard let link = r.link, chain.link(link) != nil else { bad("link", "must be a link code of \(chainCode), such as \(chain.links[0].code)"); continue }
            if let v = r.revenue, !v.isFinite || v < 0 { bad("revenue", "must be a non-negative amount in 万元"); continue }
            good.append(InvestmentTarget(code: code, name: name, region: region, chain: chainCode, link: link, revenue: r.revenue, note: r.note ?? "", source: "imported"))
        }
        return (good, problems)
    }
}

/// What an investment-target import did.
public struct InvestmentTargetReport: Codable, Sendable {
    public struct Problem: Codable, Sendable { public let row: Int; public let field: String; public let reason: String }
    public let rowsTotal: Int
    public let rowsAccepted: Int
    public let rowsRejected: Int
    public let problems: [Problem]

    public init(rowsTotal: Int, rowsAccepted: Int, rowsRejected: Int, problems: [Problem]) {
        self.rowsTotal = rowsTotal; self.rowsAccepted = rowsAccepted; self.rowsRejected = rowsRejected; self.problems = problems
    }
}
