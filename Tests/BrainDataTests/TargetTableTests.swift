import BrainCore
import Foundation
import Testing
@testable import BrainData

/// 年度目标表: read with English or Chinese headers, every wrong row named (row, column, value, why) and the whole
/// table refused, written back as the same table.
@Suite struct TargetTableTests {
    @Test func aTableReadsAndWritesBackTheSame() throws {
        let text = """
            地区代码,年度,指标,目标值
            360000,2026,规上工业增加值增速,8.5
            360000,2026,工业总产值,520000000
            360100,2026,output_value,"120,000,000"
            360000,2026,ppi,98.6
            """
        let (targets, rows) = try TargetTable.read(csv: text, catalog: .jiangxi)
        #expect(rows == 4 && targets.count == 4)
        #expect(targets.contains(AnnualTarget(region: "360000", year: 2026, measure: .valueAddedGrowth, value: 8.5)))
        #expect(targets.contains(AnnualTarget(region: "360100", year: 2026, measure: .amount(.outputValue), value: 120_000_000)))
        #expect(targets.contains(AnnualTarget(region: "360000", year: 2026, measure: .producerPriceIndex, value: 98.6)))
        let written = TargetTable.csv(targets)
        #expect(written.hasPrefix("region,year,indicator,target\n360000,2026,value_added_growth,8.5\n360000,2026,output_value,520000000\n"))
        #expect(try TargetTable.read(csv: written, catalog: .jiangxi).targets.sorted { $0.value < $1.value } == targets.sorted { $0.value < $1.value })
    }

    @Test func everyWrongRowIsNamedAndNothingIsTaken() throws {
        let text = """
            region,year,indicator,target
            360000,2026,output_value,1000
            440100,2026,output_value,1000
            360100,26,revenue,1000
            360100,2026,增加值,5
            360100,2026,producer_price_index,300
            360100,2026,value_added_growth,abc
            360000,2026,output_value,2000
            360100,2026,revenue,0
            """
        let error = try #require(throws: ChainTableError.self) { try TargetTable.read(csv: text, catalog: .jiangxi) }
        #expect(error.what == "target table")
        let found = error.problems.map { "\($0.row)|\($0.column)|\($0.value)" }
        #expect(found == ["3|region|440100", "4|year|26", "5|indicator|增加值", "6|target|300", "7|target|abc", "8|indicator|output_value", "9|target|0"])
        #expect(error.problems[0].reason.contains("江西省"))
        #expect(error.problems[3].reason.contains("50") && error.problems[3].reason.contains("200"))
        #expect(error.problems[5].reason.contains("row 2"), "the duplicate names the first row")
        #expect(throws: ImportFileError.self) { try TargetTable.read(csv: "region,year,target\n360000,2026,1\n", catalog: .jiangxi) }
        #expect(throws: ImportFileError.self) { try TargetTable.read(csv: "region,year,indicator,target\n", catalog: .jiangxi) }
    }

    @Test func aWorkbookReadsLikeTheCSV() throws {
        let rows: [[XLSXCell]] = [
            [.text("地区代码"), .text("年度"), .text("指标"), .text("目标值")],
            [.text("360000"), .number(2026), .text("规上工业增加值增速"), .number(8.5)],
            [.number(360100), .number(2026), .text("营业收入"), .number(1_000_000)],
        ]
        let data = try XLSXWriter.workbook([(name: "目标", rows: rows)])
        let (targets, count) = try TargetTable.read(data: data, fileName: "目标.xlsx", catalog: .jiangxi)
        #expect(count == 2)
        #expect(targets == [AnnualTarget(region: "360000", year: 2026, measure: .valueAddedGrowth, value: 8.5),
                            AnnualTarget(region: "360100", year: 2026, measure: .amount(.revenue), value: 1_000_000)])
    }

    @Test func measuresReadByCodeOrChineseName() {
        #expect(TargetMeasure("工业总产值") == .amount(.outputValue))
        #expect(TargetMeasure("VALUE_ADDED_GROWTH") == .valueAddedGrowth)
        #expect(TargetMeasure("PPI") == .producerPriceIndex)
        #expect(TargetMeasure("销售额") == nil)
        #expect(TargetMeasure.all.count == 12)
    }
}
