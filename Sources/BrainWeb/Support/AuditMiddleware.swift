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
    static func isSensitiveRead(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v1" else { return false }
        switch parts[2] {
        case "enterprises": return parts.count >= 4
        case "diagnoses": return parts.count >= 4 && parts[3] != "questionnaire"
        case "market", "referrals", "grants", "audit", "users", "sessions", "security": return true
        default: return false
        }
    }

    func handle(_ request: Request, context: BrainContext, next: (Request, BrainContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
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
            if write || Self.isSensitiveRead(path) || status == 401 || status == 403 || status >= 500 {
                await record(request, context, status: status, bodyHash: bodyHash, bodyBytes: bodyBytes, write: write)
            }
            throw error
        }
        if write || Self.isSensitiveRead(path) {
            await record(request, context, status: status, bodyHash: bodyHash, bodyBytes: bodyBytes, write: write)
        }
        return response
    }

    /// Records a refusal made before the caller was known (no token, a bad or revoked token, enrolment pending).
    static func refusal(ledger: AuditLedger, monitor: SecurityMonitor, logger: Logger) -> @Sendable (Request, BrainContext, String, Int, String) async -> Void {
        { request, context, actor, status, reason in
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let detail = (try? enc.encode(["method": request.method.rawValue, "path": request.uri.path, "status": String(status), "reason": reason]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            let source = request.clientAddress(context)
            let action = "\(request.method.rawValue) \(request.uri.path)"
            do { try await ledger.record(AuditEvent(actor: actor, action: action, target: request.uri.path, source: source, outcome: "denied", detail: detail)) }
            catch { logger.error("could not append to the audit ledger: \(error)") }
            await monitor.observe(actor: actor, source: source, action: action, target: request.uri.path, outcome: "denied", sensitiveRead: false)
        }
    }

    func record(_ request: Request, _ context: BrainContext, status: Int, bodyHash: String, bodyBytes: Int, write: Bool) async {
        struct Detail: Encodable { let method, path: String; let query: String?; let status: Int; let bodySha256: String?; let bodyBytes: Int? }
        let detail = Detail(method: request.method.rawValue, path: request.uri.path, query: request.uri.query, status: status,
                            bodySha256: write ? bodyHash : nil, bodyBytes: write ? bodyBytes : nil)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? enc.encode(detail)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let outcome = status < 400 ? "ok" : status == 401 || status == 403 ? "denied" : status < 500 ? "rejected" : "failed"
        let event = AuditEvent(actor: context.principal?.username ?? "anonymous", action: "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)",
                               target: request.uri.path, source: request.clientAddress(context), outcome: outcome, detail: text)
        do { try await ledger.record(event) } catch { logger.error("could not append to the audit ledger: \(error)") }
        await monitor.observe(actor: event.actor, source: event.source, action: event.action, target: event.target, outcome: outcome,
                              sensitiveRead: !write && Self.isSensitiveRead(request.uri.path))
    }
}
