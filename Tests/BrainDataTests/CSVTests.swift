import Foundation
import Testing
@testable import BrainData

@Suite struct CSVTests {
    @Test func quotedFieldsAndLineNumbers() {
        let rows = CSV.parse("a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\n4,\"multi\nline\",6\n")
        #expect(rows.count == 3)
        #expect(rows[1].fields == ["1", "x, \"y\"", "3"])
        #expect(rows[1].line == 2)
        #expect(rows[2].line == 4)
        #expect(rows[2].fields[1] == "multi\nline")
    }

    @Test func byteOrderMarkIsStripped() throws {
        let data = Data([0xEF, 0xBB, 0xBF]) + Data("统一社会信用代码,企业名称\n".utf8)
        let (text, encoding) = try TextDecoding.decode(data)
        #expect(encoding == .utf8BOM)
        #expect(text.hasPrefix("统一"))
    }

    @Test func gbkIsDetectedAndConverted() throws {
        // "企业名称,行业代码\n" in GBK.
        let gbk: [UInt8] = [0xC6, 0xF3, 0xD2, 0xB5, 0xC3, 0xFB, 0xB3, 0xC6, 0x2C, 0xD0, 0xD0, 0xD2, 0xB5, 0xB4, 0xFA, 0xC2, 0xEB, 0x0A]
        let (text, encoding) = try TextDecoding.decode(Data(gbk))
        #expect(encoding == .gbk)
        #expect(text == "企业名称,行业代码\n")
    }

    @Test func utf16IsRefusedWithAReason() {
        #expect(throws: FileEncodingError.self) { try TextDecoding.decode(Data([0xFF, 0xFE, 0x41, 0x00])) }
    }

    @Test func escapeQuotesWhenNeeded() {
        #expect(CSV.escape("plain") == "plain")
        #expect(CSV.escape("a,b") == "\"a,b\"")
        #expect(CSV.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }
}

/// Finding 6 of the hardening issue: names starting with =, +, -, @, a tab or CR came out of CSV exports as live formulas.
@Suite struct CSVInjectionTests {
    @Test func formulaPrefixesAreNeutralisedAndNumbersKept() {
        #expect(CSV.escape("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        #expect(CSV.escape("+1+cmd|' /C calc'!A0") == "'+1+cmd|' /C calc'!A0")
        #expect(CSV.escape("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSV.escape("-2+3") == "'-2+3")
        #expect(CSV.escape("\tTAB") == "'\tTAB")
        #expect(CSV.escape("\r=1") == "\"'\r=1\"")
        #expect(CSV.escape("-5.2") == "-5.2")
        #expect(CSV.escape("+3") == "+3")
        #expect(CSV.escape("南昌电子") == "南昌电子")
    }
}
