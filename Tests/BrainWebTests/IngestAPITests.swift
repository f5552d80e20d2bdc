import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import BrainWeb

extension TestServer {
    /// A request of the ingestion interface with its own headers (idempotency key, content type and encoding).
    func ingest(_ dataset: String, _ body: Data, token: String, key: String?, contentType: String = "application/json",
                encoding: String? = nil, query: String = "") async throws -> Reply {
        var req = URLRequest(url: URL(string: base + "/api/v1/ingest/" + dataset + query)!)
        req.httpMethod = "POST"
        req.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        req.setValue(contentType, forHTTPHeaderField: "Content-Type")
        if let key { req.setValue(key, forHTTPHeaderField: "Idempotency-Key") }
        if let encoding { req.setValue(encoding, forHTTPHeaderField: "Content-Encoding") }
        req.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: req)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
        return Reply(status: http.statusCode, data: data, contentType: http.value(forHTTPHeaderField: "Content-Type"), headers: headers)
    }
}

/// The ingestion interface over HTTP: per-row answers, idempotency, formats, limits, scope and refusals.
@Suite struct IngestAPITests {
    func withServer(_ body: (TestServer) async throws -> Void) async throws {
        let server = try await TestServer.start()
        do { try await body(server) } catch { await server.stop(); throw error }
        await server.stop()
    }

    func firms(_ s: TestServer) -> (nanchang: String, yichun: String) {
        let cube = s.services.cubes.cube
        let catalog = RegionCatalog.jiangxi
        let nc = cube.firms.first { catalog.city(of: $0.region) == "360100" }!.uscc
        let yc = cube.firms.first { catalog.city(of: $0.region) == "360900" }!.uscc
        return (nc, yc)
    }

    @Test func aCityDeliversAMonthAndARetryChangesNothing() async throws {
        try await withServer { s in
            let token = try await s.login("nanchang", "Nanchang#2026")
            let (nc, yc) = firms(s)
            let body = Data("""
            [{"uscc":"\(nc)","month":"2026-10","output_value":4321.5,"electricity":88000},
             {"uscc":"\(yc)","month":"2026-10","output_value":100},
             {"uscc":"\(nc)","month":"2026-09","output_value":-1},
             {"uscc":"\(nc)","month":"2026-08","output_vaule":5}]
            """.utf8)
            let first = try await s.ingest("indicators", body, token: token, key: "nc-2026-10-a")
            #expect(first.status == 200, "\(first.errorMessage)")
            let o = first.object
            #expect(o["received"] as? Int == 4 && o["accepted"] as? Int == 1 && o["rejected"] as? Int == 3, "\(o)")
            let rows = try #require(o["rows"] as? [[String: Any]])
            #expect(rows.map { $0["status"] as? String } == ["accepted", "rejected", "rejected", "rejected"])
            let reason = { (i: Int) in ((rows[i]["problems"] as? [[String: Any]])?.first?["reason"] as? String) ?? "" }
            let field = { (i: Int) in ((rows[i]["problems"] as? [[String: Any]])?.first?["field"] as? String) ?? "" }
            #expect(reason(1) == "enterprise is outside your data scope", "a city cannot write another city's firm")
            #expect(field(2) == "output_value" && reason(2) == "must not be negative")
            #expect(field(3) == "output_vaule")
            let batch = try #require(o["batch"] as? String)
            #expect(o["lineage"] as? String == "/api/v1/imports/batches/\(batch)/changes")
            #expect(o["source"] as? String == "statistics")
            // The value is stored by source with its batch, and the lineage lists the change.
            let values = try await s.services.store.sourcedValues(uscc: nc, month: Month("2026-10")!, order: .standard)
            #expect(values["output_value"]?.contains { $0.value == 4321.5 && $0.batch == batch } == true)
            let changes = try await s.get("/api/v1/imports/batches/\(batch)/changes", token: token)
            #expect(changes.status == 200 && (changes.object["total"] as? Int ?? 0) >= 1, "\(changes.errorMessage)")
            // The retry answers the same bytes and writes nothing.
            let before = try await s.services.store.changes(ofBatch: batch, limit: 1000).0
            let again = try await s.ingest("indicators", body, token: token, key: "nc-2026-10-a")
            #expect(again.status == 200 && again.data == first.data)
            #expect(again.headers["idempotent-replayed"] == "true")
            #expect(try await s.services.store.changes(ofBatch: batch, limit: 1000).0 == before)
            // The same key with another body: 422.
            let other = try await s.ingest("indicators", Data("[]".utf8), token: token, key: "nc-2026-10-a")
            #expect(other.status == 422 && other.errorCode == "idempotency_key_reused", "\(other.errorMessage)")
            // Another caller's key of the same name is its own.
            let admin = try await s.login("admin", "Admin#20262026")
            #expect(try await s.ingest("indicators", Data("[]".utf8), token: admin, key: "nc-2026-10-a").status == 200)
            // A new delivery with the same values changes nothing (never overwritten, merged by source).
            let same = try await s.ingest("indicators", body, token: token, key: "nc-2026-10-b")
            #expect(same.object["changed"] as? Int == 0 && same.object["accepted"] as? Int == 1)
            // The ledger names the batch.
            let entries = try await s.services.ledger.entries(actor: "nanchang", target: "import:\(batch)")
            #expect(entries.contains { $0.action == "import indicators" && $0.outcome == "partial" })
            await s.services.ingestViews.settle()
            #expect(s.services.cubes.cube.firmIndex[nc] != nil)
        }
    }

    @Test func formatsLimitsAndRefusals() async throws {
        try await withServer { s in
            let admin = try await s.login("admin", "Admin#20262026")
            let (nc, _) = firms(s)
            let row = "{\"uscc\":\"\(nc)\",\"month\":\"2026-10\",\"electricity\":5000}"
            // NDJSON, gzip-compressed.
            let packed = try gzip(Data("\(row)\n{\"uscc\":\"\(nc)\",\"month\":\n".utf8))
            let nd = try await s.ingest("indicators", packed, token: admin, key: "nd-1", contentType: "application/x-ndjson", encoding: "gzip", query: "?source=power")
            #expect(nd.status == 200, "\(nd.errorMessage)")
            #expect(nd.object["accepted"] as? Int == 1 && nd.object["rejected"] as? Int == 1 && nd.object["source"] as? String == "power")
            // Without a key: 400 naming the header.
            let noKey = try await s.ingest("indicators", Data("[\(row)]".utf8), token: admin, key: nil)
            #expect(noKey.status == 400 && noKey.errorMessage.contains("Idempotency-Key"))
            // Broken JSON names the line and column; nothing is kept under the key.
            let broken = try await s.ingest("indicators", Data("[\n{\"uscc\" 1}]".utf8), token: admin, key: "b-1")
            #expect(broken.status == 400 && broken.errorCode == "bad_json" && broken.errorMessage.contains("line 2"), "\(broken.errorMessage)")
            #expect(try await s.ingest("indicators", Data("[\(row)]".utf8), token: admin, key: "b-1").status == 200, "a refused request leaves its key free")
            // Too many rows: 413 naming the limit.
            let many = "[" + Array(repeating: row, count: 10_001).joined(separator: ",") + "]"
            let big = try await s.ingest("indicators", Data(many.utf8), token: admin, key: "big-1")
            #expect(big.status == 413 && big.errorMessage.contains("at most 10000 rows"), "\(big.errorMessage)")
            // A gzip bomb: 413 without inflating it all.
            let bomb = try gzip(Data(count: 64 << 20))
            let b = try await s.ingest("indicators", bomb, token: admin, key: "bomb-1", encoding: "gzip")
            #expect(b.status == 413 && b.errorCode == "too_large")
            // CSV is refused with a pointer to the file import; an unknown dataset is 404.
            #expect(try await s.ingest("indicators", Data("uscc,month\n".utf8), token: admin, key: "c-1", contentType: "text/csv").status == 415)
            #expect(try await s.ingest("nonsense", Data("[]".utf8), token: admin, key: "n-1").status == 404)
            // The registry through the interface, with the file import's reasons (another province's region).
            let reg = try await s.ingest("enterprises", Data(#"[{"uscc":"91440101MA5ABCDE1X","name":"x","region":"440103","industry":"3211","employees":1,"revenue":1}]"#.utf8),
                                         token: admin, key: "e-1")
            #expect(reg.status == 200 && reg.object["rejected"] as? Int == 1)
            // An enterprise user or a provider may not write: 403 naming what is lacking, and the refusal is in the ledger.
            let provider = try await s.login("provider", "Provider#2026")
            let refused = try await s.ingest("indicators", Data("[\(row)]".utf8), token: provider, key: "p-1")
            #expect(refused.status == 403 && refused.errorMessage.contains("dataset indicators"), "\(refused.errorMessage)")
            let ledger = try await s.services.ledger.entries(actor: "provider")
            #expect(ledger.contains { $0.outcome != "ok" && $0.target.contains("/api/v1/ingest/indicators") }, "\(ledger.map(\.target))")
        }
    }

    @Test func datasetsAndSchemasComeFromTheCatalogue() async throws {
        try await withServer { s in
            let token = try await s.login("nanchang", "Nanchang#2026")
            let list = try await s.get("/api/v1/ingest", token: token)
            let items = try #require(list.json as? [[String: Any]])
            #expect(Set(items.compactMap { $0["dataset"] as? String }).isSuperset(of: ["indicators", "enterprises"]))
            #expect(items.first { $0["dataset"] as? String == "indicators" }?["nameZh"] as? String == "月度经营指标")
            let schema = try await s.get("/api/v1/ingest/indicators/schema", token: token)
            #expect(schema.status == 200)
            let doc = schema.object
            #expect(doc["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
            let row = try #require((doc["$defs"] as? [String: Any])?["row"] as? [String: Any])
            #expect(row["required"] as? [String] == ["uscc", "month"])
            #expect(row["additionalProperties"] as? Bool == false)
            let output = try #require((row["properties"] as? [String: Any])?["output_value"] as? [String: Any])
            #expect((output["anyOf"] as? [[String: Any]])?.first?["x-unit"] as? String == "万元")
            let firms = try await s.get("/api/v1/ingest/enterprises/schema", token: token)
            let props = try #require(((firms.object["$defs"] as? [String: Any])?["row"] as? [String: Any])?["properties"] as? [String: Any])
            #expect((props["uscc"] as? [String: Any])?["pattern"] != nil)
            #expect(try await s.get("/api/v1/ingest/monthly-indicators/schema", token: token).status == 200)
        }
    }

    @Test func aClientPrincipalIsHeldToItsScopes() async throws {
        try await withServer { s in
            let (nc, yc) = firms(s)
            let grant = ClientGrant(id: "power-nc", owner: "admin", writes: ["monthly-indicators"], reads: [])
            let client = Principal.client(grant, region: "360100")
            #expect(IngestDesk.mayWrite(client, .indicators), "the contract's name of the dataset counts")
            #expect(!IngestDesk.mayWrite(client, .enterprises))
            let body = Data(#"[{"uscc":"\#(nc)","month":"2026-10","electricity":1234},{"uscc":"\#(yc)","month":"2026-10","electricity":99}]"#.utf8)
            let answer = try await s.services.runIngest(body, ndjson: false, dataset: .indicators, idempotencyKey: "c-1", by: client,
                                                        source: "127.0.0.1", dataSource: nil)
            let o = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
            #expect(o["source"] as? String == "client:power-nc")
            #expect(o["accepted"] as? Int == 1 && o["rejected"] as? Int == 1, "a 南昌 client cannot write a 宜春 firm: \(o)")
            let values = try await s.services.store.sourcedValues(uscc: nc, month: Month("2026-10")!, order: .standard)
            #expect(values["electricity"]?.contains { $0.source == "client:power-nc" && $0.value == 1234 } == true)
            #expect(values["electricity"]?.first?.source != "client:power-nc", "a client's value never outranks the bureau's")
            // The same key from a person is another key.
            let person = Principal(username: "nanchang", role: .cityOfficial, scope: "360100")
            let mine = try await s.services.runIngest(Data("[]".utf8), ndjson: false, dataset: .indicators, idempotencyKey: "c-1", by: person,
                                                      source: "127.0.0.1", dataSource: nil)
            #expect(!mine.replayed)
            // Without the dataset's scope: refused naming it; a client may not claim another source.
            await #expect(throws: AppError.self) {
                _ = try await s.services.runIngest(body, ndjson: false, dataset: .enterprises, idempotencyKey: "c-2", by: client, source: "x", dataSource: nil)
            }
            do {
                _ = try await s.services.runIngest(body, ndjson: false, dataset: .enterprises, idempotencyKey: "c-2", by: client, source: "x", dataSource: nil)
            } catch let e as AppError {
                #expect(e.message == "client power-nc lacks write scope for dataset enterprises")
            }
            await #expect(throws: AppError.self) {
                _ = try await s.services.runIngest(body, ndjson: false, dataset: .indicators, idempotencyKey: "c-3", by: client, source: "x", dataSource: .statistics)
            }
            #expect(!IngestDesk.mayWrite(Principal(username: "e", role: .expert, scope: nil), .indicators))
        }
    }

    @Test func aClientWithAKeyDeliversWithCurlsHeadersAndARepeatChangesNothing() async throws {
        try await withServer { s in
            let (nc, yc) = firms(s)
            let power = try await s.makeClient(writes: ["indicators"], region: "360100")
            let body = Data(#"[{"uscc":"\#(nc)","month":"2026-10","electricity":4321},{"uscc":"\#(yc)","month":"2026-10","electricity":5}]"#.utf8)
            let first = try await s.ingest("indicators", body, token: power.key, key: "power-2026-10")
            #expect(first.status == 200, "\(first.errorMessage)")
            #expect(first.object["source"] as? String == "client:\(power.id)")
            #expect(first.object["accepted"] as? Int == 1 && first.object["rejected"] as? Int == 1, "the client's region holds: \(first.object)")
            let again = try await s.ingest("indicators", body, token: power.key, key: "power-2026-10")
            #expect(again.status == 200 && again.data == first.data && again.headers["idempotent-replayed"] == "true")
            let batch = try #require(first.object["batch"] as? String)
            let entries = try await s.services.ledger.entries(actor: "client:\(power.id)", target: "import:\(batch)")
            #expect(entries.count == 1, "one import in the ledger, the repeat wrote none")
            // A client without the dataset's scope: 403 naming it, in the ledger under the client.
            let reader = try await s.makeClient(writes: [], region: "360100")
            let refused = try await s.ingest("indicators", body, token: reader.key, key: "r-1")
            #expect(refused.status == 403 && refused.errorMessage == "client \(reader.id) lacks write scope for dataset indicators", "\(refused.errorMessage)")
            let denied = try await s.services.ledger.entries(actor: "client:\(reader.id)")
            #expect(denied.contains { $0.outcome == "denied" && $0.target.contains("/api/v1/ingest/indicators") }, "\(denied.map { ($0.action, $0.outcome, $0.target) })")
            // The list says what the client may write.
            let list = try await s.get("/api/v1/ingest", token: reader.key)
            let items = try #require(list.json as? [[String: Any]], "\(list.status) \(list.errorMessage)")
            #expect(items.allSatisfy { $0["writable"] as? Bool == false })
        }
    }

    func gzip(_ data: Data) throws -> Data {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("body")
        try data.write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-n", file.path]
        try p.run()
        p.waitUntilExit()
        return try Data(contentsOf: dir.appendingPathComponent("body.gz"))
    }
}
