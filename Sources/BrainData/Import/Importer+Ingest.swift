import BrainCore
import BrainStore
import Crypto
import Foundation

extension Importer {
    /// Imports the records of one request of the ingestion interface through the same validation, scope checks, merging
    /// by source and batch records as a file: indicators merged by `importIndicators`, every other kind by `importRows`.
    /// `request` identifies the request (the caller and its idempotency key, hashed with the body by the caller): the
    /// batch key is the hash of the kind, the source and it, so two requests never share a batch. Problems go to `sink`
    /// as well as the report (the report keeps the first `problemsKept`).
    public func importTable(_ table: IngestTable, kind: ImportKind, request: String, name: String, actor: String,
                            scope: ScopeRestriction = .all, mayRelocate: Bool = false, source: DataSource = .statistics,
                            problems sink: ProblemSink? = nil) async throws -> ImportReport {
        var hasher = Self.batchHasher(kind: kind, source: source)
        hasher.update(data: Data(("ingest:" + request).utf8))
        let key = Self.hex(hasher.finalize())
        let encoding = "JSON"
        if kind == .indicators {
            // Only the request's firms are looked up (a request is small next to the registry).
            // The credit code is the first column (required fields come first); the importer reads it trimmed, upper case.
            let firms = Set(table.records.compactMap { $0.fields.first.map { HeaderMap.trimmed($0).uppercased() } })
            let known = try await store.registeredPlaces(of: firms)
            return try await importIndicators(table, encoding: encoding, fileName: name, key: key, actor: actor, scope: scope, source: source,
                                              progress: nil, sink: sink, secondHeader: false, known: known)
        }
        let map = try HeaderMap(header: table.header, elements: kind.elements)
        let rows = table.records.map { (line: $0.line, fields: $0.fields) }
        let report = try await importRows(rows, map: map, encoding: encoding, key: key, kind: kind, fileName: name, actor: actor, scope: scope,
                                          mayRelocate: mayRelocate, source: source, bytes: 0, progress: nil)
        if let sink { report.problems.forEach(sink) }
        return report
    }
}
