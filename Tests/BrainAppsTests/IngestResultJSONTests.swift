import Foundation
import Testing
@testable import BrainApps

/// The hand-written answer of the ingestion interface is the same bytes `JSONEncoder` writes (sorted keys, slashes as
/// they are), for plain rows and for rejected rows whose values carry quotes, backslashes, control characters, slashes
/// and Chinese text.
@Suite struct IngestResultJSONTests {
    static func standard(_ r: IngestResult) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(r)
    }

    @Test func theAnswerIsTheEncodersBytes() throws {
        let controls = String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self)
        let tricky = "a \"quoted\" \\ back/slash 产值 \(controls) 🏭 end"
        let rows = [
            IngestRowResult(row: 1, status: "accepted"),
            IngestRowResult(row: 2, status: "rejected", problems: [
                IngestProblem(field: "output_value", value: tricky, reason: "not a number: 数值无效"),
                IngestProblem(field: "month", value: "", reason: "required"),
            ]),
            IngestRowResult(row: 3, status: "rejected", problems: []),
        ]
        let result = IngestResult(dataset: "indicators", batch: "ingest-1/2", lineage: "/api/v1/imports/batches/ingest-1/2/changes",
                                  source: "power", received: 3, accepted: 1, rejected: 2, changed: 1, rows: rows,
                                  notes: ["note \"one\"", tricky], idempotencyKey: "key\\1", keptUntil: "2026-12-03T01:00:00+08:00")
        let fast = result.encodedJSON(), slow = try Self.standard(result)
        #expect(String(decoding: fast, as: UTF8.self) == String(decoding: slow, as: UTF8.self))
        // It reads back as the same result.
        let back = try JSONDecoder().decode(IngestResult.self, from: fast)
        #expect(back.rows == rows && back.notes == result.notes && back.idempotencyKey == "key\\1")

        let empty = IngestResult(dataset: "enterprises", batch: "b", lineage: "l", source: "s", received: 0, accepted: 0, rejected: 0,
                                 changed: 0, rows: [], notes: [], idempotencyKey: "", keptUntil: "")
        #expect(empty.encodedJSON() == (try Self.standard(empty)))
    }
}
