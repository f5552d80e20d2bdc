import BrainCore
import BrainModels
import BrainStore
import Foundation
import Synchronization

/// The enterprise supply network (supplier → customer, weighted by annual purchase value) with its centrality
/// measures, built once from the store and rebuilt after supply-link imports.
public final class SupplyNetwork: Sendable {
    public let links: [SupplyLink]
    public let graph: DirectedGraph
    /// Node ids (credit codes), indexed like the graph's nodes.
    public let ids: [String]
    public let index: [String: Int]
    public let pageRank: [Double]
    /// Betweenness estimated from `betweennessSources` sources (exact when it equals the node count).
    public let betweenness: [Double]
    public let betweennessSources: Int
    public let inDegree: [Int]
    public let outDegree: [Int]
    /// Positions in `links` of each customer's purchases.
    public let purchases: [String: [Int]]

    /// Builds the graph and its measures; betweenness uses at most `maxSources` evenly spread sources.
    public init(links: [SupplyLink], maxSources: Int = 2_000, threads: Int = 2) {
        self.links = links
        var byCustomer: [String: [Int]] = [:]
        for (k, l) in links.enumerated() { byCustomer[l.customer, default: []].append(k) }
        purchases = byCustomer
        var builder = GraphBuilder()
        for l in links { builder.addEdge(from: l.supplier, to: l.customer, weight: max(l.annualValue, 0.0001)) }
        let g = builder.build()
        graph = g
        ids = builder.ids
        index = Dictionary(uniqueKeysWithValues: builder.ids.enumerated().map { ($1, $0) })
        pageRank = GraphMeasures.pageRank(g).scores
        inDegree = GraphMeasures.inDegree(g)
        outDegree = GraphMeasures.outDegree(g)
        let n = g.nodeCount
        if n <= maxSources {
            betweenness = n > 2 ? GraphMeasures.betweenness(g, threads: threads) : [Double](repeating: 0, count: n)
            betweennessSources = n
        } else {
            let step = Double(n) / Double(maxSources)
            let sources = (0..<maxSources).map { Int(Double($0) * step) }
            betweenness = GraphMeasures.betweenness(g, sources: sources, threads: threads)
            betweennessSources = maxSources
        }
    }

    public static func load(from store: Store) async throws -> SupplyNetwork {
        SupplyNetwork(links: try await store.allSupplyLinks())
    }
}

/// Holds the current supply network; swapped whole after imports.
public final class SupplyNetworkHolder: Sendable {
    private let current: Mutex<(network: SupplyNetwork, generation: Int)>
    public init(_ n: SupplyNetwork) { current = Mutex((n, 0)) }
    public var network: SupplyNetwork { current.withLock { $0.network } }
    /// The network and its generation (bumped by every refresh), read together.
    public var versioned: (network: SupplyNetwork, generation: Int) { current.withLock { $0 } }
    public func refresh(from store: Store) async throws {
        let fresh = try await SupplyNetwork.load(from: store)
        current.withLock { $0 = (fresh, $0.generation + 1) }
    }
}
