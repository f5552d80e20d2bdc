import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Logging

/// What `runIngest` answers: the status and JSON body, and whether it is the stored answer of an earlier request.
public struct IngestAnswer: Sendable {
    public let status: Int
    public let body: Data
    public let replayed: Bool
}

/// One request of the ingestion interface as the API runs it: the caller's right to the dataset, its idempotency key,
/// the body read into rows, then the data centre's own import (`Importer.importTable`: the same validation, scope,
/// merging by source and batch records as a file), the batch in the ledger, the answer kept under the key, and the
/// in-memory views rebuilt in the background (`IngestViewRefresh`).
extension Services {
    public func runIngest(_ body: Data, ndjson: Bool, dataset kind: ImportKind, idempotencyKey: String?, by principal: Principal,
                          source address: String, dataSource asked: DataSource?) async throws -> IngestAnswer {
        try IngestDesk.authorize(principal, kind)
        let dataSource = try Self.ingestSource(asked, for: principal)
        let key = try IngestDesk.checkKey(idempotencyKey)
        let hash = IngestDesk.requestHash(dataset: kind, source: dataSource.code, body: body)
        let token: String
        switch try await ingest.start(caller: principal.username, key: key, dataset: kind, requestHash: hash) {
        case .replay(let status, let stored):
            return IngestAnswer(status: status, body: Data(stored.utf8), replayed: true)
        case .run(let t):
            token = t
        }
        do {
            let table = try IngestTable.read(body, ndjson: ndjson, elements: kind.elements, limits: ingest.limits)
            let problems = ProblemList()
            let report = try await importer.importTable(table, kind: kind, request: "\(principal.username)\n\(key)\n\(hash)", name: "ingest:\(key)",
                                                        actor: principal.username, scope: principal.enterpriseScope(in: catalog),
                                                        mayRelocate: principal.can(.relocateEnterprises), source: dataSource,
                                                        problems: { problems.add($0) })
            let result = IngestDesk.result(dataset: kind, table: table, report: report, problems: problems.all, key: key,
                                           keptUntil: ingest.keptUntil())
            try await ledger.record(AuditEvent(actor: principal.username, action: "import \(kind.rawValue)", target: "import:\(report.batchKey)",
                                               source: address, outcome: result.rejected > 0 ? "partial" : "ok",
                                               detail: BrainServer.auditDetail(["via": "ingest", "idempotencyKey": key, "dataSource": dataSource.code,
                                                                                "received": String(result.received), "accepted": String(result.accepted),
                                                                                "rejected": String(result.rejected), "changed": String(result.changed)])))
            for m in report.moves {
                try await ledger.record(AuditEvent(actor: principal.username, action: "relocate enterprise", target: m.uscc, source: address,
                                                   detail: BrainServer.auditDetail(["batch": report.batchKey, "row": String(m.row), "fromRegion": m.fromRegion,
                                                                                    "toRegion": m.toRegion, "fromZone": m.fromZone ?? "", "toZone": m.toZone ?? ""])))
            }
            let json = result.encodedJSON()
            try await ingest.finish(caller: principal.username, key: key, token: token, status: 200, body: String(decoding: json, as: UTF8.self))
            if report.rowsChanged > 0 {
                let services = self
                await ingestViews.request(kind) { kinds in
                    do {
                        try await services.refreshViews(after: kinds)
                        return true
                    } catch {
                        let again = StoreContention.matches(error)
                        Logger(label: "brain.ingest").error("rebuilding the views after ingested batches failed\(again ? " (tried again after the next wait)" : ""): \(error)")
                        return !again
                    }
                }
            }
            return IngestAnswer(status: 200, body: json, replayed: false)
        } catch {
            // Nothing was answered: the key is free for a retry.
            await ingest.abandon(caller: principal.username, key: key, token: token)
            throw error
        }
    }

    /// Where ingested values come from: a client's own source (`client:<id>`; it may not name another), for a person as
    /// for a file import (the source asked, else 统计局 for officials and 企业自报 for an enterprise).
    static func ingestSource(_ asked: DataSource?, for principal: Principal) throws -> DataSource {
        if let id = principal.clientID {
            let own = IngestDesk.source(ofClient: id)
            if let asked, asked != own {
                throw AppError.forbidden("client \(id) delivers as its own source \(own.code); source \(asked.code) is for the bodies that own it")
            }
            return own
        }
        return try dataSource(asked, for: principal)
    }
}

/// The problems of one import, collected from the importer's sink.
final class ProblemList: @unchecked Sendable {
    // @unchecked: `items` is only touched under `lock`.
    private let lock = NSLock()
    private var items: [RejectedRow] = []

    func add(_ p: RejectedRow) {
        lock.lock()
        items.append(p)
        lock.unlock()
    }

    var all: [RejectedRow] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

/// Rebuilds the in-memory views (cube, analyses, networks) after ingested batches: one rebuild for every batch that
/// arrived while it waited, at most one every `delay` seconds, so that thousands of small batches do not rebuild the
/// cube thousands of times. Applications see ingested rows once the rebuild that follows them is done.
public actor IngestViewRefresh {
    /// Seconds between a batch and the rebuild that picks it up (and between two rebuilds).
    public let delay: Double
    private var pending = Set<ImportKind>()
    private var running: Task<Void, Never>?
    private var hurry = false

    public init(delay: Double = ProcessInfo.processInfo.environment["BRAIN_INGEST_REFRESH"].flatMap(Double.init) ?? 5) {
        self.delay = max(0, delay)
    }

    /// Asks for a rebuild for the kind of data changed.
    /// `work` answers false when the rebuild met lock contention (another process writing): it is tried again after the
    /// next wait, at most `retries` times in a row.
    public func request(_ kind: ImportKind, _ work: @escaping @Sendable (Set<ImportKind>) async -> Bool) {
        pending.insert(kind)
        guard running == nil else { return }
        running = Task { await self.drain(work) }
    }

    /// How many times a rebuild's own duration the next one waits at least: under a steady stream of batches the
    /// rebuilds (which read the whole database into the views) take at most a fifth of the server's time, however large
    /// the database grows; a quiet server still picks up a batch after `delay`.
    static let quietFactor = 4.0
    /// The wait before the next rebuild: `delay`, or longer after a slow rebuild.
    public private(set) var nextWait: Double = 0

    /// How many times in a row a rebuild that met contention is tried again.
    static let retries = 5
    private var failures = 0

    private func drain(_ work: @escaping @Sendable (Set<ImportKind>) async -> Bool) async {
        while !pending.isEmpty {
            // Waits in short steps so that `settle()` can cut the wait short.
            var waited = 0.0
            let wait = max(delay, nextWait)
            while waited < wait && !hurry {
                try? await Task.sleep(nanoseconds: 100_000_000)
                waited += 0.1
            }
            let kinds = pending
            pending = []
            let started = ContinuousClock.now
            let done = await work(kinds)
            let took = ContinuousClock.now - started
            nextWait = Self.quietFactor * (Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
            if done || failures >= Self.retries {
                failures = 0
            } else {
                failures += 1
                pending.formUnion(kinds)
                nextWait = max(nextWait, delay, 1)
                // A retry after contention waits its turn even while `settle()` hurries the queue.
                try? await Task.sleep(nanoseconds: UInt64(nextWait * 1e9))
            }
        }
        running = nil
    }

    /// Waits until the rebuilds asked for so far are done (tests, the benchmark).
    public func settle() async {
        hurry = true
        while let task = running { await task.value }
        hurry = false
    }
}
