import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainData

/// Indicator files stream in parts and commit once: repeats across parts are found, a file that breaks part-way leaves
/// nothing, and the report counts every row.
extension IndicatorMergeTests {
    @Test func repeatsAcrossPartsAreRejectedNamingTheFirstRow() async throws {
        var (store, importer) = try await world()
        importer.partRows = 2
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
