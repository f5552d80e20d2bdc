import Foundation

/// 统一社会信用代码 (unified social credit code), validated to GB 32100-2015.
public struct CreditCode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 31 symbols of the code alphabet, in value order (no I, O, S, V, Z).
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    static let values: [Character: Int] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })
    /// Weights of the GB 11714 organisation code's own check character (positions 9–16).
    static let orgWeights = [3, 7, 9, 10, 5, 8, 4, 2]

    /// The normalised (upper-case, trimmed) 18-character code.
    public let value: String
    public var description: String { value }

    /// Why a string is not a valid credit code.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case length(Int)
        case symbol(position: Int, character: Character)
        case checkCharacter(expected: Character, found: Character)

        public var description: String {
            switch self {
            case .length(let n): return "a credit code has 18 characters, this one has \(n)"
            case .symbol(let p, let c): return "character \(p) '\(c)' is not allowed (I, O, S, V, Z and punctuation never appear)"
            case .checkCharacter(let e, let f): return "check character is '\(f)' but should be '\(e)'"
            }
        }
    }

    /// Validates and normalises a code: trims spaces, upper-cases, checks alphabet, length and check character.
    public init(_ raw: String) throws(Problem) {
        if let fast = Self.asciiCode(raw) {
            value = fast
            return
        }
        let text = raw.trimmingCharacters(in: .whitespaces).uppercased()
        let chars = Array(text)
        guard chars.count == 18 else { throw .length(chars.count) }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = CreditCode.values[c] else { throw .symbol(position: i + 1, character: c) }
            if i < 17 { sum += v * CreditCode.weights[i] }
        }
        let expected = CreditCode.alphabet[(31 - sum % 31) % 31]
        guard chars[17] == expected else { throw .checkCharacter(expected: expected, found: chars[17]) }
        value = text
    }

    /// The value of each ASCII byte as a code character (−1: not one); lower-case letters count as upper-case.
    private static let byteValues: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (c, v) in values {
            guard let b = c.asciiValue else { continue }
            table[Int(b)] = Int8(v)
            if let lower = Character(c.lowercased()).asciiValue, lower != b { table[Int(lower)] = Int8(v) }
        }
        return table
    }()

    /// The common case without allocation: 18 ASCII characters with a matching check character (upper-cased). Anything
    /// else (spaces, other characters, a wrong check) returns nil and takes the path that explains the problem.
    static func asciiCode(_ raw: String) -> String? {
        let utf8 = raw.utf8
        guard utf8.count == 18 else { return nil }
        return utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var sum = 0
            var upper = [UInt8](repeating: 0, count: 18)
            for i in 0..<18 {
                let b = bytes[i]
                guard b < 128 else { return nil }
                let v = Int(byteValues[Int(b)])
                guard v >= 0 else { return nil }
                if i < 17 { sum += v * weights[i] } else if v != (31 - sum % 31) % 31 { return nil }
                upper[i] = b >= 0x61 && b <= 0x7A ? b - 0x20 : b
            }
            return String(decoding: upper, as: UTF8.self)
        } ?? nil
    }

    /// The check character for the first 17 characters.
    public static func checkCharacter(for prefix17: String) -> Character? {
        let chars = Array(prefix17)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = values[c] else { return nil }
            sum += v * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// Builds a valid code for a registration authority (`9` = 工商), entity type (`1` = 企业), region and an
    /// eight-symbol organisation body; the organisation code's own check digit and the final check are computed.
    public static func make(authority: Character = "9", type: Character = "1", region: String, body: String) -> CreditCode? {
        guard region.count == 6, body.count == 8 else { return nil }
        // GB 11714 check digit: 11 - Σ(v·w) mod 11; 10 → X, 11 → 0. Digits and letters take their alphabet value.
        var sum = 0
        for (i, c) in body.enumerated() {
            guard let v = values[c] else { return nil }
            sum += v * orgWeights[i]
        }
        let r = 11 - sum % 11
        let orgCheck: Character = r == 10 ? "X" : (r == 11 ? "0" : Character(String(r)))
        let prefix = "\(authority)\(type)\(region)\(body)\(orgCheck)"
        guard let check = checkCharacter(for: prefix) else { return nil }
        return try? CreditCode(prefix + String(check))
    }

    /// The GB/T 2260 code of the registering authority (characters 3–8).
    public var registrationRegion: String { String(value.dropFirst(2).prefix(6)) }
}
