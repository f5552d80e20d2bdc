import BrainCore
import Foundation
import Testing
@testable import BrainStore

extension StoreSuite {
    /// Idempotency keys of the ingestion interface: one holder per caller and key, the answer kept for a retry, keys of
    /// different callers apart, a released key free again, an expired key forgotten.
    @Test(arguments: Backend.available)
    func ingestKeysAreHeldPerCallerAndKeepTheirAnswer(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let first = try await store.claimIngestKey(caller: "client:a", key: "k1", dataset: "indicators", bodyHash: "h1", token: "t1", keep: 3600)
        #expect(first.token == "t1" && first.state == "pending")
        // A second request with the key while the first runs does not take it over.
        let second = try await store.claimIngestKey(caller: "client:a", key: "k1", dataset: "indicators", bodyHash: "h2", token: "t2", keep: 3600)
        #expect(second.token == "t1" && second.bodyHash == "h1")
        // Another caller's key of the same name is its own.
        let other = try await store.claimIngestKey(caller: "client:b", key: "k1", dataset: "indicators", bodyHash: "h9", token: "t9", keep: 3600)
        #expect(other.token == "t9")
        try await store.completeIngestKey(caller: "client:a", key: "k1", token: "t2", status: 200, response: "wrong holder")
        #expect(try await store.ingestKey(caller: "client:a", key: "k1")?.state == "pending", "only the holder completes")
        try await store.completeIngestKey(caller: "client:a", key: "k1", token: "t1", status: 200, response: "{\"ok\":true}")
        let done = try #require(try await store.ingestKey(caller: "client:a", key: "k1"))
        #expect(done.state == "done" && done.status == 200 && done.response == "{\"ok\":true}")
        // Released: free for the next request.
        try await store.releaseIngestKey(caller: "client:b", key: "k1", token: "t9")
        #expect(try await store.claimIngestKey(caller: "client:b", key: "k1", dataset: "indicators", bodyHash: "h9", token: "t10", keep: 3600).token == "t10")
        // Expired keys are dropped when the next key is claimed.
        let later = Date().addingTimeInterval(7200)
        let again = try await store.claimIngestKey(caller: "client:a", key: "k1", dataset: "indicators", bodyHash: "h3", token: "t3", now: later, keep: 3600)
        #expect(again.token == "t3" && again.bodyHash == "h3")
        await store.close()
    }
}
