import BrainCore

/// The bulk path's merge on a raw SQLite connection: the rules of `MergeStatements`, applied row by row in Swift with
/// statements prepared once — a point read of the firm-month's source rows, then at most four point writes. Set-based
/// SQL makes SQLite join, group and update the staged part several times over; this touches each row once, which is
/// what a million-row file needs. `RawMergeEquivalenceTests` holds the two paths to the same results.
extension RawMergeConnection {
    private static let n = Indicator.allCases.count
    private static let names = MergeStatements.indicators
    private static let placeholders = Array(repeating: "?", count: n).joined(separator: ", ")


    /// The source rows of one firm-month, in flat arrays reused from row to row (no allocation per row): source `k` has
    /// `masks[k]` and its values at `values[k * n ..< (k + 1) * n]`.
    private struct Held {
        var sources: [String] = []
        var masks: [Int] = []
        var values: [Double?] = []
        var count: Int { sources.count }

        mutating func clear() {
            sources.removeAll(keepingCapacity: true)
            masks.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
        }

        /// Writes into `out`, per indicator, the value of the first source in `order` that holds one.
        func pick(_ order: SourceOrder, into out: inout [Double?], rank: inout [Int]) {
            for i in 0..<n { out[i] = nil; rank[i] = Int.max }
            for k in 0..<count {
                let r = order.rank(sources[k]), mask = masks[k]
                for i in 0..<n where mask & (1 << i) != 0 {
                    if let v = values[k * n + i], r < rank[i] { out[i] = v; rank[i] = r }
                }
            }
        }
    }

    func merge(_ rows: [StagedDelivery], source: String, delivery: Int, order: SourceOrder,
               dropDuplicatesOf seen: Bool) async throws -> (outcome: MergeOutcome, duplicates: [(line: Int, earlier: Int)]) {
        let n = Self.n
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
        // Scratch space for every row.
        var held = Held()
        var before = [Double?](repeating: nil, count: n), after = before, stored = before, old = before, new = before
        var rank = [Int](repeating: 0, count: n)

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
            held.clear()
            readSources.bind(1, r.uscc); readSources.bind(2, r.month)
            while try readSources.step() {
                held.sources.append(readSources.text(0))
                held.masks.append(readSources.int(1))
                for i in 0..<n { held.values.append(readSources.double(Int32(2 + i))) }
            }
            let hadSources = held.count > 0
            // Stored before sources were kept: the whole row is the legacy source's.
            var hadStored = false
            var legacyMask = 0
            if !hadSources {
                readStored.bind(1, r.uscc); readStored.bind(2, r.month)
                if try readStored.step() {
                    for i in 0..<n {
                        stored[i] = readStored.double(Int32(i))
                        if stored[i] != nil { legacyMask |= 1 << i }
                    }
                    readStored.finishRows()
                    hadStored = true
                    if legacyMask != 0 {
                        held.sources.append(legacy)
                        held.masks.append(legacyMask)
                        held.values.append(contentsOf: stored)
                    }
                }
            }
            held.pick(order, into: &before, rank: &rank)
            // The delivering source's row before and after.
            let index = held.sources.firstIndex(of: source)
            var oldMask = 0
            if let k = index {
                oldMask = held.masks[k]
                for i in 0..<n { old[i] = held.values[k * n + i] }
            } else {
                for i in 0..<n { old[i] = nil }
            }
            var newMask = oldMask
            for i in 0..<n { new[i] = old[i] }
            var changed = 0
            for i in 0..<n where r.mask & (1 << i) != 0 {
                let had = oldMask & (1 << i) != 0
                let value = r.values[i]
                if had ? value != old[i] : value != nil {
                    changed |= 1 << i
                    newMask |= 1 << i
                    new[i] = value
                }
            }
            // A firm-month a delivery touches keeps its legacy values as the legacy source's row (as the set-based path does).
            if legacyMask != 0 { try write(writeSource, r, legacy, legacyMask, stored) }
            guard changed != 0 else { continue }
            if let k = index {
                held.masks[k] = newMask
                for i in 0..<n { held.values[k * n + i] = new[i] }
            } else {
                held.sources.append(source)
                held.masks.append(newMask)
                held.values.append(contentsOf: new)
            }
            try write(writeSource, r, source, newMask, new)
            writeLog.bind(1, delivery); writeLog.bind(2, r.uscc); writeLog.bind(3, r.month); writeLog.bind(4, changed)
            for i in 0..<n {
                let c = changed & (1 << i) != 0
                writeLog.bind(Int32(5 + i), c ? new[i] : nil)
                writeLog.bind(Int32(5 + n + i), c ? old[i] : nil)
            }
            try writeLog.run()
            outcome.valuesChanged += changed.nonzeroBitCount
            held.pick(order, into: &after, rank: &rank)
            // What the applications read before: the pick of the sources (the stored row agrees with it), or the row
            // stored before sources were kept, or nothing.
            let differs = hadSources ? after != before : hadStored ? after != stored : after.contains { $0 != nil }
            if differs {
                writeRead.bind(1, r.uscc); writeRead.bind(2, r.month)
                for i in 0..<n { writeRead.bind(Int32(3 + i), after[i]) }
                try writeRead.run()
                outcome.rowsChanged += 1
            }
        }
        return (outcome, duplicates)
    }

    private func write(_ s: RawStatement, _ r: StagedDelivery, _ source: String, _ mask: Int, _ values: [Double?]) throws {
        s.bind(1, r.uscc); s.bind(2, r.month); s.bind(3, source); s.bind(4, mask)
        for i in 0..<Self.n { s.bind(Int32(5 + i), values[i]) }
        try s.run()
    }
}
