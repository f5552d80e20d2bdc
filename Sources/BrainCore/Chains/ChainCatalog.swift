import Foundation

/// The default chain catalogue: Jiangxi's 12 key industrial chains of the "1269" plan (2023) and the
/// GB/T 4754-2017 classes their links use. Links run upstream to downstream; `feeds` edges form a DAG.
///
/// The content is the bundled data file `Resources/chains-jiangxi.json` (format: `ChainCatalogFile` below), which also
/// carries a note per chain on what it covers. It is decoded and validated on first use; a broken file stops the
/// process with a message naming the file and the entry.
public enum ChainCatalog {
    /// All 12 chains, in the order of the "1269" plan.
    public static let all: [IndustryChain] = bundled.chains.map(\.chain)

    /// The chain with the given code (e.g. `NFM`), if any.
    public static func chain(_ code: String) -> IndustryChain? { all.first { $0.code == code } }

    /// Every GB/T 4754-2017 class (小类) used by a link of the catalogue, with its official name, sorted by code.
    public static let industryClasses: [IndustryClass] = bundled.industryClasses

    /// The bundled file, decoded and validated.
    static let bundled: ChainCatalogFile = BundledData.loaded { try ChainCatalogFile.bundled() }
}

/// The format of the bundled chain catalogue, `Resources/chains-jiangxi.json`: the chains in the order of the "1269"
/// plan, each with a note on what it covers, and the GB/T 4754-2017 classes their links use, sorted by code.
struct ChainCatalogFile: Codable, Sendable, Hashable {
    /// One chain as the file writes it: an `IndustryChain` plus a note for the reader of the file.
    struct Chain: Codable, Sendable, Hashable {
        var code: String
        var name: String
        /// What the chain covers from upstream to downstream (documentation; not part of `IndustryChain`).
        var note: String
        var clusters: [String]
        var links: [ChainLink]

        var chain: IndustryChain { IndustryChain(code: code, name: name, clusters: clusters, links: links) }
    }

    /// What the file holds and where it comes from.
    var about: String
    var chains: [Chain]
    var industryClasses: [IndustryClass]

    static let fileName = "chains-jiangxi.json"

    /// Reads, decodes and validates the bundled file.
    static func bundled() throws -> ChainCatalogFile {
        try decode(BundledData.data(fileName, in: .module), file: fileName)
    }

    /// Decodes `data` as a chain catalogue file and validates it; errors name `file` and the entry at fault.
    static func decode(_ data: Data, file: String) throws -> ChainCatalogFile {
        let content = try BundledData.decode(ChainCatalogFile.self, from: data, file: file)
        if let problem = content.problems().first { throw BundledDataError(file: file, problem) }
        return content
    }

    /// Rule violations, each naming its entry (empty when the file is consistent): chain codes unique, link codes unique
    /// and prefixed by their chain's code, every `feeds` target a link of the same chain, the feeds graph acyclic, every
    /// link's classes listed in `industryClasses`, and those classes unique, four digits and sorted by code.
    func problems() -> [String] {
        var problems: [String] = []
        var classCodes = Set<String>()
        for (i, c) in industryClasses.enumerated() {
            if c.code.count != 4 || !c.code.allSatisfy(\.isASCII) || !c.code.allSatisfy(\.isNumber) {
                problems.append("industry class \(c.code): code must be 4 digits")
            }
            if !classCodes.insert(c.code).inserted { problems.append("industry class \(c.code) is listed twice") }
            if i > 0, industryClasses[i - 1].code >= c.code { problems.append("industry class \(c.code) is out of code order") }
        }

        var chainCodes = Set<String>(), linkCodes = Set<String>()
        for chain in chains {
            if !chainCodes.insert(chain.code).inserted { problems.append("chain \(chain.code) is listed twice") }
            if chain.links.isEmpty { problems.append("chain \(chain.code) has no links") }
            let own = Set(chain.links.map(\.code))
            for link in chain.links {
                if !linkCodes.insert(link.code).inserted { problems.append("chain \(chain.code): link \(link.code) is listed twice") }
                if !link.code.hasPrefix(chain.code + "-") {
                    problems.append("chain \(chain.code): link \(link.code) does not start with \(chain.code)-")
                }
                for target in link.feeds where !own.contains(target) {
                    problems.append("chain \(chain.code): link \(link.code) feeds \(target), which is not a link of \(chain.code)")
                }
                for industry in link.industries where !classCodes.contains(industry) {
                    problems.append("chain \(chain.code): link \(link.code) uses class \(industry), which is not in industryClasses")
                }
            }
            if let cycle = Self.cycle(in: chain.links) {
                problems.append("chain \(chain.code): the feeds form a cycle \(cycle.joined(separator: " → "))")
            }
        }
        return problems
    }

    /// One cycle of the feeds graph as link codes (first repeated at the end), or nil when the graph is acyclic.
    static func cycle(in links: [ChainLink]) -> [String]? {
        let feeds = Dictionary(links.map { ($0.code, $0.feeds) }, uniquingKeysWith: { a, _ in a })
        var state: [String: Bool] = [:]  // false: on the current path, true: done
        var path: [String] = []
        func visit(_ code: String) -> [String]? {
            if let done = state[code] {
                if done { return nil }
                return Array(path[path.lastIndex(of: code)!...]) + [code]
            }
            state[code] = false
            path.append(code)
            for next in feeds[code] ?? [] where feeds[next] != nil {
                if let cycle = visit(next) { return cycle }
            }
            path.removeLast()
            state[code] = true
            return nil
        }
        for link in links { if let cycle = visit(link.code) { return cycle } }
        return nil
    }
}
