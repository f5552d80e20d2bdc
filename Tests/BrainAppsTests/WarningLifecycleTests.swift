import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Testing
@testable import BrainApps

// Which test produces each WarningKind (every kind has at least one; WarningKindTests.everyKindIsRaisedByTheSmallWorldsTogether
// fails when a new kind is added that no rule raises):
//   output-drop, power-drop, consecutive-losses, staff-drop   RiskRuleTests, WarningKindTests, (output-drop also here)
//   receivables-surge, exit-risk                            RiskTests (backtest on the demo), WarningKindTests
//   inventory-buildup, upgrade-candidate, anomaly,
//   forecast-miss, chain-break                              WarningKindTests
//   region-losses, region-lagging                           WarningKindTests (RegionWarningRuleTests)

/// What a rescan does to stored warnings and what handling a warning may do: the store's `recordScan` keeps a warning's
/// state and refreshes its figures, resolves (as `system`) those of the period that no longer fire, and never reopens one.
@Suite struct WarningLifecycleTests {
    typealias F = SmallWorld.Firm
    /// Firm 1's output falls 55 % in 2026-10 (a red output-drop); firm 2's power falls 65 % (a red power-drop).
    @Sendable static func collapse(_ k: Int) -> [Indicator: Double] { k == 23 ? SmallWorld.base([.outputValue: 900]) : SmallWorld.base }
    static let firms = [F(n: 1, figures: collapse), F(n: 2, figures: { k in k == 23 ? SmallWorld.base([.electricity: 35]) : SmallWorld.base })]
    static let corrected = F(n: 1)
    static let official = Principal(username: "nc-official", role: .cityOfficial, scope: "360100")
    var outputId: String { "output-drop:\(SmallWorld.code(1)):2026-10" }

    func world() async throws -> (SmallWorld, WarningService, WarningDesk) {
        let w = try await SmallWorld.make(Self.firms, months: 24)
        let service = WarningService(store: w.store)
        try await service.rescan(cube: try await w.cube())
        return (w, service, WarningDesk(store: w.store, catalog: .jiangxi))
    }

    func all(_ store: Store) async throws -> [WarningRecord] {
        var q = WarningQuery()
        q.limit = 1_000
        return try await store.warnings(q, scope: .all).items
    }

    @Test func aRescanOfTheSamePeriodAddsNothing() async throws {
        let (w, service, _) = try await world()
        let before = try await all(w.store)
        #expect(before.contains { $0.id == outputId && $0.state == "open" && $0.level == "red" })
        let again = try await service.rescan(cube: try await w.cube())
        #expect(again.new == 0 && again.resolved == 0 && again.warnings == before.count)
        let after = try await all(w.store)
        #expect(after.map(\.id).sorted() == before.map(\.id).sorted())
        #expect(Set(after.map(\.id)).count == after.count)
    }

    @Test func anAcknowledgedWarningStaysAcknowledged() async throws {
        let (w, service, desk) = try await world()
        _ = try await desk.handle(outputId, .acknowledge, note: "已约谈企业负责人", by: Self.official)
        try await service.rescan(cube: try await w.cube())
        let after = try #require(try await w.store.warning(outputId))
        #expect(after.state == "acknowledged" && after.acknowledgedBy == "nc-official" && after.note == "已约谈企业负责人")
    }

    /// A warning resolved by hand stays resolved while its condition still holds: the rescan refreshes its figures only.
    @Test func aResolvedWarningIsNotReopenedWhileItsConditionPersists() async throws {
        let (w, service, desk) = try await world()
        _ = try await desk.handle(outputId, .resolve, note: "订单转移至新厂区，已核实", by: Self.official)
        // The fall deepens: the figures are refreshed, the state is not.
        try await w.write([F(n: 1, figures: { k in k == 23 ? SmallWorld.base([.outputValue: 700]) : SmallWorld.base })])
        let r = try await service.rescan(cube: try await w.cube())
        #expect(r.new == 0 && r.resolved == 0)
        let after = try #require(try await w.store.warning(outputId))
        #expect(after.state == "resolved" && after.resolvedBy == "nc-official" && after.note == "订单转移至新厂区，已核实")
        #expect(after.inputs["output"] == 700 && after.inputs["yoy"] == -65)
    }

    @Test func aCorrectionThatRemovesTheConditionResolvesTheWarningAsSystem() async throws {
        let (w, service, _) = try await world()
        try await w.write([Self.corrected])
        let r = try await service.rescan(cube: try await w.cube())
        #expect(r.resolved >= 1)
        let gone = try #require(try await w.store.warning(outputId))
        #expect(gone.state == "resolved" && gone.resolvedBy == "system" && gone.note == "condition no longer holds after a data update")
        // Firm 2's power warning still fires and is left alone.
        #expect(try await w.store.warning("power-drop:\(SmallWorld.code(2)):2026-10")?.state == "open")
        // A scan of another period never touches this one's warnings.
        try await w.write(Self.firms)
        try await service.rescan(cube: try await w.cube(), period: try ReportingPeriod(Month("2026-09")!))
        #expect(try await w.store.warning(outputId)?.state == "resolved")
    }

    /// The handler's note on an acknowledged warning survives the system's resolution when the condition goes away.
    @Test func aSystemResolutionKeepsTheHandlersNote() async throws {
        let (w, service, desk) = try await world()
        _ = try await desk.handle(outputId, .acknowledge, note: "已约谈企业负责人", by: Self.official)
        try await w.write([Self.corrected])
        try await service.rescan(cube: try await w.cube())
        let after = try #require(try await w.store.warning(outputId))
        #expect(after.state == "resolved" && after.acknowledgedBy == "nc-official")
        #expect(after.note?.contains("已约谈企业负责人") == true)
        #expect(after.note?.contains("condition no longer holds") == true)
    }

    /// The fooling case: the condition goes (a correction), then comes back (the correction is itself corrected).
    @Test func anOscillatingWarningComesBackOpen() async throws {
        let (w, service, _) = try await world()
        try await w.write([Self.corrected])
        try await service.rescan(cube: try await w.cube())
        #expect(try await w.store.warning(outputId)?.resolvedBy == "system")
        try await w.write(Self.firms)
        try await service.rescan(cube: try await w.cube())
        let back = try #require(try await w.store.warning(outputId))
        #expect(back.level == "red", "the figures are refreshed")
        #expect(back.state == "open")
        #expect(back.note == nil && back.resolvedBy == nil && back.resolvedAt == nil)
    }

    @Test func statesOnlyMoveForwardAndTwiceIsAConflict() async throws {
        let (w, _, desk) = try await world()
        func conflict(_ action: WarningAction) async -> String? {
            do { _ = try await desk.handle(outputId, action, note: nil, by: Self.official); return nil } catch let e as AppError {
                return e.kind == .conflict ? e.code : "kind \(e.kind)"
            } catch { return "\(error)" }
        }
        let acked = try await desk.handle(outputId, .acknowledge, note: nil, by: Self.official)
        #expect(acked.state == "acknowledged" && acked.acknowledgedAt != nil)
        #expect(await conflict(.acknowledge) == "wrong_state")
        // Resolving needs no note (the code asks none); an acknowledged warning can be resolved.
        let resolved = try await desk.handle(outputId, .resolve, note: nil, by: Self.official)
        #expect(resolved.state == "resolved" && resolved.resolvedBy == "nc-official" && resolved.note == nil)
        #expect(await conflict(.acknowledge) == "wrong_state")
        #expect(await conflict(.resolve) == "wrong_state")
        // An open warning can be resolved straight away.
        let other = "power-drop:\(SmallWorld.code(2)):2026-10"
        #expect(try await desk.handle(other, .resolve, note: nil, by: Self.official).state == "resolved")
        #expect(try await w.store.warning(other)?.acknowledgedBy == nil)
    }

    @Test func notesAreTrimmedAndMeasuredAfterTrimming() async throws {
        let (w, _, desk) = try await world()
        // Blank is no note.
        _ = try await desk.handle(outputId, .acknowledge, note: " \n\t ", by: Self.official)
        #expect(try await w.store.warning(outputId)?.note == nil)
        // 2,000 characters inside spaces fit (they are trimmed first); 2,001 do not, and nothing changes.
        let other = "power-drop:\(SmallWorld.code(2)):2026-10"
        do {
            _ = try await desk.handle(other, .acknowledge, note: String(repeating: "记", count: WarningDesk.maxNote + 1), by: Self.official)
            Issue.record("a note of 2,001 characters was accepted")
        } catch let e as AppError {
            #expect(e.kind == .badParameter && e.parameter == "note")
        }
        #expect(try await w.store.warning(other)?.state == "open")
        let full = String(repeating: "记", count: WarningDesk.maxNote)
        #expect(try await desk.handle(other, .acknowledge, note: "   " + full + "\n", by: Self.official).note == full)
    }

    @Test func onlyHandlersInsideTheScopeMayChangeAWarning() async throws {
        let (w, _, desk) = try await world()
        func kind(_ p: Principal) async -> AppError.Kind? {
            do { _ = try await desk.handle(outputId, .acknowledge, note: nil, by: p); return nil } catch let e as AppError { return e.kind } catch { return nil }
        }
        #expect(await kind(Principal(username: "yc", role: .cityOfficial, scope: "360900")) == .notFound, "another city's warning answers as missing")
        #expect(await kind(Principal(username: "ex", role: .expert, scope: nil)) == .forbidden)
        #expect(await kind(Principal(username: "cty", role: .countyOfficial, scope: "360102")) == .notFound, "another county of the same city")
        #expect(try await w.store.warning(outputId)?.state == "open")
        #expect(await kind(Principal(username: "county", role: .countyOfficial, scope: "360121")) == nil)
    }
}
