import Foundation
import Testing
@testable import BrainApps

@Suite struct PolicyRuleTests {
    static let firm = Facts([
        "size": .text("small"), "above_scale": .flag(true), "industry": .list(["3841", "38"]),
        "region": .list(["360902", "360900", "360000"]), "zone": .text("YCGX"), "chains": .list(["NEWENERGY"]),
        "qualifications": .list(["高新技术企业", "专精特新"]), "employees": .number(80), "founded_years": .number(5),
        "revenue_last_year": .number(1850), "rd_share_last_year": .number(3.25), "investment_smart": .number(3000),
    ])

    func read(_ rule: String, _ facts: Facts = firm) throws -> CriterionResult {
        let results = try PolicyRule.parse(rule).evaluate(facts)
        #expect(results.count == 1)
        return results[0]
    }

    func parseError(_ rule: String) -> RuleParseError? {
        do { _ = try PolicyRule.parse(rule) } catch { return error }
        return nil
    }

    func formulaError(_ formula: String) -> RuleParseError? {
        do { _ = try AmountFormula.parse(formula) } catch { return error }
        return nil
    }

    @Test func catalogHasExactlyTheAgreedFields() {
        let keys = Set(FactCatalog.fields.map(\.key))
        #expect(keys == ["size", "above_scale", "industry", "region", "zone", "chains", "links", "qualifications", "employees",
                         "founded_years", "revenue_last_year", "output_last_year", "profit_last_year", "tax_last_year",
                         "rd_expense_last_year", "rd_share_last_year", "revenue_growth", "output_growth", "export_share",
                         "digital_level", "investment_smart", "tech_upgrade_investment"])
        #expect(FactCatalog.fields.count == keys.count)
        #expect(FactCatalog.field("revenue_last_year")?.nameZh == "上年营业收入")
        #expect(FactCatalog.field("revenue_last_year")?.unit == "万元")
        #expect(FactCatalog.field("rd_share_last_year")?.unit == "%")
        #expect(FactCatalog.field("qualifications")?.kind == .list)
        #expect(FactCatalog.field("above_scale")?.kind == .flag)
        #expect(FactCatalog.field("size")?.kind == .text)
        #expect(FactCatalog.field("revnue") == nil)
    }

    @Test(arguments: [
        ("revenue_last_year >= 2000", CriterionState.unmet), ("revenue_last_year >= 1850", .met),
        ("revenue_last_year > 1850", .unmet), ("revenue_last_year < 2000", .met), ("revenue_last_year <= 1000", .unmet),
        ("revenue_last_year = 1850", .met), ("revenue_last_year == 1850", .met), ("revenue_last_year != 1850", .unmet),
        ("revenue_last_year ≥ 1000", .met), ("revenue_last_year ≤ 1850", .met), ("revenue_last_year ≠ 1", .met),
        ("rd_share_last_year >= 3%", .met), ("employees in [50, 80]", .met), ("employees in [50, 100]", .unmet),
        ("profit_last_year >= -5", .unknown), ("founded_years > -1", .met),
    ])
    func numberComparisons(rule: String, expected: CriterionState) throws {
        #expect(try read(rule).state == expected)
    }

    @Test(arguments: [
        ("size = small", CriterionState.met), ("size != small", .unmet), ("size in [medium, large]", .unmet),
        ("size in [small, medium]", .met), ("size not in [micro]", .met), ("size = 小型", .met),
        ("zone = YCGX", .met), ("zone = \"NCGX\"", .unmet), ("zone prefix [\"NC\", \"YC\"]", .met), ("zone prefix \"JJ\"", .unmet),
    ])
    func textComparisons(rule: String, expected: CriterionState) throws {
        #expect(try read(rule).state == expected)
        // The same criterion on an enterprise without the fact is unknown.
        #expect(try read(rule, Facts()).state == .unknown)
    }

    @Test(arguments: [
        ("above_scale", CriterionState.met), ("above_scale = true", .met), ("above_scale = 是", .met),
        ("above_scale = false", .unmet), ("above_scale = 否", .unmet), ("not above_scale", .unmet), ("above_scale != 否", .met),
        ("非 above_scale", .unmet),
    ])
    func flagComparisons(rule: String, expected: CriterionState) throws {
        #expect(try read(rule).state == expected)
        #expect(try read(rule, Facts()).state == .unknown)
    }

    @Test(arguments: [
        ("qualifications has \"专精特新\"", CriterionState.met), ("qualifications has \"专精特新小巨人\"", .unmet),
        ("qualifications has 专精特新", .met),
        ("qualifications has any [\"绿色工厂\", \"专精特新\"]", .met), ("qualifications has any [\"绿色工厂\"]", .unmet),
        ("qualifications has all [\"高新技术企业\", \"专精特新\"]", .met), ("qualifications has all [\"高新技术企业\", \"绿色工厂\"]", .unmet),
        ("qualifications not has \"失信企业\"", .met), ("not (qualifications has \"失信企业\")", .met),
        ("qualifications in [\"专精特新\", \"绿色工厂\"]", .met), ("industry prefix [\"38\", \"39\"]", .met),
        ("industry prefix [\"13\", \"14\"]", .unmet), ("industry not prefix \"13\"", .met), ("region has \"360900\"", .met),
        ("region has any [\"360100\", \"360500\"]", .unmet), ("chains has NEWENERGY", .met),
    ])
    func listComparisons(rule: String, expected: CriterionState) throws {
        #expect(try read(rule).state == expected)
        #expect(try read(rule, Facts()).state == .unknown)
    }

    @Test func kleeneLogic() throws {
        // revenue 1850: `>= 1000` met, `>= 2000` unmet; output_growth unknown.
        let cases: [(String, CriterionState)] = [
            ("revenue_last_year >= 2000 and output_growth >= 5", .unmet),
            ("revenue_last_year >= 1000 and output_growth >= 5", .unknown),
            ("revenue_last_year >= 1000 or output_growth >= 5", .met),
            ("revenue_last_year >= 2000 or output_growth >= 5", .unknown),
            ("revenue_last_year >= 2000 or revenue_last_year >= 3000", .unmet),
            ("not output_growth >= 5", .unknown),
            ("not (revenue_last_year >= 2000 or output_growth >= 5)", .unknown),
            ("not (revenue_last_year >= 1000 or output_growth >= 5)", .unmet),
            ("not (revenue_last_year >= 2000 and output_growth >= 5)", .met),
            // not > and > or
            ("revenue_last_year >= 1000 or revenue_last_year >= 5000 and output_growth >= 5", .met),
            ("(revenue_last_year >= 1000 or revenue_last_year >= 5000) and output_growth >= 5", .unknown),
            ("not revenue_last_year >= 2000 and revenue_last_year >= 1000", .met),
            ("revenue_last_year ≥ 1000 且 非 output_growth >= 5", .unknown),
            ("revenue_last_year >= 2000 或 size = small", .met),
            ("revenue_last_year >= 1000或size = small", .met),
        ]
        for (rule, expected) in cases {
            #expect(try read(rule).state == expected, "\(rule)")
        }
    }

    @Test func multiLineCriteriaAndComments() throws {
        let rule = try PolicyRule.parse("""
            # 示例政策

            above_scale = true   # 规上企业
            revenue_last_year >= 1000 or
                output_growth >= 5
            (region has "360900"   # 宜春
             or region has "360500")
            employees >= 50
              and founded_years >= 3
            chains has any ["NEWENERGY",
                            "NFM"]
            """)
        #expect(rule.criteria == [
            "above_scale = true",
            "revenue_last_year >= 1000 or output_growth >= 5",
            "(region has \"360900\" or region has \"360500\")",
            "employees >= 50 and founded_years >= 3",
            "chains has any [\"NEWENERGY\", \"NFM\"]",
        ])
        #expect(rule.evaluate(Self.firm).map(\.state) == [.met, .met, .met, .met, .met])
        #expect(rule.fields == ["above_scale", "revenue_last_year", "output_growth", "region", "employees", "founded_years", "chains"])
        let crlf = try PolicyRule.parse("size = small\r\nfounded_years >= 2\r\n")
        #expect(crlf.criteria == ["size = small", "founded_years >= 2"])
    }

    @Test func reasonsNameTheFieldAndTheNumbers() throws {
        #expect(try read("revenue_last_year >= 2000").reason == "上年营业收入 1850 万元，要求 ≥ 2000 万元")
        #expect(try read("revenue_last_year >= 2000", Facts(["revenue_last_year": .number(2300)])).reason
            == "上年营业收入 2300 万元，满足 ≥ 2000 万元")
        #expect(try read("revenue_last_year >= 2000", Facts()).reason == "缺少数据：上年营业收入")
        #expect(try read("rd_share_last_year >= 3").reason == "上年研发费用占营业收入比重 3.25%，满足 ≥ 3%")
        #expect(try read("employees >= 100.5").reason == "从业人员 80 人，要求 ≥ 100.5 人")
        #expect(try read("size in [medium, large]").reason == "企业规模 小型，要求 属于 中型、大型 之一")
        #expect(try read("above_scale = false").reason == "规上企业 是，要求 = 否")
        #expect(try read("qualifications has \"绿色工厂\"", Facts(["qualifications": .list([])])).reason == "资质 无，要求 包含 绿色工厂")
        #expect(try read("not (qualifications has \"失信企业\")").reason == "资质 高新技术企业、专精特新，满足 不包含 失信企业")
        #expect(try read("industry prefix \"38\"").reason == "行业代码 3841、38，满足 以 38 开头")
        // Compound: only the deciding parts, joined by "；".
        #expect(try read("founded_years >= 10 and revenue_last_year >= 2000 and size = small").reason
            == "成立年限 5 年，要求 ≥ 10 年；上年营业收入 1850 万元，要求 ≥ 2000 万元")
        #expect(try read("revenue_last_year >= 2000 or output_growth >= 5").reason
            == "上年营业收入 1850 万元，要求 ≥ 2000 万元；缺少数据：工业总产值同比增长")
        #expect(try read("revenue_last_year >= 1000 or output_growth >= 5").reason == "上年营业收入 1850 万元，满足 ≥ 1000 万元")
        #expect(try read("size = small and output_growth >= 5 and export_share > 1").reason == "缺少数据：工业总产值同比增长；缺少数据：出口交货值占比")
    }

    @Test func numbersAreFormattedWithoutUselessDecimals() {
        #expect(RuleFormat.number(2000.0) == "2000")
        #expect(RuleFormat.number(3.25) == "3.25")
        #expect(RuleFormat.number(-5) == "-5")
        #expect(RuleFormat.number(0.1 + 0.2) == "0.3")
        #expect(RuleFormat.number(1234567.5) == "1234567.5")
    }

    @Test func resultsEncodeAsJSON() throws {
        let result = try read("revenue_last_year >= 2000")
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(json.contains("\"state\":\"unmet\""))
        #expect(try JSONDecoder().decode(CriterionResult.self, from: Data(json.utf8)) == result)
    }

    @Test func errorsGiveLineAndColumn() throws {
        let unknownField = try #require(parseError("above_scale = true\nrevnue_last_year >= 10"))
        #expect((unknownField.line, unknownField.column) == (2, 1))
        #expect(unknownField.expected.hasPrefix("a known field"))
        #expect(unknownField.found == "revnue_last_year")

        let missingValue = try #require(parseError("size in [small, medium]\nrevenue_last_year >="))
        #expect(missingValue.description == "line 2, column 21: expected a value after >=, found end of line")

        let openParen = try #require(parseError("# 注释\n(revenue_last_year >= 1000 or output_growth >= 5\nfounded_years >= 2"))
        #expect((openParen.line, openParen.column, openParen.found) == (3, 1, "founded_years"))
        #expect(openParen.expected.contains(") to close the ( at line 2, column 1"))

        let strayParen = try #require(parseError("revenue_last_year >= 1000)"))
        #expect((strayParen.line, strayParen.column, strayParen.found) == (1, 26, ")"))

        let stringForNumber = try #require(parseError("founded_years >= 2\nrevenue_last_year >= \"很多\""))
        #expect((stringForNumber.line, stringForNumber.column, stringForNumber.found) == (2, 22, "\"很多\""))
        #expect(stringForNumber.expected.contains("a number"))

        let hasOnText = try #require(parseError("size has \"x\""))
        #expect((hasOnText.line, hasOnText.column, hasOnText.found) == (1, 6, "has"))

        // Columns count Characters, so Chinese text counts one column per character.
        let afterChinese = try #require(parseError("size = 中型 且 revnue >= 1"))
        #expect((afterChinese.line, afterChinese.column) == (1, 13))

        let badFlag = try #require(parseError("above_scale = 3"))
        #expect((badFlag.line, badFlag.column, badFlag.found) == (1, 15, "3"))

        let equalsOnList = try #require(parseError("qualifications = \"x\""))
        #expect((equalsOnList.line, equalsOnList.column) == (1, 16))

        let badSize = try #require(parseError("size in [small, huge]"))
        #expect((badSize.line, badSize.column, badSize.found) == (1, 17, "huge"))

        let unclosedText = try #require(parseError("zone = \"abc"))
        #expect((unclosedText.line, unclosedText.column) == (1, 8))

        let danglingAnd = try #require(parseError("employees > 1 and\n"))
        #expect(danglingAnd.found == "end of rule")

        let unit = try #require(parseError("revenue_last_year >= 2000万"))
        #expect((unit.line, unit.column, unit.found) == (1, 26, "万"))
        #expect(unit.expected.contains("without a unit"))

        let empty = try #require(parseError("# 只有注释\n\n"))
        #expect(empty.expected == "at least one criterion")
    }

    @Test func formulas() throws {
        let capped = try AmountFormula.parse("min(investment_smart * 0.1, 500)")
        #expect(capped.fields == ["investment_smart"])
        #expect(capped.evaluate(Self.firm) == 300)
        #expect(capped.evaluate(Facts(["investment_smart": .number(8000)])) == 500)
        #expect(capped.evaluate(Facts()) == nil)

        let fixed = try AmountFormula.parse("50")
        #expect(fixed.evaluate(Facts()) == 50)
        #expect(fixed.fields.isEmpty)

        let rd = Facts(["rd_expense_last_year": .number(130), "employees": .number(80), "founded_years": .number(5)])
        #expect(try AmountFormula.parse("round(rd_expense_last_year / 8)").evaluate(rd) == 16)
        #expect(try AmountFormula.parse("round(rd_expense_last_year / 8, 1)").evaluate(rd) == 16.3)
        #expect(try AmountFormula.parse("max(employees * 0.1, 5, founded_years)").evaluate(rd) == 8)
        #expect(try AmountFormula.parse("min(rd_expense_last_year * 0.05, 100)").evaluate(rd) == 130 * 0.05)
        #expect(try AmountFormula.parse("1 + 2 * 3").evaluate(rd) == 7)
        #expect(try AmountFormula.parse("(1 + 2) * 3").evaluate(rd) == 9)
        #expect(try AmountFormula.parse("-(employees - 100) / 2").evaluate(rd) == 10)
        #expect(try AmountFormula.parse("10 / (founded_years - 5)").evaluate(rd) == nil)
        #expect(try AmountFormula.parse("max(employees, revenue_last_year)").evaluate(rd) == nil)
        let multi = try AmountFormula.parse("# 研发后补助\nmin(rd_expense_last_year * 0.05,\n    200)")
        #expect(multi.evaluate(rd) == 130 * 0.05)
    }

    @Test func formulaErrorsGiveLineAndColumn() throws {
        let misspelt = try #require(formulaError("min(investment_smrt * 0.1, 500)"))
        #expect((misspelt.line, misspelt.column, misspelt.found) == (1, 5, "investment_smrt"))
        #expect(misspelt.expected.contains("investment_smart"))
        let notNumber = try #require(formulaError("size * 2"))
        #expect((notNumber.line, notNumber.column) == (1, 1))
        let unclosed = try #require(formulaError("min(1, 2"))
        #expect((unclosed.line, unclosed.column, unclosed.found) == (1, 9, "end of formula"))
        let secondLine = try #require(formulaError("min(investment_smart * 0.1,\n    revnue)"))
        #expect((secondLine.line, secondLine.column) == (2, 5))
        let unknownFunction = try #require(formulaError("sum(1, 2)"))
        #expect((unknownFunction.line, unknownFunction.column) == (1, 1))
        let trailing = try #require(formulaError("50 60"))
        #expect((trailing.line, trailing.column) == (1, 4))
        #expect(formulaError("") != nil)
    }

    @Test func zhuanJingTeXinRule() throws {
        let rule = try PolicyRule.parse("""
            # 专精特新中小企业认定（示意）
            size in [small, medium]
            founded_years >= 2
            rd_share_last_year >= 3
            revenue_last_year >= 1000 or output_growth >= 5
            industry prefix ["13","14","17","18","19","20","21","22","23","24","25","26","27","28","29","30","31","32","33","34","35","36","37","38","39","40","41","42","43","44","45","46"]
            """)
        #expect(rule.criteria.count == 5)
        #expect(rule.evaluate(Self.firm).allSatisfy { $0.state == .met })

        var large = Self.firm
        large["size"] = .text("large")
        large["industry"] = .list(["5211", "52"])
        let unmet = rule.evaluate(large)
        #expect(unmet.map(\.state) == [.unmet, .met, .met, .met, .unmet])
        #expect(unmet[0].reason == "企业规模 大型，要求 属于 小型、中型 之一")
        #expect(unmet[4].reason.hasPrefix("行业代码 5211、52，要求 以 13、14"))

        var young = Self.firm
        young["rd_share_last_year"] = nil
        young["revenue_last_year"] = .number(600)
        young["output_growth"] = .number(7.5)
        let mixed = rule.evaluate(young)
        #expect(mixed.map(\.state) == [.met, .met, .unknown, .met, .met])
        #expect(mixed[2].reason == "缺少数据：上年研发费用占营业收入比重")
        #expect(mixed[3].reason == "工业总产值同比增长 7.5%，满足 ≥ 5%")
        #expect(rule.states(young) == mixed.map(\.state))
    }
}
