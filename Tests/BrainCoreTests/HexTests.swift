import BrainCore
import Foundation
import Testing

/// The table-driven hex encoder against the formatter it replaced, and the decoder's refusals.
@Suite struct HexTests {
    @Test func encodesEveryByteAsTheFormatterDid() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.encode(all) == all.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([0x00, 0x0f, 0xf0, 0xff]) == "000ff0ff")
    }

    @Test func decodesWhatItEncodesInEitherCase() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(all)) == all)
        #expect(Hex.decode("00FFaB") == [0x00, 0xff, 0xab])
        #expect(Hex.decode("") == [])
    }

    @Test func refusesOddLengthsAndNonDigits() {
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("0g") == nil)
        #expect(Hex.decode("+1") == nil)
        #expect(Hex.decode("ä0") == nil)
    }

    @Test func randomGivesTheAskedLengthAndDiffers() {
        let a = Hex.random(bytes: 32), b = Hex.random(bytes: 32)
        #expect(a.count == 64 && b.count == 64 && a != b)
        #expect(Hex.decode(a)?.count == 32)
    }

    @Test func randomDrawsWordsButGivesExactlyTheBytesAsked() {
        // Lengths that are not a multiple of the eight-byte word, and every byte value reachable at every position.
        for n in [0, 1, 7, 8, 9, 15, 16, 17] {
            #expect(Hex.random(bytes: n).utf8.count == 2 * n)
        }
        var seen = Array(repeating: Set<UInt8>(), count: 9)
        for _ in 0..<4_000 {
            for (i, b) in (Hex.decode(Hex.random(bytes: 9)) ?? []).enumerated() { seen[i].insert(b) }
        }
        // 4,000 draws of a uniform byte miss a given value with probability (255/256)^4000, about 1.7e-7.
        #expect(seen.allSatisfy { $0.count == 256 })
    }
}
