import Foundation

// Scoring of the 转型问诊 questionnaire:
// - question points = the chosen option's points (0…100);
// - sub-area score  = mean of its questions' points;
// - area score      = sub-area scores weighted by `Subarea.weight`;
// - total           = area scores weighted by `Area.weight` (基础 35 / 经营 30 / 管理 15 / 成效 20), 1 decimal;
// - level           = the MIIT band the (rounded) total reaches: ≥20 一级, ≥40 二级, ≥60 三级, ≥80 四级, else 未达一级.
// The GB/T 39116 maturity items (G…) never count towards the total; they give a separate reading for large firms.

/// One problem with a submitted field: the field (e.g. `answers.F3`) and why it was refused.
public struct FieldProblem: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field; self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

/// Why answers could not be scored: every problem found, in questionnaire order, then unknown ids sorted.
public struct DiagnosisFailure: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    public let problems: [FieldProblem]

    public init(problems: [FieldProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// The outcome of one diagnosis: total, MIIT level, area and sub-area scores, weak points and (large firms) maturity.
public struct DiagnosisResult: Codable, Sendable, Hashable {
    /// Questionnaire version the answers were scored with.
    public let version: String
    public let largeFirm: Bool
    /// 0–100, 1 decimal.
    public let total: Double
    /// 0 (未达一级) … 4 (四级).
    public let level: Int
    /// 未达一级, 一级 … 四级.
    public let levelName: String
    public let levelDescription: String
    /// Points (1 decimal) the total lacks for the next level; nil at 四级.
    public let nextLevelGap: Double?
    public let areas: [AreaScore]
    public let subareas: [SubareaScore]
    /// Code of the lowest-scoring area (first in questionnaire order on a tie).
    public let weakestArea: String
    public let weakestAreaName: String
    /// Code of the lowest-scoring sub-area (first in questionnaire order on a tie).
    public let weakestSubarea: String
    public let weakestSubareaName: String
    /// Questions answered below `weakPointThreshold`, worst first, at most `maxWeakPoints`.
    public let weakPoints: [WeakPoint]
    /// GB/T 39116 reading; present only for large firms.
    public let maturity: MaturityReading?

    /// A question is a weak point when its points are below this.
    public static let weakPointThreshold: Double = 60
    /// At most this many weak points are reported.
    public static let maxWeakPoints = 6

    /// The score of one area.
    public struct AreaScore: Codable, Sendable, Hashable {
        public let code: String
        public let name: String
        /// Share of the total (the four sum to 100).
        public let weight: Double
        /// 0–100, 1 decimal.
        public let score: Double
    }

    /// The score of one sub-area.
    public struct SubareaScore: Codable, Sendable, Hashable {
        public let code: String
        public let name: String
        /// Code of the area holding it.
        public let area: String
        /// 0–100, 1 decimal.
        public let score: Double
    }

    /// A question answered poorly, with what it costs and what to do about it.
    public struct WeakPoint: Codable, Sendable, Hashable {
        public let questionId: String
        public let subarea: String
        public let subareaName: String
        /// The question text.
        public let question: String
        /// Chosen option index.
        public let chosen: Int
        public let chosenLabel: String
        /// Points of the chosen option (0…100).
        public let points: Double
        /// Total-score points gained by moving to the best option (1 decimal).
        public let potentialGain: Double
        public let advice: String
    }

    /// The GB/T 39116-2020 智能制造能力成熟度 reading of a large firm.
    public struct MaturityReading: Codable, Sendable, Hashable {
        /// 0 (未达一级) … 5 (引领级).
        public let level: Int
        /// 未达一级, 一级 … 五级.
        public let grade: String
        /// 规划级 … 引领级; 未达规划级 at level 0.
        public let name: String
        /// Why: which levels' items met the threshold and which level's items fell short.
        public let basis: String
        /// Average (0–100) an item group must reach.
        public let threshold: Double
        /// Per level 1…5: average of its items and whether the level counts.
        public let levels: [MaturityLevelScore]
    }

    /// One GB/T 39116 level's items: their average and whether the level is reached.
    public struct MaturityLevelScore: Codable, Sendable, Hashable {
        public let level: Int
        public let grade: String
        public let name: String
        /// Average of the level's items (0–100, 1 decimal).
        public let score: Double
        /// The average reaches the threshold.
        public let meetsThreshold: Bool
        /// Meets the threshold and every lower level is reached.
        public let reached: Bool
    }
}

// MARK: - Validation and scoring

extension Questionnaire {
    /// Every problem with the answers (empty when they can be scored).
    /// - A question the firm is asked but did not answer: `answers.F3: 未作答 (required)`.
    /// - An index outside the question's options: `answers.F3: 7 不是有效选项 (0–4)`.
    /// - An id that is no question: `answers.X9: 没有这道题 (unknown question)`.
    /// Maturity items (`G…`) submitted for a firm that is not large are ignored: neither checked nor scored, so a
    /// form may send every field it shows.
    public func validate(_ answers: [String: Int], largeFirm: Bool) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        for q in questions(largeFirm: largeFirm) {
            let field = "answers.\(q.id)"
            guard let choice = answers[q.id] else {
                problems.append(FieldProblem(field: field, reason: "未作答 (required)"))
                continue
            }
            if !q.optionRange.contains(choice) {
                problems.append(FieldProblem(field: field, reason: "\(choice) 不是有效选项 (0–\(q.options.count - 1))"))
            }
        }
        for id in answers.keys.sorted() where question(id) == nil {
            problems.append(FieldProblem(field: "answers.\(id)", reason: "没有这道题 (unknown question)"))
        }
        return problems
    }

    /// Scores the answers; throws every validation problem at once, returning nothing on failure.
    public func score(_ answers: DiagnosisAnswers, largeFirm: Bool) throws(DiagnosisFailure) -> DiagnosisResult {
        try score(answers.choices, largeFirm: largeFirm)
    }

    /// Scores the answers (question id → option index); throws every validation problem at once.
    public func score(_ answers: [String: Int], largeFirm: Bool) throws(DiagnosisFailure) -> DiagnosisResult {
        let problems = validate(answers, largeFirm: largeFirm)
        guard problems.isEmpty else { throw DiagnosisFailure(problems: problems) }
        func points(_ q: Question) -> Double { q.options[answers[q.id] ?? 0].points }

        let areaWeightSum = areas.reduce(0) { $0 + $1.weight }
        var areaScores: [DiagnosisResult.AreaScore] = [], subScores: [DiagnosisResult.SubareaScore] = []
        var exactArea: [Double] = [], exactSub: [(code: String, name: String, score: Double)] = []
        var weak: [(order: Int, point: DiagnosisResult.WeakPoint)] = []
        var total = 0.0
        for area in areas {
            let subWeightSum = area.subareas.reduce(0) { $0 + $1.weight }
            var areaSum = 0.0
            for sub in area.subareas {
                let qs = questions(inSubarea: sub.code)
                let score = qs.isEmpty ? 0 : qs.reduce(0) { $0 + points($1) } / Double(qs.count)
                areaSum += sub.weight * score
                exactSub.append((sub.code, sub.name, score))
                subScores.append(.init(code: sub.code, name: sub.name, area: area.code, score: Self.round1(score)))
                // Share of the total one point of each question of this sub-area is worth.
                let share = qs.isEmpty || subWeightSum <= 0 || areaWeightSum <= 0 ? 0
                    : area.weight / areaWeightSum * sub.weight / subWeightSum / Double(qs.count)
                for q in qs where points(q) < DiagnosisResult.weakPointThreshold {
                    let chosen = answers[q.id] ?? 0
                    let best = q.options.map(\.points).max() ?? 100
                    weak.append((questions.firstIndex(of: q) ?? 0, .init(
                        questionId: q.id, subarea: sub.code, subareaName: sub.name, question: q.text, chosen: chosen,
                        chosenLabel: q.options[chosen].label, points: points(q),
                        potentialGain: Self.round1((best - points(q)) * share), advice: q.advice)))
                }
            }
            let score = subWeightSum > 0 ? areaSum / subWeightSum : 0
            exactArea.append(score)
            areaScores.append(.init(code: area.code, name: area.name, weight: area.weight, score: Self.round1(score)))
            total += area.weight * score
        }
        let rounded = Self.round1(areaWeightSum > 0 ? total / areaWeightSum : 0)
        let band = band(for: rounded)
        let next = levels.filter { $0.minScore > band.minScore }.min { $0.minScore < $1.minScore }

        // Lowest score wins; on a tie the earlier one (min(by:) keeps the first minimum).
        let weakestArea = exactArea.indices.min { exactArea[$0] < exactArea[$1] }.map { areas[$0] }
        let weakestSub = exactSub.min { $0.score < $1.score }
        weak.sort { a, b in
            if a.point.points != b.point.points { return a.point.points < b.point.points }
            if a.point.potentialGain != b.point.potentialGain { return a.point.potentialGain > b.point.potentialGain }
            return a.order < b.order
        }

        return DiagnosisResult(
            version: version, largeFirm: largeFirm, total: rounded, level: band.level, levelName: band.name,
            levelDescription: band.description, nextLevelGap: next.map { Self.round1($0.minScore - rounded) },
            areas: areaScores, subareas: subScores,
            weakestArea: weakestArea?.code ?? "", weakestAreaName: weakestArea?.name ?? "",
            weakestSubarea: weakestSub?.code ?? "", weakestSubareaName: weakestSub?.name ?? "",
            weakPoints: weak.prefix(DiagnosisResult.maxWeakPoints).map(\.point),
            maturity: largeFirm ? readMaturity(answers) : nil)
    }

    /// GB/T 39116 reading: level N is reached when its items average at least `maturityThreshold` and every lower
    /// level is reached (the standard's 0.8 rule, levels attained one after another).
    func readMaturity(_ answers: [String: Int]) -> DiagnosisResult.MaturityReading {
        let threshold = maturityThreshold
        let ordered = maturityLevels.sorted { $0.level < $1.level }
        var rows: [DiagnosisResult.MaturityLevelScore] = []
        var exact: [Double] = []
        var reachedSoFar = true, level = 0
        for m in ordered {
            let items = maturityItems(level: m.level)
            let avg = items.isEmpty ? 0
                : items.reduce(0) { $0 + $1.options[answers[$1.id] ?? 0].points } / Double(items.count)
            let meets = !items.isEmpty && avg >= threshold - 1e-9
            reachedSoFar = reachedSoFar && meets
            if reachedSoFar { level = m.level }
            exact.append(avg)
            rows.append(.init(level: m.level, grade: m.grade, name: m.name, score: Self.round1(avg),
                              meetsThreshold: meets, reached: reachedSoFar))
        }
        let t = Self.pointsText(threshold)
        func label(_ m: MaturityLevel) -> String { "\(m.grade)（\(m.name)）" }

        let reachedLevel = ordered.first { $0.level == level }
        var basis = reachedLevel.map { "评定为\(label($0))。" } ?? "未达到\(ordered.first.map(label) ?? "一级（规划级）")。"
        if let top = reachedLevel, let first = ordered.first {
            basis += top.level == first.level ? "\(label(first))评价项平均得分达到 \(t) 分阈值"
                : "\(label(first))至\(label(top))评价项平均得分均达到 \(t) 分阈值"
            basis += level == ordered.last?.level ? "。" : "；"
        }
        if let i = ordered.firstIndex(where: { $0.level > level }) {
            let m = ordered[i]
            let short = maturityItems(level: m.level).filter { q in
                let p = q.options[answers[q.id] ?? 0].points
                return p < (q.options.map(\.points).max() ?? 100)
            }
            basis += "\(label(m))评价项平均 \(Self.pointsText(exact[i])) 分，未达 \(t) 分阈值"
            if !short.isEmpty {
                basis += "，未完全满足：" + short.map { "「\($0.text)」（\($0.options[answers[$0.id] ?? 0].label)）" }
                    .joined(separator: "、")
            }
            let blocked = rows[(i + 1)...].filter(\.meetsThreshold).map(\.grade)
            if !blocked.isEmpty {
                basis += "；\(blocked.joined(separator: "、"))评价项虽达到阈值，但成熟度须逐级达标，不予认定"
            }
            basis += "。"
        }
        return .init(level: level, grade: reachedLevel?.grade ?? "未达一级", name: reachedLevel?.name ?? "未达规划级",
                     basis: basis, threshold: threshold, levels: rows)
    }

    static func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    /// "25", "25.5": a score as shown in Chinese sentences.
    static func pointsText(_ x: Double) -> String {
        let r = round1(x)
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}

// MARK: - Peers

extension Questionnaire {
    /// Percentile (0–100) of `score` among peer totals: share of peers strictly below plus half the ties.
    /// Nil when there is no (finite) peer or the score is not finite. Whether the firm itself is among the peers
    /// is the caller's choice.
    public static func percentile(_ score: Double, among peers: [Double]) -> Double? {
        guard score.isFinite else { return nil }
        let valid = peers.filter(\.isFinite)
        guard !valid.isEmpty else { return nil }
        let below = valid.filter { $0 < score }.count
        let ties = valid.filter { $0 == score }.count
        return (Double(below) + 0.5 * Double(ties)) / Double(valid.count) * 100
    }
}

// MARK: - Recommendations

/// A service solution that may be recommended: the sub-areas it addresses and the chains it suits.
public struct SolutionCandidate: Codable, Sendable, Hashable {
    public let id: String
    public let title: String
    /// Sub-area codes it addresses, e.g. `operation.production`.
    public let areas: [String]
    /// Chain codes it suits; empty means any chain.
    public let chains: [String]
    /// Price range in 万元 (nil when priced on request).
    public let priceMin: Double?
    public let priceMax: Double?

    public init(id: String, title: String, areas: [String], chains: [String] = [], priceMin: Double? = nil,
                priceMax: Double? = nil) {
        self.id = id; self.title = title; self.areas = areas; self.chains = chains
        self.priceMin = priceMin; self.priceMax = priceMax
    }
}

/// A solution recommended to a diagnosed firm, with the weak sub-area it targets and why.
public struct SolutionRecommendation: Codable, Sendable, Hashable {
    public let solutionId: String
    public let title: String
    /// The weakest of the firm's sub-areas the solution addresses.
    public let subarea: String
    public let subareaName: String
    public let subareaScore: Double
    /// The solution suits the firm's chain (lists it, or lists no chain at all).
    public let chainMatch: Bool
    /// Chinese, e.g. "生产管控得分 25 分，为薄弱环节；该方案面向新能源产业链".
    public let reason: String
    /// Ranking score (1 decimal): need of the target sub-area (100 − score) plus breadth and chain bonuses.
    public let fit: Double
    public let priceMin: Double?
    public let priceMax: Double?
}

/// Bonuses of the recommendation ranking (points of `fit`).
public enum RecommendationWeights {
    /// The solution lists the firm's chain.
    public static let chainExact = 10.0
    /// The solution suits any chain (lists none), when the firm's chain is known.
    public static let chainAny = 5.0
    /// Per further weak sub-area (below `DiagnosisResult.weakPointThreshold`) the solution also addresses.
    public static let perExtraWeakSubarea = 2.0
    /// At most this many further weak sub-areas count.
    public static let maxExtraWeakSubareas = 3
}

/// Recommends up to `limit` solutions for a diagnosis, weakest sub-areas first.
///
/// Each candidate targets the lowest-scoring sub-area among those it addresses; `fit` = 100 − that score, plus
/// `RecommendationWeights.perExtraWeakSubarea` per further weak sub-area it covers, plus a chain bonus when `chain`
/// is given (`chainExact` if the solution lists the chain, `chainAny` if it lists none; none for other chains).
/// Candidates addressing no known sub-area, or only sub-areas already at 100, are left out. One recommendation per
/// solution id (the best-fitting duplicate wins). Order: `fit` descending, then id ascending.
/// `chainName` (e.g. "新能源") is used in the reason text; without it the reason says "本企业所在产业链".
public func recommend(for result: DiagnosisResult, chain: String?, chainName: String? = nil,
                      candidates: [SolutionCandidate], limit: Int = 5) -> [SolutionRecommendation] {
    guard limit > 0 else { return [] }
    enum ChainFit { case exact, any, other, unknown }
    var order: [String: Int] = [:]
    var scores: [String: DiagnosisResult.SubareaScore] = [:]
    for (i, s) in result.subareas.enumerated() { order[s.code] = i; scores[s.code] = s }
    let threshold = DiagnosisResult.weakPointThreshold
    let chainText: String = {
        guard let name = chainName?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return "本企业所在产业链" }
        return name.hasSuffix("产业链") ? name : name + "产业链"
    }()

    var best: [String: SolutionRecommendation] = [:]
    for c in candidates {
        var seen = Set<String>()
        let addressed = c.areas.filter { scores[$0] != nil && seen.insert($0).inserted }.compactMap { scores[$0] }
            .sorted { $0.score != $1.score ? $0.score < $1.score : order[$0.code]! < order[$1.code]! }
        guard let target = addressed.first, target.score < 100 else { continue }
        let extraWeak = addressed.dropFirst().filter { $0.score < threshold }

        let fitKind: ChainFit
        if c.chains.isEmpty { fitKind = .any }
        else if let chain, c.chains.contains(where: { $0.caseInsensitiveCompare(chain) == .orderedSame }) { fitKind = .exact }
        else { fitKind = chain == nil ? .unknown : .other }
        let bonus: Double
        switch fitKind {
        case .exact: bonus = RecommendationWeights.chainExact
        case .any: bonus = chain == nil ? 0 : RecommendationWeights.chainAny
        case .other, .unknown: bonus = 0
        }

        var reason = "\(target.name)得分 \(Questionnaire.pointsText(target.score)) 分，"
        reason += target.code == result.weakestSubarea ? "为最薄弱环节"
            : target.score < threshold ? "为薄弱环节" : "仍有提升空间"
        if !extraWeak.isEmpty {
            reason += "；同时覆盖" + extraWeak.prefix(2)
                .map { "\($0.name)（\(Questionnaire.pointsText($0.score)) 分）" }.joined(separator: "、")
        }
        switch fitKind {
        case .exact: reason += "；该方案面向\(chainText)"
        case .any: reason += "；该方案适用于各产业链"
        case .other: reason += "；该方案主要面向其他产业链"
        case .unknown: break
        }

        let extra = Double(min(extraWeak.count, RecommendationWeights.maxExtraWeakSubareas))
        let fit = Questionnaire.round1(100 - target.score + extra * RecommendationWeights.perExtraWeakSubarea + bonus)
        let rec = SolutionRecommendation(
            solutionId: c.id, title: c.title, subarea: target.code, subareaName: target.name, subareaScore: target.score,
            chainMatch: fitKind == .exact || fitKind == .any, reason: reason, fit: fit,
            priceMin: c.priceMin, priceMax: c.priceMax)
        if let old = best[c.id], old.fit >= rec.fit { continue }
        best[c.id] = rec
    }
    return best.values
        .sorted { $0.fit != $1.fit ? $0.fit > $1.fit : $0.solutionId < $1.solutionId }
        .prefix(limit)
        .map { $0 }
}
