import BrainCore
import Crypto
import Foundation

/// The signature on a webhook delivery: HMAC-SHA256 with the subscription's secret over `<timestamp>.<body>`, sent as
/// `X-Brain-Signature: v1=<hex>` beside `X-Brain-Timestamp: <unix seconds>` (docs/subscriptions.md). A receiver
/// recomputes it over the raw body and refuses a timestamp outside its tolerance (replays).
public enum WebhookSignature {
    public static let deliveryHeader = "X-Brain-Delivery"
    public static let timestampHeader = "X-Brain-Timestamp"
    public static let signatureHeader = "X-Brain-Signature"
    public static let eventHeader = "X-Brain-Event"
    /// A receiver's default tolerance for the timestamp, in seconds.
    public static let defaultTolerance: TimeInterval = 300

    /// A new signing secret: `whsec_` and 64 hexadecimal digits (256 random bits).
    public static func newSecret() -> String {
        return "whsec_" + Hex.random(bytes: 32)
    }

    /// The header value `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
    public static func sign(secret: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "v1=" + Hex.encode(mac)
    }

    /// Checks a received signature the way a receiver should: the timestamp within `tolerance` of `now`, and one of the
    /// header's comma-separated `v1=` values equal (in constant time) to the one computed over the raw body.
    public static func verify(secret: String, timestamp: String, signature: String, body: Data, now: Date = Date(),
                              tolerance: TimeInterval = defaultTolerance) -> Bool {
        guard let t = Int(timestamp), abs(now.timeIntervalSince1970 - Double(t)) <= tolerance else { return false }
        let expected = Array(sign(secret: secret, timestamp: t, body: body).utf8)
        return signature.split(separator: ",").contains { part in
            let given = Array(part.trimmingCharacters(in: .whitespaces).utf8)
            guard given.count == expected.count else { return false }
            return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
