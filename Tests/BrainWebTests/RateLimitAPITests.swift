import Foundation
import Testing
@testable import BrainWeb

@Suite struct RateLimitAPITests {
    /// Over HTTP: past the per-address limit the server answers 429 with Retry-After; the first refusal of the minute is
    /// in the audit ledger and the others are not, and the ledger still verifies.
    @Test func limitedRequestsAnswer429AndTheFirstRefusalIsAudited() async throws {
        let s = try await TestServer.start(rateLimits: RateLimits(perAddressPerMinute: 5, perUserPerMinute: 1_000, loginsPerAddressPerMinute: 1_000))
        var replies: [TestServer.Reply] = []
        for _ in 0..<9 { replies.append(try await s.get("/healthz")) }
        #expect(replies.prefix(5).allSatisfy { $0.status == 200 })
        let limited = replies.filter { $0.status == 429 }
        #expect(limited.count == 4)
        #expect(limited.allSatisfy { $0.errorCode == "rate_limited" && Int($0.headers["retry-after"] ?? "") ?? 0 >= 1 })
        let entries = try await s.services.ledger.entries().filter { $0.action.hasPrefix("RATE_LIMITED") }
        #expect(entries.count == 1)
        #expect(entries.first?.action == "RATE_LIMITED GET /healthz" && entries.first?.outcome == "denied" && entries.first?.source == "127.0.0.1")
        #expect(entries.first?.detail.contains("\"limit\":\"address\"") == true)
        #expect(try await s.services.ledger.verify().ok)
        await s.stop()
    }
}
