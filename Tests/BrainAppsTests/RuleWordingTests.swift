import BrainCore
import Testing
@testable import BrainApps

/// The translator from the rule language to plain Chinese: every operator and every fact, names for codes, nesting, and
/// the enterprise's own values. Pure: no store, no clock.
@Suite struct RuleWordingTests {
    let names = FactNames { field, code in
        ["region": ["360100": "南昌市", "360900": "宜春市", "360500": "新余市", "360902": "袁州区"],
         "chains": ["ELEC": "电子信息产业链", "NFM": "有色金属产业链"],
         "links": ["NEWENERGY-01": "新能源产业链“锂矿采选”", "NEWENERGY-03": "新能源产业链“正极材料”"],
         "industry": ["38": "电气机械和器材制造业", "39": "计算机、通信和其他电子设备制造业", "3841": "锂离子电池制造"],
         "zone": ["Z1": "南昌高新技术产业开发区"]][field]?[code]
    }

    func say(_ rule: String) throws -> String {
        let r = try PolicyRule.parse(rule)
        #expect(r.sentences(names).count == 1)
        return r.sentences(names)[0]
    }

    @Test func numbersReadAsComparisonsWithUnits() throws {
        #expect(try say("revenue_last_year >= 1000") == "上年营业收入不低于1000万元")
        #expect(try say("revenue_last_year >= 1000000") == "上年营业收入不低于100亿元")
        #expect(try say("revenue_last_year > 2000") == "上年营业收入高于2000万元")
        #expect(try say("revenue_last_year <= 5000") == "上年营业收入不高于5000万元")
        #expect(try say("revenue_last_year < 5000") == "上年营业收入低于5000万元")
        #expect(try say("rd_share_last_year >= 3%") == "上年研发费用占营业收入比重不低于3%")
        #expect(try say("employees >= 50") == "从业人员不少于50人")
        #expect(try say("employees > 50") == "从业人员多于50人")
        #expect(try say("employees <= 300") == "从业人员不多于300人")
        #expect(try say("employees < 300") == "从业人员少于300人")
        #expect(try say("founded_years >= 2") == "成立年限不少于2年")
        #expect(try say("digital_level = 3") == "数字化水平等级为3级")
        #expect(try say("digital_level != 1") == "数字化水平等级不为1级")
        #expect(try say("digital_level in [3, 4]") == "数字化水平等级为3级或4级")
        #expect(try say("revenue_growth >= -5") == "营业收入同比增长不低于-5%")
        // not flips the comparison.
        #expect(try say("not (revenue_last_year >= 1000)") == "上年营业收入低于1000万元")
    }

    @Test func flagsAndTexts() throws {
        #expect(try say("above_scale") == "为规模以上工业企业")
        #expect(try say("above_scale = true") == "为规模以上工业企业")
        #expect(try say("above_scale = false") == "不是规模以上工业企业")
        #expect(try say("above_scale != true") == "不是规模以上工业企业")
        #expect(try say("size = small") == "为小型企业")
        #expect(try say("size in [small, medium]") == "为小型或中型企业")
        #expect(try say("size != micro") == "不是微型企业")
        #expect(try say("size not in [micro, large]") == "不是微型或大型企业")
        #expect(try say("zone = Z1") == "位于南昌高新技术产业开发区内")
        #expect(try say("zone != Z1") == "不在南昌高新技术产业开发区内")
    }

    @Test func listsNameTheirCodes() throws {
        #expect(try say("region has \"360900\"") == "位于宜春市")
        #expect(try say("region has any [\"360900\", \"360500\"]") == "位于宜春市或新余市")
        #expect(try say("region in [\"360900\", \"360500\", \"360100\"]") == "位于宜春市、新余市或南昌市")
        #expect(try say("region not has \"360100\"") == "不位于南昌市")
        #expect(try say("region has all [\"360900\", \"360902\"]") == "同时位于宜春市和袁州区")
        #expect(try say("region prefix \"3609\"") == "位于3609范围内")
        #expect(try say("chains has \"ELEC\"") == "属于电子信息产业链")
        #expect(try say("chains has any [\"ELEC\", \"NFM\"]") == "属于电子信息、有色金属产业链之一")
        #expect(try say("chains not has any [\"ELEC\", \"NFM\"]") == "不属于电子信息、有色金属产业链中任何一条")
        #expect(try say("chains has all [\"ELEC\", \"NFM\"]") == "同时属于电子信息和有色金属产业链")
        #expect(try say("links has any [\"NEWENERGY-01\", \"NEWENERGY-03\"]") == "处于新能源产业链“锂矿采选”、“正极材料”环节之一")
        #expect(try say("links has \"NEWENERGY-01\"") == "处于新能源产业链“锂矿采选”环节")
        #expect(try say("links has all [\"NEWENERGY-01\", \"NEWENERGY-03\"]") == "同时处于新能源产业链“锂矿采选”和“正极材料”环节")
        #expect(try say("links not has any [\"NEWENERGY-01\", \"X-1\"]") == "不处于新能源产业链“锂矿采选”、X-1中任何一个环节")
        #expect(try say("qualifications has \"专精特新\"") == "具有“专精特新”认定")
        #expect(try say("not (qualifications has \"失信企业\")") == "不具有“失信企业”认定")
        #expect(try say("qualifications has any [\"绿色工厂\", \"国家级绿色工厂\"]") == "具有“绿色工厂”或“国家级绿色工厂”认定")
        #expect(try say("qualifications has all [\"高新技术企业\", \"专精特新\"]") == "同时具有“高新技术企业”和“专精特新”认定")
        #expect(try say("qualifications prefix \"国家级\"") == "具有以“国家级”开头的认定")
        #expect(try say("industry prefix [\"38\", \"39\"]") == "所属行业属于电气机械和器材制造业或计算机、通信和其他电子设备制造业")
        #expect(try say("industry has \"3841\"") == "所属行业属于锂离子电池制造")
        #expect(try say("industry not prefix \"38\"") == "所属行业不属于电气机械和器材制造业")
    }

    @Test func andOrNestAndNoRuleCodeLeaks() throws {
        #expect(try say("revenue_last_year >= 1000 or output_growth >= 5") == "上年营业收入不低于1000万元，或工业总产值同比增长不低于5%")
        #expect(try say("above_scale and (revenue_last_year >= 1000 or employees >= 100)")
            == "为规模以上工业企业，且（上年营业收入不低于1000万元，或从业人员不少于100人）")
        // Every fact of the catalogue, with every operator its kind takes, reads without keys, operators or brackets.
        for field in FactCatalog.fields {
            let value: String
            switch field.kind {
            case .number: value = "10"
            case .flag: value = "true"
            case .text: value = field.valueNames.keys.sorted().first ?? "X1"
            case .list: value = "\"A1\""
            }
            for op in RuleParser.ops(field.kind) {
                let written: String
                switch op {
                case .eq: written = "="
                case .ne: written = "!="
                case .gt: written = ">"
                case .ge: written = ">="
                case .lt: written = "<"
                case .le: written = "<="
                case .isIn: written = "in"
                case .has: written = "has"
                case .hasAny: written = "has any"
                case .hasAll: written = "has all"
                case .prefix: written = "prefix"
                }
                let sentence = try say("\(field.key) \(written) \(value)")
                for leak in [field.key, ">=", "<=", "!=", " has", " in ", "prefix", "[", "\"", "true"] {
                    #expect(!sentence.contains(leak), "\(field.key) \(written): \(sentence)")
                }
                #expect(!sentence.isEmpty)
            }
        }
    }

    @Test func theFirmsOwnValuesAndWhatIsMissing() throws {
        let rule = try PolicyRule.parse("revenue_last_year >= 2000 or output_growth >= 5\nregion has \"360900\"\nchains has \"ELEC\"")
        let facts = Facts(["revenue_last_year": .number(1850), "region": .list(["360902", "360900", "360000"]), "chains": .list(["ELEC", "NFM"])])
        let read = rule.evaluate(facts, names: names)
        #expect(read[0].state == .unknown)
        #expect(read[0].value == "上年营业收入 1850万元；缺少数据：工业总产值同比增长")
        #expect(read[0].missing == ["output_growth"])
        #expect(read[0].sentence == "上年营业收入不低于2000万元，或工业总产值同比增长不低于5%")
        #expect(read[1].state == .met && read[1].value == "所在地区 袁州区（宜春市）" && read[1].missing == [])
        #expect(read[2].value == "所在产业链 电子信息产业链、有色金属产业链")
        #expect(read[2].reason == "所在产业链 电子信息产业链、有色金属产业链，满足 包含 电子信息产业链")
        #expect(PolicyRule.sentence(of: "chains has \"ELEC\"", names: names) == "属于电子信息产业链")
        #expect(PolicyRule.sentence(of: "not a rule", names: names) == nil)
        #expect(RuleWording.amount(12_345, unit: "万元") == "1.2345亿元")
        // Amount formulas in words.
        func formula(_ text: String) throws -> String { try AmountFormula.parse(text).sentence() }
        #expect(try formula("30") == "30万元")
        #expect(try formula("min(revenue_last_year * 0.002, 100)") == "上年营业收入的0.2%，最高100万元")
        #expect(try formula("min(employees * 0.1, 100)") == "从业人员每人0.1万元，最高100万元")
        #expect(try formula("max(investment_smart * 2, 5)") == "智能化改造投资额×2，最低5万元")
        #expect(try formula("round((revenue_last_year - 100) / 12)") == "（上年营业收入－100）÷12（取整）")
        #expect(try formula("min(employees, investment_smart, 3)") == "（从业人员、智能化改造投资额、3）中较小者")
        #expect(try formula("round(-employees + 1, 2)") == "－从业人员＋1（保留2位小数）")
    }

    /// The province's own names: regions, chains and links from the catalogue, industries from GB/T 4754.
    @Test func standardNamesComeFromTheCatalogue() throws {
        let standard = FactNames.standard(catalog: .jiangxi)
        let rule = try PolicyRule.parse("region has any [\"360100\"]\nchains has \"ELEC\"\nindustry prefix \"39\"\nregion prefix \"3609\"")
        let s = rule.sentences(standard)
        #expect(s[0] == "位于南昌市")
        #expect(s[1] == "属于电子信息产业链")
        #expect(s[2].hasPrefix("所属行业属于计算机"))
        #expect(s[3] == "位于宜春市范围内")
        let link = try #require(RegionCatalog.jiangxi.chains.chain("ELEC")?.links.first)
        #expect(try PolicyRule.parse("links has \"\(link.code)\"").sentences(standard)[0] == "处于电子信息产业链“\(link.name)”环节")
    }
}
