import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// One dataset of the public data centre as its catalogue shows it: who owns it, where its values come from, how
/// sensitive it is, how often it arrives, its elements (the data dictionary), how many rows it holds and how fresh it is.
public struct DatasetEntry: Codable, Sendable {
    public let code: String
    public let nameZh: String
    public let owner: String
    public let sources: [String]
    /// 公开, 内部 or 敏感.
    public let sensitivity: String
    public let frequency: String
    /// Data dictionary ids of its elements (`GET /api/v1/catalog/elements`).
    public let elements: [String]
    public let rows: Int
    /// The newest import of this dataset, if any.
    public let latestImport: String?
    public let latestImportFile: String?
    /// For monthly data: the newest month held.
    public let latestMonth: String?
    /// Of the rows of the newest import, the share accepted (validity; nil without an import).
    public var latestValidity: Double? = nil
    /// Whole days since the newest import (nil without one).
    public var daysSinceImport: Int? = nil
    /// True when the newest import is older than the dataset's frequency allows (日度 3 days, 月度 45, 季度 120, 年度 400);
    /// nil for data that arrive when they change (随时) or that were never imported.
    public var stale: Bool? = nil
}

/// The sources and batches behind one overview figure: which batch of which source holds how many of the slice's firms'
/// values (`legacy`: values stored before sources were kept).
public struct FigureLineage: Codable, Sendable {
    public let indicator: String
    public let indicatorName: String
    public let region: String
    public let zone: String?
    public let chain: String?
    public let month: String
    public let firms: Int
    public let contributions: [LineageEntry]
}

/// One (source, batch) behind a figure.
public struct LineageEntry: Codable, Sendable {
    public let source: String
    public let sourceName: String
    public let batch: String
    public let fileName: String?
    public let importedAt: String?
    public let importedBy: String?
    public let firms: Int
    public let values: Int
}

/// Every change one import batch made, for the caller's firms.
public struct BatchChanges: Codable, Sendable {
    public let batch: ImportBatch
    public let total: Int
    public let limit: Int
    public let offset: Int
    public let items: [IndicatorChange]
}

extension SourceDesk {
    /// How many days a dataset of each frequency may go without an import before it counts as stale.
    static let cadenceDays: [String: Int] = ["日度": 3, "月度": 45, "季度": 120, "年度": 400]

    /// The datasets of the data centre with their owners, sensitivity, sizes and freshness.
    public func catalogue() async throws -> [DatasetEntry] {
        let latest = try await store.latestBatchPerKind()
        let month = try await store.latestReportedMonth()?.description
        let now = Date()
        func entry(_ kind: ImportKind, _ name: String, owner: String, sources: [DataSource], sensitivity: String, frequency: String,
                   rows: Int, latestMonth: String? = nil) -> DatasetEntry {
            let batch = latest[kind.rawValue]
            var e = DatasetEntry(code: kind.rawValue, nameZh: name, owner: owner, sources: sources.map(\.code), sensitivity: sensitivity, frequency: frequency,
                                 elements: kind.elements.map(\.id), rows: rows, latestImport: batch?.importedAt,
                                 latestImportFile: batch?.fileName, latestMonth: latestMonth)
            if let batch {
                e.latestValidity = batch.rowsTotal == 0 ? 1 : Double(batch.rowsAccepted) / Double(batch.rowsTotal)
                if let at = Timestamp.date(batch.importedAt) {
                    let days = Int(now.timeIntervalSince(at) / 86_400)
                    e.daysSinceImport = days
                    e.stale = Self.cadenceDays[frequency].map { days > $0 }
                }
            }
            return e
        }
        return [
            entry(.enterprises, "企业名录", owner: "统计局（名录库）", sources: [.statistics, .manual], sensitivity: "内部", frequency: "随时（年度核定）",
                  rows: try await store.enterpriseCount()),
            entry(.indicators, "月度经营指标", owner: "统计局", sources: DataSource.builtIn, sensitivity: "敏感", frequency: "月度",
                  rows: try await store.reportCount(), latestMonth: month),
            entry(.supplyLinks, "企业供应关系", owner: "工业和信息化部门", sources: [.statistics, .tax, .selfReport], sensitivity: "敏感", frequency: "年度",
                  rows: try await store.supplyLinkCount()),
            entry(.talent, "人才供需", owner: "人力资源和社会保障部门", sources: [.statistics], sensitivity: "公开", frequency: "季度",
                  rows: try await store.talent().count),
            entry(.qualifications, "资质认定", owner: "工业和信息化、科技部门", sources: [.statistics, .manual], sensitivity: "公开", frequency: "年度",
                  rows: try await store.qualifications().values.reduce(0) { $0 + $1.count }),
            entry(.investments, "投资项目（含技改）", owner: "发展改革、工业和信息化部门", sources: [.statistics, .manual], sensitivity: "内部", frequency: "月度",
                  rows: try await store.rowCount(of: .investmentProjects)),
            entry(.land, "用地与亩均效益", owner: "自然资源、工业和信息化部门（亩均评价）", sources: [.statistics, .tax, .manual], sensitivity: "内部", frequency: "年度",
                  rows: try await store.rowCount(of: .landUse)),
            entry(.dailyElectricity, "企业日用电量", owner: "电力公司", sources: [.power], sensitivity: "敏感", frequency: "日度",
                  rows: try await store.rowCount(of: .dailyElectricity), latestMonth: try await store.latestDailyMonth()?.description),
        ]
    }

    /// Where a figure of the overview comes from: for the slice's 规上 firms, which source and batch holds their value
    /// of `indicator` in the slice's month.
    public func lineage(of indicator: Indicator, scope: AnalysisScope, cube: IndicatorCube) async throws -> FigureLineage {
        let firms = Set(scope.firms(in: cube).map { cube.firms[$0].uscc })
        let month = scope.period.end
        var batches: [String: ImportBatch] = [:]
        let parts = try await store.contributions(indicator: indicator, month: month, firms: firms, order: order)
        for p in parts where p.batch != "legacy" && batches[p.batch] == nil { batches[p.batch] = try await store.batch(p.batch) }
        return FigureLineage(indicator: indicator.rawValue, indicatorName: indicator.nameZh, region: scope.region, zone: scope.zone, chain: scope.chain,
                             month: month.description, firms: firms.count, contributions: parts.map { p in
                                 let b = batches[p.batch]
                                 return LineageEntry(source: p.source, sourceName: DataSource.named(p.source)?.nameZh ?? p.source, batch: p.batch,
                                                     fileName: b?.fileName, importedAt: b?.importedAt, importedBy: b?.actor, firms: p.firms, values: p.values)
                             })
    }

    /// What one batch changed, limited to the firms whose figures the caller may read one by one.
    public func changes(ofBatch key: String, for p: Principal, limit: Int, offset: Int, cube: IndicatorCube, catalog: RegionCatalog) async throws -> BatchChanges {
        try p.require(.readIndicators)
        guard let batch = try await store.batch(key) else { throw AppError.notFound("no import batch \(key)") }
        let readable = p.indicatorScope(in: catalog)
        if readable == .all {
            let (total, items) = try await store.changes(ofBatch: key, limit: limit, offset: offset)
            return BatchChanges(batch: batch, total: total, limit: limit, offset: offset, items: items)
        }
        // Scoped callers: the batch's changes of their own firms only (a batch is small next to the firms of a city).
        let (_, all) = try await store.changes(ofBatch: key, limit: 10_000_000)
        let mine = all.filter { p.reads(firm: $0.uscc, cube: cube, catalog: catalog) }
        guard !mine.isEmpty || batch.actor == p.username else { throw AppError.notFound("no import batch \(key)") }
        return BatchChanges(batch: batch, total: mine.count, limit: limit, offset: offset, items: Array(mine.dropFirst(offset).prefix(limit)))
    }
}
