import Foundation
import Testing
@testable import BrainWeb

@Suite struct RateLimitAPITests {
    /// Over HTTP: past the per-address limit the server answers 429 with Retry-After; the first refusal of the minute is
    /// in the audit ledger and the others are not, and the ledger still verifies.
    @Test func limitedRequestsAnswer429AndTheFirstRefusalIsAudited() async throws {
        let s = try await TestServer.start(rateLimits: RateLimits(perAddressPerMinute: 5, perUserPerMinute: 1_000, loginsPerAddressPerMinute: 1_000))
        var replies: [TestServer.Reply] = []
        // Refusals are recorded once per clock minute: count the minutes the requests span (two when they cross one).
        let firstMinute = Int(Date().timeIntervalSince1970 / 60)
        for _ in 0..<9 { replies.append(try await s.get("/healthz")) }
        let minutes = Int(Date().timeIntervalSince1970 / 60) - firstMinute + 1
        #expect(replies.prefix(5).allSatisfy { $0.status == 200 })
        let limited = replies.filter { $0.status == 429 }
        // The bucket refills one request every 12 s (5 a minute): on a machine so loaded that the nine requests take
        // longer than that, one of the last four may pass again — the sixth, right after the five, never does.
        #expect(replies[5].status == 429 && limited.count >= 3, "\(replies.map(\.status))")
        #expect(limited.allSatisfy { $0.errorCode == "rate_limited" && Int($0.headers["retry-after"] ?? "") ?? 0 >= 1 })
        let entries = try await s.services.ledger.entries().filter { $0.action.hasPrefix("RATE_LIMITED") }
        #expect(entries.count >= 1 && entries.count <= minutes, "\(entries.count) entries in \(minutes) minute(s)")
        #expect(entries.first?.action == "RATE_LIMITED GET /healthz" && entries.first?.outcome == "denied" && entries.first?.source == "127.0.0.1")
        #expect(entries.first?.detail.contains("\"limit\":\"address\"") == true)
        #expect(try await s.services.ledger.verify().ok)
        await s.stop()
    }
}

/// Limits before authentication, refusals that cannot flood the ledger, and request ids on every answer.
@Suite struct RequestFloodTests {
    /// 2,000 anonymous bad-token requests in a minute from one address: 429 past the address limit, checked before the
    /// token, and only a handful of ledger entries (five refusals, one throttling note, one rate-limit note).
    @Test func aFloodOfBadTokensAddsAHandfulOfLedgerEntries() async throws {
        let s = try await TestServer.start(rateLimits: RateLimits(perAddressPerMinute: 100, perUserPerMinute: 1_000, loginsPerAddressPerMinute: 1_000,
                                                                  refusalsRecordedPerAddressPerMinute: 5))
        let before = try await s.services.ledger.entries().count
        var statuses: [Int: Int] = [:]
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for k in 0..<2_000 {
                group.addTask { try await s.get("/api/v1/chains", token: "bad.token.\(k)").status }
                if k % 16 == 15 { for try await st in group.prefix(16) { statuses[st, default: 0] += 1 } }
            }
            for try await st in group { statuses[st, default: 0] += 1 }
        }
        // The bucket holds 100 and refills at 100 a minute, so a few more get through while the flood lasts (longer on a
        // busy machine): at most 100 plus the refill over the elapsed time.
        let elapsed = Double((ContinuousClock.now - started).components.seconds) + 1
        let allowed = 100 + Int((elapsed * 100 / 60).rounded(.up)) + 2
        #expect(statuses[401, default: 0] <= allowed && statuses[429, default: 0] >= 2_000 - allowed, "\(statuses) in \(elapsed) s")
        let added = try await s.services.ledger.entries(after: before)
        // Windows are calendar minutes: a flood that straddles two may record two handfuls.
        #expect(added.count <= 2 * (5 + 2), "\(added.map(\.action))")
        #expect(added.contains { $0.action == "REFUSALS_THROTTLED" })
        #expect(added.contains { $0.action.hasPrefix("RATE_LIMITED") })
        #expect(try await s.services.ledger.verify().ok)
        await s.stop()
    }

    /// Every answer carries X-Request-Id (200, 401, 404, 400); the ledger entry of a request names it.
    @Test func everyAnswerCarriesItsRequestIdAndTheLedgerNamesIt() async throws {
        let s = try await TestServer.start()
        let token = try await s.login("admin", "Admin#20262026")
        for r in [try await s.get("/healthz"), try await s.get("/api/v1/chains"), try await s.get("/api/v1/nothing-here", token: token),
                  try await s.request("POST", "/api/v1/announcements", token: token, body: Data("{bad".utf8))] {
            let id = r.headers["x-request-id"] ?? ""
            #expect(id.count == 16 && id.allSatisfy(\.isHexDigit), "\(r.status): \(id)")
        }
        let write = try await s.request("POST", "/api/v1/announcements", token: token, body: Data(#"{"title":"测试","body":"正文","draft":true}"#.utf8))
        let id = try #require(write.headers["x-request-id"])
        let entry = try await s.services.ledger.entries().last { $0.action.hasPrefix("POST /api/v1/announcements") }
        #expect(entry?.detail.contains("\"requestId\":\"\(id)\"") == true, "\(entry?.detail ?? "")")
        // Distinct requests, distinct ids.
        let a = try await s.get("/healthz").headers["x-request-id"], b = try await s.get("/healthz").headers["x-request-id"]
        #expect(a != b)
        #expect(try await s.services.ledger.verify().ok)
        await s.stop()
    }
}
