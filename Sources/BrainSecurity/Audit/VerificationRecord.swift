import BrainStore
import Foundation

/// The outcome of the last full verification of the audit ledger, kept in the settings table so that the console
/// can show when the ledger was last checked and what was found.
public struct VerificationRecord: Codable, Sendable {
    public let at: String
    public let ok: Bool
    public let entries: Int
    public let checkpoints: Int
    public let firstBadEntry: Int?
    public let problem: String?
    /// Wall time of the run, in milliseconds.
    public let milliseconds: Double
    /// What started it: `startup`, `hourly`, `console` or `cli`.
    public let trigger: String
}

extension AuditLedger {
    static let lastVerificationKey = "audit.last_verification"

    /// Verifies the whole ledger and records the outcome (time, result, first bad entry) for the console.
    public func verifyAndRecord(trigger: String) async throws -> AuditVerification {
        let clock = ContinuousClock(), start = clock.now
        let v = try await verify()
        let d = clock.now - start
        let record = VerificationRecord(at: Timestamp.now(), ok: v.ok, entries: v.entries, checkpoints: v.checkpoints, firstBadEntry: v.firstBadEntry,
                                        problem: v.problem, milliseconds: Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15, trigger: trigger)
        try await store.setSetting(Self.lastVerificationKey, String(decoding: try JSONEncoder().encode(record), as: UTF8.self))
        return v
    }

    /// The last recorded verification, if any ran.
    public func lastVerification() async throws -> VerificationRecord? {
        guard let text = try await store.setting(Self.lastVerificationKey) else { return nil }
        return try? JSONDecoder().decode(VerificationRecord.self, from: Data(text.utf8))
    }
}
