/// A weighted directed graph on nodes `0..<nodeCount`, stored as compressed sparse rows for out-edges and in-edges.
///
/// Parallel edges given to the initialiser are merged into one edge whose weight is the sum of theirs (added in input
/// order); self-loops are kept. Within a row, edges keep the order in which their (from, to) pair first appeared,
/// which is also the neighbour order of a networkx `DiGraph` built from the same edge list.
public struct DirectedGraph: Sendable {
    /// Number of nodes; node ids are `0..<nodeCount`.
    public let nodeCount: Int
    /// Out-edges of node `v` are `outOffsets[v]..<outOffsets[v + 1]` in `outTargets` / `outWeights` (count `nodeCount + 1`).
    public let outOffsets: [Int]
    /// Head (target) node of each out-edge.
    public let outTargets: [Int32]
    /// Weight of each out-edge.
    public let outWeights: [Double]
    /// In-edges of node `v` are `inOffsets[v]..<inOffsets[v + 1]` in `inSources` / `inWeights` (count `nodeCount + 1`).
    public let inOffsets: [Int]
    /// Tail (source) node of each in-edge.
    public let inSources: [Int32]
    /// Weight of each in-edge.
    public let inWeights: [Double]

    /// Number of distinct directed edges after merging parallel edges.
    public var edgeCount: Int { outTargets.count }

    /// Builds the graph from an edge list; every endpoint must lie in `0..<nodeCount`, and `nodeCount` must be below 2³¹.
    public init(nodeCount: Int, edges: [(from: Int, to: Int, weight: Double)]) {
        precondition(nodeCount >= 0 && nodeCount < Int(Int32.max), "node count out of range")
        self.nodeCount = nodeCount
        // Counting sort by tail keeps input order within each row (stable).
        var counts = [Int](repeating: 0, count: nodeCount + 1)
        for e in edges {
            precondition(e.from >= 0 && e.from < nodeCount && e.to >= 0 && e.to < nodeCount,
                         "edge \(e.from)->\(e.to) has an endpoint outside 0..<\(nodeCount)")
            counts[e.from + 1] += 1
        }
        for v in 0..<nodeCount { counts[v + 1] += counts[v] }
        var cursor = counts
        var rawTargets = [Int32](repeating: 0, count: edges.count)
        var rawWeights = [Double](repeating: 0, count: edges.count)
        for e in edges {
            let slot = cursor[e.from]
            rawTargets[slot] = Int32(e.to)
            rawWeights[slot] = e.weight
            cursor[e.from] = slot + 1
        }
        // Merge parallel edges row by row; `lastRow[t]` marks where target t was last placed.
        var offsets = [Int](repeating: 0, count: nodeCount + 1)
        var targets = [Int32]()
        var weights = [Double]()
        targets.reserveCapacity(edges.count)
        weights.reserveCapacity(edges.count)
        var seenInRow = [Int](repeating: -1, count: nodeCount)
        var position = [Int](repeating: 0, count: nodeCount)
        for v in 0..<nodeCount {
            for slot in counts[v]..<counts[v + 1] {
                let t = Int(rawTargets[slot])
                if seenInRow[t] == v {
                    weights[position[t]] += rawWeights[slot]
                } else {
                    seenInRow[t] = v
                    position[t] = targets.count
                    targets.append(rawTargets[slot])
                    weights.append(rawWeights[slot])
                }
            }
            offsets[v + 1] = targets.count
        }
        outOffsets = offsets
        outTargets = targets
        outWeights = weights
        (inOffsets, inSources, inWeights) = Self.transpose(nodeCount: nodeCount, offsets: offsets, targets: targets, weights: weights)
    }

    /// The reverse CSR: in-edges grouped by head, ordered by tail within each row.
    private static func transpose(nodeCount: Int, offsets: [Int], targets: [Int32], weights: [Double])
        -> ([Int], [Int32], [Double]) {
        var inOffsets = [Int](repeating: 0, count: nodeCount + 1)
        for t in targets { inOffsets[Int(t) + 1] += 1 }
        for v in 0..<nodeCount { inOffsets[v + 1] += inOffsets[v] }
        var cursor = inOffsets
        var sources = [Int32](repeating: 0, count: targets.count)
        var inWeights = [Double](repeating: 0, count: targets.count)
        for u in 0..<nodeCount {
            for e in offsets[u]..<offsets[u + 1] {
                let t = Int(targets[e])
                let slot = cursor[t]
                sources[slot] = Int32(u)
                inWeights[slot] = weights[e]
                cursor[t] = slot + 1
            }
        }
        return (inOffsets, sources, inWeights)
    }

    /// Heads of the out-edges of `node`, in row order.
    public func successors(of node: Int) -> ArraySlice<Int32> {
        outTargets[outOffsets[node]..<outOffsets[node + 1]]
    }

    /// Tails of the in-edges of `node`, in row order.
    public func predecessors(of node: Int) -> ArraySlice<Int32> {
        inSources[inOffsets[node]..<inOffsets[node + 1]]
    }

    /// Weight of the edge `from → to`, or nil when there is none (linear in the out-degree of `from`).
    public func weight(from: Int, to: Int) -> Double? {
        for e in outOffsets[from]..<outOffsets[from + 1] where Int(outTargets[e]) == to { return outWeights[e] }
        return nil
    }
}
