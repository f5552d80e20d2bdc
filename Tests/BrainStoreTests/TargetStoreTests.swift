import BrainCore
import Foundation
import Testing
@testable import BrainStore

extension StoreSuite {
    /// The annual target table is a reference version like the others (no table of its own): on both engines the newest
    /// version is the one in force, byte for byte (decimals, codes), and the earlier ones stay readable.
    @Test(arguments: Backend.available)
    func targetTableVersionsKeepTheirContent(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let first = "region,year,indicator,target\n360000,2026,value_added_growth,8.5\n360000,2026,producer_price_index,98.6\n"
        let second = first + "360100,2026,output_value,120000000\n"
        let v1 = try await store.addReferenceVersion(kind: "targets", actor: "admin", fileName: "目标2026.csv", rowCount: 2, content: first)
        let v2 = try await store.addReferenceVersion(kind: "targets", actor: "admin", fileName: "目标2026-调整.xlsx", rowCount: 3, content: second)
        #expect(v1.version == 1 && v2.version == 2)
        let inForce = try #require(try await store.referenceContent(kind: "targets"))
        #expect(inForce.content == second && inForce.version.version == 2 && inForce.version.fileName == "目标2026-调整.xlsx")
        #expect(try await store.referenceContent(kind: "targets", version: 1)?.content == first)
        #expect(try await store.referenceVersions(kind: "targets").map(\.rowCount) == [3, 2])
        #expect(try await store.referenceContent(kind: "chains") == nil, "kinds stay apart")
        await store.close()
    }
}
