import Foundation

/// The 转型问诊 questionnaire: areas and sub-areas with their weights, the graded questions, the MIIT level bands
/// and the GB/T 39116-2020 maturity levels. The content lives in `Questionnaire.standard`, loaded from the bundled
/// `Resources/questionnaire-miit-2024.json` (QuestionnaireContent.swift).
///
/// Conventions every consumer may rely on:
/// - Every question is single-choice; an answer is the chosen option's index (0-based).
/// - Options are ordered worst to best: index 0 is the lowest-graded option, the last index the highest (100 points).
/// - Questions with `largeFirmOnly == true` (ids `G1`…) are the GB/T 39116 maturity items; they are asked only of
///   大型/中型 enterprises and never count towards the MIIT total score.
public struct Questionnaire: Codable, Sendable, Hashable {
    /// Content version, stored with each diagnosis so that old results stay interpretable.
    public let version: String
    public let title: String
    /// MIIT 数字化水平 bands, level 0 (未达一级) to 4 (四级), ascending by `minScore`.
    public let levels: [LevelBand]
    /// The four areas, in display order; their weights sum to 100.
    public let areas: [Area]
    /// Every question in display order: MIIT questions first, then the large-firm maturity items.
    public let questions: [Question]
    /// GB/T 39116-2020 maturity levels 1…5.
    public let maturityLevels: [MaturityLevel]
    /// The average (0–100) a maturity level's items must reach for the level to count (the standard's 0.8).
    public let maturityThreshold: Double

    public init(version: String, title: String, levels: [LevelBand], areas: [Area], questions: [Question],
                maturityLevels: [MaturityLevel], maturityThreshold: Double = 80) {
        self.version = version; self.title = title; self.levels = levels; self.areas = areas
        self.questions = questions; self.maturityLevels = maturityLevels; self.maturityThreshold = maturityThreshold
    }

    /// One MIIT 数字化水平 level band: the firm is at `level` when its total is at least `minScore`
    /// (and below the next band's `minScore`).
    public struct LevelBand: Codable, Sendable, Hashable {
        /// 0 (未达一级) … 4 (四级).
        public let level: Int
        /// 未达一级, 一级 … 四级.
        public let name: String
        public let minScore: Double
        public let description: String

        public init(level: Int, name: String, minScore: Double, description: String) {
            self.level = level; self.name = name; self.minScore = minScore; self.description = description
        }
    }

    /// An evaluation area (维度) such as `foundation` 数字化基础, with its weight in the total and its sub-areas.
    public struct Area: Codable, Sendable, Hashable {
        /// `foundation`, `operation`, `management` or `outcome`.
        public let code: String
        public let name: String
        /// Share of the total score (the four areas sum to 100).
        public let weight: Double
        public let subareas: [Subarea]

        public init(code: String, name: String, weight: Double, subareas: [Subarea]) {
            self.code = code; self.name = name; self.weight = weight; self.subareas = subareas
        }
    }

    /// A sub-area (e.g. `operation.production` 生产管控); service solutions are tagged with these codes.
    public struct Subarea: Codable, Sendable, Hashable {
        /// `<area>.<name>`, e.g. `foundation.equipment`.
        public let code: String
        public let name: String
        /// Share of its area's score (the sub-areas of one area sum to 100).
        public let weight: Double

        public init(code: String, name: String, weight: Double) {
            self.code = code; self.name = name; self.weight = weight
        }
    }

    /// One option of a question: its label and its points (0…100, relative within the question).
    public struct Option: Codable, Sendable, Hashable {
        public let label: String
        public let points: Double

        public init(label: String, points: Double) {
            self.label = label; self.points = points
        }
    }

    /// A single-choice question: either a MIIT question of a sub-area, or a large-firm GB/T 39116 maturity item.
    public struct Question: Codable, Sendable, Hashable {
        /// `F1`… (基础), `O1`… (经营), `M1`… (管理), `R1`… (成效), `G1`… (maturity items).
        public let id: String
        /// Sub-area code for MIIT questions; nil for maturity items.
        public let subarea: String?
        /// GB/T 39116 level (1…5) for maturity items; nil for MIIT questions.
        public let maturityLevel: Int?
        /// True for the maturity items, asked only of 大型/中型 enterprises.
        public let largeFirmOnly: Bool
        public let text: String
        /// Ordered worst to best.
        public let options: [Option]
        /// What to do when the question comes out as a weak point.
        public let advice: String

        public init(id: String, subarea: String?, maturityLevel: Int?, largeFirmOnly: Bool, text: String,
                    options: [Option], advice: String) {
            self.id = id; self.subarea = subarea; self.maturityLevel = maturityLevel; self.largeFirmOnly = largeFirmOnly
            self.text = text; self.options = options; self.advice = advice
        }

        /// Valid answer indices.
        public var optionRange: Range<Int> { 0..<options.count }
    }

    /// A GB/T 39116-2020 智能制造能力成熟度 level: 一级 规划级 … 五级 引领级.
    public struct MaturityLevel: Codable, Sendable, Hashable {
        /// 1…5.
        public let level: Int
        /// 一级 … 五级.
        public let grade: String
        /// 规划级, 规范级, 集成级, 优化级, 引领级.
        public let name: String
        public let description: String

        public init(level: Int, grade: String, name: String, description: String) {
            self.level = level; self.grade = grade; self.name = name; self.description = description
        }
    }
}

// MARK: - Look-ups

extension Questionnaire {
    /// The questions a firm is asked: MIIT questions always, maturity items only for large firms.
    public func questions(largeFirm: Bool) -> [Question] {
        questions.filter { largeFirm || !$0.largeFirmOnly }
    }

    /// The question with this id, if any.
    public func question(_ id: String) -> Question? {
        questions.first { $0.id == id }
    }

    /// The area with this code, if any.
    public func area(_ code: String) -> Area? {
        areas.first { $0.code == code }
    }

    /// The sub-area with this code and the area holding it, if any.
    public func subarea(_ code: String) -> (area: Area, subarea: Subarea)? {
        for a in areas { if let s = a.subareas.first(where: { $0.code == code }) { return (a, s) } }
        return nil
    }

    /// Every sub-area code in display order.
    public var subareaCodes: [String] { areas.flatMap { $0.subareas.map(\.code) } }

    /// The MIIT questions of one sub-area, in display order.
    public func questions(inSubarea code: String) -> [Question] {
        questions.filter { $0.subarea == code }
    }

    /// The maturity items of one GB/T 39116 level, in display order.
    public func maturityItems(level: Int) -> [Question] {
        questions.filter { $0.largeFirmOnly && $0.maturityLevel == level }
    }

    /// The band a total score (0–100) falls in: the highest band whose `minScore` the total reaches.
    public func band(for total: Double) -> LevelBand {
        let sorted = levels.sorted { $0.minScore < $1.minScore }
        return sorted.last { total >= $0.minScore } ?? sorted.first
            ?? LevelBand(level: 0, name: "未达一级", minScore: 0, description: "")
    }

    /// Self-check of the content (empty when consistent): unique ids and codes, weights summing to 100,
    /// 2–3 questions per sub-area, 4–5 ascending options from 0 to 100 per MIIT question, maturity items on every level.
    public func integrityProblems() -> [String] {
        var problems: [String] = []
        func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

        let areaWeight = areas.reduce(0) { $0 + $1.weight }
        if !near(areaWeight, 100) { problems.append("area weights sum to \(areaWeight), not 100") }
        var codes = Set<String>()
        for a in areas {
            if !codes.insert(a.code).inserted { problems.append("duplicate area code \(a.code)") }
            let w = a.subareas.reduce(0) { $0 + $1.weight }
            if !near(w, 100) { problems.append("sub-area weights of \(a.code) sum to \(w), not 100") }
            for s in a.subareas {
                if !codes.insert(s.code).inserted { problems.append("duplicate sub-area code \(s.code)") }
                if !s.code.hasPrefix(a.code + ".") { problems.append("sub-area \(s.code) not under \(a.code)") }
                let n = questions(inSubarea: s.code).count
                if !(2...3).contains(n) { problems.append("sub-area \(s.code) has \(n) questions, expected 2–3") }
            }
        }

        var ids = Set<String>()
        for q in questions {
            if !ids.insert(q.id).inserted { problems.append("duplicate question id \(q.id)") }
            if q.text.isEmpty || q.advice.isEmpty { problems.append("\(q.id): text and advice are required") }
            let points = q.options.map(\.points)
            if zip(points, points.dropFirst()).contains(where: { $0 >= $1 }) {
                problems.append("\(q.id): option points must ascend")
            }
            if points.first != 0 || points.last != 100 { problems.append("\(q.id): options must run from 0 to 100 points") }
            if q.largeFirmOnly {
                guard let level = q.maturityLevel, (1...5).contains(level), q.subarea == nil else {
                    problems.append("\(q.id): a maturity item needs a level 1–5 and no sub-area"); continue
                }
                if points != [0, 50, 100] { problems.append("\(q.id): maturity items are 否/部分/是 = 0/50/100") }
            } else {
                guard let sub = q.subarea, subarea(sub) != nil, q.maturityLevel == nil else {
                    problems.append("\(q.id): a MIIT question needs a known sub-area and no maturity level"); continue
                }
                if !(4...5).contains(q.options.count) { problems.append("\(q.id): expected 4–5 options") }
            }
        }

        if maturityLevels.map(\.level) != Array(1...5) { problems.append("maturity levels must be 1…5 in order") }
        for m in maturityLevels where maturityItems(level: m.level).isEmpty {
            problems.append("maturity level \(m.level) has no items")
        }
        let bandLevels = levels.sorted { $0.minScore < $1.minScore }.map(\.level)
        if bandLevels != Array(0...4) || levels.first(where: { $0.level == 0 })?.minScore != 0 {
            problems.append("level bands must be 0…4 ascending, level 0 from 0 points")
        }
        return problems
    }
}

// MARK: - Answers

/// A firm's answers: question id → chosen option index. Encodes as a plain JSON object, e.g. `{"F1": 3, "F2": 0}`.
public struct DiagnosisAnswers: Codable, Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public var choices: [String: Int]

    public init(_ choices: [String: Int] = [:]) { self.choices = choices }

    public init(dictionaryLiteral elements: (String, Int)...) {
        var choices: [String: Int] = [:]
        for (k, v) in elements { choices[k] = v }
        self.choices = choices
    }

    public init(from decoder: any Decoder) throws {
        choices = try decoder.singleValueContainer().decode([String: Int].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(choices)
    }

    public subscript(id: String) -> Int? {
        get { choices[id] }
        set { choices[id] = newValue }
    }
}
