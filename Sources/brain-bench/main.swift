import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// `brain-bench`: benchmarks and backtests, run from a release build.
///
///     swift run -c release brain-bench risk [--data DIR] [--verbose]
///     swift run -c release brain-bench monitor [--data DIR] [--runs N]
///     swift run -c release brain-bench policies [--data DIR]
///     swift run -c release brain-bench market [--data DIR] [--listings N] [--queries N]
///     swift run -c release brain-bench evaluation [--data DIR]
///     swift run -c release brain-bench webhooks --receiver http://127.0.0.1:18199 [--warnings 1000] [--subscribers 50]
///     swift run -c release brain-bench ledger [--entries N] [--concurrency N]
///     swift run -c release brain-bench ingest --url URL [--user U --password P] [--rows N] [--batch N] [--clients N] [--data DIR]
///     swift run -c release brain-bench xlsx-write FILE [--rows N]; brain-bench xlsx-read FILE [--sheet NAME]
let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: String) -> String {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
    return args[i + 1]
}
let data = option("--data", "./brain-data")
let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func loadCube() async throws -> (Store, IndicatorCube) {
    let store = try await Store.open(database: ProcessInfo.processInfo.environment["BRAIN_DATABASE"], dataDirectory: data)
    if try await store.enterpriseCount() == 0 {
        print("seeding the province demo dataset into \(data) …")
        try await DemoSeeder(scale: .province, lastMonth: DemoSeeder.defaultLastMonth()).seed(into: store, dataDirectory: data)
    }
    let t0 = clock.now
    let cube = try await CubeBuilder.build(from: store, catalog: .jiangxi)
    print("cube: \(cube.firmCount) firms × \(cube.monthCount) months, \(cube.reportCount) reports, built in \(String(format: "%.2f", seconds(clock.now - t0))) s")
    return (store, cube)
}

switch args.first {
case "risk":
    let (store, cube) = try await loadCube()
    guard let text = try await store.setting("demo.manifest"), let manifest = try? JSONDecoder().decode(DemoManifest.self, from: Data(text.utf8)) else {
        print("this database has no demo manifest; seed it with `brain demo`")
        await store.close()
        exit(1)
    }
    let period = try ReportingPeriod(cube.lastMonth)
    let scanner = RiskScanner(cube: cube)
    var warnings: [RiskWarning] = []
    var times: [Double] = []
    for _ in 0..<5 {
        let t0 = clock.now
        warnings = scanner.scan(period)
        times.append(seconds(clock.now - t0))
    }
    print("full scan of \(cube.firmCount) enterprises for \(period): \(warnings.count) warnings, median \(String(format: "%.3f", times.sorted()[2])) s over 5 runs")
    print("kind                 planted                  TP   FP   FN  precision  recall")
    for s in RiskBacktest.run(warnings: warnings, manifest: manifest, cube: cube) {
        print(s.kind.padding(toLength: 20, withPad: " ", startingAt: 0), s.planted.padding(toLength: 22, withPad: " ", startingAt: 0),
              String(format: "%4d %4d %4d   %.3f    %.3f", s.truePositives, s.falsePositives, s.falseNegatives, s.precision, s.recall))
    }
    if args.contains("--verbose") {
        let planted = Dictionary(manifest.distressed.map { ($0.uscc, $0.kind.rawValue) }, uniquingKeysWith: { a, b in a + "," + b })
        for w in warnings where w.subjectType == "enterprise" && w.kind != .anomaly && w.kind != .upgradeCandidate && w.kind != .inventoryBuildup {
            if planted[w.subject] == nil { print("unplanted:", w.kind.rawValue, w.level.rawValue, w.inputs, w.explanation) }
        }
    }
    var byKind: [String: Int] = [:]
    for w in warnings { byKind[w.kind.rawValue + "/" + w.level.rawValue, default: 0] += 1 }
    print("warnings by kind/level:", byKind.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    await store.close()
case "monitor":
    let (store, cube) = try await loadCube()
    let runs = Int(option("--runs", "20")) ?? 20
    let admin = Principal(username: "bench", role: .admin, scope: nil)
    let region = option("--region", "360000")
    let scope = try AnalysisScope.resolve(region: region, zone: nil, chain: nil, industry: nil, period: nil, principal: admin,
                                          catalog: .jiangxi, latest: cube.lastMonth)
    let service = MonitorService(cube: cube)
    var times: [Double] = []
    var overview = service.overview(scope)
    for _ in 0..<runs {
        let t0 = clock.now
        overview = service.overview(scope)
        times.append(seconds(clock.now - t0))
    }
    times.sort()
    let out = overview.indicators[0]
    print("overview \(region) \(overview.period): \(overview.firms.aboveScale) firms, 工业总产值 1-\(scope.period.end.month)月 \(Int(out.cumulative)) 万元 (\(out.cumulativeYoy ?? .nan)%), \(overview.breakdown.regions.count) regions, \(overview.breakdown.zones.count) zones, \(overview.breakdown.chains.count) chains, \(overview.breakdown.divisions.count) divisions, \(overview.series.count) months")
    print(String(format: "in-process overview: median %.1f ms, min %.1f ms over %d runs", times[times.count / 2] * 1000, times[0] * 1000, runs))
    await store.close()
case "policies":
    let (store, cube) = try await loadCube()
    let desk = PolicyMatcher(store: store)
    let t0 = clock.now
    let first = try await desk.refresh(cube: cube)
    print(String(format: "first refresh (facts for every firm, matching, grants written): %.2f s, %d new grants", seconds(clock.now - t0), first.newGrants))
    var times: [Double] = []
    for _ in 0..<5 {
        let r = try await desk.refresh(cube: cube)
        times.append(seconds(r.matches.duration))
    }
    times.sort()
    print(String(format: "re-matching %d policies × %d enterprises: median %.3f s over 5 runs (matching only; goal under 1 s)", first.matches.policies.count, cube.firmCount, times[2]))
    await store.close()
case "market":
    let (store, cube) = try await loadCube()
    let count = Int(option("--listings", "100000")) ?? 100_000, queries = Int(option("--queries", "200")) ?? 200
    let firms = cube.firms.map { SynthFirm(uscc: $0.uscc, name: $0.name, region: $0.region, industry: $0.industry, chain: $0.chains.first, link: $0.chainLinks.first) }
    let links = ChainCatalog.all.flatMap { c in c.links.map { SynthLink(code: $0.code, chain: c.code, products: $0.products, industries: $0.industries, feeds: $0.feeds) } }
    var t0 = clock.now
    let listings = ListingSynth.listings(count: count, seed: 7, firms: firms, links: links, validFrom: "2026-01-01", validUntil: "2027-12-31")
    print(String(format: "generated %d listings over %d firms in %.2f s", listings.count, firms.count, seconds(clock.now - t0)))
    let relations = Set(try await store.allSupplyLinks().map { $0.supplier + "|" + $0.customer })
    t0 = clock.now
    let index = MarketIndex(listings: listings, context: MarketContext(linkSuppliers: MarketDesk.linkSuppliers(.jiangxi), pastRelations: relations, homeProvince: "36"))
    print(String(format: "index over %d listings built in %.2f s", index.count, seconds(clock.now - t0)))
    var fast: [Double] = [], slow: [Double] = [], same = 0, sameScores = 0
    let verbose = args.contains("--verbose")
    for k in 0..<queries {
        let q = listings[(k * 7919) % listings.count]
        t0 = clock.now
        let a = index.matches(for: q, limit: 10)
        fast.append(seconds(clock.now - t0))
        t0 = clock.now
        let b = index.matches(for: q, limit: 10, exhaustive: true)
        slow.append(seconds(clock.now - t0))
        if a.map(\.listing.id) == b.map(\.listing.id) { same += 1 } else if a.map(\.score) == b.map(\.score) { sameScores += 1 } else if verbose {
            print("differs for \(q.id) \(q.product): index \(a.map { "\($0.listing.id)=\($0.score)" }) scan \(b.map { "\($0.listing.id)=\($0.score)" })")
        }
    }
    fast.sort(); slow.sort()
    func ms(_ v: [Double], _ p: Double) -> Double { v[min(v.count - 1, Int(Double(v.count) * p))] * 1000 }
    print(String(format: "top-10 per query, indexed: median %.2f ms, p95 %.2f ms, max %.2f ms (goal under 20 ms)", ms(fast, 0.5), ms(fast, 0.95), fast.last! * 1000))
    print(String(format: "top-10 per query, full scan: median %.2f ms, p95 %.2f ms — indexed is %.1f× faster at the median", ms(slow, 0.5), ms(slow, 0.95), ms(slow, 0.5) / ms(fast, 0.5)))
    print("same top-10 from the index and the full scan: \(same) of \(queries) queries; \(sameScores) more with the same scores but other listings tied at the cut-off")
    await store.close()
case "evaluation":
    let (store, cube) = try await loadCube()
    let scores = try await DiagnosisDesk(store: store).latestScores()
    let index = EvaluationIndex(cube: cube, digitalScores: scores)
    for by in EvaluationArea.allCases {
        var times: [Double] = []
        var cells = 0
        for _ in 0..<5 {
            let t0 = clock.now
            cells = index.rank(by: by, weights: .standard).cells.count
            times.append(seconds(clock.now - t0))
        }
        times.sort()
        print(String(format: "evaluation by %@: %d chain × %@ cells (%d firms with a diagnosis) in median %.1f ms over 5 runs", by.rawValue, cells, by.rawValue, scores.count, times[2] * 1000))
    }
    await store.close()
case "webhooks":
    try await WebhookBench.run(receiver: option("--receiver", "http://127.0.0.1:18199"), warnings: Int(option("--warnings", "1000")) ?? 1000,
                               subscribers: Int(option("--subscribers", "50")) ?? 50, database: ProcessInfo.processInfo.environment["BRAIN_DATABASE"])
case "ledger":
    try await LedgerBench.run(entries: Int(option("--entries", "100000")) ?? 100_000, concurrency: Int(option("--concurrency", "256")) ?? 256,
                              database: ProcessInfo.processInfo.environment["BRAIN_DATABASE"])
case "ingest":
    try await IngestBench.run(url: option("--url", "http://127.0.0.1:8080"), user: option("--user", "admin"),
                              password: option("--password", ProcessInfo.processInfo.environment["BRAIN_ADMIN_PASSWORD"] ?? ""),
                              rows: Int(option("--rows", "1000000")) ?? 1_000_000, batch: Int(option("--batch", "5000")) ?? 5_000,
                              clients: Int(option("--clients", "4")) ?? 4, data: data)
case "xlsx-write":
    try XLSXBench.write(args.count > 1 ? args[1] : "indicators.xlsx", rows: Int(option("--rows", "1000000")) ?? 1_000_000)
case "csv-to-xlsx":
    try XLSXBench.fromCSV(args.count > 1 ? args[1] : "in.csv", args.count > 2 ? args[2] : "out.xlsx")
case "xlsx-read":
    try XLSXBench.read(args.count > 1 ? args[1] : "indicators.xlsx", sheet: args.contains("--sheet") ? option("--sheet", "") : nil)
default:
    print("usage: brain-bench risk|monitor|policies|market|evaluation|webhooks --receiver URL|ledger|ingest --url URL|xlsx-write FILE|xlsx-read FILE [--data DIR] [--verbose] [--runs N] [--region CODE] [--listings N] [--queries N]")
}
