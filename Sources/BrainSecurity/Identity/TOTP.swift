import Crypto
import Foundation

/// RFC 6238 time-based one-time passwords (HMAC-SHA1, 30-second steps, 6 digits), as authenticator apps make them.
public enum TOTP {
    public static let step: TimeInterval = 30
    public static let digits = 6

    /// The time step a moment falls in.
    public static func counter(at time: Date) -> UInt64 { UInt64(max(0, time.timeIntervalSince1970) / step) }

    /// RFC 4226 HOTP value for a counter.
    public static func code(secret: [UInt8], counter: UInt64, digits: Int = TOTP.digits) -> String {
        var big = counter.bigEndian
        let message = withUnsafeBytes(of: &big) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    public static func code(secret: [UInt8], at time: Date) -> String { code(secret: secret, counter: counter(at: time)) }

    /// The step a code matches within ±`window` steps of now, or nil. Callers refuse a step not later than the last used.
    public static func matchingStep(_ code: String, secret: [UInt8], at time: Date = Date(), window: Int = 1) -> UInt64? {
        let trimmed = code.filter { !$0.isWhitespace }
        guard trimmed.count == digits, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) else { return nil }
        let now = counter(at: time)
        for d in -window...window {
            let c = d < 0 ? now &- UInt64(-d) : now &+ UInt64(d)
            if constantTimeEqual(self.code(secret: secret, counter: c), trimmed) { return c }
        }
        return nil
    }

    /// 20 random bytes (160 bits, as RFC 4226 recommends).
    public static func newSecret() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// The `otpauth://` URI authenticator apps read (usually from a QR code).
    public static func uri(secret: [UInt8], account: String, issuer: String = "产业大脑") -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label = (issuer + ":" + account).addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let iss = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(iss)&algorithm=SHA1&digits=\(digits)&period=\(Int(step))"
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// RFC 4648 base32 (upper case, no padding), the encoding of TOTP secrets.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for b in bytes {
            buffer = (buffer << 8) | Int(b)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for c in text.uppercased().utf8 where c != UInt8(ascii: "=") && c != UInt8(ascii: " ") {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            buffer = (buffer << 5) | v
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> (bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return out
    }
}
