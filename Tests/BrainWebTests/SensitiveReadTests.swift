@testable import BrainWeb
import Testing

/// Which API reads the audit middleware records as sensitive: the in-place reading of the path against the rule it
/// replaced (split the whole path, look at its first four segments).
@Suite struct SensitiveReadTests {
    static func byArray(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[0] == "api", parts[1] == "v1" else { return false }
        switch parts[2] {
        case "enterprises": return parts.count >= 4
        case "diagnoses": return parts.count >= 4 && parts[3] != "questionnaire"
        case "market", "referrals", "grants", "audit", "users", "sessions", "security": return true
        default: return false
        }
    }

    @Test func agreesWithTheRuleOnEveryShapeOfPath() {
        let paths = ["", "/", "//", "/api", "/api/v1", "/api/v1/", "/api/v1/enterprises", "/api/v1/enterprises/", "/api/v1/enterprises/91360100X",
                     "//api//v1//enterprises//x", "/api/v1/diagnoses", "/api/v1/diagnoses/questionnaire", "/api/v1/diagnoses/questionnaire/x",
                     "/api/v1/diagnoses/D-1", "/api/v1/market", "/api/v1/market/listings", "/api/v1/referrals", "/api/v1/grants/x", "/api/v1/audit",
                     "/api/v1/users", "/api/v1/sessions", "/api/v1/security/events", "/api/v1/hub/services/x/data", "/api/v2/enterprises/x",
                     "/api/v1/monitor/overview", "api/v1/users", "/API/v1/users", "/api/v1/enterprisesX/1", "/api/v1/企业/x", "/enterprises/x"]
        for p in paths {
            #expect(AuditMiddleware.isSensitiveRead(p) == Self.byArray(p), "\(p)")
        }
        #expect(AuditMiddleware.isSensitiveRead("/api/v1/enterprises/91360100X"))
        #expect(!AuditMiddleware.isSensitiveRead("/api/v1/hub/services/x/data"))
    }
}
