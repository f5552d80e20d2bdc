import Foundation

/// One link a firm sits on and why.
public struct PlacedLink: Codable, Sendable, Hashable {
    public let link: String
    public let chain: String
    /// `explicit` (the register names the link), `industry` (derived from the firm's class) or `product`.
    public let basis: String
    /// Why, in Chinese (e.g. "行业代码 3985（电子专用材料制造）属于 电子信息·电子专用材料 环节").
    public let reason: String

    public init(link: String, chain: String, basis: String, reason: String) {
        self.link = link
        self.chain = chain
        self.basis = basis
        self.reason = reason
    }
}

/// Where one firm sits on a province's chains (企业上链): its own link codes when it has any, else the links whose
/// GB/T 4754 classes include the firm's industry class, each with the reason in words.
public struct ChainPlacement: Codable, Sendable, Hashable {
    public typealias Placed = PlacedLink
    public let links: [PlacedLink]

    /// The link codes, in order.
    public var linkCodes: [String] { links.map(\.link) }

    /// Places a firm: explicit link codes win (kept as they are, even those the book does not know); without any,
    /// every link whose industries contain the firm's four-digit class, or whose products name one of `products`.
    public static func place(industry: String, explicitLinks: [String], products: [String] = [], book: ChainBook,
                             industries: IndustryCatalog = .standard) -> ChainPlacement {
        if !explicitLinks.isEmpty {
            return ChainPlacement(links: explicitLinks.map { code in
                let chain = book.chain(ofLink: code)
                let name = chain.flatMap { c in c.link(code).map { "\(c.name)·\($0.name)" } } ?? code
                return Placed(link: code, chain: chain?.code ?? String(code.split(separator: "-").first ?? ""),
                              basis: "explicit", reason: "登记的产业链环节 \(name)")
            })
        }
        var out: [Placed] = []
        let wanted = Set(products.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        for chain in book.chains {
            for link in chain.links {
                if industry.count == 4, link.industries.contains(industry) {
                    let className = book.className(industry, fallback: industries)
                    out.append(Placed(link: link.code, chain: chain.code, basis: "industry",
                                      reason: "行业代码 \(industry)（\(className)）属于 \(chain.name)·\(link.name) 环节"))
                } else if let product = link.products.first(where: { wanted.contains($0) }) {
                    out.append(Placed(link: link.code, chain: chain.code, basis: "product",
                                      reason: "产品 \(product) 属于 \(chain.name)·\(link.name) 环节"))
                }
            }
        }
        return ChainPlacement(links: out)
    }
}
