import BrainCore
import BrainStore
import Foundation
import Testing
@testable import BrainData

/// Import through a workbook: the sheet by name, units in the header and a second header row (for CSV too).
@Suite struct XLSXImportTests {
    func world() async throws -> (Store, Importer) {
        let store = try await tempStore()
        try await store.upsertEnterprises([Enterprise(uscc: code(1), name: "甲", region: "360681", zone: nil, industry: "3211", employees: 100, revenue: 5000),
                                           Enterprise(uscc: code(2), name: "乙", region: "360681", zone: nil, industry: "3211", employees: 100, revenue: 5000)])
        return (store, Importer(store: store, catalog: .jiangxi, latestMonth: Month("2026-10")!))
    }

    @Test func indicatorsFromANamedSheetWithUnitsAndASecondHeaderRow() async throws {
        let (store, importer) = try await world()
        let url = XLSXWriterTests.tempURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let w = try XLSXWriter(url: url)
        try w.addSheet("封面")
        try w.append(texts: ["2026年9月 月报"])
        try w.addSheet("指标")
        try w.append(texts: ["统一社会信用代码", "月份", "营业收入（元）", "工业总产值(亿元)", "用电量", "利润总额"], bold: true)
        try w.append(texts: ["uscc", "month", "", "", "（千瓦时）", "万元"])
        try w.append([.text(code(1)), .text("2026-09-01"), .number(12_345_600), .number(1.5), .number(20_000), .number(-3)])
        try w.append([.text(code(2)), .text("2026-09"), .text("1,000,000"), .empty, .text("清除"), .empty])
        try w.finish()
        let data = try Data(contentsOf: url)
        let r = try await importer.importData(data, fileName: "月报.xlsx", kind: .indicators, actor: "t", sheet: "指标")
        #expect(r.encoding == "XLSX, sheet \"指标\"")
        #expect(r.rowsTotal == 2)
        #expect(r.rowsAccepted == 2, "\(r.problems)")
        #expect(r.notes.contains("row 2 is a second header row (column names or units) and was skipped"))
        #expect(r.notes.contains("column 3 \"营业收入（元）\": values in 元, converted to 万元"))
        #expect(r.notes.contains("column 5 \"用电量\": values in 千瓦时, converted to 万千瓦时"))
        let stored = try await store.reports(uscc: code(1))
        #expect(stored.first?[.revenue] == 1234.56)
        #expect(stored.first?[.outputValue] == 15_000)
        #expect(stored.first?[.electricity] == 2)
        #expect(stored.first?[.profit] == -3)
        #expect(try await store.reports(uscc: code(2)).first?[.revenue] == 100)
        // The first sheet is a cover page without the required columns.
        await #expect(throws: ImportFileError.self) {
            _ = try await importer.importData(data, fileName: "月报.xlsx", kind: .indicators, actor: "t")
        }
        await store.close()
    }

    @Test func unknownUnitInAHeaderIsRefusedNamingTheColumn() async throws {
        let (store, importer) = try await world()
        let csv = "统一社会信用代码,月份,营业收入（美元）\n\(code(1)),2026-09,10\n"
        do {
            _ = try await importer.importData(Data(csv.utf8), fileName: "a.csv", kind: .indicators, actor: "t")
            Issue.record("a file with an unknown unit was accepted")
        } catch let e as ImportFileError {
            #expect(e.description.hasPrefix("column 3 \"营业收入（美元）\": the unit 美元 in the header is not one the importer knows for 营业收入 (stored in 万元); use 元, 千元, 万元"))
        }
        // A remark in brackets on a column without a unit is no unit; the stored unit itself is accepted.
        let ok = "统一社会信用代码（18位）,月份,营业收入(万元),从业人员（人）\n\(code(1)),2026-09,10,5\n"
        let r = try await importer.importData(Data(ok.utf8), fileName: "b.csv", kind: .indicators, actor: "t")
        #expect(r.rowsAccepted == 1 && r.notes.isEmpty, "\(r.problems) \(r.notes)")
        await store.close()
    }

    @Test func secondHeaderRowOfUnitsInACSV() async throws {
        let (store, importer) = try await world()
        let csv = "统一社会信用代码,月份,营业收入,从业人员\n,,（万元）,(人)\n\(code(1)),2026-09,10,5\n"
        let r = try await importer.importData(Data(csv.utf8), fileName: "c.csv", kind: .indicators, actor: "t")
        #expect(r.rowsTotal == 1 && r.rowsAccepted == 1, "\(r.problems)")
        #expect(r.notes == ["row 2 is a second header row (column names or units) and was skipped"])
        await store.close()
    }

    @Test func headerUnits() throws {
        #expect(HeaderUnits.split("营业收入（元）")! == ("营业收入", "元"))
        #expect(HeaderUnits.split("营业收入(万元)")! == ("营业收入", "万元"))
        #expect(HeaderUnits.split("营业收入") == nil)
        #expect(HeaderUnits.factor(from: "元", to: "万元") == 1e-4)
        #expect(HeaderUnits.factor(from: "亿元", to: "万元") == 1e4)
        #expect(HeaderUnits.factor(from: "kWh", to: "万千瓦时") == 1e-4)
        #expect(HeaderUnits.factor(from: "元", to: "元/月") == 1)
        #expect(HeaderUnits.factor(from: "千瓦时", to: "万元") == nil)
        #expect(HeaderMap.monthOfDate("2026-09-15") == "2026-09")
        #expect(HeaderMap.monthOfDate("2026-9-15") == nil)
    }
}
