import BrainCore
import Foundation
import Testing
@testable import BrainData

@Suite struct XLSXWriterTests {
    static func tempURL(_ ext: String = "xlsx") -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("brain-test-\(UUID().uuidString).\(ext)")
    }

    static let awkward: [[XLSXCell]] = [
        [.text("统一社会信用代码"), .text("月份"), .text("数值"), .text("备注")],
        [.text("91360100MA35XXXX01"), .text("2026-09"), .number(12345.6), .text(" 前后空格 ")],
        [.text("=HYPERLINK(\"x\")"), .empty, .number(-5.25), .text("a & b < c > \"d\"")],
        [.text("line\nbreak\u{1}"), .text("-5.2"), .number(1e-7), .number(123456789012)],
    ]

    @Test func writerToReaderRoundTripWithSeveralSheets() throws {
        let url = Self.tempURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let w = try XLSXWriter(url: url)
        try w.addSheet("数据")
        for (i, row) in Self.awkward.enumerated() { try w.append(row, bold: i == 0) }
        try w.addSheet("说明")
        try w.append(texts: ["第二页"])
        try w.finish()
        var r = try XLSXReader(url: url)
        #expect(r.sheetNames == ["数据", "说明"])
        let rows = try readAll(&r)
        #expect(rows.map(\.line) == [1, 2, 3, 4])
        #expect(rows[1].fields == ["91360100MA35XXXX01", "2026-09", "12345.6", " 前后空格 "])
        #expect(rows[2].fields == ["'=HYPERLINK(\"x\")", "", "-5.25", "a & b < c > \"d\""], "formula text is neutralised")
        #expect(rows[3].fields == ["line\nbreak\u{1}", "-5.2", "0.0000001", "123456789012"])
        var second = try XLSXReader(url: url, sheet: "说明")
        #expect(try readAll(&second).map(\.fields) == [["第二页"]])
        #expect(throws: XLSXError.self) { try w.addSheet("again") }
    }

    @Test func sheetNamesAreChecked() throws {
        let w = try XLSXWriter(url: Self.tempURL())
        #expect(throws: XLSXError.self) { try w.addSheet("a/b") }
        #expect(throws: XLSXError.self) { try w.addSheet(String(repeating: "x", count: 32)) }
        try w.addSheet("A")
        #expect(throws: XLSXError.self) { try w.addSheet("a") }
    }

    /// openpyxl (as CI installs it) reads what the writer wrote: the same cells, numbers as numbers, the header bold.
    /// Without openpyxl the test fails, saying how to install it.
    @Test func openpyxlReadsTheWriterOutput() throws {
        let url = Self.tempURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let w = try XLSXWriter(url: url)
        try w.addSheet("数据")
        for (i, row) in Self.awkward.enumerated() { try w.append(row, bold: i == 0) }
        try w.finish()
        let script = """
        import json, sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        ws = wb["数据"]
        print(json.dumps({"rows": [[c.value for c in r] for r in ws.iter_rows()], "bold": ws["A1"].font.b, "types": [c.data_type for c in ws[2]]}, ensure_ascii=False))
        """
        let (status, out) = try Self.python(script, url.path)
        try #require(status == 0, "python3 with openpyxl could not read the workbook (pip install openpyxl): \(out)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let rows = try #require(json["rows"] as? [[Any]])
        #expect(rows.count == 4)
        #expect(rows[1][0] as? String == "91360100MA35XXXX01")
        #expect((rows[1][2] as? NSNumber)?.doubleValue == 12345.6)
        #expect(rows[2][0] as? String == "'=HYPERLINK(\"x\")")
        #expect(rows[2][1] is NSNull)
        #expect(rows[3][0] as? String == "line\nbreak_x0001_", "openpyxl keeps the escape of a control character as it is")
        #expect((rows[3][3] as? NSNumber)?.doubleValue == 123456789012)
        #expect(json["bold"] as? Bool == true)
        #expect(json["types"] as? [String] == ["s", "s", "n", "s"])
    }

    /// LibreOffice, when installed, converts the writer's output to CSV with the same cells.
    @Test func libreOfficeReadsTheWriterOutputWhenInstalled() throws {
        guard let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return }
        let url = Self.tempURL()
        let outDir = FileManager.default.temporaryDirectory.appendingPathComponent("brain-lo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url); try? FileManager.default.removeItem(at: outDir) }
        let w = try XLSXWriter(url: url)
        try w.addSheet("数据")
        try w.append(texts: ["名称", "数值"], bold: true)
        try w.append([.text("南昌"), .number(12345.6)])
        try w.finish()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: soffice)
        p.arguments = ["--headless", "-env:UserInstallation=file://\(outDir.path)/profile", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", outDir.path, url.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let csv = try String(contentsOf: outDir.appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".csv"), encoding: .utf8)
        #expect(csv == "名称,数值\n南昌,12345.6\n")
    }

    /// Runs `script` with the first python3 (on the PATH, else /usr/bin) that imports openpyxl.
    static func python(_ script: String, _ args: String...) throws -> (Int32, String) {
        let candidates = [["/usr/bin/env", "python3"], ["/usr/bin/python3"]]
        let chosen = try candidates.first { c in try run(c + ["-c", "import openpyxl"]).0 == 0 } ?? candidates[0]
        return try run(chosen + ["-c", script] + args)
    }

    static func run(_ command: [String]) throws -> (Int32, String) {
        guard FileManager.default.isExecutableFile(atPath: command[0]) else { return (127, "\(command[0]) is not installed") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: command[0])
        p.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
