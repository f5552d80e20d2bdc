import BrainApps
import BrainData
import BrainSecurity
import Foundation
import Synchronization
import Testing

/// The job registry's own rules: counts and phases never go back, a job is its owner's (and an administrator's) only,
/// the report's problems move to the paged list, an error ends the job as failed.
@Suite struct ImportJobsTests {
    static let owner = Principal(username: "nanchang", role: .cityOfficial, scope: "360100")
    static let other = Principal(username: "yichun", role: .cityOfficial, scope: "360900")
    static let admin = Principal(username: "admin", role: .admin, scope: nil)

    @Test func progressIsMonotoneAndTheReportEndsTheJob() async throws {
        let jobs = ImportJobs()
        let seen = SeenPhases()
        let job = try jobs.start(kind: .indicators, fileName: "f.csv", owner: Self.owner) { progress in
            let steps = [ImportProgress(phase: .reading, rowsRead: 100, partsMerged: 0, bytesRead: 10, bytesTotal: 100),
                         ImportProgress(phase: .reading, rowsRead: 200, partsMerged: 1, bytesRead: 20, bytesTotal: 100),
                         ImportProgress(phase: .hashing, rowsRead: 150, partsMerged: 0, bytesRead: 15, bytesTotal: 100), // late and earlier
                         ImportProgress(phase: .committing, rowsRead: 300, partsMerged: 2, bytesRead: 100, bytesTotal: 100)]
            for step in steps {
                progress(step)
                seen.add(jobs.recent(for: Self.owner).first!.progress)
            }
            throw ImportFileError("stand-in")
        }
        #expect(job.progress.phase == .hashing)
        let ended = try #require(await jobs.ended(job.id, for: Self.owner))
        let all = seen.all
        #expect(all.map(\.rowsRead) == [100, 200, 200, 300])
        #expect(all.map(\.partsMerged) == [0, 1, 1, 2])
        #expect(all.map(\.phase) == [.reading, .reading, .reading, .committing])
        #expect(ended.progress.phase == .failed && ended.error == "stand-in" && ended.progress.rowsRead == 300)
        #expect(jobs.status(job.id, for: Self.other) == nil && jobs.rejected(job.id, for: Self.other, limit: 10, offset: 0) == nil)
        #expect(jobs.status(job.id, for: Self.admin)?.owner == "nanchang")
        #expect(jobs.recent(for: Self.other).isEmpty && jobs.recent(for: Self.admin).count == 1)
    }
}

extension ImportJobsTests {
    @Test func oneUserRunsAFewJobsAtOnce() async throws {
        let jobs = ImportJobs()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let done = ImportFileError("stand-in end")
        var ids: [String] = []
        for _ in 0..<ImportJobs.runningPerOwner {
            ids.append(try jobs.start(kind: .talent, fileName: "f.csv", owner: Self.owner) { _ in
                for await _ in gate { break }
                throw done
            }.id)
        }
        #expect(throws: AppError.self) { try jobs.start(kind: .talent, fileName: "g.csv", owner: Self.owner) { _ in throw done } }
        // Another user is not held up by the first one's jobs.
        let others = try jobs.start(kind: .talent, fileName: "h.csv", owner: Self.other) { _ in throw done }
        #expect(await jobs.ended(others.id, for: Self.other)?.progress.phase == .failed)
        open.finish()
        for id in ids { #expect(await jobs.ended(id, for: Self.owner)?.progress.phase == .failed) }
        #expect(try jobs.start(kind: .talent, fileName: "g.csv", owner: Self.owner) { _ in throw done }.progress.phase == .hashing)
    }
}

/// Progress snapshots taken inside a job, read by the test afterwards.
final class SeenPhases: Sendable {
    private let items = Mutex<[ImportProgress]>([])
    func add(_ p: ImportProgress) { items.withLock { $0.append(p) } }
    var all: [ImportProgress] { items.withLock { $0 } }
}
