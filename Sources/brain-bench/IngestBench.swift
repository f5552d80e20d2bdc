import BrainCore
import BrainData
import BrainStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `brain-bench ingest --url URL [--user U --password P] [--rows N] [--batch N] [--clients N] [--data DIR]`: monthly
/// indicator rows for the database's firms posted to a running `brain serve` through `POST /api/v1/ingest/indicators`
/// in batches from concurrent clients (source `power`), then the same firm-months as one CSV file through the file
/// importer in this process (source `tax`, so both write new values), and the ratio of the two rates.
enum IngestBench {
    static func run(url: String, user: String, password: String, rows: Int, batch: Int, clients: Int, data: String) async throws {
        let store = try await Store.open(database: ProcessInfo.processInfo.environment["BRAIN_DATABASE"], dataDirectory: data)
        let firms = try await store.allEnterprises().map(\.uscc)
        guard !firms.isEmpty, let latest = try await store.latestReportedMonth() else {
            print("the database at \(data) has no firms or no reports; start `brain serve --demo province --data \(data)` first")
            return
        }
        let months = (rows + firms.count - 1) / firms.count
        print("\(rows) rows: \(firms.count) firms × \(months) months up to \(latest), batches of \(batch) from \(clients) clients")
        // Row k: firm k % F, month latest − k / F; batch b holds rows b·batch ..< (b+1)·batch.
        func row(_ k: Int, salt: Double) -> (uscc: String, month: String, output: Double, revenue: Double, electricity: Double, employees: Int) {
            let f = k % firms.count
            let m = latest.adding(months: -(k / firms.count))
            let base = Double(1_000 + (k * 7919) % 50_000) + salt
            return (firms[f], m.description, base, (base * 0.93).rounded(), Double(20_000 + (k * 104_729) % 900_000), 50 + k % 900)
        }
        let token = try await login(url: url, user: user, password: password)
        let batches = (rows + batch - 1) / batch
        // The bodies are written before the clock starts: the sender's cost of producing its data is not the server's,
        // and on a 2-core machine a client formatting JSON while it sends takes most of a core from the server.
        let bodies: [Data] = (0..<batches).map { b in
            var body = "["
            body.reserveCapacity(batch * 130)
            for k in (b * batch)..<min(rows, (b + 1) * batch) {
                let r = row(k, salt: 0.5)
                if k > b * batch { body += "," }
                body += "{\"uscc\":\"\(r.uscc)\",\"month\":\"\(r.month)\",\"output_value\":\(r.output),\"revenue\":\(r.revenue),\"electricity\":\(r.electricity),\"employees\":\(r.employees)}"
            }
            body += "]"
            return Data(body.utf8)
        }
        print("\(bodies.count) request bodies, \(bodies.reduce(0) { $0 + $1.count } / 1_000_000) MB of JSON, written before the clock starts")
        let next = Counter()
        let clock = ContinuousClock()
        let t0 = clock.now
        let outcome = Totals()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for c in 0..<clients {
                group.addTask {
                    while true {
                        let b = await next.take()
                        guard b < batches else { return }
                        let started = clock.now
                        let answer = try await post(url: url + "/api/v1/ingest/indicators?source=power", body: bodies[b], token: token,
                                                    key: "bench-\(UUID().uuidString)-\(c)-\(b)")
                        await outcome.add(answer, latency: seconds(clock.now - started))
                    }
                }
            }
            try await group.waitForAll()
        }
        let ingestTime = seconds(clock.now - t0)
        let totals = await outcome.snapshot()
        let ingestRate = Double(totals.accepted) / ingestTime
        print(String(format: "interface: %d rows (%d accepted, %d rejected) in %d requests, %.2f s → %.0f rows/s; request latency median %.0f ms, max %.0f ms",
                     totals.received, totals.accepted, totals.rejected, totals.requests, ingestTime, ingestRate,
                     totals.median * 1000, totals.max * 1000))
        if let e = totals.firstError { print("first error: \(e)") }

        // The server rebuilds its views after the batches (within BRAIN_INGEST_REFRESH s, then about as long again): the
        // file import waits for that, so that the two writers do not meet.
        print("waiting \(settleSeconds) s for the server's view rebuild before the file import")
        try await Task.sleep(for: .seconds(settleSeconds))
        // The same firm-months as one file, through the file importer (a new source, so every value is new again).
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-bench-\(UUID().uuidString).csv").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var text = "uscc,month,output_value,revenue,electricity,employees\n"
        for k in 0..<rows {
            let r = row(k, salt: 0.25)
            text += "\(r.uscc),\(r.month),\(r.output),\(r.revenue),\(r.electricity),\(r.employees)\n"
            if text.utf8.count > 1 << 20 { handle.write(Data(text.utf8)); text = "" }
        }
        handle.write(Data(text.utf8))
        try handle.close()
        let importer = Importer(store: store, catalog: .jiangxi)
        let t1 = clock.now
        let report = try await importer.importFile(path, kind: .indicators, actor: "bench", source: .tax)
        let fileTime = seconds(clock.now - t1)
        let fileRate = Double(report.rowsAccepted) / fileTime
        try? FileManager.default.removeItem(atPath: path)
        print(String(format: "file import: %d rows (%d accepted) in %.2f s → %.0f rows/s", report.rowsTotal, report.rowsAccepted, fileTime, fileRate))
        print(String(format: "interface / file import = %.2f", ingestRate / fileRate))
        await store.close()
    }

    /// Seconds between the last batch's answer and the file import.
    static let settleSeconds = 20

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    static func login(url: String, user: String, password: String) async throws -> String {
        var req = URLRequest(url: URL(string: url + "/api/v1/auth/login")!)
        req.httpMethod = "POST"
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        req.httpBody = try JSONSerialization.data(withJSONObject: ["username": user, "password": password])
        let (data, _) = try await URLSession.shared.data(for: req)
        guard let token = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["token"] as? String else {
            throw BenchError("login as \(user) failed: \(String(decoding: data, as: UTF8.self))")
        }
        return token
    }

    static func post(url: String, body: Data, token: String, key: String) async throws -> (status: Int, body: Data) {
        var req = URLRequest(url: URL(string: url)!)
        req.httpMethod = "POST"
        req.timeoutInterval = 600
        req.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        req.setValue(key, forHTTPHeaderField: "Idempotency-Key")
        req.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: req)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    struct BenchError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    actor Counter {
        var n = 0
        func take() -> Int { defer { n += 1 }; return n }
    }

    actor Totals {
        var received = 0, accepted = 0, rejected = 0, requests = 0
        var latencies: [Double] = []
        var firstError: String?

        func add(_ answer: (status: Int, body: Data), latency: Double) {
            requests += 1
            latencies.append(latency)
            guard answer.status == 200, let o = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any] else {
                if firstError == nil { firstError = "\(answer.status): \(String(decoding: answer.body.prefix(300), as: UTF8.self))" }
                return
            }
            received += o["received"] as? Int ?? 0
            accepted += o["accepted"] as? Int ?? 0
            rejected += o["rejected"] as? Int ?? 0
            if rejected > 0, firstError == nil, let rows = o["rows"] as? [[String: Any]],
               let bad = rows.first(where: { $0["status"] as? String == "rejected" }) { firstError = "rejected: \(bad)" }
        }

        func snapshot() -> (received: Int, accepted: Int, rejected: Int, requests: Int, median: Double, max: Double, firstError: String?) {
            let sorted = latencies.sorted()
            return (received, accepted, rejected, requests, sorted.isEmpty ? 0 : sorted[sorted.count / 2], sorted.last ?? 0, firstError)
        }
    }
}
