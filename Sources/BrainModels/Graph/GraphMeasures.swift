/// Supply-network measures for the algorithm warehouse (算法仓): degrees, strengths, PageRank and betweenness, each
/// returning one value per node (indexed like the graph's nodes) and matching networkx on a `DiGraph`.
public enum GraphMeasures {
    /// Number of distinct out-edges of each node (networkx `G.out_degree()`); a self-loop counts once.
    public static func outDegree(_ graph: DirectedGraph) -> [Int] {
        (0..<graph.nodeCount).map { graph.outOffsets[$0 + 1] - graph.outOffsets[$0] }
    }

    /// Number of distinct in-edges of each node (networkx `G.in_degree()`); a self-loop counts once.
    public static func inDegree(_ graph: DirectedGraph) -> [Int] {
        (0..<graph.nodeCount).map { graph.inOffsets[$0 + 1] - graph.inOffsets[$0] }
    }

    /// Sum of out-edge weights of each node (networkx `G.out_degree(weight="weight")`).
    public static func outStrength(_ graph: DirectedGraph) -> [Double] {
        rowSums(offsets: graph.outOffsets, weights: graph.outWeights)
    }

    /// Sum of in-edge weights of each node (networkx `G.in_degree(weight="weight")`).
    public static func inStrength(_ graph: DirectedGraph) -> [Double] {
        rowSums(offsets: graph.inOffsets, weights: graph.inWeights)
    }

    /// Sum of each CSR row's weights, added in row order.
    static func rowSums(offsets: [Int], weights: [Double]) -> [Double] {
        let n = offsets.count - 1
        var sums = [Double](repeating: 0, count: n)
        for v in 0..<n {
            var s = 0.0
            for e in offsets[v]..<offsets[v + 1] { s += weights[e] }
            sums[v] = s
        }
        return sums
    }
}
