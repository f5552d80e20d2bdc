import BrainSecurity
import Foundation

/// Why a use case refuses: a bad parameter (named), no right to it, nothing there (or nothing the caller may know of), or
/// a state that does not allow the change. Adapters map it: the API to 400/403/404/409, the portal to its message pages.
public struct AppError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case badParameter, forbidden, notFound, conflict, unavailable }
    public let kind: Kind
    public let parameter: String
    public let message: String
    /// A machine-readable code for conflicts (`wrong_state`, `already_revoked`, …).
    public var code: String? = nil
    public var description: String { message }

    public static func bad(_ parameter: String, _ message: String) -> AppError { AppError(kind: .badParameter, parameter: parameter, message: message) }
    public static func forbidden(_ message: String) -> AppError { AppError(kind: .forbidden, parameter: "", message: message) }
    public static func notFound(_ message: String) -> AppError { AppError(kind: .notFound, parameter: "", message: message) }
    public static func conflict(_ code: String, _ message: String) -> AppError { AppError(kind: .conflict, parameter: "", message: message, code: code) }
    /// Not ready yet (a computation still running at start): try again shortly.
    public static func unavailable(_ code: String, _ message: String) -> AppError { AppError(kind: .unavailable, parameter: "", message: message, code: code) }
}

extension Principal {
    /// Refuses a use case to a caller whose role lacks the permission (the same words as the router's refusal).
    public func require(_ permission: Permission) throws {
        guard can(permission) else { throw AppError.forbidden("role \(role.rawValue) lacks permission \(permission.rawValue)") }
    }
}
