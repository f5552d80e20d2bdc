/// Scratch arrays for Brandes' single-source pass (BFS, then dependency accumulation), reused across sources.
/// One workspace belongs to one thread; it is never shared.
final class BrandesWorkspace {
    private let nodeCount: Int
    /// BFS distance from the current source, −1 when unreached.
    private let dist: UnsafeMutablePointer<Int32>
    /// Number of shortest paths from the current source.
    private let sigma: UnsafeMutablePointer<Double>
    /// (1 + δ(w)) / σ(w) once w's dependency δ(w) is final; networkx's `coeff`.
    private let coeff: UnsafeMutablePointer<Double>
    /// Nodes in BFS order (networkx's stack `S`); doubles as the BFS queue.
    private let order: UnsafeMutablePointer<Int32>

    init(nodeCount: Int) {
        self.nodeCount = nodeCount
        let size = max(nodeCount, 1)
        dist = .allocate(capacity: size)
        dist.initialize(repeating: -1, count: size)
        sigma = .allocate(capacity: size)
        sigma.initialize(repeating: 0, count: size)
        coeff = .allocate(capacity: size)
        coeff.initialize(repeating: 0, count: size)
        order = .allocate(capacity: size)
        order.initialize(repeating: 0, count: size)
    }

    deinit {
        dist.deallocate()
        sigma.deallocate()
        coeff.deallocate()
        order.deallocate()
    }

    /// Adds the dependencies δ_s(v) of every node v ≠ s on source `s` to `scores` (unweighted shortest paths).
    func accumulate(source s: Int, offsets: UnsafeBufferPointer<Int>, targets: UnsafeBufferPointer<Int32>,
                    into scores: UnsafeMutableBufferPointer<Double>) {
        dist[s] = 0
        sigma[s] = 1
        order[0] = Int32(s)
        var count = 1
        var head = 0
        while head < count {
            let v = Int(order[head])
            head += 1
            let next = dist[v] + 1
            let sv = sigma[v]
            for e in offsets[v]..<offsets[v + 1] {
                let w = Int(targets[e])
                if dist[w] < 0 {
                    dist[w] = next
                    order[count] = Int32(w)
                    count += 1
                }
                if dist[w] == next { sigma[w] += sv }
            }
        }
        // Reverse BFS order: every successor on a shortest path is final before its predecessor is visited.
        var i = count - 1
        while i > 0 {
            let v = Int(order[i])
            let next = dist[v] + 1
            var sum = 0.0
            for e in offsets[v]..<offsets[v + 1] {
                let w = Int(targets[e])
                if dist[w] == next { sum += coeff[w] }
            }
            let delta = sigma[v] * sum
            scores[v] += delta
            coeff[v] = (1 + delta) / sigma[v]
            i -= 1
        }
        for j in 0..<count {
            let v = Int(order[j])
            dist[v] = -1
            sigma[v] = 0
            coeff[v] = 0
        }
    }
}
