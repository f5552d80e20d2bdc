import Dispatch

extension GraphMeasures {
    /// Shortest-path betweenness centrality, the same computation as
    /// `networkx.betweenness_centrality(G, k:, normalized:, weight=None, endpoints=False)` on a `DiGraph`
    /// (Brandes' algorithm over unweighted BFS paths).
    ///
    /// - Parameters:
    ///   - sources: nil for exact betweenness over all sources. Otherwise distinct source nodes to sample, rescaled the
    ///     way networkx rescales `k = sources.count` sampled sources; pass the list networkx picks
    ///     (`random.Random(seed).sample(list(G), k)`) to reproduce its sampled values. A list of all n nodes is exact.
    ///   - normalized: divide by the number of ordered (s, t) pairs, 1/((n−1)(n−2)) when exact.
    ///   - threads: number of workers. Source `i` goes to worker `i % threads`, each worker sums into its own array and
    ///     the arrays are added in worker order, so the result depends on `threads` only, never on scheduling.
    public static func betweenness(_ graph: DirectedGraph, sources: [Int]? = nil, normalized: Bool = true,
                                   threads: Int = 1) -> [Double] {
        let n = graph.nodeCount
        let chosen = sources ?? Array(0..<n)
        precondition(n == 0 || !chosen.isEmpty, "betweenness needs at least one source")
        var picked = [Bool](repeating: false, count: n)
        for s in chosen {
            precondition(s >= 0 && s < n, "source \(s) is not a node")
            precondition(!picked[s], "source \(s) is listed twice")
            picked[s] = true
        }
        let workers = max(1, min(threads, chosen.count))
        var scores: [Double]
        if workers == 1 {
            scores = partialBetweenness(graph, sources: chosen, worker: 0, of: 1)
        } else {
            let slots = WorkerSlots<[Double]>(count: workers)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                slots.store(partialBetweenness(graph, sources: chosen, worker: worker, of: workers), at: worker)
            }
            scores = [Double](repeating: 0, count: n)
            for part in slots.values() {
                for v in 0..<n { scores[v] += part[v] }
            }
        }
        let sampled = chosen.count == n ? nil : picked
        rescaleBetweenness(&scores, sampledCount: chosen.count, sampled: sampled, normalized: normalized)
        return scores
    }

    /// Raw betweenness summed over `sources[worker]`, `sources[worker + workers]`, ….
    static func partialBetweenness(_ graph: DirectedGraph, sources: [Int], worker: Int, of workers: Int) -> [Double] {
        var scores = [Double](repeating: 0, count: graph.nodeCount)
        let workspace = BrandesWorkspace(nodeCount: graph.nodeCount)
        graph.outOffsets.withUnsafeBufferPointer { offsets in
            graph.outTargets.withUnsafeBufferPointer { targets in
                scores.withUnsafeMutableBufferPointer { out in
                    var i = worker
                    while i < sources.count {
                        workspace.accumulate(source: sources[i], offsets: offsets, targets: targets, into: out)
                        i += workers
                    }
                }
            }
        }
        return scores
    }

    /// networkx's `_rescale` for directed graphs without endpoints; `sampled` marks the sources when k < n.
    static func rescaleBetweenness(_ scores: inout [Double], sampledCount k: Int, sampled: [Bool]?, normalized: Bool) {
        let pairs = scores.count - 1  // networkx's N: v itself cannot be a target
        guard pairs >= 2 else { return }
        guard let sampled else {
            let scale = normalized ? 1 / (Double(pairs) * Double(pairs - 1)) : 1
            if scale != 1 { for v in scores.indices { scores[v] *= scale } }
            return
        }
        // A sampled source cannot lie on its own paths, so it is seen from k − 1 sources, the others from k.
        let source: Double, other: Double
        if normalized {
            source = k > 1 ? 1 / (Double(k - 1) * Double(pairs - 1)) : .nan
            other = 1 / (Double(k) * Double(pairs - 1))
        } else {
            source = k > 1 ? Double(pairs) / Double(k - 1) : .nan
            other = Double(pairs) / Double(k)
        }
        for v in scores.indices { scores[v] *= sampled[v] ? source : other }
    }
}
