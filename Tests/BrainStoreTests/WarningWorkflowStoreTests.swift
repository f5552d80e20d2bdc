import BrainCore
import Foundation
import Testing
@testable import BrainStore

extension StoreSuite {
    static func sampleWarning(_ kind: String, subject: String = "91360121MA00000001", period: String = "2026-10", level: String = "red") -> WarningRecord {
        WarningRecord(id: "\(kind):\(subject):\(period)", kind: kind, level: level, subjectType: "enterprise", subject: subject, subjectName: "测试企业",
                      region: "360121", zone: nil, chain: nil, period: period, rule: "rule:\(kind)", inputs: ["yoy": -55.2], threshold: "同比 ≤ -50%",
                      explanation: "同比下降55.2%")
    }

    /// Migration 21 on both engines: assignment, deadline and outcome land on every warning of the case, each step is a
    /// timeline row, a rescan that drops a warning adds the system's resolution to the timeline, and a rescan keeps the
    /// assignment of a warning that still fires.
    @Test(arguments: Backend.available)
    func warningCasesAreAssignedClosedAndTimed(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        let a = Self.sampleWarning("output-drop"), b = Self.sampleWarning("anomaly", level: "orange"), other = Self.sampleWarning("output-drop", subject: "91360121MA00000002")
        try await store.recordScan([a, b, other], period: "2026-10")
        #expect(try await store.caseWarnings(subject: a.subject, period: "2026-10").map(\.id) == [b.id, a.id])
        try await store.assignWarnings([a.id, b.id], action: WarningActionRecord(warningID: a.id, subject: a.subject, period: "2026-10", action: "assign", actor: "nanchang",
                                                                                at: "2026-11-01T04:00:00Z", note: "请上门核实", assigneeRegion: "360121", assigneeUser: nil, dueDate: "2026-12-10"))
        for id in [a.id, b.id] {
            let w = try #require(try await store.warning(id))
            #expect(w.assigneeRegion == "360121" && w.dueDate == "2026-12-10" && w.assignedBy == "nanchang" && w.assigneeUser == nil)
        }
        #expect(try await store.warning(other.id)?.assigneeRegion == nil, "another firm's case is untouched")
        try await store.addWarningNote(WarningActionRecord(warningID: b.id, subject: a.subject, period: "2026-10", action: "note", actor: "nanchang",
                                                           at: "2026-11-01T05:00:00.250Z", note: "已电话联系"))
        try await store.transitionWarning(a.id, to: "acknowledged", by: "nanchang", note: "已确认")
        // A rescan in which b no longer fires: a keeps its assignment, b is resolved by the system, and the timeline says so.
        try await store.recordScan([a, other], period: "2026-10")
        #expect(try await store.warning(a.id)?.assigneeRegion == "360121")
        #expect(try await store.warning(b.id)?.state == "resolved")
        var steps = try await store.warningActions(subject: a.subject, period: "2026-10")
        #expect(steps.map(\.action) == ["assign", "note", "acknowledge", "system-resolve"])
        #expect(steps[0].dueDate == "2026-12-10" && steps[0].note == "请上门核实" && steps[1].note == "已电话联系" && steps[2].actor == "nanchang")
        try await store.closeWarnings([a.id], action: WarningActionRecord(warningID: a.id, subject: a.subject, period: "2026-10", action: "close", actor: "nanchang",
                                                                          note: "企业检修结束", outcome: "helped"))
        let closed = try #require(try await store.warning(a.id))
        #expect(closed.state == "resolved" && closed.outcome == "helped" && closed.resolvedBy == "nanchang" && closed.note == "企业检修结束")
        steps = try await store.warningActions(subject: a.subject, period: "2026-10")
        #expect(steps.last?.action == "close" && steps.last?.outcome == "helped")
        #expect(try await store.warningActions(subject: other.subject, period: "2026-10").isEmpty)
        // Two steps stamped in the same millisecond (or a clock behind the stored steps) keep the order they were taken in.
        for (n, text) in ["第一条", "第二条", "第三条"].enumerated() {
            try await store.addWarningNote(WarningActionRecord(id: "z\(9 - n)", warningID: other.id, subject: other.subject, period: "2026-10",
                                                               action: "note", actor: "nanchang", at: "2026-11-01T06:00:00.000Z", note: text))
        }
        let notes = try await store.warningActions(subject: other.subject, period: "2026-10")
        #expect(notes.map(\.note) == ["第一条", "第二条", "第三条"] && notes.map(\.at) == ["2026-11-01T06:00:00.000Z", "2026-11-01T06:00:00.001Z", "2026-11-01T06:00:00.002Z"],
                "\(notes.map(\.at))")
        await store.close()
    }
}

/// Steps stamped within one millisecond keep the order they were written in: the later one is moved a millisecond on
/// as text (adding 0.001 s to a time parsed back from text formatted to the same text about one time in nine).
@Suite struct WarningTimelineOrderTests {
    @Test func stepsWithinOneMillisecondKeepTheirOrder() async throws {
        let store = try await Backend.sqlite.freshStore()
        for k in 0..<60 {
            let subject = String(format: "91360121MA%08d", k)
            let at = Timestamp.precise(Date(timeIntervalSince1970: 1_790_000_000 + Double(k) * 1.234567))
            for (i, action) in ["note", "acknowledge", "system-resolve"].enumerated() {
                try await store.addWarningNote(WarningActionRecord(warningID: "w\(k)", subject: subject, period: "2026-10", action: action,
                                                                   actor: "t\(i)", at: at, note: "step \(i)"))
            }
            let steps = try await store.warningActions(subject: subject, period: "2026-10")
            #expect(steps.map(\.action) == ["note", "acknowledge", "system-resolve"], "case \(k) at \(at): \(steps.map(\.at))")
        }
        await store.close()
    }
}

/// Stored times with milliseconds survive being read back and written again.
@Suite struct PreciseTimestampTests {
    @Test func aTimeReadBackFromItsTextFormatsToTheSameText() throws {
        var changed: [String] = []
        for k in 0..<20_000 {
            let text = Timestamp.precise(Date(timeIntervalSince1970: 1_790_000_000 + Double(k) * 0.1234567))
            let back = try #require(Timestamp.date(text))
            if Timestamp.precise(back) != text { changed.append(text) }
        }
        #expect(changed.count == 0, "\(changed.count) of 20,000 changed, e.g. \(changed.prefix(3))")
        // The nearest millisecond, not the one below.
        #expect(Timestamp.precise(Date(timeIntervalSince1970: 1_790_000_003.7029)) == "2026-09-21T14:13:23.703Z")
        #expect(Timestamp.precise(Date(timeIntervalSince1970: 1_790_000_003.7021)) == "2026-09-21T14:13:23.702Z")
    }
}
