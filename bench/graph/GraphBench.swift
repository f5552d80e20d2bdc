// Benchmark driver for the graph measures in Sources/BrainModels/Graph: reads a CSV edge list, times the measures and
// prints one JSON object (timings and per-node values) on stdout. Built and run by run.sh / compare_networkx.py:
//
//   GraphBench --csv edges.csv --nodes N [--sources sources.txt] [--threads 2] [--repeat 3]
//
// The CSV has a header line and rows `from,to,weight` with integer node ids in 0..<N. `--sources` names a file with one
// node id per line: betweenness then runs from those sources only, rescaled as networkx rescales k sampled sources.
// Timings are the best of `--repeat` runs, in seconds. Progress goes to stderr.
import Foundation

@main
struct GraphBench {
    static func main() {
        do {
            try run()
        } catch {
            log("error: \(error)")
            exit(2)
        }
    }

    static func run() throws {
        let options = try Options(CommandLine.arguments.dropFirst())
        let clock = ContinuousClock()
        var timings: [(String, Double)] = []

        let start = clock.now
        let rows = try readEdges(options.csv)
        timings.append(("parse_csv", seconds(clock.now - start)))
        let nodeCount = options.nodes ?? (rows.reduce(-1) { max($0, $1.from, $1.to) } + 1)
        let sources = try options.sourcesFile.map(readSources)
        log("graph: \(nodeCount) nodes, \(rows.count) rows; betweenness " +
            (sources.map { "sampled from \($0.count) sources" } ?? "exact"))

        var graph = DirectedGraph(nodeCount: 0, edges: [])
        timings.append(("build", best(options.repeats) { graph = DirectedGraph(nodeCount: nodeCount, edges: rows) }))
        var inDegree: [Int] = [], outDegree: [Int] = [], inStrength: [Double] = [], outStrength: [Double] = []
        timings.append(("degrees", best(options.repeats) {
            inDegree = GraphMeasures.inDegree(graph)
            outDegree = GraphMeasures.outDegree(graph)
            inStrength = GraphMeasures.inStrength(graph)
            outStrength = GraphMeasures.outStrength(graph)
        }))
        var rank = PageRankResult(scores: [], iterations: 0, converged: false)
        timings.append(("pagerank", best(options.repeats) {
            rank = GraphMeasures.pageRank(graph, alpha: 0.85, tolerance: 1e-10, maxIterations: 1000)
        }))
        log("pagerank: \(rank.iterations) iterations, converged \(rank.converged)")

        var single: [Double] = []
        timings.append(("betweenness_1", best(options.repeats) {
            single = GraphMeasures.betweenness(graph, sources: sources, threads: 1)
        }))
        log("betweenness, 1 thread: done")
        var parallel: [Double] = []
        timings.append(("betweenness_\(options.threads)", best(options.repeats) {
            parallel = GraphMeasures.betweenness(graph, sources: sources, threads: options.threads)
        }))
        log("betweenness, \(options.threads) threads: done")

        var json = "{\"nodes\":\(graph.nodeCount),\"edges\":\(graph.edgeCount),\"rows\":\(rows.count),"
        json += "\"threads\":\(options.threads),\"betweenness_sources\":\(sources?.count ?? graph.nodeCount),"
        json += "\"pagerank_iterations\":\(rank.iterations),\"pagerank_converged\":\(rank.converged),\"timings\":{"
        json += timings.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "},"
        json += "\"in_degree\":\(array(inDegree.map(Double.init))),\"out_degree\":\(array(outDegree.map(Double.init))),"
        json += "\"in_strength\":\(array(inStrength)),\"out_strength\":\(array(outStrength)),"
        json += "\"pagerank\":\(array(rank.scores)),\"betweenness\":\(array(single)),"
        json += "\"betweenness_parallel\":\(array(parallel))}"
        print(json)
    }

    /// Best wall time of `count` runs of `body`, in seconds.
    static func best(_ count: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        return (0..<max(count, 1)).map { _ in seconds(clock.measure(body)) }.min()!
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// A JSON array of numbers; non-finite values become null.
    static func array(_ values: [Double]) -> String {
        "[" + values.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
    }

    static func log(_ message: String) {
        FileHandle.standardError.write(Data("GraphBench: \(message)\n".utf8))
    }

    static func readEdges(_ path: String) throws -> [(from: Int, to: Int, weight: Double)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var edges: [(from: Int, to: Int, weight: Double)] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() where number > 0 {
            let fields = line.split(separator: ",")
            guard fields.count == 3, let u = Int(fields[0]), let v = Int(fields[1]), let w = Double(fields[2]) else {
                throw BenchError("bad CSV line \(number + 1): \(line)")
            }
            edges.append((from: u, to: v, weight: w))
        }
        return edges
    }

    static func readSources(_ path: String) throws -> [Int] {
        try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).map {
            guard let s = Int($0.trimmingCharacters(in: .whitespaces)) else { throw BenchError("bad source line: \($0)") }
            return s
        }
    }
}

/// Command-line options of the benchmark.
struct Options {
    var csv = ""
    var nodes: Int?
    var sourcesFile: String?
    var threads = 2
    var repeats = 1

    init(_ args: ArraySlice<String>) throws {
        var it = args.makeIterator()
        while let flag = it.next() {
            guard let value = it.next() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--csv": csv = value
            case "--nodes": nodes = Int(value)
            case "--sources": sourcesFile = value
            case "--threads": threads = Int(value) ?? 2
            case "--repeat": repeats = Int(value) ?? 1
            default: throw BenchError("unknown option \(flag)")
            }
        }
        if csv.isEmpty { throw BenchError("usage: GraphBench --csv FILE [--nodes N] [--sources FILE] [--threads T] [--repeat R]") }
    }
}

/// A benchmark input error with a readable message.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
