import BrainCore
import BrainStore
import Crypto
import Foundation
import Synchronization

/// The form of a service client's API key, `bk_<key id>_<secret>`: the id names the stored key, the secret (32 random
/// bytes, base64url) is shown once and stored only as its SHA-256.
public enum APIKeyFormat {
    /// The prefix every key starts with, so that a key in a log or a repository is recognisable.
    public static let prefix = "bk_"

    /// A new key: (key id, the whole key to show once, the hash to store).
    public static func generate() -> (keyID: String, key: String, hash: String) {
        let id = randomText(bytes: 9, alphabet: Array("abcdefghijkmnpqrstuvwxyz23456789"))
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        let secret = base64url(Data(bytes))
        return (id, "\(prefix)\(id)_\(secret)", hash(secret))
    }

    /// A random secret for signing requests (shown once, stored encrypted).
    public static func signingSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        return "bs_" + base64url(Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }))
    }

    /// Splits a presented key into id and secret; nil when it does not have the key's form.
    public static func parse(_ key: String) -> (keyID: String, secret: String)? {
        guard key.hasPrefix(prefix), key.utf8.count <= 120 else { return nil }
        let rest = key.dropFirst(prefix.count)
        guard let cut = rest.firstIndex(of: "_") else { return nil }
        let id = String(rest[..<cut]), secret = String(rest[rest.index(after: cut)...])
        guard !id.isEmpty, id.count <= 32, secret.count >= 20 else { return nil }
        return (id, secret)
    }

    /// The stored form of a secret.
    public static func hash(_ secret: String) -> String { Hex.encode(SHA256.hash(data: Data(secret.utf8))) }

    static func base64url(_ d: Data) -> String {
        d.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func randomText(bytes n: Int, alphabet: [Character]) -> String {
        var rng = SystemRandomNumberGenerator()
        return String((0..<(n + 3)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }
}

/// Why a presented API key was refused; the message is what the caller reads in the 401.
public struct ClientKeyRefusal: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// The client the key belongs to, when the key id is known (the ledger names it).
    public let clientID: String?
    public init(_ d: String, clientID: String? = nil) { description = d; self.clientID = clientID }
}

/// The keys and clients in memory, so that checking a key costs one hash and one dictionary lookup. Every change
/// through `ClientDesk` reloads it before answering, so a revoked key is refused by the next request.
public final class ClientKeyring: Sendable {
    /// A client as the checks need it: its grant, region, expiry, and its signing secret in clear (when it signs).
    public struct Client: Sendable {
        public let grant: ClientGrant
        public let region: String
        public let expires: Date?
        public let revoked: Bool
        public let signingSecret: String?
    }
    struct Key: Sendable { let clientID: String; let hash: String; let expires: Date?; let revoked: Bool }
    struct State: Sendable { var keys: [String: Key] = [:]; var clients: [String: Client] = [:]; var loaded = false
        var reloadedAt: Double = 0; var refreshing = false }

    private let state = Mutex(State())
    private let store: Store
    private let cipher: FieldCipher?

    public init(store: Store, cipher: FieldCipher?) {
        self.store = store
        self.cipher = cipher
    }

    /// Reads every client and key from the store.
    public func reload() async throws {
        var next = State()
        next.loaded = true
        next.reloadedAt = Date().timeIntervalSince1970
        let access = try await store.approvedPublishedServices()
        for c in try await store.serviceClients() {
            let secret = try c.signingSecret.map { try cipher?.decrypt($0) ?? $0 }
            let reads = access[ClientGrant.actor(c.id)] ?? [:]
            next.clients[c.id] = Client(grant: ClientGrant(id: c.id, owner: c.owner, writes: Set(c.writes), reads: Set(reads.keys), readSources: Set(reads.values)),
                                        region: c.region,
                                        expires: c.expiresAt.flatMap(Timestamp.date), revoked: c.revokedAt != nil, signingSecret: secret)
        }
        for k in try await store.clientKeys() {
            next.keys[k.keyID] = Key(clientID: k.clientID, hash: k.secretHash, expires: k.expiresAt.flatMap(Timestamp.date), revoked: k.revokedAt != nil)
        }
        let loaded = next
        state.withLock { $0 = loaded }
    }

    /// Seconds after which a request starts a reload in the background, so that a key revoked from another process (the
    /// command line, another server on the same PostgreSQL) stops within this time; changes through this server's
    /// `ClientDesk` take effect at once.
    public static let refreshSeconds: Double = 10

    /// Loads the keys on first use; later, starts a background reload when the copy is older than `refreshSeconds`.
    public func ensureLoaded() async throws {
        let now = Date().timeIntervalSince1970
        let (loaded, stale) = state.withLock { s -> (Bool, Bool) in
            guard s.loaded else { return (false, false) }
            guard now - s.reloadedAt > Self.refreshSeconds, !s.refreshing else { return (true, false) }
            s.refreshing = true
            return (true, true)
        }
        if !loaded { return try await reload() }
        if stale {
            Task {
                do { try await self.reload() } catch { self.state.withLock { $0.refreshing = false } }
            }
        }
    }

    /// A client as it stands now (nil when unknown, revoked or expired): subscriptions judge a client's deliveries by it.
    public func principal(ofClient id: String, now: Date = Date()) -> Principal? {
        guard let c = state.withLock({ $0.clients[id] }), !c.revoked, c.expires.map({ $0 > now }) ?? true else { return nil }
        return Principal.client(c.grant, region: c.region)
    }

    /// The client a key belongs to, or why the key is refused (unknown, wrong secret, revoked, expired, client revoked
    /// or expired). Unknown ids and wrong secrets read alike.
    public func authenticate(_ presented: String, now: Date = Date()) -> Result<(Principal, Client), ClientKeyRefusal> {
        guard let (id, secret) = APIKeyFormat.parse(presented) else {
            return .failure(ClientKeyRefusal("the API key is malformed: keys look like bk_<id>_<secret>"))
        }
        let found: (Key, Client?)? = state.withLock { s in s.keys[id].map { ($0, s.clients[$0.clientID]) } }
        let hash = APIKeyFormat.hash(secret)
        guard let (key, client) = found, TOTP.constantTimeEqual(hash, key.hash), let client else {
            return .failure(ClientKeyRefusal("the API key is not valid"))
        }
        let who = client.grant.id
        if key.revoked { return .failure(ClientKeyRefusal("this API key of client \(who) was revoked", clientID: who)) }
        if let e = key.expires, e <= now { return .failure(ClientKeyRefusal("this API key of client \(who) expired at \(Timestamp.string(e))", clientID: who)) }
        if client.revoked { return .failure(ClientKeyRefusal("client \(who) was revoked", clientID: who)) }
        if let e = client.expires, e <= now { return .failure(ClientKeyRefusal("client \(who) expired at \(Timestamp.string(e))", clientID: who)) }
        return .success((Principal.client(client.grant, region: client.region), client))
    }
}
