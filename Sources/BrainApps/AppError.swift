import Foundation

/// Why an application request cannot be answered; `parameter` names the query parameter at fault.
public struct AppError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case badParameter, forbidden, notFound }
    public let kind: Kind
    public let parameter: String
    public let message: String
    public var description: String { message }

    public static func bad(_ parameter: String, _ message: String) -> AppError { AppError(kind: .badParameter, parameter: parameter, message: message) }
    public static func forbidden(_ message: String) -> AppError { AppError(kind: .forbidden, parameter: "", message: message) }
    public static func notFound(_ message: String) -> AppError { AppError(kind: .notFound, parameter: "", message: message) }
}
