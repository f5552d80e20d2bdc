import BrainCore

/// The firm-months of one file already read, with the line each first appeared on: what tells a repeated row from a
/// new one across the whole file. Keys are packed into 16 bytes (a credit code's 18 characters at 6 bits each and the
/// month as a number), so a million firm-months take about 40 MiB and hash without allocating. Past `limit` entries
/// the caller hands them to the merge's table (see `drain`) and goes on part by part.
struct FirmMonthLines {
    /// Entries kept in memory before the caller spills them (about 40 MiB at the dictionary's load factor).
    static let limit = 1_500_000

    private struct Key: Hashable {
        let high: UInt64
        let low: UInt64
    }

    private var packed: [Key: Int32]
    /// Codes outside 0–9 and A–Z (not a valid credit code, which the importer refuses before; kept for completeness).
    private var other: [String: Int] = [:]

    /// Room for `capacity` entries from the start (pages are touched only as entries arrive), so that growing never
    /// holds the old and the new table at once.
    init(capacity: Int = 0) {
        packed = Dictionary(minimumCapacity: capacity)
    }

    var count: Int { packed.count + other.count }

    /// The line `uscc` and `month` first appeared on, or nil after recording `line` as their first.
    mutating func firstLine(uscc: String, month: Month, line: Int) -> Int? {
        if let key = Self.key(uscc, month) {
            if let earlier = packed[key] { return Int(earlier) }
            packed[key] = Int32(clamping: line)
            return nil
        }
        let k = uscc + month.description
        if let earlier = other[k] { return earlier }
        other[k] = line
        return nil
    }

    /// Every entry as (uscc, month, line), emptying the set.
    mutating func drain() -> [(uscc: String, month: String, line: Int)] {
        var out: [(uscc: String, month: String, line: Int)] = []
        out.reserveCapacity(count)
        for (key, line) in packed {
            let (uscc, month) = Self.unpack(key)
            out.append((uscc, month, Int(line)))
        }
        for (k, line) in other { out.append((String(k.prefix(k.count - 7)), String(k.suffix(7)), line)) }
        packed = [:]
        other = [:]
        return out
    }

    mutating func removeAll() {
        packed.removeAll(keepingCapacity: true)
        other.removeAll(keepingCapacity: true)
    }

    private static func code(_ b: UInt8) -> UInt64? {
        switch b {
        case 0x30...0x39: return UInt64(b - 0x30)
        case 0x41...0x5A: return UInt64(b - 0x41 + 10)
        default: return nil
        }
    }

    private static func key(_ uscc: String, _ month: Month) -> Key? {
        var high: UInt64 = 0, low: UInt64 = 0, n = 0
        for b in uscc.utf8 {
            guard n < 18, let v = code(b) else { return nil }
            if n < 10 { high = high << 6 | v } else { low = low << 6 | v }
            n += 1
        }
        guard n == 18 else { return nil }
        return Key(high: high, low: low << 16 | UInt64(month.year * 12 + month.month - 1))
    }

    private static func unpack(_ key: Key) -> (String, String) {
        var bytes = [UInt8](repeating: 0, count: 18)
        var high = key.high, low = key.low >> 16
        for i in stride(from: 17, through: 10, by: -1) { bytes[i] = letter(low & 63); low >>= 6 }
        for i in stride(from: 9, through: 0, by: -1) { bytes[i] = letter(high & 63); high >>= 6 }
        let m = Int(key.low & 0xFFFF)
        let month = Month(year: m / 12, month: m % 12 + 1)?.description ?? ""
        return (String(decoding: bytes, as: UTF8.self), month)
    }

    private static func letter(_ v: UInt64) -> UInt8 { v < 10 ? UInt8(v) + 0x30 : UInt8(v - 10) + 0x41 }
}
