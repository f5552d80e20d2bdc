/// PageRank scores with the number of power iterations used and whether the convergence test passed.
public struct PageRankResult: Sendable, Equatable {
    /// One score per node, indexed like the graph's nodes; sums to 1 when converged.
    public var scores: [Double]
    /// Power iterations performed.
    public var iterations: Int
    /// False when `maxIterations` ran out first (networkx raises `PowerIterationFailedConvergence` then).
    public var converged: Bool
}

extension GraphMeasures {
    /// Weighted PageRank, the same computation as `networkx.pagerank(G, alpha:, weight="weight", tol:, max_iter:)`
    /// on a `DiGraph`: out-edges normalised by their weight sum, uniform teleport and uniform redistribution of the mass
    /// of dangling nodes (out-strength 0), start vector 1/N, stop once Σ|x − x_last| < N · tolerance.
    ///
    /// The defaults are the platform's (tolerance 1e-10, 1000 iterations), tighter than networkx's own defaults.
    public static func pageRank(_ graph: DirectedGraph, alpha: Double = 0.85, tolerance: Double = 1e-10,
                                maxIterations: Int = 1000) -> PageRankResult {
        let n = graph.nodeCount
        guard n > 0 else { return PageRankResult(scores: [], iterations: 0, converged: true) }
        // Invert the out-strengths first, then scale each edge, as networkx does (Q = diag(1/S), A = Q·W).
        let strength = outStrength(graph)
        var inverse = [Double](repeating: 0, count: n)
        var dangling: [Int32] = []
        for v in 0..<n {
            if strength[v] != 0 { inverse[v] = 1.0 / strength[v] } else { dangling.append(Int32(v)) }
        }
        let sources = graph.inSources
        var normalized = [Double](repeating: 0, count: sources.count)
        for e in 0..<sources.count { normalized[e] = inverse[Int(sources[e])] * graph.inWeights[e] }

        let p = 1.0 / Double(n)
        let teleport = (1 - alpha) * p
        var x = [Double](repeating: p, count: n)
        var next = [Double](repeating: 0, count: n)
        let offsets = graph.inOffsets
        let threshold = Double(n) * tolerance
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            var danglingSum = 0.0
            for d in dangling { danglingSum += x[Int(d)] }
            let danglingShare = danglingSum * p
            var err = 0.0
            for v in 0..<n {
                var pulled = 0.0
                for e in offsets[v]..<offsets[v + 1] { pulled += x[Int(sources[e])] * normalized[e] }
                let value = alpha * (pulled + danglingShare) + teleport
                next[v] = value
                err += abs(value - x[v])
            }
            swap(&x, &next)
            if err < threshold { return PageRankResult(scores: x, iterations: iteration, converged: true) }
        }
        return PageRankResult(scores: x, iterations: iteration, converged: false)
    }
}
