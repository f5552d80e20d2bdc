import BrainCore
import BrainStore
import Foundation

/// Where an import's rejected rows go beyond the report's first `Importer.problemsKept` (e.g. the CLI's `--errors` file).
public typealias ProblemSink = @Sendable (RejectedRow) -> Void

/// The state of one streamed indicators import: the reader, the counts and the first problems. Used by one task.
final class IndicatorImportJob<Rows: TableRows>: @unchecked Sendable {
    var rows: Rows
    /// The first data row, already read to tell it from a second header row.
    var first: TableRow?
    let map: HeaderMap
    let importer: Importer
    let known: [String: (region: String, zone: String?)]
    let scope: ScopeRestriction
    let progress: ImportProgressSink?
    let sink: ProblemSink?
    var total = 0, accepted = 0, rejected = 0
    /// Parts merged into the open transaction so far.
    var parts = 0
    /// Rows between two progress reports within a part (a part's end is always reported).
    static var progressRows: Int { 5_000 }
    var problems: [RejectedRow] = []
    var omitted = 0
    /// The file's 1–N月累计 figures, checked against the months after the commit.
    var cumulative = CumulativeCheck()
    /// Whether the file has any 1–N月累计 column (the common file has none and skips the check).
    let hasCumulative: Bool
    /// The part being read (validated rows not merged yet).
    private var part: [StagedDelivery] = []
    /// Firm-months read so far, with their first line: the whole file's while they fit in memory; past the limit they
    /// go to the merge's table and this holds one part's.
    private var seen = FirmMonthLines()
    /// Whether every row was read and validated before the merge (`readAheadIfSmall`).
    private(set) var readAhead = false

    init(rows: Rows, first: TableRow?, map: HeaderMap, importer: Importer, known: [String: (region: String, zone: String?)], scope: ScopeRestriction,
         progress: ImportProgressSink?, sink: ProblemSink?) {
        self.rows = rows
        self.first = first
        self.map = map
        self.hasCumulative = map.columns.keys.contains { $0.hasSuffix("_ytd") }
        self.importer = importer
        self.known = known
        self.scope = scope
        self.progress = progress
        self.sink = sink
    }

    func note(_ problem: RejectedRow) {
        sink?(problem)
        if problems.count < Importer.problemsKept { problems.append(problem) } else { omitted += 1 }
    }

    /// Sends the counts so far to the progress callback.
    func report(_ phase: ImportPhase) {
        progress?(ImportProgress(phase: phase, rowsRead: total, rowsAccepted: accepted, rowsRejected: rejected, partsMerged: parts,
                                 bytesRead: rows.bytesRead, bytesTotal: rows.bytesTotal))
    }

    private func nextRow() throws -> TableRow? {
        if let row = first {
            first = nil
            return row
        }
        return try rows.next()
    }

    /// Reads and validates every row now, before the merge, when the table is known to fit in one part (an ingested
    /// batch): the work then runs outside the store's write gate while other batches merge, and only the merge is
    /// serialized. A larger table (a file) is read part by part inside the merge, as before.
    func readAheadIfSmall() throws {
        guard let n = rows.recordsTotal, n < importer.partRows else { return }
        seen = FirmMonthLines(capacity: n + 1)
        part.reserveCapacity(n)
        while let row = try nextRow() { take(row) }
        readAhead = true
    }

    /// Validates one row: a good one joins the part, a bad one's problems are noted.
    private func take(_ row: TableRow) {
        total += 1
        var check = RowCheck(row: row.line)
        if let d = importer.parseDelivery(row.fields, map: map, check: &check) {
            if let place = known[d.uscc] {
                if !scope.admits(uscc: d.uscc, region: place.region, zone: place.zone) {
                    check.fail("uscc", d.uscc, "enterprise is outside your data scope")
                } else {
                    if hasCumulative { cumulative.read(row.fields, map: map, uscc: d.uscc, month: d.month, line: row.line, check: &check) }
                    if !check.ok {
                        // A bad 1–N月累计 cell rejects the row like any other field.
                    } else if let earlier = seen.firstLine(uscc: d.uscc, month: d.month, line: row.line) {
                        check.fail("month", d.month.description, "this enterprise's \(d.month) already appears on row \(earlier)")
                    } else {
                        part.append(StagedDelivery(d, line: row.line))
                    }
                }
            } else {
                check.fail("uscc", d.uscc, "no enterprise with this credit code is registered; import it first")
            }
        }
        for p in check.problems { note(p) }
        if check.ok { accepted += 1 } else { rejected += 1 }
    }

    /// Reads, validates and merges every row, part by part (or merges the rows read ahead); returns after the last part
    /// is merged (the caller commits).
    func run(_ session: BulkMergeSession) async throws {
        if !readAhead {
            // The whole file's firm-months while they fit in memory (pages are touched only as entries arrive).
            seen = FirmMonthLines(capacity: importer.seenInMemory)
            part.reserveCapacity(importer.partRows)
        }
        var spilled = false
        // One part is merged while the next is read and validated (two cores at work); never two merges at once.
        var merging: Task<[(line: Int, earlier: Int)], any Error>? = nil
        func settle() async throws {
            guard let task = merging else { return }
            merging = nil
            defer { parts += 1 }
            for d in try await task.value {
                note(RejectedRow(row: d.line, field: "month", value: "", reason: "this enterprise's month already appears on row \(d.earlier)"))
                accepted -= 1
                rejected += 1
            }
        }
        func flush() async throws {
            try await settle()
            guard !part.isEmpty else { return }
            let rows = part, acrossParts = spilled
            var handOver: [(uscc: String, month: String, line: Int)] = []
            if spilled {
                seen.removeAll()
            } else if seen.count >= importer.seenInMemory {
                handOver = seen.drain()
                spilled = true
            }
            merging = Task { [handOver] in
                if !handOver.isEmpty { try await session.remember(handOver) }
                return try await session.merge(rows, checkEarlierParts: acrossParts)
            }
            part.removeAll(keepingCapacity: true)
            report(.reading)
        }
        report(.reading)
        do {
            if readAhead {
                try await flush()
            } else {
                try await readAll()
            }
        } catch {
            // The raw connection must be idle before the transaction rolls back.
            _ = try? await merging?.value
            throw error
        }
        report(.merging)
        try await settle()
        report(.committing)

        func readAll() async throws {
            while let row = try nextRow() {
                take(row)
                if part.count >= importer.partRows {
                    try await flush()
                } else if total % Self.progressRows == 0 {
                    report(.reading)
                }
            }
            try await flush()
        }
    }
}

extension Importer {
    /// Problems kept in a report; the rest are counted (and passed to a `ProblemSink`).
    public static let problemsKept = 10_000

    /// Imports an indicators table streamed from `rows` (header first): every row validated against the data dictionary,
    /// merged by source part by part, the whole file committed in one transaction (all of it, or on a failure or a killed
    /// process nothing) with its batch record. Memory stays bounded by one part whatever the file's size.
    func importIndicators<Rows: TableRows>(_ rows: Rows, encoding: String, fileName: String, key: String, actor: String,
                                           scope: ScopeRestriction, source: DataSource, progress: ImportProgressSink?,
                                           sink: ProblemSink?, secondHeader: Bool = true,
                                           known given: [String: (region: String, zone: String?)]? = nil) async throws -> ImportReport {
        var rows = rows
        guard let header = try rows.next() else { throw ImportFileError("\(fileName) is empty: expected a header row and data rows") }
        var map = try HeaderMap(header: header.fields, elements: ImportKind.indicators.elements)
        // A second header row (names or units, as statistical forms have) is skipped; any other first row is data.
        var first = try rows.next()
        if secondHeader, let row = first, try map.absorbSecondHeader(row.fields, line: row.line) { first = nil }
        let seenBefore = try await store.batch(key) != nil
        let known: [String: (region: String, zone: String?)]
        if let given { known = given } else { known = try await registeredEnterprises() }
        let job = IndicatorImportJob(rows: rows, first: first, map: map, importer: self, known: known, scope: scope,
                                     progress: progress, sink: sink)
        try job.readAheadIfSmall()
        let changed = try await store.bulkMerge(source: source.code, batch: key, actor: actor) { session in
            try await job.run(session)
            let changed = session.outcome.rowsChanged
            try await session.record(ImportBatch(batchKey: key, kind: ImportKind.indicators.rawValue, fileName: fileName, rowsTotal: job.total,
                                                 rowsAccepted: job.accepted, rowsRejected: job.rejected, rowsChanged: changed, actor: actor))
            return changed
        }
        var report = ImportReport(kind: .indicators, fileName: fileName, encoding: encoding, rowsTotal: job.total, rowsAccepted: job.accepted,
                                  rowsRejected: job.rejected, rowsChanged: changed,
                                  problems: job.problems.sorted { ($0.row, $0.field) < ($1.row, $1.field) },
                                  ignoredColumns: map.ignored, seenBefore: seenBefore, batchKey: key, source: source.code)
        report.problemsOmitted = job.omitted
        report.notes = map.notes
        if !job.cumulative.isEmpty {
            let (checked, mismatches, total) = try await job.cumulative.compare(with: store)
            report.cumulativeChecked = checked
            report.cumulativeMismatches = mismatches
            report.cumulativeMismatchesTotal = total
            report.notes.append(total == 0 ? "1–N月累计: \(checked) figures checked, all add up to the months"
                                : "1–N月累计: \(total) of \(checked) figures do not add up to the months stored (see cumulativeMismatches)")
        }
        return report
    }
}
