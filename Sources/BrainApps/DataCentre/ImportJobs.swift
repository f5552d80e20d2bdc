import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Synchronization

/// One import run in the background (导入任务) as its owner and the API see it: what, whose, its progress, and at the end
/// its report (whose rejected rows are paged separately: `report.problems` is empty here, `problems` counts them) or its error.
public struct ImportJobStatus: Codable, Sendable {
    public let id: String
    public let kind: ImportKind
    public let fileName: String
    public let owner: String
    /// ISO 8601, UTC.
    public let startedAt: String
    public var finishedAt: String?
    public var progress: ImportProgress
    /// The report once the import is done (its `problems` listed through the job's rejected rows).
    public var report: ImportReport?
    /// Why the import failed (an unreadable file, a missing column, a database failure); nothing of it was committed.
    public var error: String?
    /// Rejected-row problems kept with the job (the report's first `Importer.problemsKept`), paged by `ImportJobs.rejected`.
    public var problems: Int
}

/// The in-process registry of import jobs (导入任务): an upload is imported by a background task that reports its
/// progress here; its owner (or an administrator) reads the progress, the report and the rejected rows. Jobs live in
/// memory only — the last `kept` of them, none older than `keptFor` once ended — and do not survive a restart; the
/// batch itself is committed whole or not at all, so a job lost with a restart leaves either its whole batch or nothing.
public final class ImportJobs: Sendable {
    /// Ended jobs kept at most, and for how long.
    public static let kept = 50
    public static let keptFor: TimeInterval = 24 * 3600
    /// Jobs one user may have running at once (each holds its upload in memory until it ends).
    public static let runningPerOwner = 3

    private struct Entry: Sendable {
        var status: ImportJobStatus
        let started = Date()
        var ended: Date?
        var rejected: [RejectedRow] = []
        var task: Task<Void, Never>?
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// Starts `work` as a job of `owner` and answers its first status at once. `work` receives the progress callback to
    /// hand to the importer; its report or error ends the job. Refused (409 `import_jobs_busy`) while the owner already
    /// has `runningPerOwner` jobs running.
    public func start(kind: ImportKind, fileName: String, owner: Principal,
                      work: @escaping @Sendable (_ progress: @escaping ImportProgressSink) async throws -> ImportReport) throws -> ImportJobStatus {
        let id = UUID().uuidString.lowercased()
        let status = ImportJobStatus(id: id, kind: kind, fileName: fileName, owner: owner.username, startedAt: Date().ISO8601Format(), finishedAt: nil,
                                     progress: ImportProgress(phase: .hashing), report: nil, error: nil, problems: 0)
        let admitted = entries.withLock { (all: inout [String: Entry]) -> Bool in
            guard all.values.filter({ $0.status.owner == owner.username && $0.ended == nil }).count < Self.runningPerOwner else { return false }
            all[id] = Entry(status: status)
            return true
        }
        guard admitted else {
            throw AppError.conflict("import_jobs_busy", "you have \(Self.runningPerOwner) imports running; wait until one of them has ended (GET /api/v1/imports/jobs/{id}) before starting another")
        }
        let task = Task.detached { [self] in
            do {
                let report = try await work { self.advance(id, $0) }
                self.finish(id, report: report)
            } catch {
                self.fail(id, error)
            }
        }
        entries.withLock { $0[id]?.task = task }
        prune()
        return status
    }

    /// The job as `reader` may see it: its owner's or, for a reader who manages accounts, anyone's; otherwise nil (the
    /// caller answers 404, so another user's job ids cannot be probed).
    public func status(_ id: String, for reader: Principal) -> ImportJobStatus? {
        prune()
        return entries.withLock { all in all[id].flatMap { Self.admits(reader, $0.status) ? $0.status : nil } }
    }

    /// The jobs `reader` may see (its own; every job for a reader who manages accounts), newest first.
    public func recent(for reader: Principal) -> [ImportJobStatus] {
        prune()
        return entries.withLock { all in
            all.values.filter { Self.admits(reader, $0.status) }.sorted { $0.started > $1.started }.map(\.status)
        }
    }

    /// One page of the job's rejected rows (row, field, value, reason, in file order), or nil as `status` says.
    public func rejected(_ id: String, for reader: Principal, limit: Int, offset: Int) -> Page<RejectedRow>? {
        entries.withLock { (all: inout [String: Entry]) -> Page<RejectedRow>? in
            guard let e = all[id], Self.admits(reader, e.status) else { return nil }
            let start = min(max(offset, 0), e.rejected.count)
            let end = min(start + max(limit, 0), e.rejected.count)
            return Page(total: e.rejected.count, limit: limit, offset: offset, items: Array(e.rejected[start..<end]))
        }
    }

    /// Waits until the job has ended and answers its last status (for tests and tools; the web layer polls `status`).
    public func ended(_ id: String, for reader: Principal) async -> ImportJobStatus? {
        guard let task = entries.withLock({ all in all[id].flatMap { Self.admits(reader, $0.status) ? $0.task : nil } }) else { return nil }
        await task.value
        return status(id, for: reader)
    }

    private static func admits(_ reader: Principal, _ status: ImportJobStatus) -> Bool {
        status.owner == reader.username || reader.can(.manageUsers)
    }

    /// Takes a progress report; counts never go back (a late report of an earlier part is ignored).
    private func advance(_ id: String, _ p: ImportProgress) {
        entries.withLock { all in
            guard var e = all[id], !e.status.progress.phase.isFinal else { return }
            var next = p
            let old = e.status.progress
            next.rowsRead = max(old.rowsRead, p.rowsRead)
            next.partsMerged = max(old.partsMerged, p.partsMerged)
            next.bytesRead = max(old.bytesRead, p.bytesRead)
            next.bytesTotal = max(old.bytesTotal, p.bytesTotal)
            // A phase never goes back either: hashing < reading < merging < committing.
            if Self.order(p.phase) < Self.order(old.phase) { next.phase = old.phase }
            e.status.progress = next
            all[id] = e
        }
    }

    private func finish(_ id: String, report: ImportReport) {
        entries.withLock { all in
            guard var e = all[id] else { return }
            e.rejected = report.problems
            e.status.report = report.withoutProblems
            e.status.problems = report.problems.count
            var p = e.status.progress
            p.phase = .done
            p.rowsRead = report.rowsTotal
            p.rowsAccepted = report.rowsAccepted
            p.rowsRejected = report.rowsRejected
            p.bytesRead = max(p.bytesRead, p.bytesTotal)
            e.status.progress = p
            e.ended = Date()
            e.status.finishedAt = e.ended?.ISO8601Format()
            all[id] = e
        }
    }

    private func fail(_ id: String, _ error: any Error) {
        entries.withLock { all in
            guard var e = all[id] else { return }
            e.status.progress.phase = .failed
            e.status.error = (error as? ImportFileError)?.description ?? (error as? AppError)?.message ?? String(describing: error)
            e.ended = Date()
            e.status.finishedAt = e.ended?.ISO8601Format()
            all[id] = e
        }
    }

    private static func order(_ phase: ImportPhase) -> Int { ImportPhase.allCases.firstIndex(of: phase) ?? 0 }

    /// Drops ended jobs older than `keptFor`, then the oldest ended ones beyond `kept`; running jobs stay.
    private func prune(now: Date = Date()) {
        entries.withLock { all in
            for (id, e) in all where e.ended.map({ now.timeIntervalSince($0) > Self.keptFor }) ?? false { all[id] = nil }
            let ended = all.values.filter { $0.ended != nil }.sorted { $0.started < $1.started }
            for e in ended.prefix(max(0, ended.count - Self.kept)) { all[e.status.id] = nil }
        }
    }
}
