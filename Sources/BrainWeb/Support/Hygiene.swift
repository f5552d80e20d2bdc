import BrainSecurity
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Adds the security headers every answer carries: no sniffing, no framing, no referrer, no caching of API data, a
/// strict content security policy, and HSTS when the request came over TLS (directly or through a trusted proxy).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    typealias Names = SecurityHeaderNames
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Names.frameOptions] = "DENY"
        response.headers[Names.referrerPolicy] = "no-referrer"
        response.headers[Names.permissionsPolicy] = "camera=(), microphone=(), geolocation=()"
        response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'"
        if request.uri.path.hasPrefix("/api/") { response.headers[.cacheControl] = "no-store" }
        if request.uri.scheme == .https || request.headers[Names.forwardedProto] == "https" {
            response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        }
        return response
    }
}

/// Header names `SecurityHeadersMiddleware` sets, checked once rather than on every answer.
enum SecurityHeaderNames {
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let permissionsPolicy = HTTPField.Name("Permissions-Policy")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}

/// Request limits: per client address, per user, and a stricter one for login attempts per address.
public struct RateLimits: Sendable {
    public var perAddressPerMinute: Int
    public var perUserPerMinute: Int
    public var loginsPerAddressPerMinute: Int
    /// Unauthenticated refusals (401 before a route runs) of one address written to the ledger one by one in a minute;
    /// past them one note says the rest are counted, not written.
    public var refusalsRecordedPerAddressPerMinute: Int
    /// Requests of one service client (API key) a minute. Key-bearing requests are limited per client, not per
    /// address: a statistics bureau's system or a sub-brain calls from one gateway at machine speed; published services
    /// add their daily quotas on top.
    public var perClientPerMinute: Int

    public init(perAddressPerMinute: Int = 1200, perUserPerMinute: Int = 600, loginsPerAddressPerMinute: Int = 20,
                refusalsRecordedPerAddressPerMinute: Int = 20, perClientPerMinute: Int = 600_000) {
        self.perClientPerMinute = perClientPerMinute
        self.perAddressPerMinute = perAddressPerMinute
        self.perUserPerMinute = perUserPerMinute
        self.loginsPerAddressPerMinute = loginsPerAddressPerMinute
        self.refusalsRecordedPerAddressPerMinute = refusalsRecordedPerAddressPerMinute
    }

    /// From `BRAIN_RATE_LIMIT` (`address,user,login[,refusals]` per minute) and `BRAIN_CLIENT_RATE_LIMIT` (requests of
    /// one service client a minute), else the defaults.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> RateLimits {
        var limits = RateLimits()
        if let raw = env["BRAIN_RATE_LIMIT"] {
            let n = raw.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if n.count == 3 || n.count == 4, n.allSatisfy({ $0 > 0 }) {
                limits = RateLimits(perAddressPerMinute: n[0], perUserPerMinute: n[1], loginsPerAddressPerMinute: n[2],
                                    refusalsRecordedPerAddressPerMinute: n.count == 4 ? n[3] : 20)
            }
        }
        if let raw = env["BRAIN_CLIENT_RATE_LIMIT"], let n = Int(raw.trimmingCharacters(in: .whitespaces)), n > 0 { limits.perClientPerMinute = n }
        return limits
    }
}

/// Token buckets keyed by address or user; refills continuously at the per-minute rate, holds a minute's worth.
public final class RateLimiter: Sendable {
    struct Bucket { var tokens: Double; var updated: Double }
    private let buckets = Mutex<[String: Bucket]>([:])
    public let limits: RateLimits

    public init(limits: RateLimits) { self.limits = limits }

    /// Takes one token from the bucket; returns the seconds to wait when it is empty.
    public func take(_ key: String, perMinute: Int, now: Double = Date().timeIntervalSince1970) -> Double? {
        let rate = Double(perMinute) / 60, capacity = Double(perMinute)
        return buckets.withLock { all -> Double? in
            var b = all[key] ?? Bucket(tokens: capacity, updated: now)
            b.tokens = min(capacity, b.tokens + (now - b.updated) * rate)
            b.updated = now
            if all.count > 100_000 { all = all.filter { now - $0.value.updated < 120 } }
            if b.tokens >= 1 {
                b.tokens -= 1
                all[key] = b
                return nil
            }
            all[key] = b
            return (1 - b.tokens) / rate
        }
    }
}

/// Answers 429 with Retry-After when an address, a user or an address's login attempts exceed their limits.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = BrainContext
    /// Where the middleware sits: `beforeAuthentication` applies the per-address and login limits, so that a flood of
    /// anonymous or bad-token requests is answered 429 before any token is checked or any refusal recorded;
    /// `afterAuthentication` applies the per-user limit.
    enum Stage: Sendable { case beforeAuthentication, afterAuthentication }
    let stage: Stage
    let limiter: RateLimiter
    /// Every limited request counts as a refusal for the security monitor.
    let monitor: SecurityMonitor
    /// The first limited request of each limit key in each minute is written to the ledger; the rest of the minute's
    /// refusals of that key are not, so that a flood cannot turn into a flood of writes.
    let ledger: AuditLedger
    let recorded = FirstPerWindow(window: 60)

    func handle(_ request: Request, context: BrainContext, next: (Request, BrainContext) async throws -> Response) async throws -> Response {
        let address = request.clientAddress(context)
        let l = limiter.limits
        var key = "a:" + address
        var wait: Double?
        switch stage {
        case .beforeAuthentication:
            // A service client's key is limited per client after it is checked (a bad key costs a hash, and its
            // refusals are recorded under the per-address refusal throttle).
            guard AuthMiddleware.apiKey(request) == nil else { return try await next(request, context) }
            wait = limiter.take(key, perMinute: l.perAddressPerMinute)
            if wait == nil, request.uri.path == "/api/v1/auth/login" || (request.uri.path == "/login" && request.method == .post) {
                key = "l:" + address
                wait = limiter.take(key, perMinute: l.loginsPerAddressPerMinute)
            }
        case .afterAuthentication:
            if let client = context.principal?.clientID {
                key = "c:" + client
                wait = limiter.take(key, perMinute: l.perClientPerMinute)
            } else if let user = context.principal?.username { key = "u:" + user; wait = limiter.take(key, perMinute: l.perUserPerMinute) }
        }
        if let wait {
            let actor = context.principal?.username ?? "anonymous", action = "\(request.method.rawValue) \(request.uri.path)"
            await monitor.observe(actor: actor, source: address, action: action, target: request.uri.path, outcome: "denied", sensitiveRead: false)
            if recorded.first(key) {
                let limit = ["a": "address", "l": "logins", "u": "user", "c": "client"][String(key.prefix(1))] ?? key
                do { try await ledger.record(AuditEvent(actor: actor, action: "RATE_LIMITED " + action, target: request.uri.path, source: address, outcome: "denied",
                                                    detail: BrainServer.auditDetail(["limit": limit, "retryAfter": String(Int(wait.rounded(.up))),
                                                                                     "note": "first refusal of this limit in the minute; later ones are counted, not recorded"])))
                } catch {
                    context.logger.error("could not append a rate-limit refusal to the audit ledger: \(error)")
                }
            }
            var response = try APIError(.tooManyRequests, code: "rate_limited", message: "too many requests; try again in \(Int(wait.rounded(.up))) s")
                .response(from: request, context: context)
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return response
        }
        return try await next(request, context)
    }
}

/// Counts the occurrences of a key in the current window of `window` seconds (older windows are forgotten): 1 for the
/// first, 2 for the second, …
final class CountPerWindow: Sendable {
    private let seen = Mutex<[String: (slot: Int, n: Int)]>([:])
    let window: Double
    init(window: Double) { self.window = window }
    func next(_ key: String, now: Date = Date()) -> Int {
        let slot = Int(now.timeIntervalSince1970 / window)
        return seen.withLock { s in
            if s.count > 10_000 { s = s.filter { $0.value.slot == slot } }
            let n = s[key].map { $0.slot == slot ? $0.n + 1 : 1 } ?? 1
            s[key] = (slot, n)
            return n
        }
    }
}

/// Says yes to the first occurrence of a key in each window of `window` seconds (older keys are forgotten).
final class FirstPerWindow: Sendable {
    private let seen = Mutex<[String: Int]>([:])
    let window: Double

    init(window: Double) { self.window = window }

    func first(_ key: String, now: Date = Date()) -> Bool {
        let slot = Int(now.timeIntervalSince1970 / window)
        return seen.withLock { s in
            if s[key] == slot { return false }
            if s.count > 10_000 { s = s.filter { $0.value == slot } }
            s[key] = slot
            return true
        }
    }
}
