import BrainCore
import BrainStore

/// Whether a policy applies in a month: 生效 between its validity months, 未生效 before, 已过期 after, 已撤销 once withdrawn.
public enum PolicyStatus: String, Codable, Sendable, CaseIterable {
    case inForce = "in-force"
    case notYet = "not-yet"
    case expired
    case withdrawn

    public var nameZh: String {
        switch self {
        case .inForce: return "生效中"
        case .notYet: return "未生效"
        case .expired: return "已过期"
        case .withdrawn: return "已撤销"
        }
    }
}

extension PolicyRecord {
    /// The policy's status in `month`. Validity is read by month (`2026-01`, or a date whose month counts whole); a bound
    /// that is not a month leaves that side open.
    public func status(in month: Month) -> PolicyStatus {
        if withdrawnAt != nil { return .withdrawn }
        if let from = Month(String(validFrom.prefix(7))), month < from { return .notYet }
        if let until = Month(String(validUntil.prefix(7))), month > until { return .expired }
        return .inForce
    }

    /// A sentence saying why the policy does not apply in `month` (nil when it does).
    public func notInForceReason(in month: Month) -> String? {
        switch status(in: month) {
        case .inForce: return nil
        case .notYet: return "policy \(id) is valid from \(validFrom)"
        case .expired: return "policy \(id) expired after \(validUntil)"
        case .withdrawn: return "policy \(id) was withdrawn on \(withdrawnAt ?? "") by \(withdrawnBy ?? "")"
        }
    }
}
