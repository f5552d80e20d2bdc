import BrainCore
import BrainData
import BrainStore
import Foundation
import Logging

/// Runs the risk scan for the latest period, stores its warnings and keeps the configurable thresholds.
public struct WarningService: Sendable {
    public let store: Store
    public static let thresholdsKey = "risk.thresholds"

    public init(store: Store) { self.store = store }

    /// The thresholds in force (defaults until someone saves others).
    public func thresholds() async throws -> RiskThresholds {
        guard let text = try await store.setting(Self.thresholdsKey) else { return RiskThresholds() }
        do { return try JSONDecoder().decode(RiskThresholds.self, from: Data(text.utf8)) } catch {
            // Scanning goes on with the defaults, but an operator must know the saved thresholds are not in force.
            Logger(label: "brain.risk").error("the stored warning thresholds do not decode (\(error)); the defaults are used until new ones are saved")
            return RiskThresholds()
        }
    }

    /// Validates and saves thresholds.
    public func saveThresholds(_ t: RiskThresholds, chains: ChainBook) async throws {
        if let problem = t.problem(knownChains: chains) { throw AppError.bad("thresholds", problem) }
        try await store.setSetting(Self.thresholdsKey, String(decoding: try JSONEncoder().encode(t), as: UTF8.self))
    }

    /// Scans the cube for a period (default: its last month) and records the result. Returns the scan's counts.
    @discardableResult
    public func rescan(cube: IndicatorCube, period: ReportingPeriod? = nil) async throws -> (warnings: Int, new: Int, resolved: Int) {
        guard cube.reportCount > 0 else { return (0, 0, 0) }
        let p = try period ?? ReportingPeriod(cube.lastMonth.month == 1 ? cube.lastMonth.previous : cube.lastMonth)
        let found = RiskScanner(cube: cube, thresholds: try await thresholds()).scan(p)
        let records = found.map { w in
            WarningRecord(id: w.id, kind: w.kind.rawValue, level: w.level.rawValue, subjectType: w.subjectType, subject: w.subject,
                          subjectName: w.subjectName, region: w.region, zone: w.zone, chain: w.chain, period: w.period, rule: w.rule,
                          inputs: w.inputs.filter { !$0.value.isNaN }, threshold: w.threshold, explanation: w.explanation)
        }
        let result = try await store.recordScan(records, period: p.description)
        return (found.count, result.new, result.resolved)
    }
}
