import BrainCore
import BrainStore
import Foundation
import Synchronization
import Testing
@testable import BrainData

/// Indicator files stream in parts and commit once: repeats across parts are found, a file that breaks part-way leaves
/// nothing, and the report counts every row.
extension IndicatorMergeTests {
    /// Repeats are found in memory (`seenInMemory` large), in the merge's table once memory is past its limit (2: after
    /// the first part), and with the limit reached mid-file.
    @Test(arguments: [1_000, 2, 3])
    func repeatsAcrossPartsAreRejectedNamingTheFirstRow(seenInMemory: Int) async throws {
        var (store, importer) = try await world()
        importer.partRows = 2
        importer.seenInMemory = seenInMemory
        let file = "uscc,month,electricity\n\(a),2026-09,81\n\(b),2026-09,20\n\(a),2026-08,70\n\(a),2026-09,99\n\(b),2026-09,21\n"
        let r = try await importer.importData(Data(file.utf8), fileName: "power.csv", kind: .indicators, actor: "t", source: .power)
        #expect(r.rowsTotal == 5 && r.rowsAccepted == 3 && r.rowsRejected == 2)
        #expect(r.problems.map(\.row) == [5, 6])
        #expect(r.problems.first?.reason.contains("row 2") == true, "\(r.problems)")
        #expect(try await store.sourcedValues(uscc: a, month: Self.month)["electricity"]?.first { $0.source == "power" }?.value == 81, "the first row wins")
    }

    @Test func aFileThatBreaksPartWayChangesNothing() async throws {
        var (store, importer) = try await world()
        importer.partRows = 1
        var file = Data("uscc,month,output_value\n\(a),2026-09,5000\n\(b),2026-09,6000\n".utf8)
        file.append(Data([0x39, 0xFF, 0x2C, 0x31, 0x0A]))
        await #expect(throws: (any Error).self) {
            _ = try await importer.importData(file, fileName: "broken.csv", kind: .indicators, actor: "t")
        }
        #expect(try await row(store, a)[.outputValue] == 1_000)
        #expect(try await row(store, b)[.outputValue] == 500)
        #expect(try await store.recentBatches(actor: "t").isEmpty)
        #expect(try await store.indicatorChanges(uscc: a).isEmpty)
    }
}

/// Progress of a streamed import: phases in order, counts and bytes never going back, the last report before the commit
/// holding the file's counts; and a CSV reader's bytes consumed, record by record, up to the file's size.
extension IndicatorMergeTests {
    @Test func progressGoesForwardPartByPart() async throws {
        var (_, importer) = try await world()
        importer.partRows = 2
        let file = Data("\u{FEFF}uscc,month,electricity\n\(a),2026-09,81\n\(b),2026-09,20\n\(a),2026-08,70\n\(b),2026-08,-1\n\(b),2026-07,21\n".utf8)
        let seen = ProgressLog()
        let r = try await importer.importData(file, fileName: "power.csv", kind: .indicators, actor: "t", source: .power, progress: { seen.add($0) })
        let all = seen.all
        #expect(all.first?.phase == .hashing && all.first?.bytesTotal == file.count)
        let order = ImportPhase.allCases
        for (x, y) in zip(all, all.dropFirst()) {
            #expect(order.firstIndex(of: x.phase)! <= order.firstIndex(of: y.phase)!, "\(x.phase) → \(y.phase)")
            #expect(x.rowsRead <= y.rowsRead && x.partsMerged <= y.partsMerged && x.bytesRead <= y.bytesRead)
        }
        let last = try #require(all.last)
        #expect(last.phase == .committing && last.partsMerged == 2 && last.rowsRead == 5 && last.rowsAccepted == 4 && last.rowsRejected == 1)
        #expect(last.bytesRead == file.count && r.rowsTotal == 5)
        #expect(all.contains { $0.phase == .merging })
    }

    @Test func csvBytesReadFollowTheRecords() throws {
        let text = "\u{FEFF}uscc,month\n" + (1...200).map { "firm\($0),2026-09" }.joined(separator: "\n") + "\n"
        var rows = try CSVRows(data: Data(text.utf8), chunkSize: 64)
        #expect(rows.bytesTotal == text.utf8.count)
        var last = rows.bytesRead
        var seen = 0
        while try rows.next() != nil {
            #expect(rows.bytesRead >= last && rows.bytesRead <= rows.bytesTotal)
            last = rows.bytesRead
            seen += 1
        }
        #expect(seen == 201 && rows.bytesRead == rows.bytesTotal)
    }
}

/// Progress reports collected during an import.
final class ProgressLog: Sendable {
    private let items = Mutex<[ImportProgress]>([])
    func add(_ p: ImportProgress) { items.withLock { $0.append(p) } }
    var all: [ImportProgress] { items.withLock { $0 } }
}

/// The packed firm-month keys give back what went in.
@Test func firmMonthLinesDrainWhatTheyHold() {
    var lines = FirmMonthLines(capacity: 8)
    let code = "91360100MA35XXXX0A"
    #expect(lines.firstLine(uscc: code, month: Month("2026-09")!, line: 2) == nil)
    #expect(lines.firstLine(uscc: code, month: Month("2026-09")!, line: 3) == 2)
    #expect(lines.firstLine(uscc: code, month: Month("2026-10")!, line: 4) == nil)
    #expect(lines.firstLine(uscc: "91360702000000001X", month: Month("1999-01")!, line: 5) == nil)
    #expect(lines.firstLine(uscc: "91360100ma35xxxx0a", month: Month("2026-09")!, line: 6) == nil, "lower case is another key (codes arrive upper-cased)")
    let drained = lines.drain().map { "\($0.uscc)|\($0.month)|\($0.line)" }.sorted()
    #expect(drained == ["91360100MA35XXXX0A|2026-09|2", "91360100MA35XXXX0A|2026-10|4", "91360100ma35xxxx0a|2026-09|6", "91360702000000001X|1999-01|5"])
    #expect(lines.count == 0)
}
