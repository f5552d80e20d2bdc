import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainApps

/// The award state machine (pure) and the review desk over the demo store: every allowed and refused step, 公示 by
/// working days, payment only after 公示, scope refusals written to the ledger.
@Suite struct AwardFlowTests {
    /// 2026-12-01 10:00 Beijing time, a Tuesday.
    static let tuesday = Date(timeIntervalSince1970: 1_796_090_400)

    func award(_ state: AwardState, amount: Double? = 20) -> PolicyAward {
        PolicyAward(id: "A-T", policyId: "P", uscc: "91360100MA00000001", route: "auto", state: state.rawValue, amount: amount, basis: "[]",
                    history: [.init(state: "pending", by: "system", note: nil)])
    }

    @Test func everyStepFromEveryState() throws {
        for state in AwardState.allCases {
            for action in AwardAction.allCases {
                var a = award(state)
                if state == .publicized { a.publicityFrom = "2026-11-01"; a.publicityUntil = "2026-11-07" }
                let note = action == .reject ? "材料不实" : nil
                let allowed = action.from.contains(state)
                do {
                    let next = try AwardFlow.step(a, action, by: "nanchang", note: note, now: Self.tuesday)
                    #expect(allowed, "\(state) → \(action) should be refused")
                    #expect(next.state == action.target.rawValue)
                    #expect(next.history.count == 2 && next.history.last?.by == "nanchang" && next.history.last?.state == action.target.rawValue)
                } catch {
                    #expect(!allowed, "\(state) → \(action) should be allowed: \(error)")
                    #expect(error.code == "wrong_state" && error.zh.contains(state.nameZh))
                }
            }
        }
        // The stored states before review existed read as pending.
        #expect(AwardState(stored: "granted") == .pending && AwardState(stored: "applied") == .pending && AwardState(stored: "nonsense") == nil)
    }

    @Test func theWholeWayWithPublicityByWorkingDays() throws {
        let approved = try AwardFlow.step(award(.pending), .approve, by: "nanchang", note: nil, amount: 25, now: Self.tuesday)
        #expect(approved.amount == 25 && approved.history.last?.note?.contains("20 → 25") == true)
        let published = try AwardFlow.step(approved, .publish, by: "nanchang", note: "第1批", days: 5, now: Self.tuesday)
        // Tuesday 1 December + 5 working days → Monday 7 December (the weekend does not count).
        #expect(published.publicityFrom == "2026-12-01" && published.publicityUntil == "2026-12-07")
        #expect(published.history.last?.note == "公示期 2026-12-01 至 2026-12-07（5 个工作日）；第1批")
        // Paying during 公示 is refused; the day after it ends it goes through.
        #expect(throws: AwardProblem.self) { try AwardFlow.step(published, .pay, by: "finance", note: nil, now: Self.tuesday.addingTimeInterval(6 * 86_400)) }
        do { _ = try AwardFlow.step(published, .pay, by: "finance", note: nil, now: Self.tuesday) } catch { #expect(error.code == "publicity_running") }
        let paid = try AwardFlow.step(published, .pay, by: "finance", note: nil, now: Self.tuesday.addingTimeInterval(7 * 86_400))
        #expect(paid.state == "paid" && paid.history.map(\.state) == ["pending", "approved", "publicized", "paid"])
        #expect(PublicityPeriod.end(start: Self.tuesday, workingDays: 1) == "2026-12-01")
        #expect(PublicityPeriod.end(start: Self.tuesday.addingTimeInterval(4 * 86_400), workingDays: 1) == "2026-12-07", "a Saturday start counts from Monday")
    }

    @Test func refusalsNameTheField() throws {
        func problem(_ a: PolicyAward, _ action: AwardAction, note: String? = nil, amount: Double? = nil, days: Int? = nil) -> AwardProblem? {
            do { _ = try AwardFlow.step(a, action, by: "x", note: note, amount: amount, days: days, now: Self.tuesday); return nil } catch { return error }
        }
        #expect(problem(award(.pending), .reject)?.code == "reason_required")
        #expect(problem(award(.pending), .reject, note: "   ")?.code == "reason_required")
        #expect(problem(award(.pending), .approve, note: String(repeating: "字", count: 501))?.code == "note_too_long")
        #expect(problem(award(.pending), .approve, amount: -1)?.field == "amount")
        #expect(problem(award(.pending), .approve, amount: .infinity)?.field == "amount")
        #expect(problem(award(.pending, amount: nil), .approve)?.field == "amount", "no amount to approve")
        #expect(problem(award(.approved), .publish, amount: 5)?.field == "amount", "the amount is fixed at review")
        #expect(problem(award(.approved), .publish, days: 0)?.field == "days")
        #expect(problem(award(.approved), .publish, days: 31)?.field == "days")
        #expect(problem(award(.pending), .approve, days: 5)?.field == "days")
    }

    /// The desk: a 宜春 official cannot act on a 南昌 firm's award (refused and audited); the 南昌 official lists, approves
    /// and publishes it, each step audited; an application failing the criteria is listed with the failed sentence.
    @Test func theDeskKeepsToTheScopeAndAuditsEveryStep() async throws {
        let f = try await Fixture.load()
        let matcher = PolicyMatcher(store: f.store)
        try await matcher.refresh(cube: f.cube)
        let desk = AwardDesk(matcher: matcher, store: f.store, catalog: .jiangxi)
        let nanchangFirm = try #require(f.cube.firms.first { RegionCatalog.jiangxi.city(of: $0.region) == "360100" })
        let basis = #"[{"criterion":"qualifications has \"高新技术企业\"","state":"unmet","reason":"资质 无，要求 包含 高新技术企业"}]"#
        let id = "A-AWARDTEST-\(UUID().uuidString.prefix(8))"
        try await f.store.saveAwards([PolicyAward(id: id, policyId: "HNTE-REWARD", uscc: nanchangFirm.uscc, route: "application", state: "pending",
                                                  amount: 20, basis: basis, history: [.init(state: "pending", by: "firm", note: "证书办理中")])])
        let nanchang = Principal(username: "nanchang-t", role: .cityOfficial, scope: "360100")
        let yichun = Principal(username: "yichun-t", role: .cityOfficial, scope: "360900")
        let origin = AdminOrigin(source: "test", via: "test")
        await #expect(throws: AppError.self) { try await desk.act(.approve, on: id, by: yichun, note: nil, origin: origin, cube: f.cube) }
        await #expect(throws: AppError.self) { try await desk.detail(id, for: yichun, cube: f.cube) }
        let ledger = AuditLedger(store: f.store)
        #expect(try await ledger.entries(actor: "yichun-t").contains { $0.target == "award:\(id)" && $0.outcome == "denied" })

        var filter = AwardFilter()
        filter.check = .failing
        filter.limit = 500
        let failing = try await desk.list(for: nanchang, filter, cube: f.cube)
        let row = try #require(failing.items.first { $0.award.id == id })
        #expect(row.failed == ["具有“高新技术企业”认定"] && row.actions.contains(.approve) && row.actions.contains(.reject))
        #expect(try await desk.list(for: yichun, filter, cube: f.cube).items.allSatisfy { $0.award.id != id })

        let approved = try await desk.act(.approve, on: id, by: nanchang, note: "证书已取得", origin: origin, cube: f.cube, now: Self.tuesday)
        #expect(approved.state == "approved")
        let batch = try await desk.act(.publish, on: [id, "A-NO-SUCH"], by: nanchang, note: nil, days: 5, origin: origin, cube: f.cube, now: Self.tuesday)
        #expect(batch.map(\.ok) == [true, false] && batch[1].messageZh == "没有这条兑现记录")
        let refusedPay = try await desk.attempt(.pay, on: id, by: nanchang, note: nil, origin: origin, cube: f.cube, now: Self.tuesday)
        guard case .failure(let r) = refusedPay else { Issue.record("paid during 公示"); return }
        #expect(r.error.code == "publicity_running" && r.zh.contains("2026-12-07"))
        let paid = try await desk.act(.pay, on: id, by: nanchang, note: nil, origin: origin, cube: f.cube, now: Self.tuesday.addingTimeInterval(8 * 86_400))
        #expect(paid.history.map(\.by) == ["firm", "nanchang-t", "nanchang-t", "nanchang-t"])
        let mine = try await ledger.entries(actor: "nanchang-t").filter { $0.target == "award:\(id)" }
        #expect(mine.map(\.outcome).sorted() == ["ok", "ok", "ok", "rejected"])
    }
}
