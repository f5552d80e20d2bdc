import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainData

/// The ingestion interface's bodies (JSON, NDJSON, gzip, limits) and its path through the importer.
@Suite struct IngestPayloadTests {
    let elements = ImportKind.indicators.elements

    func read(_ text: String, ndjson: Bool = false, limits: IngestLimits = .standard) throws -> IngestTable {
        try IngestTable.read(Data(text.utf8), ndjson: ndjson, elements: elements, limits: limits)
    }

    @Test func arraysRowsObjectsAndNDJSONGiveTheSameRecords() throws {
        let rows = #"[{"uscc":"A","month":"2026-09","output_value":1200.5},{"month":"2026-09","uscc":"B","electricity":"300","revenue":null}]"#
        for table in [try read(rows), try read(#"{"rows": \#(rows)}"#),
                      try read("{\"uscc\":\"A\",\"month\":\"2026-09\",\"output_value\":1200.5}\n\n{\"month\":\"2026-09\",\"uscc\":\"B\",\"electricity\":\"300\",\"revenue\":null}\n", ndjson: true)] {
            #expect(table.received == 2)
            #expect(table.problems.isEmpty, "\(table.problems)")
            #expect(table.header.prefix(2) == ["uscc", "month"])
            let col = { (f: String) in table.header.firstIndex(of: f)! }
            #expect(table.records[0].fields[col("output_value")] == "1200.5", "a number keeps its literal text")
            #expect(table.records[1].fields[col("electricity")] == "300")
            #expect(table.records[1].fields[col("output_value")] == "", "a field a row leaves out is an empty cell")
            #expect(!table.header.contains("revenue"), "null is not given")
        }
        // NDJSON numbers rows by line, blank lines included.
        let nd = try read("{\"uscc\":\"A\",\"month\":\"2026-09\"}\n\n{\"uscc\":\"B\",\"month\":\"2026-09\"}\n", ndjson: true)
        #expect(nd.records.map(\.line) == [1, 3])
    }

    @Test func aBadRowIsRefusedNamingItsFieldAndTheRestStays() throws {
        let t = try read(#"""
        [{"uscc":"A","month":"2026-09","output_vlaue":5},
         {"uscc":"B","month":"2026-09","output_value":{"v":1}},
         {"uscc":"C","month":"2026-09","output_value":1e999},
         {"uscc":"D","output_value":3},
         "not an object",
         {"uscc":"F","month":"2026-09","output_value":2,"output_value":3},
         {"uscc":"G","month":"2026-09","employees":12}]
        """#)
        #expect(t.received == 7)
        #expect(t.records.map(\.line) == [7])
        let by = Dictionary(grouping: t.problems, by: \.row)
        #expect(by[1]?.first?.field == "output_vlaue" && by[1]?.first?.reason.contains("not a field of this dataset") == true)
        #expect(by[2]?.first?.field == "output_value" && by[2]?.first?.reason.contains("not an object or array") == true)
        #expect(by[3]?.first?.value == "1e999" && by[3]?.first?.reason == "not a finite number")
        #expect(by[4]?.first?.field == "month" && by[4]?.first?.reason == "required value is empty")
        #expect(by[5]?.first?.reason.contains("must be a JSON object") == true)
        #expect(by[6]?.first?.reason.contains("appears twice") == true)
    }

    @Test func brokenJSONNamesItsLineAndColumn() throws {
        do {
            _ = try read("[\n{\"uscc\":\"A\",\n\"month\" \"2026-09\"}]")
            Issue.record("a broken body was read")
        } catch let e as IngestBodyError {
            #expect(e.code == "bad_json")
            #expect(e.description.contains("line 3, column 9"), "\(e.description)")
        }
        #expect(throws: IngestBodyError.self) { try read("uscc,month\nA,2026-09") }
        #expect(throws: IngestBodyError.self) { try read("[{\"uscc\":\"A\"}] trailing") }
        #expect(throws: IngestBodyError.self) { try read("[{\"uscc\":\"A\",\"month\":NaN}]") }
        // In NDJSON one bad line refuses that row only.
        let nd = try read("{\"uscc\":\"A\",\"month\":\"2026-09\"}\n{\"uscc\":\"B\",\"month\":\n{\"uscc\":\"C\",\"month\":\"2026-09\"}", ndjson: true)
        #expect(nd.records.map(\.line) == [1, 3])
        #expect(nd.problems.count == 1 && nd.problems[0].row == 2 && nd.problems[0].reason.contains("line 2"), "\(nd.problems)")
    }

    @Test func escapesAndUnicodeAreRead() throws {
        let t = try IngestTable.read(Data(#"[{"uscc":"A","name":"\u5357\u660c \"电子\" \ud83d\ude00","region":"360121","industry":"3211","employees":1,"revenue":2}]"#.utf8),
                                     ndjson: false, elements: ImportKind.enterprises.elements)
        #expect(t.problems.isEmpty)
        #expect(t.records[0].fields[t.header.firstIndex(of: "name")!] == "南昌 \"电子\" 😀")
    }

    @Test func limitsAreStatedAndKept() throws {
        let row = #"{"uscc":"A","month":"2026-09"}"#
        let small = IngestLimits(maxRows: 3, maxBytes: 1_000)
        #expect(try read("[\(row),\(row),\(row)]", limits: small).received == 3)
        do {
            _ = try read("[\(row),\(row),\(row),\(row)]", limits: small)
            Issue.record("a fourth row was read")
        } catch let e as IngestBodyError {
            #expect(e.code == "too_many_rows" && e.description.contains("at most 3 rows"))
        }
        #expect(throws: IngestBodyError.self) { try read("[" + Array(repeating: row, count: 40).joined(separator: ",") + "]", limits: IngestLimits(maxRows: 100, maxBytes: 1_000)) }
    }

    @Test func gzipBodiesInflateAndABombIsRefused() throws {
        let text = "[{\"uscc\":\"A\",\"month\":\"2026-09\",\"output_value\":1}]"
        let packed = try gzip(Data(text.utf8))
        #expect(try IngestTable.gunzip(packed, limit: 1_000) == Data(text.utf8))
        let bomb = try gzip(Data(count: 20 << 20))
        #expect(bomb.count < 100_000)
        do {
            _ = try IngestTable.gunzip(bomb, limit: 1 << 20)
            Issue.record("the bomb inflated")
        } catch let e as IngestBodyError {
            #expect(e.code == "too_large")
        }
        #expect(throws: IngestBodyError.self) { try IngestTable.gunzip(packed.prefix(packed.count - 12), limit: 1_000) }
        #expect(throws: IngestBodyError.self) { try IngestTable.gunzip(Data(text.utf8), limit: 1_000) }
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

    @Test func rowsGoThroughTheImporterWithItsReasonsScopeAndSource() async throws {
        let store = try await tempStore()
        let importer = Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!)
        let nanchangFirm = code(1, region: "360121"), yichunFirm = code(2, region: "360902")
        try await store.upsertEnterprises([
            Enterprise(uscc: nanchangFirm, name: "南昌电子", region: "360121", zone: nil, industry: "3211", employees: 100, revenue: 5000),
            Enterprise(uscc: yichunFirm, name: "宜春锂业", region: "360902", zone: nil, industry: "3211", employees: 100, revenue: 5000),
        ])
        let body = """
        [{"uscc":"\(nanchangFirm)","month":"2026-09","output_value":1200},
         {"uscc":"\(yichunFirm)","month":"2026-09","output_value":900},
         {"uscc":"\(nanchangFirm)","month":"2026-08","output_value":-5},
         {"uscc":"\(nanchangFirm)","month":"2030-01","output_value":5},
         {"uscc":"\(nanchangFirm)","month":"2026-09","output_value":7}]
        """
        let table = try IngestTable.read(Data(body.utf8), ndjson: false, elements: ImportKind.indicators.elements)
        let nanchang = ScopeRestriction.regions(Set(["360100"] + RegionCatalog.jiangxi.counties(within: "360100")))
        let client = DataSource(code: "client:power-nc", nameZh: "接口客户端 power-nc")
        let r = try await importer.importTable(table, kind: .indicators, request: "c1", name: "ingest:k1", actor: "client:power-nc", scope: nanchang, source: client)
        #expect(r.rowsAccepted == 1 && r.rowsRejected == 4, "\(r.problems)")
        let by = Dictionary(grouping: r.problems, by: \.row)
        #expect(by[2]?.first?.reason == "enterprise is outside your data scope", "another city's firm")
        #expect(by[3]?.first?.field == "output_value" && by[3]?.first?.reason == "must not be negative")
        #expect(by[4]?.first?.field == "month")
        #expect(by[5]?.first?.reason.contains("already appears on row 1") == true)
        // The same words as a file import of the same row.
        let csv = "uscc,month,output_value\n\(nanchangFirm),2026-08,-5\n"
        let file = try await importer.importData(Data(csv.utf8), fileName: "f.csv", kind: .indicators, actor: "x")
        #expect(file.problems.first?.reason == by[3]?.first?.reason)
        // Merged by source: the client's value sits beside the others, under its batch.
        let values = try await store.sourcedValues(uscc: nanchangFirm, month: Month("2026-09")!, order: .standard)
        #expect(values["output_value"]?.contains { $0.source == "client:power-nc" && $0.value == 1200 && $0.batch == r.batchKey } == true)
        #expect(try await store.batch(r.batchKey)?.fileName == "ingest:k1")
        // Another province's region code in the registry is refused as in a file.
        let firms = try IngestTable.read(Data(#"[{"uscc":"\#(code(3, region: "440103"))","name":"广州厂","region":"440103","industry":"3211","employees":5,"revenue":10}]"#.utf8),
                                         ndjson: false, elements: ImportKind.enterprises.elements)
        let e = try await importer.importTable(firms, kind: .enterprises, request: "c2", name: "ingest:k2", actor: "admin")
        #expect(e.rowsAccepted == 0 && e.problems.first?.field == "region", "\(e.problems)")
        await store.close()
    }
}
