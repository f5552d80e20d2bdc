import BrainCore
import Crypto
import Foundation
import Synchronization

/// Optional request signing for service clients: `X-Brain-Timestamp` (Unix seconds) and
/// `X-Brain-Signature: v1=<hex HMAC-SHA256>` over `timestamp \n METHOD \n path?query \n hex SHA-256 of the body`, keyed
/// with the client's signing secret. A timestamp outside the replay window, or a signature seen before inside it, is refused.
public enum RequestSigning {
    /// Seconds a signed request stays acceptable either side of the server's clock.
    public static let window: Double = 300

    /// The text that is signed.
    public static func canonical(timestamp: String, method: String, target: String, body: Data) -> String {
        "\(timestamp)\n\(method.uppercased())\n\(target)\n\(Hex.encode(SHA256.hash(data: body)))"
    }

    /// The `X-Brain-Signature` value for a request (what a client computes).
    public static func signature(secret: String, timestamp: String, method: String, target: String, body: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(canonical(timestamp: timestamp, method: method, target: target, body: body).utf8),
                                                  using: SymmetricKey(data: Data(secret.utf8)))
        return "v1=" + Hex.encode(Data(mac))
    }

    /// Why a signature is refused, or nil when it holds. `seen` remembers signatures inside the window.
    public static func refusal(secret: String, timestamp: String?, signature: String?, method: String, target: String, body: Data,
                               seen: SignatureMemory, now: Date = Date()) -> String? {
        guard let timestamp, let signature else {
            return "this client signs its requests: send X-Brain-Timestamp (Unix seconds) and X-Brain-Signature (v1=HMAC-SHA256, see docs/data-interface.md)"
        }
        guard let t = Double(timestamp), t.isFinite else { return "X-Brain-Timestamp must be Unix seconds, got \(timestamp.prefix(40))" }
        let skew = now.timeIntervalSince1970 - t
        guard abs(skew) <= window else {
            return "X-Brain-Timestamp \(timestamp) is \(Int(abs(skew))) s \(skew > 0 ? "old" : "ahead"); signed requests are accepted within \(Int(window)) s of the server's clock"
        }
        let expected = Self.signature(secret: secret, timestamp: timestamp, method: method, target: target, body: body)
        guard TOTP.constantTimeEqual(expected, signature.trimmingCharacters(in: .whitespaces)) else {
            return "X-Brain-Signature does not match the request (signed text: timestamp, method, path with query, SHA-256 of the body, joined by newlines)"
        }
        guard seen.firstTime(signature, until: t + window, now: now.timeIntervalSince1970) else {
            return "this signed request was already received (replay refused); sign each request anew"
        }
        return nil
    }
}

/// The signatures received inside the replay window, so that a captured request cannot be sent twice.
public final class SignatureMemory: Sendable {
    private let seen = Mutex<[String: Double]>([:])
    public init() {}

    /// True the first time a signature is offered; remembers it until `until`.
    public func firstTime(_ signature: String, until: Double, now: Double) -> Bool {
        seen.withLock { all in
            if all.count > 50_000 { all = all.filter { $0.value > now } }
            if let end = all[signature], end > now { return false }
            all[signature] = until
            return true
        }
    }
}
