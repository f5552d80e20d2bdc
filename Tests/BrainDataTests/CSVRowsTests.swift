import Foundation
import Testing
@testable import BrainData

/// The streamed CSV reader gives the same records as the whole-file parser, whatever the chunk boundaries.
@Suite struct CSVRowsTests {
    func read(_ data: Data, chunk: Int) throws -> [TableRow] {
        var r = try CSVRows(data: data, chunkSize: chunk)
        var out: [TableRow] = []
        while let row = try r.next() { out.append(row) }
        return out
    }

    @Test func recordsAreTheSameAtEveryChunkSize() throws {
        let text = "a,b,c\r\n1,\"x, y\",3\n\n\"multi\nline\",\"say \"\"hi\"\"\",\n甲,乙公司,丙\r\nlast,row,no-newline"
        let expected = CSV.parse(text).map { TableRow(line: $0.line, fields: $0.fields) }
        #expect(expected.count == 5)
        for chunk in [4, 5, 7, 8, 13, 64, 1 << 20] {
            #expect(try read(Data(text.utf8), chunk: chunk) == expected, "chunk size \(chunk)")
        }
        // Line numbers count the line breaks inside quotes.
        #expect(expected.map(\.line) == [1, 2, 4, 6, 7])
    }

    @Test func aByteOrderMarkIsDroppedAndGBKIsConverted() throws {
        var bom = Data([0xEF, 0xBB, 0xBF]); bom.append(Data("名称,值\n甲,1\n".utf8))
        var r = try CSVRows(data: bom)
        #expect(r.encoding == .utf8BOM)
        #expect(try r.next()?.fields == ["名称", "值"])
        // 名称,值\n甲公司,1\n in GBK, read in chunks that cut characters in half.
        let gbk: [UInt8] = [0xC3, 0xFB, 0xB3, 0xC6, 0x2C, 0xD6, 0xB5, 0x0A, 0xBC, 0xD7, 0xB9, 0xAB, 0xCB, 0xBE, 0x2C, 0x31, 0x0A]
        for chunk in [4, 5, 9, 100] {
            var g = try CSVRows(data: Data(gbk), chunkSize: chunk)
            #expect(g.encoding == .gbk)
            #expect(try g.next()?.fields == ["名称", "值"], "chunk \(chunk)")
            #expect(try g.next()?.fields == ["甲公司", "1"], "chunk \(chunk)")
            #expect(try g.next() == nil)
        }
        // An English header and ASCII rows fill the first chunks; the first GBK name comes later.
        var late = Data("uscc,name\n".utf8)
        for i in 0..<50 { late.append(Data("91360100MA3\(i),abc\n".utf8)) }
        late.append(Data([0x39, 0x2C, 0xBC, 0xD7, 0xB9, 0xAB, 0xCB, 0xBE, 0x0A]))
        let rows = try read(late, chunk: 64)
        #expect(rows.last?.fields == ["9", "甲公司"])
    }

    @Test func brokenFilesAreRefusedWithTheLine() throws {
        #expect(throws: FileEncodingError.self) { try CSVRows(data: Data([0xFF, 0xFE, 0x41, 0x00])) }
        var bad = Data("a,b\n1,2\n".utf8); bad.append(Data([0x33, 0xFF, 0x2C, 0x34, 0x0A]))
        var r = try CSVRows(data: bad, chunkSize: 8)
        _ = try r.next(); _ = try r.next()
        do {
            _ = try r.next()
            Issue.record("a line that is not UTF-8 was read")
        } catch let e as FileEncodingError {
            #expect(e.description.contains("line 3"), "\(e)")
        }
        var open = try CSVRows(data: Data("a,b\n\"never closed,1\n".utf8))
        _ = try open.next()
        #expect(throws: ImportFileError.self) { try open.next() }
    }
}
