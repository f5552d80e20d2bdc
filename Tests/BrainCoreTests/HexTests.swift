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
}
