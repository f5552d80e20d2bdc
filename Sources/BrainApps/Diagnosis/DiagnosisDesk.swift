import BrainCore
import BrainData
import BrainStore
import Foundation
import Synchronization

/// One submitted diagnosis: the answers, the result, the peer percentile and the catalogue recommendations.
public struct DiagnosisRecord: Codable, Sendable {
    public let id: String
    public let uscc: String
    public let company: String
    public let chain: String?
    public let city: String?
    public let submittedBy: String
    public let submittedAt: String
    public let answers: [String: Int]
    public let result: DiagnosisResult
    /// Share of peers (same chain and city, latest diagnosis each) scoring below, 0–100; nil without peers.
    public let percentile: Double?
    public let peers: Int
    public let recommendations: [SolutionRecommendation]
    /// Referrals proposed from the recommendations; each waits for the enterprise's consent before its provider sees it.
    public let referrals: [String]
}

/// The few fields of a diagnosis that regional overviews read.
public struct DiagnosisSummary: Sendable {
    public let id: String
    public let company: String
    public let submittedAt: String
    public let total: Double
    /// 0 (未达一级) … 4 (四级).
    public let level: Int
    public let levelName: String
    public let weakestAreaName: String
    public let weakestSubareaName: String

    init(_ r: DiagnosisRecord) {
        id = r.id; company = r.company; submittedAt = r.submittedAt; total = r.result.total; level = r.result.level
        levelName = r.result.levelName; weakestAreaName = r.result.weakestAreaName; weakestSubareaName = r.result.weakestSubareaName
    }
}

/// The diagnosis a request submits.
public struct DiagnosisSubmission: Codable, Sendable {
    public var uscc: String?
    public var answers: [String: Int]?
    public init(uscc: String?, answers: [String: Int]?) { self.uscc = uscc; self.answers = answers }
}

extension Questionnaire {
    /// True for an area code (`operation`) or a sub-area code (`operation.production`).
    public func isAreaCode(_ code: String) -> Bool { area(code) != nil || subarea(code) != nil }
}

/// 转型问诊: scores submitted questionnaires, places them among peers, recommends catalogue solutions of the firm's
/// chain and proposes referrals the enterprise agrees to one by one; keeps each enterprise's history.
public final class DiagnosisDesk: Sendable {
    public let store: Store
    public let catalogue: CatalogueDesk
    /// The questionnaire in force: the bundled standard until the province imports its own (`brain reference import
    /// questionnaire`); every result records the version it was scored with (`DiagnosisResult.version`).
    private let current: Mutex<Questionnaire>
    public var questionnaire: Questionnaire { current.withLock { $0 } }
    /// Latest diagnosis per enterprise, loaded once and updated on every submission.
    /// Reloaded from the database when older than `reloadAfter`, so that diagnoses saved by another server on the same
    /// database are seen; `generation` changes with every save or reload.
    private let latest = Mutex<(map: [String: DiagnosisRecord]?, loadedAt: ContinuousClock.Instant, generation: Int)>((nil, .now, 0))
    /// The latest diagnoses reduced to what regional overviews read, for one generation of `latest`.
    private let summaries = Mutex<(generation: Int, map: [String: DiagnosisSummary]?)>((-1, nil))
    /// How long the latest-per-enterprise view is trusted before it is read again from the database.
    public static let reloadAfter: Duration = .seconds(30)

    public init(store: Store, questionnaire: Questionnaire = .standard) {
        self.store = store
        self.catalogue = CatalogueDesk(store: store)
        self.current = Mutex(questionnaire)
    }

    /// Puts an imported questionnaire in force for new diagnoses; results already given keep theirs.
    public func replace(questionnaire: Questionnaire) { current.withLock { $0 = questionnaire } }

    /// The questionnaire in force for a database: its newest imported version, else the bundled standard. A stored
    /// version that no longer reads is an error naming the version.
    public static func storedQuestionnaire(in store: Store) async throws -> Questionnaire {
        guard let stored = try await store.referenceContent(kind: QuestionnaireTable.kind) else { return .standard }
        do { return try QuestionnaireTable.read(csv: stored.content).questionnaire } catch {
            throw StoreError("stored questionnaire version \(stored.version.version) does not read: \(error)")
        }
    }

    /// The questionnaire a result was scored with, by its version (`DiagnosisResult.version`): the bundled standard or
    /// any imported version, so that an old result's questions, options and advice can still be read; nil when unknown.
    public func questionnaire(version: String) async throws -> Questionnaire? {
        if questionnaire.version == version { return questionnaire }
        if Questionnaire.standard.version == version { return .standard }
        for v in try await store.referenceVersions(kind: QuestionnaireTable.kind) {
            guard let stored = try await store.referenceContent(kind: QuestionnaireTable.kind, version: v.version),
                  let q = try? QuestionnaireTable.read(csv: stored.content).questionnaire, q.version == version else { continue }
            return q
        }
        return nil
    }

    /// 大型 and 中型 enterprises also answer the GB/T 39116 maturity items.
    public static func isLarge(_ e: Enterprise) -> Bool { e.sizeClass == .large || e.sizeClass == .medium }

    /// Scores and saves a diagnosis; the answers are checked whole and nothing is saved when any is wrong.
    public func submit(firm e: Enterprise, answers: [String: Int], by user: String, catalog: RegionCatalog,
                       at time: String = Timestamp.now(), refer: Bool = true) async throws -> DiagnosisRecord {
        let result: DiagnosisResult
        do { result = try questionnaire.score(answers, largeFirm: Self.isLarge(e)) } catch { throw error }
        let chain = e.chains.first
        let city = catalog.city(of: e.region)
        let peers = try await latestRecords().values.filter { $0.uscc != e.uscc && $0.chain == chain && $0.city == city }.map(\.result.total)
        // Only solutions for the firm's chain (or for any chain) are offered.
        let candidates = try await catalogue.solutions().filter { CatalogueDesk.fits($0, chain: chain) }.map {
            SolutionCandidate(id: $0.id, title: $0.title, areas: $0.areas, chains: $0.chains, priceMin: $0.priceMin, priceMax: $0.priceMax)
        }
        let recs = recommend(for: result, chain: chain, chainName: chain.flatMap { catalog.chains.chain($0)?.name }, candidates: candidates, limit: 5)
        let id = "DG-\(e.uscc)-\(time.filter(\.isNumber))"
        var referrals: [String] = []
        if refer, !recs.isEmpty {
            referrals = try await catalogue.refer(uscc: e.uscc, items: recs.prefix(3).map { ($0.solutionId, $0.reason) }, diagnosisId: id, by: "system",
                                                  state: "proposed").map(\.id)
        }
        let record = DiagnosisRecord(id: id, uscc: e.uscc, company: e.name, chain: chain, city: city, submittedBy: user, submittedAt: time,
                                     answers: answers, result: result, percentile: Questionnaire.percentile(result.total, among: peers),
                                     peers: peers.count, recommendations: recs, referrals: referrals)
        try await save([record])
        return record
    }

    /// Saves records (used by submissions and the demo seeder) and updates the latest-per-enterprise view.
    public func save(_ records: [DiagnosisRecord]) async throws {
        try await store.putDocuments(.diagnoses, records.map {
            DocumentRow(key: $0.id, values: [$0.uscc, $0.submittedAt, $0.result.total, $0.result.level], doc: $0)
        })
        _ = try await latestRecords()
        latest.withLock { s in
            for r in records where (s.map?[r.uscc]?.submittedAt ?? "") <= r.submittedAt { s.map?[r.uscc] = r }
            s.generation += 1
        }
    }

    /// The latest diagnosis of every enterprise, reduced to its summary (cheap to filter and aggregate).
    public func latestSummaries() async throws -> [String: DiagnosisSummary] {
        let (records, generation) = try await latestWithGeneration()
        if let cached = summaries.withLock({ $0.generation == generation ? $0.map : nil }) { return cached }
        let made = records.mapValues(DiagnosisSummary.init)
        summaries.withLock { $0 = (generation, made) }
        return made
    }

    /// An enterprise's diagnoses, newest first.
    public func history(uscc: String) async throws -> [DiagnosisRecord] {
        try await store.documents(.diagnoses, as: DiagnosisRecord.self, where: [("uscc", uscc)], orderBy: "submitted_at", descending: true)
    }

    public func diagnosis(_ id: String) async throws -> DiagnosisRecord? { try await store.document(.diagnoses, key: id, as: DiagnosisRecord.self) }

    /// The latest diagnosis of every enterprise.
    public func latestRecords() async throws -> [String: DiagnosisRecord] { try await latestWithGeneration().map }

    private func latestWithGeneration() async throws -> (map: [String: DiagnosisRecord], generation: Int) {
        if let fresh = latest.withLock({ s in s.map.flatMap { ContinuousClock.now - s.loadedAt < Self.reloadAfter ? ($0, s.generation) : nil } }) { return fresh }
        let started = ContinuousClock.now
        var loaded: [String: DiagnosisRecord] = [:]
        for r in try await store.documents(.diagnoses, as: DiagnosisRecord.self, orderBy: "submitted_at") { loaded[r.uscc] = r }
        return latest.withLock { s in
            // A save that finished while this load ran is kept.
            for (k, r) in s.map ?? [:] where (loaded[k]?.submittedAt ?? "") < r.submittedAt { loaded[k] = r }
            s = (loaded, started, s.generation + 1)
            return (loaded, s.generation)
        }
    }

    /// Latest total score (0–100) per enterprise.
    public func latestScores() async throws -> [String: Double] { try await latestRecords().mapValues(\.result.total) }

    /// Latest MIIT level (0–4) per enterprise, as the `digital_level` policy fact.
    public func latestLevels() async throws -> [String: Double] { try await latestRecords().mapValues { Double($0.result.level) } }

    /// Latest MIIT level per enterprise read from the plain columns (cheap; for policy matching).
    public static func storedLevels(in store: Store) async throws -> [String: Double] {
        var out: [String: Double] = [:]
        for row in try await store.sql.select().columns("uscc", "level").from("diagnoses").orderBy("submitted_at").orderBy("id").all() {
            out[try row.decode(column: "uscc", as: String.self)] = Double(try row.decode(column: "level", as: Int.self))
        }
        return out
    }

    public func latestSnapshots() async throws -> [String: MaturitySnapshot] {
        try await latestRecords().mapValues {
            MaturitySnapshot(level: $0.result.level, total: $0.result.total, weakestArea: $0.result.weakestArea, weakestAreaName: $0.result.weakestAreaName)
        }
    }
}
