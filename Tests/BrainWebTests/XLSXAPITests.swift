import BrainCore
import BrainData
import Foundation
import Testing
@testable import BrainWeb

/// XLSX through the HTTP API and the portal: a template for every import kind that the importer takes back, an XLSX
/// import of every kind, a sheet chosen with ?sheet=, broken workbooks refused with reasons, XLSX exports of tables.
@Suite struct XLSXAPITests {
    static func workbook(_ sheets: [(String, [[XLSXCell]])]) throws -> Data {
        try XLSXWriter.workbook(sheets.map { (name: $0.0, rows: $0.1) })
    }

    @Test func templatesImportsAndExports() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let admin = try await s.login("admin", "Admin#20262026")
        let cube = s.services.cubes.cube
        let firmA = cube.firms[0].uscc, firmB = cube.firms[1].uscc
        let newFirm = CreditCode.make(region: "360121", body: "XLSX0001".replacingOccurrences(of: "S", with: "5").replacingOccurrences(of: "L", with: "1"))!.value
        // One valid data row per kind, by field; the template's header decides the column order.
        let samples: [ImportKind: [String: XLSXCell]] = [
            .enterprises: ["uscc": .text(newFirm), "name": .text("表格导入测试有限公司"), "region": .text("360121"), "industry": .text("3971"),
                           "employees": .number(88), "revenue": .number(2600)],
            .indicators: ["uscc": .text(firmA), "month": .text("2026-09-01"), "output_value": .number(1234.5), "electricity": .number(12)],
            .supplyLinks: ["supplier": .text(firmA), "customer": .text(firmB), "product": .text("表格测试零件"), "annual_value": .number(100)],
            .talent: ["city": .text("360100"), "occupation": .text("表格测试焊工"), "period": .text("2026-09"), "supply": .number(10), "demand": .number(20)],
            .qualifications: ["uscc": .text(firmA), "qualification": .text("高新技术企业"), "since": .number(2024)],
            .investments: ["uscc": .text(firmA), "project_code": .text("XLSX-P1"), "project_name": .text("表格测试技改项目"), "kind": .text("技术改造"),
                           "planned_investment": .number(1200), "completed_investment": .number(300), "start_month": .text("2025-06-01")],
            .land: ["uscc": .text(firmA), "year": .number(2025), "area": .number(86.5), "tax": .number(900)],
            .dailyElectricity: ["uscc": .text(firmA), "date": .text("2026-09-15"), "electricity": .number(1.25)],
        ]
        for kind in ImportKind.allCases {
            let xlsx = try await s.get("/api/v1/imports/templates/\(kind.rawValue)", token: admin)
            #expect(xlsx.status == 200 && xlsx.contentType == XLSXDownload.contentType, "\(kind)")
            var reader = try XLSXReader(data: xlsx.data)
            #expect(reader.sheetNames == [ImportTemplate.sheetName(kind), "说明"])
            let header = try #require(try reader.next()).fields
            #expect(header == ImportTemplate.header(kind))
            var guide = try XLSXReader(data: xlsx.data, sheet: "说明")
            let guideRows = try readRows(&guide)
            #expect(guideRows.first?.fields.prefix(3) == ["列名", "字段 (field)", "中文名"])
            #expect(guideRows.count >= kind.elements.count + 1)
            let csv = try await s.get("/api/v1/imports/templates/\(kind.rawValue)?format=csv", token: admin)
            #expect(csv.status == 200 && String(decoding: csv.data, as: UTF8.self) == "\u{FEFF}" + header.joined(separator: ",") + "\r\n")

            // The template filled with one row goes back in through the import endpoint.
            let sample = try #require(samples[kind])
            let row = kind.elements.map { sample[$0.field] ?? .empty }
            let body = try Self.workbook([(ImportTemplate.sheetName(kind), [header.map { .text($0) }, row]), ("说明", [[.text("x")]])])
            let r = try await s.request("POST", "/api/v1/imports/\(kind.rawValue)", token: admin, body: body, contentType: XLSXDownload.contentType)
            #expect(r.status == 200, "\(kind): \(r.errorMessage)")
            #expect(r.object["rowsAccepted"] as? Int == 1, "\(kind): \(r.object["problems"] ?? "")")
            #expect((r.object["encoding"] as? String)?.hasPrefix("XLSX, sheet") == true)
        }
        #expect(try await s.get("/api/v1/imports/templates/widgets", token: admin).status == 404)
        #expect(try await s.get("/api/v1/imports/templates/indicators?format=pdf", token: admin).status == 400)

        // ?sheet= picks a sheet; an unknown one is listed with the sheets there are.
        let firm = cube.firms[2].uscc
        let twoSheets = try Self.workbook([("封面", [[.text("说明页")]]),
                                           ("指标", [[.text("统一社会信用代码"), .text("月份"), .text("用电量（千瓦时）")],
                                                     [.text(firm), .text("2026-08"), .number(50_000)]])])
        let named = try await s.request("POST", "/api/v1/imports/indicators?sheet=%E6%8C%87%E6%A0%87", token: admin, body: twoSheets, contentType: XLSXDownload.contentType)
        #expect(named.status == 200 && named.object["rowsAccepted"] as? Int == 1, "\(named.errorMessage)")
        #expect((named.object["notes"] as? [String])?.contains("column 3 \"用电量（千瓦时）\": values in 千瓦时, converted to 万千瓦时") == true)
        let unknown = try await s.request("POST", "/api/v1/imports/indicators?sheet=nope", token: admin, body: twoSheets, contentType: XLSXDownload.contentType)
        #expect(unknown.status == 400 && unknown.errorMessage.contains("no sheet named \"nope\"; the workbook's sheets are: \"封面\", \"指标\""), "\(unknown.errorMessage)")
        let first = try await s.request("POST", "/api/v1/imports/indicators", token: admin, body: twoSheets, contentType: XLSXDownload.contentType)
        #expect(first.status == 400 && first.errorMessage.contains("the header lacks required column"))

        // Broken workbooks.
        var notZip = try await s.request("POST", "/api/v1/imports/indicators?sheet=x", token: admin, body: Data("uscc,month\n".utf8), contentType: "text/csv")
        #expect(notZip.status == 400 && notZip.errorMessage.contains("CSV file, which has no sheets"))
        var zipOnly = Data([0x50, 0x4B, 0x03, 0x04]) + Data(repeating: 0, count: 60)
        notZip = try await s.request("POST", "/api/v1/imports/indicators", token: admin, body: zipOnly, contentType: XLSXDownload.contentType)
        #expect(notZip.status == 400 && notZip.errorMessage.contains("not a readable ZIP archive"), "\(notZip.errorMessage)")
        zipOnly = twoSheets.prefix(twoSheets.count - 30)
        notZip = try await s.request("POST", "/api/v1/imports/indicators", token: admin, body: zipOnly, contentType: XLSXDownload.contentType)
        #expect(notZip.status == 400 && notZip.errorMessage.contains("not a readable ZIP archive"), "\(notZip.errorMessage)")

        // The portal: the import page links the templates and takes a workbook; tables export as XLSX with the CSV's rows.
        let official = PortalClient(base: s.base)
        _ = try await official.login("admin", "Admin#20262026")
        let page = try await official.get("/data")
        #expect(page.html.contains("/data/templates/indicators") && page.html.contains(".xlsx"))
        let template = try await official.get("/data/templates/qualifications")
        #expect(template.status == 200 && template.headers["content-type"] == XLSXDownload.contentType)
        let upload = try await official.importResult(try await official.upload("/data", fields: ["_csrf": try #require(page.csrf), "kind": "indicators", "source": "statistics", "sheet": "指标"],
                                                                               file: ("file", "月报.xlsx", twoSheets)), s)
        #expect(upload.status == 200 && upload.html.contains("接受 1 行"), "\(upload.html.prefix(400))")
        #expect(upload.html.contains("第 3 列“用电量（千瓦时）”：数值单位为千瓦时，已换算为万千瓦时"))
        for path in ["/dashboard", "/warnings"] {
            let csv = try await official.get(path + ".csv")
            let xlsx = try await official.get(path + ".xlsx")
            #expect(xlsx.status == 200 && xlsx.headers["content-type"] == XLSXDownload.contentType, "\(path)")
            var reader = try XLSXReader(data: xlsx.data)
            let fromXLSX = try readRows(&reader).map(\.fields)
            let fromCSV = CSV.parse(String(csv.html.dropFirst())).map(\.fields)
            #expect(fromXLSX.count == fromCSV.count, "\(path)")
            #expect(fromXLSX.first == fromCSV.first, "\(path)")
        }
        let report = try await official.get("/talent?xlsx=0")
        #expect(report.status == 200 && report.headers["content-type"] == XLSXDownload.contentType)
        #expect(try await official.get("/talent").html.contains("xlsx=0"))
    }

    func readRows(_ r: inout XLSXReader) throws -> [TableRow] {
        var out: [TableRow] = []
        while let row = try r.next() { out.append(row) }
        return out
    }
}
