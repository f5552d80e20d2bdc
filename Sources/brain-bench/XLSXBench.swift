import BrainData
import Foundation

/// `brain-bench xlsx-write FILE [--rows N]` and `brain-bench xlsx-read FILE [--sheet NAME]`: the XLSX reader's
/// throughput on an indicators sheet (uscc, month and ten numbers), written by `XLSXWriter`.
enum XLSXBench {
    /// Converts a CSV file into a one-sheet workbook (numbers as numeric cells, codes and months as text), for timing an
    /// import of the same rows as XLSX.
    static func fromCSV(_ input: String, _ path: String) throws {
        var rows = try CSVRows(path: input)
        let w = try XLSXWriter(url: URL(fileURLWithPath: path))
        try w.addSheet("指标")
        var n = 0
        while let row = try rows.next() {
            if n == 0 { try w.append(texts: row.fields, bold: true) } else {
                try w.append(row.fields.enumerated().map { i, f in i < 2 || f.isEmpty ? (f.isEmpty ? .empty : .text(f)) : (Double(f).map { .number($0) } ?? .text(f)) })
            }
            n += 1
        }
        try w.finish()
        print("wrote \(n - 1) rows to \(path)")
    }

    static func write(_ path: String, rows: Int) throws {
        let t0 = ContinuousClock.now
        let w = try XLSXWriter(url: URL(fileURLWithPath: path))
        try w.addSheet("指标")
        try w.append(texts: ["统一社会信用代码", "月份", "工业总产值", "营业收入", "利润总额", "用电量", "税收", "从业人员", "出口交货值", "研发费用", "应收账款", "产成品存货"], bold: true)
        var x: UInt64 = 2023
        func next() -> Double {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return Double(x >> 40) / 1000
        }
        for i in 0..<rows {
            let firm = i / 48, month = i % 48
            let uscc = "91360100" + String(format: "%09d", firm) + "X"
            let m = String(format: "%04d-%02d", 2023 + month / 12, month % 12 + 1)
            try w.append([.text(uscc), .text(m), .number(next()), .number(next()), .number(next() - 5000), .number(next()), .number(next()),
                          .number(Double(Int(next()))), .number(next()), .number(next()), .number(next()), .number(next())])
        }
        try w.finish()
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print("wrote \(rows) rows to \(path) (\(size / 1_048_576) MiB) in \(String(format: "%.1f", seconds(ContinuousClock.now - t0))) s")
    }

    static func read(_ path: String, sheet: String?) throws {
        let t0 = ContinuousClock.now
        var reader = try XLSXReader(url: URL(fileURLWithPath: path), sheet: sheet)
        let opened = seconds(ContinuousClock.now - t0)
        var rows = 0, cells = 0, checksum = 0
        while let r = try reader.next() {
            rows += 1
            cells += r.fields.count
            checksum &+= r.fields.last?.utf8.count ?? 0
        }
        let total = seconds(ContinuousClock.now - t0)
        print(String(format: "read %d rows (%d cells) of sheet \"%@\" in %.2f s (opening and extracting %.2f s): %.0f rows/s [checksum %d]",
                     rows, cells, reader.sheetName, total, opened, Double(rows) / total, checksum))
    }
}
