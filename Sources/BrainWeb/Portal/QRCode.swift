import Foundation

// A small, dependency-free QR Code encoder (ISO/IEC 18004:2015) for the TOTP enrolment page:
// byte mode only (UTF-8), versions 1–40, all four error-correction levels, automatic mask selection.
// Output is a standalone SVG, so the page needs no JavaScript and no image endpoint.

/// A QR Code symbol encoding UTF-8 text in byte mode, renderable as a standalone SVG.
struct QRCode: Sendable {
    /// Error-correction level; `rawValue` is the level's 2-bit code in the format information.
    enum ErrorCorrection: Int, Sendable, CaseIterable {
        /// Level L: about 7% of codewords can be restored.
        case low = 1
        /// Level M: about 15% of codewords can be restored.
        case medium = 0
        /// Level Q: about 25% of codewords can be restored.
        case quartile = 3
        /// Level H: about 30% of codewords can be restored.
        case high = 2

        /// Row of this level in the block tables, which are ordered L, M, Q, H.
        fileprivate var row: Int { [1, 0, 3, 2][rawValue] }
    }

    /// Why a text could not be encoded.
    enum EncodingError: Error, Equatable, CustomStringConvertible {
        /// The UTF-8 text has `bytes` bytes but the largest symbol holds only `capacity` at the requested level.
        case textTooLong(bytes: Int, capacity: Int)
        /// A forced mask pattern was outside 0…7.
        case invalidMask(Int)

        /// A human-readable explanation of the error.
        var description: String {
            switch self {
            case let .textTooLong(bytes, capacity):
                return "QR code: text is \(bytes) UTF-8 bytes, but version 40 holds at most \(capacity) at this error-correction level"
            case let .invalidMask(mask):
                return "QR code: mask pattern \(mask) is not in 0...7"
            }
        }
    }

    /// The symbol version, 1–40 (the smallest one the text fits in).
    let version: Int
    /// The data mask pattern applied, 0–7.
    let mask: Int
    /// The error-correction level used.
    let level: ErrorCorrection
    /// Modules per side: `17 + 4 * version`.
    let size: Int
    /// Row-major module colours, `true` = dark.
    private let grid: [Bool]

    /// Encodes `text` as UTF-8 bytes in the smallest version that fits; `mask` forces a pattern (nil = lowest penalty).
    init(_ text: String, level: ErrorCorrection = .medium, mask forcedMask: Int? = nil) throws {
        let bytes = Array(text.utf8)
        if let m = forcedMask, !(0...7).contains(m) { throw EncodingError.invalidMask(m) }
        guard let version = (1...40).first(where: { v in
            4 + (v < 10 ? 8 : 16) + 8 * bytes.count <= 8 * Self.dataCodewords(v, level)
        }) else {
            throw EncodingError.textTooLong(bytes: bytes.count, capacity: Self.dataCodewords(40, level) - 3)
        }
        let codewords = Self.addErrorCorrection(Self.dataBits(bytes, version: version, level: level),
                                                version: version, level: level)

        var m = Matrix(size: 17 + 4 * version)
        m.drawFunctionPatterns(version: version)
        m.placeCodewords(codewords)
        // Masks are scored before format/version information and the dark module are added (§7.8.3, as segno and
        // python-qrcode do): those modules count as light.
        let penalties = forcedMask == nil ? (0..<8).map { m.masked($0).penalty() } : []
        let chosen = forcedMask ?? penalties.indices.min { penalties[$0] < penalties[$1] }!
        var symbol = m.masked(chosen)
        symbol.drawFormatAndVersion(version: version, level: level, mask: chosen)

        self.version = version
        self.mask = chosen
        self.level = level
        self.size = symbol.size
        self.grid = symbol.dark
    }

    /// Whether the module at column `x`, row `y` is dark; coordinates outside the symbol are light.
    func isDark(_ x: Int, _ y: Int) -> Bool {
        (0..<size).contains(x) && (0..<size).contains(y) && grid[y * size + x]
    }

    /// The module matrix as rows of `true` (dark) / `false` (light), top row first.
    var modules: [[Bool]] {
        (0..<size).map { y in Array(grid[(y * size)..<((y + 1) * size)]) }
    }

    /// A standalone SVG: white background, one black path of horizontal runs, `title` as accessible name.
    func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String) -> String {
        let q = max(quietZone, 0), side = size + 2 * q, pixels = side * max(moduleSize, 1)
        var d = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x, y) else { x += 1; continue }
                let start = x
                while x < size && isDark(x, y) { x += 1 }
                d += "M\(start + q) \(y + q)h\(x - start)v1h-\(x - start)z"
            }
        }
        let label = SVGText.escape(title)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixels)\" height=\"\(pixels)\" "
            + "viewBox=\"0 0 \(side) \(side)\" role=\"img\" aria-label=\"\(label)\" shape-rendering=\"crispEdges\">"
            + "<title>\(label)</title><rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"
            + "<path fill=\"#000\" d=\"\(d)\"/></svg>"
    }

    // MARK: - Data codewords

    /// Mode indicator, character count, bytes, terminator, bit padding and 0xEC/0x11 pad codewords.
    private static func dataBits(_ bytes: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
        }
        let capacity = 8 * dataCodewords(version, level)
        append(0b0100, 4)
        append(bytes.count, version < 10 ? 8 : 16)
        for b in bytes { append(Int(b), 8) }
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var pad = 0xEC
        while bits.count < capacity { append(pad, 8); pad ^= 0xEC ^ 0x11 }
        return stride(from: 0, to: bits.count, by: 8).map { i in
            bits[i..<(i + 8)].reduce(0) { ($0 << 1) | ($1 ? 1 : 0) }
        }
    }

    /// Splits data into blocks, appends each block's Reed–Solomon ECC, and interleaves them (§7.6).
    private static func addErrorCorrection(_ data: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
        let blocks = Int(blockCount[level.row][version - 1]), ecLen = Int(eccPerBlock[level.row][version - 1])
        let raw = rawModules(version) / 8
        let shortBlocks = blocks - raw % blocks, shortLen = raw / blocks - ecLen
        let divisor = rsGenerator(degree: ecLen)
        var dataBlocks: [[UInt8]] = [], eccBlocks: [[UInt8]] = [], k = 0
        for i in 0..<blocks {
            let block = Array(data[k..<(k + shortLen + (i < shortBlocks ? 0 : 1))])
            k += block.count
            dataBlocks.append(block)
            eccBlocks.append(rsRemainder(block, divisor))
        }
        var out: [UInt8] = []
        for i in 0...shortLen { for b in dataBlocks where i < b.count { out.append(b[i]) } }
        for i in 0..<ecLen { for e in eccBlocks { out.append(e[i]) } }
        return out
    }

    /// Number of modules available for codewords and remainder bits in `version`.
    private static func rawModules(_ version: Int) -> Int {
        var n = (16 * version + 128) * version + 64
        if version >= 2 {
            let align = version / 7 + 2
            n -= (25 * align - 10) * align - 55
            if version >= 7 { n -= 36 }
        }
        return n
    }

    /// Number of data (non-ECC) codewords in `version` at `level`.
    private static func dataCodewords(_ version: Int, _ level: ErrorCorrection) -> Int {
        rawModules(version) / 8 - Int(eccPerBlock[level.row][version - 1]) * Int(blockCount[level.row][version - 1])
    }

    // MARK: - Reed–Solomon over GF(2^8) with polynomial x^8 + x^4 + x^3 + x^2 + 1

    /// Product of two field elements.
    private static func gfMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(b) >> i) & 1) * Int(a)
        }
        return UInt8(z)
    }

    /// Coefficients (highest power first, leading 1 omitted) of ∏(x − αⁱ), i = 0..<degree.
    private static func rsGenerator(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = gfMultiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = gfMultiply(root, 2)
        }
        return result
    }

    /// Remainder of `data · x^degree` divided by the generator: the ECC codewords.
    private static func rsRemainder(_ data: [UInt8], _ generator: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for b in data {
            let factor = b ^ result.removeFirst()
            result.append(0)
            for i in result.indices { result[i] ^= gfMultiply(generator[i], factor) }
        }
        return result
    }

    // MARK: - Tables (ISO/IEC 18004:2015 Table 9), rows L, M, Q, H; columns versions 1–40

    /// Error-correction codewords per block.
    private static let eccPerBlock: [[UInt8]] = [
        [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Number of error-correction blocks.
    private static let blockCount: [[UInt8]] = [
        [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]
}

/// A module grid under construction: colours plus which modules belong to function patterns.
private struct Matrix {
    let size: Int
    var dark: [Bool]
    var isFunction: [Bool]

    init(size: Int) {
        self.size = size
        dark = Array(repeating: false, count: size * size)
        isFunction = dark
    }

    /// Sets module (x, y) as a function module of the given colour.
    mutating func set(_ x: Int, _ y: Int, _ isDark: Bool) {
        dark[y * size + x] = isDark
        isFunction[y * size + x] = true
    }

    /// Finder, separator, timing and alignment patterns; format and version areas are reserved (light).
    mutating func drawFunctionPatterns(version: Int) {
        for i in 0..<size { set(6, i, i % 2 == 0); set(i, 6, i % 2 == 0) }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(cx + dx) && (0..<size).contains(cy + dy) {
                    let dist = max(abs(dx), abs(dy))
                    set(cx + dx, cy + dy, dist != 2 && dist != 4)
                }
            }
        }
        let centres = alignmentCentres(version)
        for cx in centres {
            for cy in centres where !(cx == 6 && cy == 6) && !(cx == 6 && cy == size - 7) && !(cx == size - 7 && cy == 6) {
                for dy in -2...2 { for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) } }
            }
        }
        drawFormatAndVersion(version: version, level: nil, mask: 0)
    }

    /// Row/column centres of alignment patterns: 6, then evenly spaced (even steps) up to `size − 7` (Annex E).
    func alignmentCentres(_ version: Int) -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        return [6] + (0..<(count - 1)).map { size - 7 - $0 * step }.reversed()
    }

    /// Draws format information (BCH 15,5), the dark module and version information (BCH 18,6, versions ≥ 7);
    /// with `level` nil it only reserves those areas as light function modules.
    mutating func drawFormatAndVersion(version: Int, level: QRCode.ErrorCorrection?, mask: Int) {
        var format = 0
        if let level {
            let data = level.rawValue << 3 | mask
            var rem = data
            for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
            format = (data << 10 | rem) ^ 0x5412
        }
        func bit(_ v: Int, _ i: Int) -> Bool { (v >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(format, i)) }
        set(8, 7, bit(format, 6)); set(8, 8, bit(format, 7)); set(7, 8, bit(format, 8))
        for i in 9..<15 { set(14 - i, 8, bit(format, i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(format, i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(format, i)) }
        set(8, size - 8, level != nil)

        guard version >= 7 else { return }
        var info = 0
        if level != nil {
            var rem = version
            for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
            info = version << 12 | rem
        }
        for i in 0..<18 {
            let a = size - 11 + i % 3, b = i / 3
            set(a, b, bit(info, i)); set(b, a, bit(info, i))
        }
    }

    /// Places codeword bits in the two-column zigzag from the bottom-right corner, skipping function modules (§7.7.3).
    mutating func placeCodewords(_ codewords: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vert in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let y = (right + 1) & 2 == 0 ? size - 1 - vert : vert
                    guard !isFunction[y * size + x], i < codewords.count * 8 else { continue }
                    dark[y * size + x] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                    i += 1
                }
            }
            right -= 2
        }
    }

    /// A copy with data mask pattern `mask` (Table 10) applied to every non-function module.
    func masked(_ mask: Int) -> Matrix {
        var m = self
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] {
                let flip: Bool
                switch mask {
                case 0: flip = (x + y) % 2 == 0
                case 1: flip = y % 2 == 0
                case 2: flip = x % 3 == 0
                case 3: flip = (x + y) % 3 == 0
                case 4: flip = (x / 3 + y / 2) % 2 == 0
                case 5: flip = x * y % 2 + x * y % 3 == 0
                case 6: flip = (x * y % 2 + x * y % 3) % 2 == 0
                default: flip = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if flip { m.dark[y * size + x].toggle() }
            }
        }
        return m
    }

    /// Penalty score N1 + N2 + N3 + N4 of §7.8.3.1 (Table 11); modules beyond the edge count as light for N3.
    func penalty() -> Int {
        var score = 0
        let finder: [Bool] = [true, false, true, true, true, false, true]
        for transposed in [false, true] {
            for a in 0..<size {
                let line = (0..<size).map { b in transposed ? dark[b * size + a] : dark[a * size + b] }
                var run = 1
                for b in 1...size {                               // N1: runs of ≥ 5 same-colour modules
                    if b < size && line[b] == line[b - 1] { run += 1; continue }
                    if run >= 5 { score += run - 2 }
                    run = 1
                }
                func lightSpan(_ from: Int) -> Bool { (from..<(from + 4)).allSatisfy { $0 < 0 || $0 >= size || !line[$0] } }
                for b in 0..<(size - 6) where (0..<7).allSatisfy({ line[b + $0] == finder[$0] }) && (lightSpan(b - 4) || lightSpan(b + 7)) {
                    score += 40                                   // N3: 1:1:3:1:1 finder-like pattern
                }
            }
        }
        var darkCount = 0
        for y in 0..<size {
            for x in 0..<size {
                let c = dark[y * size + x]
                if c { darkCount += 1 }
                if x + 1 < size, y + 1 < size, c == dark[y * size + x + 1], c == dark[(y + 1) * size + x],
                   c == dark[(y + 1) * size + x + 1] { score += 3 }   // N2: 2×2 blocks
            }
        }
        let total = size * size
        return score + abs(darkCount * 2 - total) * 10 / total * 10   // N4: each 5% away from 50% dark
    }
}
