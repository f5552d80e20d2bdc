import BrainCore
import BrainSecurity
import Crypto
import Foundation
import Hummingbird
import Logging

/// Appends every write and every sensitive read under /api/v1 to the audit ledger: who, what, which object, from
/// where, how it ended, and a hash of the request body. Logins are recorded by the login route itself.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = BrainContext
    let ledger: AuditLedger
    let monitor: SecurityMonitor
    let logger: Logger
    static let skipped: Set<String> = ["/api/v1/auth/login"]

    /// Reads of enterprise-level data (figures, diagnoses, listings, referrals, grants) are sensitive; statistics and
    /// code lists are not.
    /// The path's first four non-empty segments are read in place, without an array of all of them (this runs on every call).
    static func isSensitiveRead(_ path: String) -> Bool {
        var segments: [Substring] = []
        segments.reserveCapacity(4)
        var i = path.startIndex
        while i < path.endIndex, segments.count < 4 {
            guard path[i] != "/" else { i = path.index(after: i); continue }
            let end = path[i...].firstIndex(of: "/") ?? path.endIndex
            segments.append(path[i..<end])
            i = end
        }
        guard segments.count >= 3, segments[0] == "api", segments[1] == "v1" else { return false }
        switch segments[2] {
        case "enterprises": return segments.count >= 4
        case "diagnoses": return segments.count >= 4 && segments[3] != "questionnaire"
        case "market", "referrals", "grants", "audit", "users", "sessions", "security": return true
        default: return false
        }
    }

    /// Portal pages that show one enterprise's data (its profile, data granted to the caller, the firm's own pages).
    static func isSensitivePortalRead(_ path: String) -> Bool {
        path.hasPrefix("/enterprises/") || path.hasPrefix("/granted") || path.hasPrefix("/my/") || path.hasPrefix("/console")
    }

    /// Portal pages and forms: every write (a form post, accepted or refused, CSRF failures included), every refusal
    /// (401, 403) and every read of one enterprise's data reaches the ledger, as for the API.
    func handlePortal(_ request: Request, context: BrainContext, next: (Request, BrainContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        // Sign-in is recorded by the sign-in itself; health, metrics and the OpenAPI document are public and unaudited.
        guard !["/login", "/healthz", "/metrics", "/openapi.json", "/favicon.ico"].contains(path) else { return try await next(request, context) }
        let write = request.method != .get && request.method != .head
        let status: Int
        let response: Response
        do {
            response = try await next(request, context)
            status = Int(response.status.code)
        } catch {
            status = APIError.status(of: error)
            await record(request, context, status: status, bodyHash: "", bodyBytes: 0, write: write)
            throw error
        }
        if write || status == 401 || status == 403 || status >= 500 || (Self.isSensitivePortalRead(path) && status < 400) {
            await record(request, context, status: status, bodyHash: "", bodyBytes: 0, write: write)
        }
        return response
    }

    func handle(_ request: Request, context: BrainContext, next: (Request, BrainContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/") else { return try await handlePortal(request, context: context, next: next) }
        guard path.hasPrefix("/api/v1/"), !Self.skipped.contains(path) else { return try await next(request, context) }
        let write = request.method != .get && request.method != .head
        var request = request
        var bodyHash = "", bodyBytes = 0
        if write {
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: context.maxUploadSize)
            } catch {
                // A body over the limit is a refused write like any other.
                let status = APIError.status(of: error)
                await record(request, context, status: status, bodyHash: "", bodyBytes: context.maxUploadSize, write: true)
                throw error
            }
            bodyBytes = buffer.readableBytes
            bodyHash = Hex.encode(SHA256.hash(data: Data(buffer: buffer)))
            request.body = .init(buffer: buffer)
        }
        let status: Int
        let response: Response
        do {
            response = try await next(request, context)
            status = Int(response.status.code)
        } catch {
            // Every failed write and every refusal is recorded, including errors that end in 500 after rows were written.
            status = APIError.status(of: error)
            if write || Self.isSensitiveRead(path) || status == 401 || status == 403 || status >= 500 || context.principal?.client != nil {
                await record(request, context, status: status, bodyHash: bodyHash, bodyBytes: bodyBytes, write: write)
            }
            throw error
        }
        // Every call of a service client is recorded under its id, reads included.
        if write || Self.isSensitiveRead(path) || context.principal?.client != nil {
            await record(request, context, status: status, bodyHash: bodyHash, bodyBytes: bodyBytes, write: write)
        }
        return response
    }

    /// Paths and queries enter the ledger cut to 512 characters (with the full length noted), so a huge URL cannot bloat it.
    static func clip(_ text: String) -> String {
        text.count <= 512 ? text : String(text.prefix(512)) + "…(\(text.count) characters)"
    }

    /// Records a refusal made before the caller was known (no token, a bad or revoked token, enrolment pending).
    /// The first `individuallyRecorded` refusals of an address in a minute (`RateLimits.refusalsRecordedPerAddressPerMinute`)
    /// are written one by one; the next one writes a note that the rest of the minute's refusals are counted (security
    /// monitor, `/metrics`) but not written, so a flood of bad tokens adds a handful of entries, not thousands.
    static func refusal(ledger: AuditLedger, monitor: SecurityMonitor, logger: Logger, individuallyRecorded: Int) -> @Sendable (Request, BrainContext, String, Int, String) async -> Void {
        let refusalsPerAddress = CountPerWindow(window: 60)
        return { request, context, actor, status, reason in
            let source = request.clientAddress(context)
            let action = "\(request.method.rawValue) \(clip(request.uri.path))"
            let n = refusalsPerAddress.next(source)
            if n > individuallyRecorded + 1 {
                await monitor.observe(actor: actor, source: source, action: action, target: request.uri.path, outcome: "denied", sensitiveRead: false)
                return
            }
            if n == individuallyRecorded + 1 {
                do {
                    try await ledger.record(AuditEvent(actor: "anonymous", action: "REFUSALS_THROTTLED", target: source, source: source, outcome: "denied",
                                                       detail: BrainServer.auditDetail(["note": "more than \(individuallyRecorded) unauthenticated refusals from this address within a minute; the rest of the minute's are counted, not recorded"])))
                } catch { logger.error("could not append to the audit ledger: \(error)") }
                await monitor.observe(actor: actor, source: source, action: action, target: request.uri.path, outcome: "denied", sensitiveRead: false)
                return
            }
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let detail = (try? enc.encode(["method": request.method.rawValue, "path": clip(request.uri.path), "status": String(status), "reason": reason]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            do { try await ledger.record(AuditEvent(actor: String(actor.prefix(100)), action: action, target: clip(request.uri.path), source: source, outcome: "denied", detail: detail)) }
            catch { logger.error("could not append to the audit ledger: \(error)") }
            await monitor.observe(actor: actor, source: source, action: action, target: request.uri.path, outcome: "denied", sensitiveRead: false)
        }
    }

    func record(_ request: Request, _ context: BrainContext, status: Int, bodyHash: String, bodyBytes: Int, write: Bool) async {
        // Keys in sorted order: the same text a JSONEncoder with .sortedKeys wrote, without its cost on every call.
        let text = JSONText.object(["bodyBytes": write ? .int(bodyBytes) : nil, "bodySha256": write ? .string(bodyHash) : nil,
                                    "method": .string(request.method.rawValue), "path": .string(Self.clip(request.uri.path)),
                                    "query": request.uri.query.map { .string(Self.clip($0)) }, "status": .int(status)])
        let outcome = status < 400 ? "ok" : status == 401 || status == 403 ? "denied" : status < 500 ? "rejected" : "failed"
        let event = AuditEvent(actor: context.principal?.username ?? "anonymous", action: "\(request.method.rawValue) \(Self.clip(context.endpointPath ?? request.uri.path))",
                               target: Self.clip(request.uri.path), source: request.clientAddress(context), outcome: outcome, detail: text)
        do { try await ledger.recordGrouped(event) } catch { logger.error("could not append to the audit ledger: \(error)") }
        let sensitiveRead = !write && Self.isSensitiveRead(request.uri.path)
        if SecurityMonitor.counts(outcome: outcome, sensitiveRead: sensitiveRead) {
            await monitor.observe(actor: event.actor, source: event.source, action: event.action, target: event.target, outcome: outcome,
                                  sensitiveRead: sensitiveRead)
        }
    }
}
