import BrainCore
import ServiceContextModule
import BrainStore
import Crypto
import Foundation
import SQLKit

/// One key operation to record: who did what to which object, from where, how it ended, and its content.
public struct AuditEvent: Sendable {
    public var actor: String
    public var action: String
    public var target: String
    /// Client address, or `cli` / `system`.
    public var source: String
    /// `ok`, `denied`, `failed` …
    public var outcome: String
    /// The operation's content (JSON text); only its hash enters the chain, the text is kept to re-check it.
    public var detail: String

    public init(actor: String, action: String, target: String, source: String, outcome: String = "ok", detail: String = "{}") {
        self.actor = actor; self.action = action; self.target = target; self.source = source; self.outcome = outcome; self.detail = detail
    }
}

extension AuditEvent {
    /// The event as the database keeps it exactly: control characters (a NUL ends a text in some drivers) become U+FFFD
    /// and each field is at most 4,000 characters, so the hash computed now matches the one recomputed from storage.
    var storable: AuditEvent {
        func clean(_ s: String, _ limit: Int) -> String {
            // The common case, read as bytes: no control character to replace and short enough (bytes bound characters).
            if s.utf8.count <= limit, !s.utf8.contains(where: { $0 < 0x20 ? !($0 == 0x09 || $0 == 0x0A || $0 == 0x0D) : $0 == 0x7F }) { return s }
            var out = String.UnicodeScalarView()
            for u in s.unicodeScalars {
                switch u.value {
                case 0x00...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F: out.append("\u{FFFD}")
                default: out.append(u)
                }
            }
            let text = String(out)
            return text.count <= limit ? text : String(text.prefix(limit)) + "…"
        }
        return AuditEvent(actor: clean(actor, 200), action: clean(action, 600), target: clean(target, 600), source: clean(source, 200),
                          outcome: clean(outcome, 40), detail: clean(detail, 100_000))
    }
}

/// A stored ledger entry with its hashes.
public struct AuditEntry: Codable, Sendable, Hashable {
    public let seq: Int
    public let at: String
    public let actor: String
    public let action: String
    public let target: String
    public let source: String
    public let outcome: String
    public let detail: String
    public let contentHash: String
    public let prevHash: String
    public let entryHash: String

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, target, source, outcome, detail
        case contentHash = "content_hash", prevHash = "prev_hash", entryHash = "entry_hash"
    }

    /// SHA-256 over the length-prefixed fields (`<bytes>:<text>` each), hex.
    public static func hash(seq: Int, at: String, actor: String, action: String, target: String, source: String, outcome: String,
                            contentHash: String, prevHash: String) -> String {
        Hex.encode(SHA256.hash(data: Data(AuditLedger.framed([String(seq), at, actor, action, target, source, outcome, contentHash, prevHash]).utf8)))
    }

    public var recomputedHash: String {
        Self.hash(seq: seq, at: at, actor: actor, action: action, target: target, source: source, outcome: outcome,
                  contentHash: contentHash, prevHash: prevHash)
    }
}

/// A Merkle-root checkpoint over a block of consecutive entries, chained to the previous checkpoint.
public struct AuditCheckpoint: Codable, Sendable, Hashable {
    public let id: Int
    public let firstSeq: Int
    public let lastSeq: Int
    public let root: String
    public let prevHash: String
    public let checkpointHash: String
    public let at: String

    enum CodingKeys: String, CodingKey {
        case id, at, root
        case firstSeq = "first_seq", lastSeq = "last_seq", prevHash = "prev_hash", checkpointHash = "checkpoint_hash"
    }

    public static func hash(id: Int, firstSeq: Int, lastSeq: Int, root: String, prevHash: String, at: String) -> String {
        Hex.encode(SHA256.hash(data: Data(AuditLedger.framed([String(id), String(firstSeq), String(lastSeq), root, prevHash, at]).utf8)))
    }
}

/// What `verify` found: counts, and the first bad entry or checkpoint with the reason.
public struct AuditVerification: Sendable, CustomStringConvertible {
    public let entries: Int
    public let checkpoints: Int
    public let head: String
    /// Sequence number of the first bad entry (or the entry a bad checkpoint starts at).
    public let firstBadEntry: Int?
    public let problem: String?
    public var ok: Bool { problem == nil }
    public var description: String {
        if let problem { return "FAILED: \(problem)" }
        return "ok: \(entries) entries, \(checkpoints) checkpoints, head \(head)"
    }
}

/// An inclusion proof of one entry against a checkpoint, checkable without the product.
public struct AuditProof: Codable, Sendable {
    public let entry: AuditEntry
    public let checkpoint: AuditCheckpoint
    public let leafIndex: Int
    public let treeSize: Int
    public let path: [String]

    enum CodingKeys: String, CodingKey {
        case entry, checkpoint, path
        case leafIndex = "leaf_index", treeSize = "tree_size"
    }
}

/// 关键操作可信存证: an append-only hash chain of audit entries with Merkle-root checkpoints every `blockSize` entries.
/// Changing, deleting, inserting or reordering a stored entry breaks the chain or a checkpoint, and `verify` names the
/// first bad entry.
public struct AuditLedger: Sendable {
    public let store: Store
    /// Entries per checkpoint block.
    public let blockSize: Int
    static let genesis = String(repeating: "0", count: 64)
    /// Events waiting for the next group commit (`recordGrouped`).
    let group = AuditGroupCommit()

    public init(store: Store, blockSize: Int = 256) {
        self.store = store
        self.blockSize = blockSize
    }

    /// Records one event together with the events other requests record meanwhile: the first caller appends, and every
    /// event that arrives while an append runs goes into the next one (group commit). Each caller returns once its event
    /// is stored, so an answer never leaves before its ledger entry; entries keep the order in which they arrived.
    public func recordGrouped(_ event: AuditEvent) async throws {
        let named = event.naming(request: ServiceContext.current?.requestID)
        try await group.submit(named) { batch in _ = try await self.append(batch) }
    }

    static func framed(_ fields: [String]) -> String { fields.map { "\($0.utf8.count):\($0)" }.joined() }

    static let entryColumns = ["seq", "at", "actor", "action", "target", "source", "outcome", "detail", "content_hash", "prev_hash", "entry_hash"]
    static let checkpointColumns = ["id", "first_seq", "last_seq", "root", "prev_hash", "checkpoint_hash", "at"]

    /// Appends events in order (one transaction) and seals any full block; returns the entries written. Runs as an
    /// `appendTransaction`: on SQLite through statements prepared once (this runs for every service-client call).
    @discardableResult
    public func append(_ events: [AuditEvent], at time: String = Timestamp.now()) async throws -> [AuditEntry] {
        guard !events.isEmpty else { return [] }
        let blockSize = self.blockSize
        let kind = store.kind
        let request = ServiceContext.current?.requestID
        return try await store.appendTransaction { db in
            if kind == .postgres { try await db.run("SELECT pg_advisory_xact_lock(62710001)", []) }
            let head = try await db.rows("SELECT seq, entry_hash FROM audit_ledger ORDER BY seq DESC LIMIT 1", [], columns: [.int, .text]).first
            var seq = head?[0]?.int ?? 0
            var prev = head?[1]?.text ?? Self.genesis
            var written: [AuditEntry] = []
            written.reserveCapacity(events.count)
            for raw in events {
                let e = raw.naming(request: request).storable
                seq += 1
                let content = Hex.encode(SHA256.hash(data: Data(e.detail.utf8)))
                let hash = AuditEntry.hash(seq: seq, at: time, actor: e.actor, action: e.action, target: e.target, source: e.source,
                                           outcome: e.outcome, contentHash: content, prevHash: prev)
                written.append(AuditEntry(seq: seq, at: time, actor: e.actor, action: e.action, target: e.target, source: e.source,
                                          outcome: e.outcome, detail: e.detail, contentHash: content, prevHash: prev, entryHash: hash))
                prev = hash
            }
            try await db.insert(into: "audit_ledger", columns: Self.entryColumns, rows: written.map { w in
                [.int(w.seq), .text(w.at), .text(w.actor), .text(w.action), .text(w.target), .text(w.source), .text(w.outcome), .text(w.detail),
                 .text(w.contentHash), .text(w.prevHash), .text(w.entryHash)]
            })
            try await Self.seal(db, upTo: seq, blockSize: blockSize, partial: false, at: time)
            return written
        }
    }

    /// Records one event.
    @discardableResult
    public func record(_ event: AuditEvent) async throws -> AuditEntry { try await append([event])[0] }

    /// Seals every entry not yet under a checkpoint (full blocks, then the partial rest); returns the new checkpoints.
    @discardableResult
    public func checkpoint(at time: String = Timestamp.now()) async throws -> [AuditCheckpoint] {
        let blockSize = self.blockSize, kind = store.kind
        return try await store.appendTransaction { db in
            if kind == .postgres { try await db.run("SELECT pg_advisory_xact_lock(62710001)", []) }
            guard let last = try await db.rows("SELECT seq FROM audit_ledger ORDER BY seq DESC LIMIT 1", [], columns: [.int]).first?[0]?.int else { return [] }
            return try await Self.seal(db, upTo: last, blockSize: blockSize, partial: true, at: time)
        }
    }

    @discardableResult
    static func seal(_ db: any AppendSession, upTo last: Int, blockSize: Int, partial: Bool, at time: String) async throws -> [AuditCheckpoint] {
        let row = try await db.rows("SELECT id, last_seq, checkpoint_hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1", [],
                                    columns: [.int, .int, .text]).first
        var id = row?[0]?.int ?? 0
        var sealed = row?[1]?.int ?? 0
        var prev = row?[2]?.text ?? genesis
        var made: [AuditCheckpoint] = []
        while last - sealed >= blockSize || (partial && last > sealed) {
            let first = sealed + 1, end = min(last, sealed + blockSize)
            let hashes = try await db.rows("SELECT entry_hash FROM audit_ledger WHERE seq >= ? AND seq <= ? ORDER BY seq", [.int(first), .int(end)],
                                           columns: [.text]).map { $0[0]?.text ?? "" }
            let root = Hex.encode(MerkleTree.root(hashes.map { Hex.decode($0) ?? [] }))
            id += 1
            let cp = AuditCheckpoint(id: id, firstSeq: first, lastSeq: end, root: root, prevHash: prev,
                                     checkpointHash: AuditCheckpoint.hash(id: id, firstSeq: first, lastSeq: end, root: root, prevHash: prev, at: time), at: time)
            try await db.insert(into: "audit_checkpoints", columns: checkpointColumns,
                                rows: [[.int(cp.id), .int(cp.firstSeq), .int(cp.lastSeq), .text(cp.root), .text(cp.prevHash), .text(cp.checkpointHash), .text(cp.at)]])
            made.append(cp)
            sealed = end
            prev = cp.checkpointHash
        }
        return made
    }

    /// Entries in sequence order, from `after` (exclusive), at most `limit`.
    public func entries(after: Int = 0, limit: Int = 10_000, actor: String? = nil, target: String? = nil, newestFirst: Bool = false) async throws -> [AuditEntry] {
        var q = store.sql.select().columns(Self.entryColumns.map { SQLColumn($0) }).from("audit_ledger")
        if newestFirst { if after > 0 { q = q.where("seq", .lessThan, after) } } else { q = q.where("seq", .greaterThan, after) }
        if let actor { q = q.where("actor", .equal, actor) }
        if let target { q = q.where("target", .equal, target) }
        return try await q.orderBy("seq", newestFirst ? .descending : .ascending).limit(limit).all(decoding: AuditEntry.self)
    }

    public func checkpoints() async throws -> [AuditCheckpoint] {
        try await store.sql.select().columns(Self.checkpointColumns.map { SQLColumn($0) }).from("audit_checkpoints").orderBy("id").all(decoding: AuditCheckpoint.self)
    }

    /// Recomputes every content hash, entry hash, chain link and checkpoint; stops at the first problem and names it.
    public func verify() async throws -> AuditVerification {
        var expected = 1, prev = Self.genesis, count = 0
        var hashes: [Int: String] = [:]
        func fail(_ seq: Int, _ why: String) -> AuditVerification {
            AuditVerification(entries: count, checkpoints: 0, head: prev, firstBadEntry: seq, problem: why)
        }
        var after = 0
        while true {
            let page = try await entries(after: after, limit: 10_000)
            if page.isEmpty { break }
            for e in page {
                if e.seq != expected {
                    return fail(expected, e.seq > expected ? "entry \(expected) is missing (the next stored entry is \(e.seq)): entries were deleted"
                                                           : "entry \(e.seq) appears out of order after \(expected - 1)")
                }
                if Hex.encode(SHA256.hash(data: Data(e.detail.utf8))) != e.contentHash {
                    return fail(e.seq, "entry \(e.seq) (\(e.action) by \(e.actor) at \(e.at)): its content does not match its content hash — the content was changed")
                }
                if e.prevHash != prev {
                    return fail(e.seq, "entry \(e.seq) (\(e.action) by \(e.actor) at \(e.at)): it does not link to entry \(e.seq - 1) — entries were reordered, replaced or inserted")
                }
                if e.recomputedHash != e.entryHash {
                    return fail(e.seq, "entry \(e.seq) (\(e.action) by \(e.actor) at \(e.at)): a field was changed (its hash no longer matches)")
                }
                hashes[e.seq] = e.entryHash
                prev = e.entryHash
                expected += 1
                count += 1
            }
            after = page.last!.seq
        }
        let cps = try await checkpoints()
        var sealed = 0, prevCp = Self.genesis
        for (k, c) in cps.enumerated() {
            let bad = { (why: String) in AuditVerification(entries: count, checkpoints: k, head: prev, firstBadEntry: c.firstSeq, problem: "checkpoint \(c.id): \(why)") }
            if c.id != k + 1 { return bad("expected checkpoint \(k + 1); checkpoints were deleted or reordered") }
            if c.firstSeq != sealed + 1 || c.lastSeq < c.firstSeq { return bad("covers entries \(c.firstSeq)…\(c.lastSeq) but should start at \(sealed + 1)") }
            if c.lastSeq > count { return bad("covers entries up to \(c.lastSeq) but the ledger ends at \(count): entries were deleted from the end") }
            let root = Hex.encode(MerkleTree.root((c.firstSeq...c.lastSeq).map { Hex.decode(hashes[$0] ?? "") ?? [] }))
            if root != c.root { return bad("its Merkle root does not match entries \(c.firstSeq)…\(c.lastSeq)") }
            if c.prevHash != prevCp || AuditCheckpoint.hash(id: c.id, firstSeq: c.firstSeq, lastSeq: c.lastSeq, root: c.root, prevHash: c.prevHash, at: c.at) != c.checkpointHash {
                return bad("its own hash or its link to checkpoint \(c.id - 1) is wrong — the checkpoint was changed")
            }
            sealed = c.lastSeq
            prevCp = c.checkpointHash
        }
        return AuditVerification(entries: count, checkpoints: cps.count, head: prev, firstBadEntry: nil, problem: nil)
    }

    /// The inclusion proof of an entry against the checkpoint that covers it (nil when it is not checkpointed yet).
    public func proof(seq: Int) async throws -> AuditProof? {
        guard let cp = try await checkpoints().first(where: { $0.firstSeq <= seq && seq <= $0.lastSeq }) else { return nil }
        let block = try await entries(after: cp.firstSeq - 1, limit: cp.lastSeq - cp.firstSeq + 1)
        guard let entry = block.first(where: { $0.seq == seq }) else { return nil }
        let values = block.map { Hex.decode($0.entryHash) ?? [] }
        let index = seq - cp.firstSeq
        return AuditProof(entry: entry, checkpoint: cp, leafIndex: index, treeSize: values.count,
                          path: MerkleTree.inclusionPath(index: index, values: values).map { Hex.encode($0) })
    }
}
