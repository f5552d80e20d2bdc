import BrainApps
import BrainCore
import BrainSecurity
import Foundation
import Hummingbird

extension BrainServer {
    func addDataCentreRoutes(_ api: APIRoutes) {
        let services = self.services
        let desk = services.sourceDesk
        api.get("/api/v1/data/sources", RouteDoc(method: "get", path: "/api/v1/data/sources",
                                                 summary: "The data sources (统计局, 电力公司, 企业自报 …) in their order of precedence: where several give a value, the applications read the first",
                                                 tag: "data", access: .permission(.readCatalog))) { request, _ in
            _ = try QueryReader(request, allowed: [])
            return ItemList(desk.sources())
        }
        let params: [ParamDoc] = [.query("month", "reporting month YYYY-MM (default: every month)"),
                                  .query("tolerance", "smallest relative spread listed, 0–10 (default 0.05)", type: "number"),
                                  .query("limit", "page size 1–500 (default 50)", type: "integer"), .query("offset", "rows to skip", type: "integer")]
        api.get("/api/v1/data/disagreements", RouteDoc(method: "get", path: "/api/v1/data/disagreements",
                                                       summary: "Firm-months in the caller's scope where sources disagree on an indicator beyond the tolerance, with every source's value and the one the applications read",
                                                       tag: "data", params: params, access: .permission(.readIndicators))) { request, context in
            let q = try QueryReader(request, allowed: Set(params.map(\.name)))
            return try await desk.disagreements(for: try context.caller(), month: try q.month("month"), tolerance: try q.double("tolerance", default: 0.05),
                                                limit: try q.int("limit", default: 50, range: 1...500), offset: try q.int("offset", default: 0, range: 0...10_000_000),
                                                cube: services.cubes.cube, catalog: services.catalog)
        }
        api.get("/api/v1/enterprises/:uscc/sources", RouteDoc(method: "get", path: "/api/v1/enterprises/:uscc/sources",
                                                              summary: "One enterprise's month by source: every source's value of each indicator with its batch and time, the one the applications read, and the correction history",
                                                              tag: "data", params: [.path("uscc", "统一社会信用代码"), .query("month", "reporting month YYYY-MM", required: true),
                                                                       .query("asOf", "read the values as they stood at this time: ISO 8601 (2026-11-30T08:00:00Z) or a date (the end of that day, Beijing time)")],
                                                              access: .enterpriseData)) { request, context in
            let q = try QueryReader(request, allowed: ["month", "asOf"])
            guard let month = try q.month("month") else { throw APIError.badRequest("month", "required: the reporting month YYYY-MM") }
            let asOf = try q.string("asOf").map { text -> Date in
                guard let d = Self.instant(text) else { throw APIError.badRequest("asOf", "must be an ISO 8601 time or a date YYYY-MM-DD, got '\(text)'") }
                return d
            }
            let code = try await self.enterpriseData(request, context, .indicators)
            return try await desk.firmMonth(admitted: code, month: month, asOf: asOf)
        }
    }
}

extension BrainServer {
    func addLineageRoutes(_ api: APIRoutes) {
        let services = self.services
        let desk = services.sourceDesk
        api.get("/api/v1/data/datasets", RouteDoc(method: "get", path: "/api/v1/data/datasets",
                                                  summary: "The data centre's catalogue: each dataset with owner, sources, sensitivity (公开/内部/敏感), update frequency, data-dictionary elements, row count and freshness",
                                                  tag: "data", access: .permission(.readCatalog))) { request, _ in
            _ = try QueryReader(request, allowed: [])
            return ItemList(try await desk.catalogue())
        }
        let params: [ParamDoc] = [.query("indicator", "the indicator of the figure", enumValues: Indicator.allCases.map(\.rawValue), required: true)]
            + Self.sliceParams
        api.get("/api/v1/data/lineage", RouteDoc(method: "get", path: "/api/v1/data/lineage",
                                                 summary: "Lineage of an overview figure: for the slice's 规上 firms in its month, which source and which import batch (file, time, importer) hold how many of the values of the indicator",
                                                 tag: "data", params: params, access: .permission(.readStatistics))) { request, context in
            let q = try QueryReader(request, allowed: Set(params.map(\.name)))
            guard let indicator = try q.oneOf("indicator", Indicator.self) else { throw APIError.badRequest("indicator", "required: one of \(Indicator.allCases.map(\.rawValue).joined(separator: ", "))") }
            let scope = try self.slice(request, context, extra: ["indicator"])
            return try await desk.lineage(of: indicator, scope: scope, cube: services.cubes.cube)
        }
        api.get("/api/v1/imports/batches/:batch/changes", RouteDoc(method: "get", path: "/api/v1/imports/batches/:batch/changes",
                                                                   summary: "Everything one import batch changed: each indicator value of each firm-month, from what to what, by source (scoped callers see their own firms)",
                                                                   tag: "data", params: [.path("batch", "the batch key of an import report"),
                                                                                         .query("limit", "page size 1–1000 (default 100)", type: "integer"),
                                                                                         .query("offset", "rows to skip", type: "integer")],
                                                                   access: .permission(.readIndicators))) { request, context in
            let q = try QueryReader(request, allowed: ["limit", "offset"])
            return try await desk.changes(ofBatch: try context.parameters.require("batch"), for: try context.caller(),
                                          limit: try q.int("limit", default: 100, range: 1...1000), offset: try q.int("offset", default: 0, range: 0...10_000_000),
                                          cube: services.cubes.cube, catalog: services.catalog)
        }
    }
}

extension BrainServer {
    func addQualityRoutes(_ api: APIRoutes) {
        let services = self.services
        api.get("/api/v1/quality", RouteDoc(method: "get", path: "/api/v1/quality",
                                            summary: "数据质量 of a slice and month: completeness (规上 firms expected against those that reported), each indicator's fill, consistency, a score; one level down and over twelve months; the firms behind the gaps the caller may read",
                                            tag: "data", params: Self.sliceParams.filter { ["region", "zone", "period"].contains($0.name) },
                                            access: .permission(.readStatistics))) { request, context in
            let scope = try self.slice(request, context, excluding: ["chain", "industry"])
            return try await services.qualityDesk.report(for: try context.caller(), scope: scope, cube: services.cubes.cube)
        }
    }
}

extension BrainServer {
    /// An ISO 8601 instant, or a date meaning the end of that day in Beijing time.
    static func instant(_ text: String) -> Date? {
        if let d = try? Date(text, strategy: .iso8601) { return d }
        if let d = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return d }
        let day = text.split(separator: "-").compactMap { Int($0) }
        guard text.count == 10, day.count == 3, (1...12).contains(day[1]), (1...31).contains(day[2]) else { return nil }
        var c = DateComponents(year: day[0], month: day[1], day: day[2], hour: 23, minute: 59, second: 59)
        c.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return Calendar(identifier: .gregorian).date(from: c)
    }
}
