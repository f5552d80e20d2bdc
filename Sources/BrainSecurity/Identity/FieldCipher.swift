import BrainCore
import Crypto
import Foundation

/// Encrypts sensitive fields at rest with AES-256-GCM. Ciphertext is `enc:v1:<key id>:<base64 nonce‖ciphertext‖tag>`;
/// the key id (first 8 hex digits of the key's SHA-256) says which key decrypts it, so old keys keep working after a
/// rotation until `brain keys rotate` has re-encrypted everything with the current key.
public struct FieldCipher: Sendable {
    let currentBytes: [UInt8]
    public let currentID: String
    let keyBytes: [String: [UInt8]]
    var current: SymmetricKey { SymmetricKey(data: currentBytes) }

    /// Why a key could not be loaded or a value not decrypted.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public init(current: [UInt8], old: [[UInt8]] = []) {
        currentBytes = current
        currentID = Self.id(current)
        var all: [String: [UInt8]] = [:]
        for k in old + [current] { all[Self.id(k)] = k }
        keyBytes = all
    }

    static func id(_ key: [UInt8]) -> String { String(Hex.encode(SHA256.hash(data: key)).prefix(8)) }

    public static func isEncrypted(_ text: String) -> Bool { text.hasPrefix("enc:v1:") }

    public func encrypt(_ plain: String) throws -> String {
        let box = try AES.GCM.seal(Data(plain.utf8), using: current)
        guard let combined = box.combined else { throw Problem(description: "AES-GCM produced no output") }
        return "enc:v1:\(currentID):\(combined.base64EncodedString())"
    }

    public func decrypt(_ text: String) throws -> String {
        guard Self.isEncrypted(text) else { return text }
        let parts = text.split(separator: ":", maxSplits: 3)
        guard parts.count == 4, let data = Data(base64Encoded: String(parts[3])) else { throw Problem(description: "malformed encrypted value") }
        guard let key = keyBytes[String(parts[2])].map({ SymmetricKey(data: $0) }) else {
            throw Problem(description: "value was encrypted with key \(parts[2]), which is not loaded; add it to BRAIN_DATA_KEY_OLD")
        }
        let plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: key)
        return String(decoding: plain, as: UTF8.self)
    }

    /// True when the value is encrypted with an older key (a rotation candidate).
    public func needsRotation(_ text: String) -> Bool { Self.isEncrypted(text) && !text.hasPrefix("enc:v1:\(currentID):") }

    /// Loads the key from `BRAIN_DATA_KEY` (base64 or hex of 32 bytes) or the file `BRAIN_DATA_KEY_FILE`, else from
    /// `DATA/keys/data.key`, creating that file (mode 0600) with a random key on first use. Old keys for decryption come
    /// from `BRAIN_DATA_KEY_OLD` (comma-separated).
    public static func load(dataDirectory: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FieldCipher {
        func parse(_ text: String, _ origin: String) throws -> [UInt8] {
            let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.count == 64, let h = Hex.decode(t) { return h }
            if let d = Data(base64Encoded: t), d.count == 32 { return Array(d) }
            throw Problem(description: "\(origin) must hold a 32-byte key as 64 hex digits or base64")
        }
        let old = try (environment["BRAIN_DATA_KEY_OLD"] ?? "").split(separator: ",").map { try parse(String($0), "BRAIN_DATA_KEY_OLD") }
        if let k = environment["BRAIN_DATA_KEY"], !k.isEmpty { return FieldCipher(current: try parse(k, "BRAIN_DATA_KEY"), old: old) }
        let path: String
        if let f = environment["BRAIN_DATA_KEY_FILE"], !f.isEmpty {
            path = f
        } else {
            path = ((dataDirectory ?? "./brain-data") as NSString).appendingPathComponent("keys/data.key")
        }
        if let text = try? String(contentsOfFile: path, encoding: .utf8) { return FieldCipher(current: try parse(text, path), old: old) }
        if environment["BRAIN_DATA_KEY_FILE"].map({ !$0.isEmpty }) == true { throw Problem(description: "cannot read the key file \(path)") }
        var g = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        FileManager.default.createFile(atPath: path, contents: Data(Hex.encode(key).utf8), attributes: [.posixPermissions: 0o600])
        return FieldCipher(current: key, old: old)
    }
}
