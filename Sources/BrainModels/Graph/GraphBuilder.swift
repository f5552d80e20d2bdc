/// Collects edges between string node ids (such as USCC credit codes) and builds a `DirectedGraph`, keeping the
/// id ↔ index mapping so that per-node results can be read back by id.
public struct GraphBuilder: Sendable {
    /// Node ids in index order: `ids[i]` is the id of node `i`.
    public private(set) var ids: [String] = []
    private var indexById: [String: Int] = [:]
    private var edges: [(from: Int, to: Int, weight: Double)] = []

    /// An empty builder.
    public init() {}

    /// Number of nodes added so far.
    public var nodeCount: Int { ids.count }

    /// Index of `id`, adding it as a new node when unseen; nodes are numbered in order of first appearance.
    @discardableResult
    public mutating func addNode(_ id: String) -> Int {
        if let index = indexById[id] { return index }
        let index = ids.count
        ids.append(id)
        indexById[id] = index
        return index
    }

    /// Adds the edge `from → to` (adding unseen ids as nodes); repeated edges are summed when the graph is built.
    public mutating func addEdge(from: String, to: String, weight: Double = 1) {
        let u = addNode(from)
        let v = addNode(to)
        edges.append((from: u, to: v, weight: weight))
    }

    /// Index of `id`, or nil when it was never added.
    public func index(of id: String) -> Int? { indexById[id] }

    /// The graph of all nodes and edges added so far.
    public func build() -> DirectedGraph {
        DirectedGraph(nodeCount: ids.count, edges: edges)
    }

    /// Pairs per-node values (indexed like the built graph's nodes) with their ids.
    public func labeled<Value>(_ values: [Value]) -> [String: Value] {
        precondition(values.count == ids.count, "expected one value per node")
        var out = [String: Value](minimumCapacity: ids.count)
        for (i, id) in ids.enumerated() { out[id] = values[i] }
        return out
    }
}
