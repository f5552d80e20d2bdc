import Testing
@testable import BrainCore

@Suite struct CreditCodeTests {
    @Test func madeCodesValidateAndCarryTheirRegion() throws {
        let code = try #require(CreditCode.make(region: "360681", body: "H2MPCHR1"))
        #expect(code.value.count == 18)
        #expect(code.registrationRegion == "360681")
        #expect(try CreditCode(code.value) == code)
    }

    @Test func lowerCaseAndSpacesAreNormalised() throws {
        let code = try #require(CreditCode.make(region: "360100", body: "ABCDEFGH"))
        #expect(try CreditCode("  " + code.value.lowercased() + " ").value == code.value)
    }

    @Test func publishedExampleValidates() throws {
        // 91350100M000100Y43 is the example code printed in GB 32100-2015.
        #expect(CreditCode.checkCharacter(for: "91350100M000100Y4") == "3")
        #expect(throws: Never.self) { try CreditCode("91350100M000100Y43") }
    }

    @Test func wrongCheckCharacterIsNamed() throws {
        let code = try #require(CreditCode.make(region: "360100", body: "12345678")).value
        let last = code.last!
        let wrong = CreditCode.alphabet.first { $0 != last }!
        #expect(throws: CreditCode.Problem.checkCharacter(expected: last, found: wrong)) {
            try CreditCode(String(code.dropLast()) + String(wrong))
        }
    }

    @Test(arguments: ["", "91360100", "9136010012345678X00", "91360100I2345678XA", "91360100S2345678X-"])
    func malformedCodesAreRejected(_ raw: String) {
        #expect(throws: CreditCode.Problem.self) { try CreditCode(raw) }
    }
}

@Suite struct SizeClassTests {
    @Test func bothConditionsMustHold() {
        #expect(SizeClass.classify(employees: 1000, annualRevenue: 40000) == .large)
        #expect(SizeClass.classify(employees: 999, annualRevenue: 90000) == .medium)
        #expect(SizeClass.classify(employees: 5000, annualRevenue: 1999) == .small)
        #expect(SizeClass.classify(employees: 19, annualRevenue: 5000) == .micro)
        #expect(SizeClass.classify(employees: 20, annualRevenue: 300) == .small)
    }

    @Test func aboveScaleThresholdIs2000() {
        #expect(SizeClass.isAboveScale(annualRevenue: 2000))
        #expect(!SizeClass.isAboveScale(annualRevenue: 1999.9))
    }
}
