import Synchronization

/// The chain catalogue a province works with (its 产业链 and their links): imported from the province's own chain
/// definition file, or Jiangxi's bundled "1269" chains for Jiangxi, or empty.
public struct ChainBook: Sendable, Hashable {
    /// The chains, in the order their definition lists them.
    public let chains: [IndustryChain]
    /// The GB/T 4754-2017 classes the links use, with their names, sorted by code.
    public let industryClasses: [IndustryClass]
    /// Where the chains come from (e.g. `bundled chains-jiangxi.json`, `imported version 3`, `none`).
    public let origin: String

    public init(chains: [IndustryChain], industryClasses: [IndustryClass], origin: String) {
        self.chains = chains
        self.industryClasses = industryClasses
        self.origin = origin
    }

    /// Jiangxi's 12 bundled chains (`Resources/chains-jiangxi.json`).
    public static let jiangxi = ChainBook(chains: ChainCatalog.all, industryClasses: ChainCatalog.industryClasses,
                                          origin: "bundled chains-jiangxi.json")
    /// No chains: a province that has not imported its chain definitions yet.
    public static let empty = ChainBook(chains: [], industryClasses: [], origin: "none")

    /// The most chains a province may define (the indicator cube keeps one bit per chain and firm).
    public static let maximumChains = 16

    /// The chain with the given code, if any.
    public func chain(_ code: String) -> IndustryChain? { chains.first { $0.code == code } }

    /// The chain a link code belongs to (`NFM-03` → `NFM`), when the link is one of its links.
    public func chain(ofLink code: String) -> IndustryChain? {
        chains.first { $0.link(code) != nil }
    }

    /// True when `code` is a link of one of the chains.
    public func isLink(_ code: String) -> Bool { chain(ofLink: code) != nil }

    /// One cycle of the feeds among `links` as link codes (the first repeated at the end), or nil when there is none.
    public static func cycle(in links: [ChainLink]) -> [String]? { ChainCatalogFile.cycle(in: links) }

    /// The chain codes, in order.
    public var codes: [String] { chains.map(\.code) }

    /// The name of a class: the book's own, else `fallback`'s.
    public func className(_ code: String, fallback: IndustryCatalog) -> String {
        industryClasses.first { $0.code == code }?.name ?? fallback.name(of: code)
    }
}

/// The chain catalogue of one running province, shared by every copy of its `RegionCatalog` so that an import of new
/// chain definitions reaches every desk at once.
public final class ChainShelf: Sendable {
    private let current: Mutex<ChainBook>

    public init(_ book: ChainBook) { current = Mutex(book) }

    /// The chains in force.
    public var book: ChainBook { current.withLock { $0 } }

    /// Puts a newly imported catalogue in force.
    public func replace(with book: ChainBook) { current.withLock { $0 = book } }
}
