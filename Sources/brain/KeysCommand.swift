import BrainCore
import ArgumentParser
import BrainApps
import BrainSecurity
import BrainStore
import Foundation

/// `brain keys …`: the data key that encrypts sensitive fields at rest.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Inspect and rotate the data key of fields encrypted at rest.",
                                                    subcommands: [Status.self, Rotate.self, Generate.self])

    /// Every encrypted value: (where, value).
    static func encryptedValues(_ db: Store) async throws -> [(String, String)] {
        var out: [(String, String)] = []
        for u in try await db.users() {
            if let s = try await db.userSecurity(u.username)?.mfaSecret, FieldCipher.isEncrypted(s) { out.append(("user \(u.username) second factor", s)) }
        }
        for (name, profile) in try await db.accountProfiles() {
            if let c = profile.contact, FieldCipher.isEncrypted(c) { out.append(("user \(name) contact", c)) }
        }
        for p in try await db.documents(.providers, as: ServiceProvider.self) where FieldCipher.isEncrypted(p.contact) {
            out.append(("provider \(p.id) contact", p.contact))
        }
        return out
    }

    /// `brain keys status`
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the current key id and how many encrypted values each key holds.")
        @OptionGroup var store: StoreOptions
        func run() async throws {
            let cipher = try FieldCipher.load(dataDirectory: store.data)
            let db = try await store.open()
            let values = try await KeysCommand.encryptedValues(db)
            await db.close()
            var byKey: [String: Int] = [:]
            for (_, v) in values { byKey[String(v.split(separator: ":")[2]), default: 0] += 1 }
            say("current key \(cipher.currentID)")
            for (k, n) in byKey.sorted(by: { $0.key < $1.key }) { say("key \(k): \(n) value(s)\(k == cipher.currentID ? "" : " — run brain keys rotate")") }
        }
    }

    /// `brain keys rotate`
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-encrypt every encrypted value with the current key (old keys must be in BRAIN_DATA_KEY_OLD).")
        @OptionGroup var store: StoreOptions
        func run() async throws {
            let cipher = try FieldCipher.load(dataDirectory: store.data)
            let db = try await store.open()
            var n = 0
            for u in try await db.users() {
                guard let sec = try await db.userSecurity(u.username), let s = sec.mfaSecret, cipher.needsRotation(s) || !FieldCipher.isEncrypted(s) else { continue }
                try await db.setMFASecret(u.username, secret: try cipher.encrypt(try cipher.decrypt(s)))
                n += 1
            }
            for (name, profile) in try await db.accountProfiles() {
                guard let c = profile.contact, cipher.needsRotation(c) || !FieldCipher.isEncrypted(c) else { continue }
                try await db.setAccountContact(name, contact: try cipher.encrypt(try cipher.decrypt(c)))
                n += 1
            }
            n += try await CatalogueDesk(store: db, cipher: cipher).rotateKeys()
            try await AuditLedger(store: db).record(AuditEvent(actor: "cli:\(NSUserName())", action: "keys rotate", target: "key:\(cipher.currentID)", source: "cli",
                                                               detail: "{\"values\":\(n)}"))
            await db.close()
            say("re-encrypted \(n) value(s) with key \(cipher.currentID)")
        }
    }

    /// `brain keys generate`
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new random 32-byte key (64 hex digits) for BRAIN_DATA_KEY or a key file.")
        func run() async throws {
            var g = SystemRandomNumberGenerator()
            say(Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }))
        }
    }
}
