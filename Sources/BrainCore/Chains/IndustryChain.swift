/// Position of a chain link from raw materials to end products (上游/中游/下游).
public enum ChainStage: String, Codable, Sendable, CaseIterable {
    case upstream, midstream, downstream

    /// Chinese name shown to users.
    public var nameZh: String {
        switch self {
        case .upstream: return "上游"
        case .midstream: return "中游"
        case .downstream: return "下游"
        }
    }
}

/// One link (环节) of an industry chain: a set of products made by firms of a few GB/T 4754 classes.
public struct ChainLink: Codable, Sendable, Hashable {
    /// Stable code, chain code plus a two-digit number, e.g. `NFM-03`.
    public let code: String
    public let name: String
    public let stage: ChainStage
    /// Typical products of the link.
    public let products: [String]
    /// GB/T 4754-2017 classes (4 digits) whose firms sit on this link.
    public let industries: [String]
    /// Codes of the links this one feeds (downstream neighbours).
    public let feeds: [String]

    public init(code: String, name: String, stage: ChainStage, products: [String], industries: [String], feeds: [String]) {
        self.code = code
        self.name = name
        self.stage = stage
        self.products = products
        self.industries = industries
        self.feeds = feeds
    }
}

/// One of Jiangxi's 12 key industrial chains of the "1269" plan (重点产业链), as a graph of links.
public struct IndustryChain: Codable, Sendable, Hashable {
    /// Short stable code, e.g. `NFM` for 有色金属.
    public let code: String
    public let name: String
    /// The "1269" cluster the chain belongs to, if any (e.g. 铜基新材料).
    public let clusters: [String]
    public let links: [ChainLink]

    public init(code: String, name: String, clusters: [String], links: [ChainLink]) {
        self.code = code
        self.name = name
        self.clusters = clusters
        self.links = links
    }

    /// The link with the given code, if it belongs to this chain.
    public func link(_ code: String) -> ChainLink? { links.first { $0.code == code } }

    /// Links that feed the given link (upstream neighbours).
    public func suppliers(of code: String) -> [ChainLink] { links.filter { $0.feeds.contains(code) } }

    /// Edges of the chain graph as (from, to) pairs of link codes.
    public var edges: [(from: String, to: String)] {
        links.flatMap { link in link.feeds.map { (from: link.code, to: $0) } }
    }
}

/// An industry class (GB/T 4754-2017 four-digit 小类) that the catalogue and the demo dataset use.
public struct IndustryClass: Codable, Sendable, Hashable {
    public let code: String
    public let name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }

    /// The two-digit division (大类) the class belongs to.
    public var division: String { String(code.prefix(2)) }
}
