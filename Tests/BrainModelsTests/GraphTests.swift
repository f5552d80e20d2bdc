import Testing
@testable import BrainModels

// Expected values below were printed by networkx 3.6.1 on a DiGraph built from the same edges (parallel edges merged
// by adding weights), with nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-10, max_iter=1000) and
// nx.betweenness_centrality(G, normalized=True, weight=None) unless a test says otherwise.

/// True when both arrays have the same length and every pair differs by at most `tolerance`.
private func close(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-12) -> Bool {
    actual.count == expected.count && zip(actual, expected).allSatisfy { abs($0 - $1) <= tolerance }
}

@Suite struct DirectedGraphTests {
    /// 0→1 (1), 0→1 (2), 0→2 (1), 1→2 (1), 2→0 (0.5), 2→2 (1).
    let graph = DirectedGraph(nodeCount: 3, edges: [(0, 1, 1), (0, 1, 2), (0, 2, 1), (1, 2, 1), (2, 0, 0.5), (2, 2, 1)])

    @Test func parallelEdgesAreMergedBySummingWeights() {
        #expect(graph.edgeCount == 5)
        #expect(graph.weight(from: 0, to: 1) == 3)
        #expect(graph.weight(from: 1, to: 0) == nil)
        #expect(graph.outOffsets == [0, 2, 3, 5])
        #expect(Array(graph.successors(of: 0)) == [1, 2])
        #expect(Array(graph.successors(of: 2)) == [0, 2])
        #expect(graph.inOffsets == [0, 1, 2, 5])
        #expect(Array(graph.predecessors(of: 2)) == [0, 1, 2])
        #expect(graph.inWeights == [0.5, 3, 1, 1, 1])
    }

    @Test func degreesAndStrengthsCountEachMergedEdgeOnceAndSelfLoopsOnBothSides() {
        #expect(GraphMeasures.outDegree(graph) == [2, 1, 2])
        #expect(GraphMeasures.inDegree(graph) == [1, 1, 3])
        // networkx: G.out_degree(weight="weight") and G.in_degree(weight="weight").
        #expect(GraphMeasures.outStrength(graph) == [4.0, 1.0, 1.5])
        #expect(GraphMeasures.inStrength(graph) == [0.5, 3.0, 3.0])
    }

    @Test func mergedGraphMatchesNetworkx() {
        let rank = GraphMeasures.pageRank(graph)
        #expect(rank.converged)
        #expect(close(rank.scores, [0.21801622312913727, 0.18898534227565084, 0.592998434595212]))
        #expect(close(GraphMeasures.betweenness(graph), [0.5, 0.0, 0.5]))
    }

    @Test func emptyGraph() {
        let empty = DirectedGraph(nodeCount: 0, edges: [])
        #expect(GraphMeasures.pageRank(empty).scores.isEmpty)
        #expect(GraphMeasures.betweenness(empty, threads: 2).isEmpty)
        #expect(GraphMeasures.inDegree(empty).isEmpty)
    }
}

@Suite struct PageRankAndBetweennessTests {
    @Test func starThroughAHub() {
        // 1→0, 2→0, 0→3, 0→4: two suppliers feed a hub that serves two customers.
        let g = DirectedGraph(nodeCount: 5, edges: [(1, 0, 1), (2, 0, 1), (0, 3, 1), (0, 4, 1)])
        #expect(close(GraphMeasures.pageRank(g).scores, [0.30016675934593057, 0.11117287378597734, 0.11117287378597734,
                                                         0.23874374654105757, 0.23874374654105757]))
        #expect(close(GraphMeasures.betweenness(g), [0.3333333333333333, 0, 0, 0, 0]))
    }

    @Test func chain() {
        // a→b→c
        let g = DirectedGraph(nodeCount: 3, edges: [(0, 1, 1), (1, 2, 1)])
        #expect(close(GraphMeasures.pageRank(g).scores, [0.18441678193461924, 0.34117104651125935, 0.4744121715541211]))
        #expect(close(GraphMeasures.betweenness(g), [0, 0.5, 0]))
        #expect(close(GraphMeasures.betweenness(g, normalized: false), [0, 1, 0]))
    }

    @Test func danglingNodeSpreadsItsRankUniformly() {
        // 0→1 (2), 1→2 (1), 2→0 (1), 2→3 (3); node 3 has no out-edges.
        let g = DirectedGraph(nodeCount: 4, edges: [(0, 1, 2), (1, 2, 1), (2, 0, 1), (2, 3, 3)])
        let rank = GraphMeasures.pageRank(g)
        #expect(rank.converged)
        #expect(close(rank.scores, [0.16423155985482243, 0.23938462902420923, 0.30326473777240204, 0.29311907334856624]))
        #expect(abs(rank.scores.reduce(0, +) - 1) < 1e-9)
        #expect(close(GraphMeasures.betweenness(g), [0.16666666666666666, 0.3333333333333333, 0.5, 0]))
    }

    /// 0→1, 0→2, 1→3, 2→3, 3→4, 4→0 (two shortest paths 0⇒3), and node 5 isolated.
    let diamond = DirectedGraph(nodeCount: 6, edges: [(0, 1, 1), (0, 2, 1), (1, 3, 1), (2, 3, 1), (3, 4, 1), (4, 0, 1)])

    @Test func diamondWithIsolatedNode() {
        #expect(close(GraphMeasures.pageRank(diamond).scores,
                      [0.23159603299923776, 0.12755452772146253, 0.12755452772146253, 0.24596891046895264,
                       0.2381997874966513, 0.02912621359223301]))
        let expected = [0.35000000000000003, 0.07500000000000001, 0.07500000000000001, 0.35000000000000003,
                        0.35000000000000003, 0]
        #expect(close(GraphMeasures.betweenness(diamond), expected))
        // networkx normalized=False
        #expect(close(GraphMeasures.betweenness(diamond, normalized: false), [7, 1.5, 1.5, 7, 7, 0]))
        for threads in [2, 3, 8] {
            #expect(close(GraphMeasures.betweenness(diamond, threads: threads), expected))
        }
        // Listing every node as a source is the exact computation, as with networkx's k = n.
        #expect(close(GraphMeasures.betweenness(diamond, sources: [5, 4, 3, 2, 1, 0]), expected))
    }

    @Test func sampledSourcesAreRescaledLikeNetworkx() {
        // networkx: betweenness_centrality(G, k=3, seed=7), whose sources are random.Random(7).sample(list(G), 3).
        let sources = [2, 1, 3]
        #expect(close(GraphMeasures.betweenness(diamond, sources: sources),
                      [0.3333333333333333, 0, 0, 0.75, 0.5833333333333333, 0]))
        #expect(close(GraphMeasures.betweenness(diamond, sources: sources, normalized: false),
                      [6.666666666666667, 0, 0, 15.0, 11.666666666666668, 0]))
        #expect(close(GraphMeasures.betweenness(diamond, sources: sources, threads: 2),
                      [0.3333333333333333, 0, 0, 0.75, 0.5833333333333333, 0]))
    }

    @Test func parallelBetweennessIsDeterministicAndMatchesSerial() {
        let g = Self.randomGraph(nodes: 400, edges: 1_200, seed: 11)
        let serial = GraphMeasures.betweenness(g)
        let parallel = GraphMeasures.betweenness(g, threads: 2)
        #expect(close(parallel, serial, tolerance: 1e-12))
        #expect(GraphMeasures.betweenness(g, threads: 2) == parallel)  // bit for bit on a rerun
        #expect(serial.contains { $0 > 0 })
    }

    @Test func stopsAtMaxIterations() {
        let g = DirectedGraph(nodeCount: 3, edges: [(0, 1, 1), (1, 2, 1)])
        let rank = GraphMeasures.pageRank(g, maxIterations: 1)
        #expect(!rank.converged)
        #expect(rank.iterations == 1)
    }

    /// A reproducible random directed graph (64-bit LCG), self-loops and repeats included.
    static func randomGraph(nodes: Int, edges: Int, seed: UInt64) -> DirectedGraph {
        var state = seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let list = (0..<edges).map { _ in (from: next() % nodes, to: next() % nodes, weight: Double(1 + next() % 9)) }
        return DirectedGraph(nodeCount: nodes, edges: list)
    }
}

@Suite struct GraphBuilderTests {
    @Test func mapsStringIdsToIndicesAndBack() {
        var builder = GraphBuilder()
        builder.addEdge(from: "supplier-A", to: "maker-B", weight: 2)
        builder.addEdge(from: "maker-B", to: "buyer-C")
        builder.addEdge(from: "supplier-A", to: "maker-B", weight: 3)
        #expect(builder.addNode("idle-D") == 3)
        #expect(builder.addNode("maker-B") == 1)
        #expect(builder.ids == ["supplier-A", "maker-B", "buyer-C", "idle-D"])
        #expect(builder.index(of: "buyer-C") == 2)
        #expect(builder.index(of: "nobody") == nil)
        let graph = builder.build()
        #expect(graph.nodeCount == 4)
        #expect(graph.edgeCount == 2)
        #expect(graph.weight(from: 0, to: 1) == 5)
        let betweenness = builder.labeled(GraphMeasures.betweenness(graph))
        // networkx on a→b→c plus an isolated node: b lies on 1 of (4−1)(4−2) = 6 ordered pairs.
        #expect(abs(betweenness["maker-B"]! - 1.0 / 6.0) < 1e-12)
        #expect(betweenness["idle-D"] == 0)
    }
}
