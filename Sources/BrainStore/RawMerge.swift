import BrainCore

/// The bulk path's merge on a raw SQLite connection: the rules of `MergeStatements`, applied row by row in Swift with
/// statements prepared once — a point read of the firm-month's source rows, then at most four point writes. Set-based
/// SQL makes SQLite join, group and update the staged part several times over; this touches each row once, which is
/// what a million-row file needs. `RawMergeEquivalenceTests` holds the two paths to the same results.
extension RawMergeConnection {
    private static let n = Indicator.allCases.count
    private static let names = MergeStatements.indicators
    private static let placeholders = Array(repeating: "?", count: n).joined(separator: ", ")

    /// One source's row of a firm-month.
    private struct Held {
        var source: String
        var mask: Int
        var values: [Double?]
    }

    func merge(_ rows: [StagedDelivery], source: String, delivery: Int, order: SourceOrder,
               dropDuplicatesOf seen: Bool) async throws -> (outcome: MergeOutcome, duplicates: [(line: Int, earlier: Int)]) {
        let cols = Self.names.joined(separator: ", ")
        let markSeen = try conn.statement("INSERT OR IGNORE INTO merge_seen (uscc, month, line) VALUES (?, ?, ?)")
        let earlierLine = try conn.statement("SELECT line FROM merge_seen WHERE uscc = ? AND month = ?")
        let readSources = try conn.statement("SELECT source, mask, \(cols) FROM source_values WHERE uscc = ? AND month = ?")
        let readStored = try conn.statement("SELECT \(cols) FROM indicators WHERE uscc = ? AND month = ?")
        // Upserts update in place (INSERT OR REPLACE would delete and insert again).
        let writeSource = try conn.statement("INSERT INTO source_values (uscc, month, source, mask, \(cols)) VALUES (?, ?, ?, ?, \(Self.placeholders)) ON CONFLICT (uscc, month, source) DO UPDATE SET mask = excluded.mask, \(Self.names.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))")
        let writeLog = try conn.statement("INSERT INTO indicator_log (delivery, uscc, month, mask, \(cols), \(Self.names.map { "was_" + $0 }.joined(separator: ", "))) VALUES (?, ?, ?, ?, \(Self.placeholders), \(Self.placeholders))")
        let writeRead = try conn.statement("INSERT INTO indicators (uscc, month, \(cols)) VALUES (?, ?, \(Self.placeholders)) ON CONFLICT (uscc, month) DO UPDATE SET \(Self.names.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))")
        let legacy = Store.legacySource
        var outcome = MergeOutcome()
        var duplicates: [(line: Int, earlier: Int)] = []

        for r in rows {
            if seen {
                markSeen.bind(1, r.uscc); markSeen.bind(2, r.month); markSeen.bind(3, r.line)
                try markSeen.run()
                if conn.changes == 0 {
                    earlierLine.bind(1, r.uscc); earlierLine.bind(2, r.month)
                    if try earlierLine.step() { duplicates.append((r.line, earlierLine.int(0))); earlierLine.finishRows() }
                    continue
                }
            }
            // Every source's row of the firm-month.
            var held: [Held] = []
            readSources.bind(1, r.uscc); readSources.bind(2, r.month)
            while try readSources.step() {
                held.append(Held(source: readSources.text(0), mask: readSources.int(1), values: (0..<Self.n).map { readSources.double(Int32(2 + $0)) }))
            }
            let hadSources = !held.isEmpty
            // Stored before sources were kept: the whole row is the legacy source's.
            var storedRow: [Double?]? = nil
            var legacyHeld: Held? = nil
            if held.isEmpty {
                readStored.bind(1, r.uscc); readStored.bind(2, r.month)
                if try readStored.step() {
                    let values = (0..<Self.n).map { readStored.double(Int32($0)) }
                    readStored.finishRows()
                    storedRow = values
                    var mask = 0
                    for (i, v) in values.enumerated() where v != nil { mask |= 1 << i }
                    if mask != 0 {
                        legacyHeld = Held(source: legacy, mask: mask, values: values)
                        held.append(legacyHeld!)
                    }
                }
            }
            let before = Self.pick(held, order: order)
            // The delivering source's row before and after.
            let index = held.firstIndex { $0.source == source }
            let old = index.map { held[$0] } ?? Held(source: source, mask: 0, values: Array(repeating: nil, count: Self.n))
            var new = old
            var changed = 0
            for i in 0..<Self.n where r.mask & (1 << i) != 0 {
                let had = old.mask & (1 << i) != 0
                let value = r.values[i]
                if had ? value != old.values[i] : value != nil {
                    changed |= 1 << i
                    new.mask |= 1 << i
                    new.values[i] = value
                }
            }
            // A firm-month a delivery touches keeps its legacy values as the legacy source's row (as the set-based path does).
            if let legacyHeld { try write(writeSource, r, legacyHeld) }
            guard changed != 0 else { continue }
            if let index { held[index] = new } else { held.append(new) }
            try write(writeSource, r, new)
            writeLog.bind(1, delivery); writeLog.bind(2, r.uscc); writeLog.bind(3, r.month); writeLog.bind(4, changed)
            for i in 0..<Self.n {
                let c = changed & (1 << i) != 0
                writeLog.bind(Int32(5 + i), c ? new.values[i] : nil)
                writeLog.bind(Int32(5 + Self.n + i), c ? old.values[i] : nil)
            }
            try writeLog.run()
            outcome.valuesChanged += changed.nonzeroBitCount
            let after = Self.pick(held, order: order)
            // What the applications read before: the pick of the sources (the stored row agrees with it), or the row
            // stored before sources were kept, or nothing.
            let current: [Double?]? = hadSources ? before : storedRow
            let differs = current.map { after != $0 } ?? after.contains { $0 != nil }
            if differs {
                writeRead.bind(1, r.uscc); writeRead.bind(2, r.month)
                for i in 0..<Self.n { writeRead.bind(Int32(3 + i), after[i]) }
                try writeRead.run()
                outcome.rowsChanged += 1
            }
        }
        return (outcome, duplicates)
    }

    private func write(_ s: RawStatement, _ r: StagedDelivery, _ h: Held) throws {
        s.bind(1, r.uscc); s.bind(2, r.month); s.bind(3, h.source); s.bind(4, h.mask)
        for i in 0..<Self.n { s.bind(Int32(5 + i), h.values[i]) }
        try s.run()
    }

    /// Per indicator, the value of the first source in `order` that holds a value.
    private static func pick(_ held: [Held], order: SourceOrder) -> [Double?] {
        var out = [Double?](repeating: nil, count: n)
        var rank = [Int](repeating: Int.max, count: n)
        for h in held {
            let r = order.rank(h.source)
            for i in 0..<n where h.mask & (1 << i) != 0 {
                if let v = h.values[i], r < rank[i] { out[i] = v; rank[i] = r }
            }
        }
        return out
    }
}
