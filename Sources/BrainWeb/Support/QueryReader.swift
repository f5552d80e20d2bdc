import Foundation
import BrainCore
import Hummingbird

/// Reads and validates query parameters; every problem is a 400 that names the parameter.
struct QueryReader {
    let params: Parameters

    init(_ request: Request, allowed: Set<String>) throws {
        params = request.uri.queryParameters
        for (key, _) in params where !allowed.contains(String(key)) {
            throw APIError.badRequest(String(key), "unknown parameter; this route accepts \(allowed.sorted().joined(separator: ", "))")
        }
    }

    func string(_ name: String) -> String? {
        guard let v = params[name[...]].map(String.init)?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let s = string(name) else { return value }
        guard let n = Int(s) else { throw APIError.badRequest(name, "'\(s)' is not a whole number") }
        guard range.contains(n) else { throw APIError.badRequest(name, "must be between \(range.lowerBound) and \(range.upperBound), got \(n)") }
        return n
    }

    /// A finite decimal number; anything else is a 400 naming the parameter.
    func double(_ name: String, default value: Double) throws -> Double {
        guard let raw = string(name) else { return value }
        guard let d = Double(raw), d.isFinite else { throw APIError.badRequest(name, "must be a number, got '\(raw)'") }
        return d
    }

    func bool(_ name: String) throws -> Bool? {
        guard let s = string(name) else { return nil }
        switch s.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.badRequest(name, "must be true or false, got '\(s)'")
        }
    }

    func oneOf<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String, T: CaseIterable {
        guard let s = string(name) else { return nil }
        guard let v = T(rawValue: s) else {
            throw APIError.badRequest(name, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got '\(s)'")
        }
        return v
    }

    func month(_ name: String) throws -> Month? {
        guard let s = string(name) else { return nil }
        guard let m = Month(s) else { throw APIError.badRequest(name, "must be a month YYYY-MM, got '\(s)'") }
        return m
    }

    func day(_ name: String) throws -> CalendarDay? {
        guard let s = string(name) else { return nil }
        guard let d = CalendarDay(s) else { throw APIError.badRequest(name, "must be a day YYYY-MM-DD that exists in the calendar, got '\(s)'") }
        return d
    }
}
