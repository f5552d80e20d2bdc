import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Crypto
import Foundation

/// One dataset the ingestion interface (统一数据接口) accepts: the catalogue's code and name, and where its schema is.
public struct IngestDatasetEntry: Codable, Sendable {
    public let dataset: String
    public let nameZh: String
    public let owner: String
    public let frequency: String
    public let schema: String
    public let endpoint: String
    public let maxRows: Int
    /// Whether the caller may write it (its permission, or for a client its write scopes).
    public let writable: Bool
}

/// The answer to one row of a request.
public struct IngestRowResult: Codable, Sendable, Hashable {
    /// The row's number in the request: its position in the array (1-based), or its line in an NDJSON body.
    public let row: Int
    /// `accepted` or `rejected`.
    public let status: String
    /// Why a rejected row was refused: each field, its value and the data dictionary's reason.
    public var problems: [IngestProblem]? = nil
}

/// One reason a row was refused, in the file importer's words.
public struct IngestProblem: Codable, Sendable, Hashable {
    public let field: String
    public let value: String
    public let reason: String
}

/// The answer of `POST /api/v1/ingest/{dataset}`: the batch, its totals and every row's result.
public struct IngestResult: Codable, Sendable {
    public let dataset: String
    /// The import batch of this request (its lineage: `lineage`).
    public let batch: String
    /// Where the batch's changes are listed (`GET /api/v1/imports/batches/{batch}/changes`).
    public let lineage: String
    /// The data source (数据来源) the values were delivered as.
    public let source: String
    public let received: Int
    public let accepted: Int
    public let rejected: Int
    /// Accepted rows that changed what was stored (0 when the same rows arrive again).
    public let changed: Int
    public let rows: [IngestRowResult]
    public let notes: [String]
    /// The idempotency key the answer is kept under, and until when (a retry with it gets this answer again).
    public let idempotencyKey: String
    public let keptUntil: String
}

/// The use case behind the ingestion interface: which datasets it takes, who may write them, the idempotency keys, and
/// the per-row answer built from the importer's report. The import itself is the data centre's (`Services.runIngest`).
public struct IngestDesk: Sendable {
    public let store: Store
    public let limits: IngestLimits
    /// How long an idempotency key and its answer are kept.
    public let keyLifetime: TimeInterval

    public init(store: Store, limits: IngestLimits = .standard, keyLifetime: TimeInterval = 24 * 3600) {
        self.store = store
        self.limits = limits
        self.keyLifetime = keyLifetime
    }

    /// Every dataset the interface takes: every kind the file import takes, by the catalogue's code.
    public static let datasets: [ImportKind] = ImportKind.allCases

    /// Other names a dataset is known by (`monthly-indicators` for the monthly indicators), accepted in the path.
    public static let aliases: [String: ImportKind] = ["monthly-indicators": .indicators]

    /// The dataset of a path segment; 404 naming the datasets when there is none.
    public static func dataset(_ name: String) throws -> ImportKind {
        if let kind = ImportKind(rawValue: name) ?? aliases[name] { return kind }
        throw AppError.notFound("no dataset \(name) takes data through this interface; use one of \(datasets.map(\.rawValue).joined(separator: ", ")) (GET /api/v1/ingest)")
    }

    /// True when the caller may write the dataset: a person with `data:import`, a client whose write scopes name it.
    /// A client's write scope may name the dataset by its catalogue code or by another name of it.
    public static func mayWrite(_ p: Principal, _ kind: ImportKind) -> Bool {
        p.mayWrite(dataset: kind.rawValue) || aliases.contains { $0.value == kind && p.mayWrite(dataset: $0.key) }
    }

    /// Refuses a caller who may not write the dataset, naming what it lacks.
    public static func authorize(_ p: Principal, _ kind: ImportKind) throws {
        guard mayWrite(p, kind) else {
            if let id = p.clientID { throw AppError.forbidden("client \(id) lacks write scope for dataset \(kind.rawValue)") }
            throw AppError.forbidden("role \(p.role.rawValue) lacks permission \(Permission.importData.rawValue) to write dataset \(kind.rawValue)")
        }
    }

    /// The data source (数据来源) a client's rows are delivered as: its own, `client:<id>`, ranked after every built-in
    /// source, so that a machine delivery never displaces a figure of the body that owns it.
    public static func source(ofClient id: String) -> DataSource {
        DataSource(code: ClientGrant.actor(id), nameZh: "接口客户端 \(id)")
    }

    /// The datasets with their schema and whether the caller may write them, from the data centre's catalogue.
    public func list(for p: Principal, catalogue: [DatasetEntry]) -> [IngestDatasetEntry] {
        let byCode = Dictionary(catalogue.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        return Self.datasets.map { kind in
            let c = byCode[kind.rawValue]
            return IngestDatasetEntry(dataset: kind.rawValue, nameZh: c?.nameZh ?? kind.rawValue, owner: c?.owner ?? "", frequency: c?.frequency ?? "",
                                      schema: "/api/v1/ingest/\(kind.rawValue)/schema", endpoint: "/api/v1/ingest/\(kind.rawValue)",
                                      maxRows: limits.maxRows, writable: Self.mayWrite(p, kind))
        }
    }

    // MARK: idempotency

    /// What a request with an idempotency key may do: run (holding the key with `token`), or answer what the first request
    /// with the key answered.
    public enum Start: Sendable {
        case run(token: String)
        case replay(status: Int, body: String)
    }

    /// An idempotency key as the header gives it: 1–128 visible ASCII characters.
    public static func checkKey(_ key: String?) throws -> String {
        guard let key, !key.isEmpty else {
            throw AppError.bad("Idempotency-Key", "the header Idempotency-Key is required: a unique value per batch (a UUID, or your system's batch number), sent again unchanged when the request is retried")
        }
        guard key.utf8.count <= 128, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw AppError.bad("Idempotency-Key", "must be 1–128 visible ASCII characters without spaces")
        }
        return key
    }

    /// The hash a key is bound to: the dataset, the source asked and the (decompressed) body.
    public static func requestHash(dataset: ImportKind, source: String, body: Data) -> String {
        var h = SHA256()
        h.update(data: Data("\(dataset.rawValue)\n\(source)\n".utf8))
        h.update(data: body)
        return Hex.encode(h.finalize())
    }

    /// Claims the caller's key for this request, or answers the stored answer of the first request with it. The same key
    /// with another body (or dataset) is refused with 422 (`idempotency_key_reused`); while the first request still runs,
    /// 409 (`idempotency_key_in_use`).
    public func start(caller: String, key: String, dataset: ImportKind, requestHash: String) async throws -> Start {
        let token = UUID().uuidString
        let record = try await store.claimIngestKey(caller: caller, key: key, dataset: dataset.rawValue, bodyHash: requestHash, token: token,
                                                    keep: keyLifetime)
        if record.token == token { return .run(token: token) }
        guard record.bodyHash == requestHash, record.dataset == dataset.rawValue else {
            var e = AppError.bad("Idempotency-Key", "the key \(key) was used at \(record.createdAt) for another request (dataset \(record.dataset) or a different body); a retry must send the same body, a new batch needs a new key")
            e.code = "idempotency_key_reused"
            throw e
        }
        guard record.state == "done" else {
            throw AppError.conflict("idempotency_key_in_use", "a request with the key \(key) is still being processed; retry when it has answered")
        }
        return .replay(status: record.status, body: record.response)
    }

    /// Keeps the answer of the request holding the key.
    public func finish(caller: String, key: String, token: String, status: Int, body: String) async throws {
        try await store.completeIngestKey(caller: caller, key: key, token: token, status: status, response: body)
    }

    /// Frees the key of a request that failed before it answered.
    public func abandon(caller: String, key: String, token: String) async {
        try? await store.releaseIngestKey(caller: caller, key: key, token: token)
    }

    /// Until when a key claimed now is kept.
    public func keptUntil(from now: Date = Date()) -> String { Timestamp.string(now.addingTimeInterval(keyLifetime)) }

    // MARK: the answer

    /// Every row's result from the rows refused while reading and the importer's report (and its full list of problems).
    public static func result(dataset: ImportKind, table: IngestTable, report: ImportReport, problems: [RejectedRow], key: String,
                              keptUntil: String) -> IngestResult {
        var byRow: [Int: [IngestProblem]] = [:]
        for p in table.problems + problems { byRow[p.row, default: []].append(IngestProblem(field: p.field, value: p.value, reason: p.reason)) }
        var numbers = table.records.map(\.line)
        numbers += table.problems.map(\.row)
        let all = Set(numbers).sorted()
        let rows = all.map { n -> IngestRowResult in
            if let list = byRow[n] { return IngestRowResult(row: n, status: "rejected", problems: list) }
            return IngestRowResult(row: n, status: "accepted")
        }
        let rejected = rows.filter { $0.status == "rejected" }.count
        return IngestResult(dataset: dataset.rawValue, batch: report.batchKey, lineage: "/api/v1/imports/batches/\(report.batchKey)/changes",
                            source: report.source, received: table.received, accepted: rows.count - rejected, rejected: rejected,
                            changed: report.rowsChanged, rows: rows, notes: report.notes, idempotencyKey: key, keptUntil: keptUntil)
    }
}
