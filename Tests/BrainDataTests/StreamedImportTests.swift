import BrainCore
import BrainStore
import Foundation
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

/// The packed firm-month keys give back what went in.
@Test func firmMonthLinesDrainWhatTheyHold() {
    var lines = FirmMonthLines()
    let codes = ["91360100MA35XXXX0A", "91360100MA35XXXX0A", "", "91360702000000001X"]
    #expect(lines.firstLine(uscc: codes[0], month: Month("2026-09")!, line: 2) == nil)
    #expect(lines.firstLine(uscc: codes[1], month: Month("2026-09")!, line: 3) == 2)
    #expect(lines.firstLine(uscc: codes[1], month: Month("2026-10")!, line: 4) == nil)
    #expect(lines.firstLine(uscc: codes[3], month: Month("1999-01")!, line: 5) == nil)
    #expect(lines.firstLine(uscc: "91360100ma35xxxx0a", month: Month("2026-09")!, line: 6) == nil, "lower case is another key (codes arrive upper-cased)")
    let drained = lines.drain().map { "\($0.uscc)|\($0.month)|\($0.line)" }.sorted()
    #expect(drained == ["91360100MA35XXXX0A|2026-09|2", "91360100MA35XXXX0A|2026-10|4", "91360100ma35xxxx0a|2026-09|6", "91360702000000001X|1999-01|5"])
    #expect(lines.count == 0)
}
