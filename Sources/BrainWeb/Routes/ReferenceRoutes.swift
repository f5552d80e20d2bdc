import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import Foundation
import Hummingbird

extension BrainServer {
    /// The province's reference tables (administrators): import a chain definition table or a zone table as a new
    /// version, export the one in force (or a stored version) as the same CSV table, list the versions.
    func addReferenceRoutes(_ api: APIRoutes) {
        let services = self.services
        let tables: [(kind: ReferenceDesk.Kind, what: String, columns: String)] = [
            (.chains, "chain definition table", "chain_code, chain_name, cluster, link_code, link_name, stage, feeds, products, industries"),
            (.zones, "development zone table", "code, name, short_name, level, kind, region, chains"),
            (.policies, "policy table (政策表; policies no longer listed are withdrawn, their awards kept)",
             "id, name, issuer, document_no, kind, category, summary, amount, valid_from, valid_until, regions, criteria"),
            (.tiles, "city tile layout of the portal's tile map (城市瓦片图表)", "city_code, row, column"),
            (.catalogue, "service catalogue table (服务资源目录表; solutions no longer listed are withdrawn, their referrals kept)",
             "solution_id, title, category, tags, chains, areas, price_min, price_max, summary, cases, provider_id, provider_name, provider_kind, provider_region, provider_contact, provider_description"),
            (.questionnaire, "diagnosis questionnaire table (问诊问卷表, one row per option; new diagnoses use it, results keep their version)",
             "version, title, area_code, area_name, area_weight, subarea_code, subarea_name, subarea_weight, question_id, question_text, maturity_level, advice, option_label, option_points"),
            (.targets, "annual target table (年度目标表: annual amounts of the ten indicators, the 增加值 growth target, the producer price index that deflates output)",
             "region, year, indicator, target"),
        ]
        for (kind, what, columns) in tables {
            let path = "/api/v1/reference/\(kind.rawValue)"
            api.post(path, RouteDoc(method: "post", path: path,
                                    summary: "Import the province's \(what) (CSV: \(columns)) as a new version and put it in force; nothing is stored when a row is wrong, and the error names every row and column",
                                    tag: "reference", requestBody: .csv, access: .permission(.manageReference),
                                    errors: [400, 401, 403, 413], status: .created)) { request, context -> ReferenceImportResult in
                let principal = try context.caller()
                let buffer = try await request.body.collect(upTo: context.maxUploadSize)
                guard buffer.readableBytes > 0 else { throw APIError.badRequest("body", "the request body is empty; send the CSV file as the body") }
                let name = request.headers[.contentDisposition].flatMap { Self.fileName(fromDisposition: $0) } ?? "\(kind.rawValue).csv"
                do {
                    switch kind {
                    case .chains:
                        return try await services.importChains(Data(buffer: buffer), fileName: name, by: principal,
                                                               source: request.clientAddress(context), via: "api")
                    case .zones:
                        return try await services.importZones(Data(buffer: buffer), fileName: name, by: principal,
                                                              source: request.clientAddress(context), via: "api")
                    case .policies:
                        return try await services.importPolicies(Data(buffer: buffer), fileName: name, by: principal,
                                                                 source: request.clientAddress(context), via: "api")
                    case .tiles:
                        return try await services.importTiles(Data(buffer: buffer), fileName: name, by: principal,
                                                              source: request.clientAddress(context), via: "api")
                    case .catalogue:
                        return try await services.importCatalogue(Data(buffer: buffer), fileName: name, by: principal,
                                                                  source: request.clientAddress(context), via: "api")
                    case .questionnaire:
                        return try await services.importQuestionnaire(Data(buffer: buffer), fileName: name, by: principal,
                                                                      source: request.clientAddress(context), via: "api")
                    case .targets:
                        return try await services.importTargets(Data(buffer: buffer), fileName: name, by: principal,
                                                                source: request.clientAddress(context), via: "api")
                    }
                } catch let e as ChainTableError {
                    throw APIError(.badRequest, code: "bad_rows", message: e.description)
                } catch let e as ImportFileError {
                    throw APIError(.badRequest, code: "bad_file", message: e.description)
                } catch let e as FileEncodingError {
                    throw APIError(.badRequest, code: "bad_file", message: e.description)
                }
            }
            api.get(path, RouteDoc(method: "get", path: path,
                                   summary: "The province's \(what) in force (imported or bundled), or a stored version, as the same CSV table",
                                   tag: "reference", params: [.query("version", "a stored version (default: the one in force)", type: "integer")],
                                   response: .csv, access: .permission(.manageReference), errors: [400, 401, 403, 404])) { request, context -> Response in
                let principal = try context.caller()
                let q = try QueryReader(request, allowed: ["version"])
                let text: String
                if let raw = q.string("version") {
                    guard let version = Int(raw), version > 0 else { throw APIError.badRequest("version", "must be a positive whole number, got \(raw)") }
                    text = try await services.reference.export(kind, version: version, by: principal)
                } else {
                    switch kind {
                    case .chains: text = try services.reference.exportChains(by: principal)
                    case .zones: text = try services.reference.exportZones(by: principal)
                    case .policies: text = try await services.reference.exportPolicies(by: principal)
                    case .tiles: text = try services.reference.exportTiles(by: principal)
                    case .catalogue: text = try await services.reference.exportCatalogue(by: principal, catalogue: services.catalogue)
                    case .questionnaire: text = try services.reference.exportQuestionnaire(by: principal, diagnoses: services.diagnoses)
                    case .targets: text = try services.reference.exportTargets(by: principal, shelf: services.analyses.targets)
                    }
                }
                var headers = HTTPFields()
                headers[.contentType] = "text/csv; charset=utf-8"
                headers[.contentDisposition] = "attachment; filename=\"\(kind.rawValue)-\(services.catalog.provinceCode).csv\""
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + text)))
            }
            api.get(path + "/versions", RouteDoc(method: "get", path: path + "/versions",
                                                 summary: "Every stored version of the \(what) (who, when, rows), newest first, and what is in force",
                                                 tag: "reference", access: .permission(.manageReference), errors: [401, 403])) { _, context -> ReferenceVersionList in
                try await services.reference.versions(kind, by: try context.caller())
            }
        }
    }
}
