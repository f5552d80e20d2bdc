import Foundation
import Testing
@testable import BrainData

/// Reads every record of a sheet.
func readAll(_ r: inout some TableRows) throws -> [TableRow] {
    var out: [TableRow] = []
    while let row = try r.next() { out.append(row) }
    return out
}

func fixture(_ name: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"), "fixture \(name) is missing")
}

@Suite struct XLSXReaderTests {
    /// The same sheet as openpyxl and as LibreOffice write it: a second sheet chosen by name, inline or shared strings,
    /// dates (a custom yyyy-mm-dd and the built-in format 14), a row gap, a column gap, numbers as text, number noise.
    @Test(arguments: ["openpyxl.xlsx", "libreoffice.xlsx"])
    func indicatorsSheetChosenByName(file: String) throws {
        var r = try XLSXReader(url: try fixture(file), sheet: "指标")
        #expect(r.sheetNames == ["说明", "指标"])
        let rows = try readAll(&r)
        #expect(rows.map(\.line) == [1, 2, 3, 5, 6, 7])
        #expect(rows[0].fields == ["统一社会信用代码", "月份", "营业收入（元）", "工业总产值", "用电量", "备注"])
        #expect(rows[1].fields == ["credit code", "month", "revenue", "output_value"])
        #expect(rows[2].fields == ["91360100MA35XXXX01", "2026-09-01", "12345600", "0.3", "1234.5", "有"])
        #expect(rows[3].fields == ["91360100MA35XXXX02", "2026-08-31", "1,234.5", "12345.6", "", "", "", "gap"])
        #expect(rows[4].fields == ["91360100MA35XXXX03", "2026-07", "100", "12345.6", "0.0000001", "TRUE"])
        #expect(rows[5].fields == ["91360100MA35XXXX04", "2026-06", "-5.25", "123456789012", "12345.6", "=1+1 text"])
    }

    @Test(arguments: ["openpyxl.xlsx", "libreoffice.xlsx"])
    func firstSheetByDefault(file: String) throws {
        var r = try XLSXReader(url: try fixture(file))
        #expect(r.sheetName == "说明")
        #expect(try readAll(&r).map(\.fields) == [["本表为测试说明页"]])
    }

    /// Inline strings, rich text with phonetic runs, `_x000D_`, t="str", booleans, errors, a prefixed namespace, the
    /// 1904 date system with a Chinese custom date format, cells without references, CDATA, exponents.
    @Test func handMadeWorkbook() throws {
        let data = try Data(contentsOf: try fixture("handmade.xlsx"))
        var empty = try XLSXReader(data: data)
        #expect(empty.sheetName == "Empty")
        #expect(try empty.next() == nil)
        var r = try XLSXReader(data: data, sheet: "数据 & 备注")
        let rows = try readAll(&r)
        #expect(rows.map(\.line) == [2, 3, 5])
        #expect(rows[0].fields == ["城市", "富文本", "南昌 市", "line\rbreak <b>"])
        #expect(rows[1].fields == ["2027-03-16", "公式结果", "FALSE", "#N/A", "1234567.5"])
        #expect(rows[2].fields == ["a<b", "7", "12345.6", "12345.6", "100", "0.3", "-0.0015"])
    }

    @Test func sheetNamesMatchIgnoringCaseAndUnknownOnesAreListed() throws {
        let url = try fixture("handmade.xlsx")
        #expect(try XLSXReader(url: url, sheet: " empty ").sheetName == "Empty")
        #expect {
            _ = try XLSXReader(url: url, sheet: "Sheet9")
        } throws: { error in
            "\(error)" == "no sheet named \"Sheet9\"; the workbook's sheets are: \"Empty\", \"数据 & 备注\""
        }
    }

    /// Damaged workbooks (bytes changed anywhere, cut anywhere) are refused or read, never a crash.
    @Test func damagedBytesAreNeverACrash() throws {
        let good = try Data(contentsOf: try fixture("libreoffice.xlsx"))
        var rng = SystemRandomNumberGenerator()
        for k in 0..<40 {
            var bytes = [UInt8](good)
            if k % 3 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 4..<bytes.count, using: &rng)))
            } else {
                for _ in 0..<(1 + k % 5) { bytes[Int.random(in: 4..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            }
            _ = try? ImportTable.rows(data: Data(bytes), fileName: "fuzz.xlsx", sheet: "指标")
        }
    }

    @Test func numberText() {
        #expect(NumberText.plain(12345.600000000001) == "12345.6")
        #expect(NumberText.plain(0.1 + 0.2) == "0.3")
        #expect(NumberText.plain(1e20) == "100000000000000000000")
        #expect(NumberText.plain(-2.5e-7) == "-0.00000025")
        #expect(NumberText.plain(42.0) == "42")
        #expect(NumberText.plain(-0.0) == "0")
        #expect(NumberText.plain(bytes: Array("1.500".utf8)[...]) == "1.5")
        #expect(NumberText.plain(bytes: Array("1.23456E4".utf8)[...]) == "12345.6")
        #expect(NumberText.plain(bytes: Array("abc".utf8)[...]) == nil)
    }

    @Test func excelDates() {
        #expect(ExcelDate.text(serial: 46266, date1904: false) == "2026-09-01")
        #expect(ExcelDate.text(serial: 61, date1904: false) == "1900-03-01")
        #expect(ExcelDate.text(serial: 59, date1904: false) == "1900-02-28")
        #expect(ExcelDate.text(serial: 1, date1904: false) == "1900-01-01")
        #expect(ExcelDate.text(serial: 0, date1904: true) == "1904-01-01")
        #expect(ExcelDate.text(serial: 0.5, date1904: false) == "12:00:00")
        #expect(ExcelDate.isDateCode("[$-804]yyyy\"年\"m\"月\"d\"日\";@"))
        #expect(ExcelDate.isDateCode("yyyy\\-mm\\-dd"))
        #expect(!ExcelDate.isDateCode("General"))
        #expect(!ExcelDate.isDateCode("#,##0.00\"元\";[Red]-#,##0.00"))
        #expect(ExcelDate.isDateFormat(id: 14, code: nil) && ExcelDate.isDateFormat(id: 31, code: nil) && !ExcelDate.isDateFormat(id: 4, code: nil))
    }

    /// Broken files are refused with a message that says what is wrong.
    @Test func badFilesHaveClearErrors() throws {
        func message(_ data: Data, _ name: String, sheet: String? = nil) -> String {
            do { _ = try ImportTable.rows(data: data, fileName: name, sheet: sheet); return "no error" } catch { return "\(error)" }
        }
        let good = try Data(contentsOf: try fixture("openpyxl.xlsx"))
        #expect(message(Data("uscc,month\n".utf8), "data.xlsx").contains("data.xlsx is not an XLSX workbook: it is not a ZIP file"))
        #expect(message(try Data(contentsOf: try fixture("not-a-workbook.zip")), "x.xlsx").contains("a ZIP file but not an XLSX workbook: it has no xl/workbook.xml"))
        #expect(message(good.prefix(good.count / 2), "half.xlsx").contains("half.xlsx: not a readable ZIP archive"))
        #expect(message(good, "f.xlsx", sheet: "没有").contains("no sheet named \"没有\"; the workbook's sheets are: \"说明\", \"指标\""))
        #expect(message(Data([0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0]), "old.xls").contains("Excel 97–2003"))
        #expect(message(Data("a,b\n1,2\n".utf8), "f.csv", sheet: "指标").contains("CSV file, which has no sheets"))
        // A sheet cut inside its XML.
        let cut = try Data(contentsOf: try fixture("truncated.xlsx"))
        #expect(message(cut, "cut.xlsx") == "cut.xlsx: sheet \"Empty\" ends inside row 2: the file is truncated")
    }
}
