import BrainStore

/// Twelve policies in the style of Jiangxi's industry support measures, written in the rule language. Amounts in 万元.
/// They illustrate the product; they are not the text of any real document.
public enum SeededPolicies {
    static let issuer = "江西省工业和信息化厅（示例）"
    static let chains = "[\"ELEC\", \"NFM\", \"EQUIP\", \"NEWENERGY\", \"PETROCHEM\", \"BUILDMAT\", \"STEEL\", \"AVIATION\", \"FOOD\", \"TEXTILE\", \"PHARMA\", \"FURNITURE\"]"

    public static func all(validFrom: String, validUntil: String) -> [PolicyRecord] {
        func p(_ id: String, _ name: String, _ category: String, _ summary: String, _ rule: String, _ formula: String, auto: Bool) -> PolicyRecord {
            PolicyRecord(id: id, name: name, issuer: issuer, category: category, summary: summary, rule: rule, formula: formula,
                         autoGrant: auto, validFrom: validFrom, validUntil: validUntil, createdBy: "seed")
        }
        return [
            p("ZJTX-REWARD", "专精特新中小企业一次性奖励", "企业培育", "对新认定的省级专精特新中小企业给予一次性奖励，免申即享。",
              """
              # 已获省级专精特新中小企业认定的中小企业
              qualifications has "专精特新"
              size in [small, medium]
              """, "30", auto: true),
            p("XJR-REWARD", "专精特新“小巨人”企业奖励", "企业培育", "对国家级专精特新“小巨人”企业给予奖励，免申即享。",
              "qualifications has \"专精特新小巨人\"", "100", auto: true),
            p("XSG-REWARD", "小升规工业企业奖励", "企业培育", "对当年新纳入规模以上工业统计、营业收入增长较快的企业给予奖励。",
              """
              above_scale = true
              revenue_last_year >= 2000
              revenue_last_year < 5000
              revenue_growth >= 15
              """, "20", auto: true),
            p("RD-REWARD", "企业研发投入后补助", "科技创新", "按上年研发费用的5%给予后补助，最高200万元，免申即享。",
              """
              above_scale = true
              rd_share_last_year >= 3
              rd_expense_last_year >= 300
              """, "min(rd_expense_last_year * 0.05, 200)", auto: true),
            p("HNTE-REWARD", "高新技术企业认定奖励", "科技创新", "对有效期内的高新技术企业给予奖励，免申即享。",
              "qualifications has \"高新技术企业\"", "20", auto: true),
            p("SMART-SUBSIDY", "工业企业智能化改造补贴", "智能化改造", "按上年智能化改造设备投资的10%给予补贴，最高500万元，需申报。",
              """
              above_scale = true
              investment_smart >= 500
              not (qualifications has "失信企业")
              """, "min(investment_smart * 0.1, 500)", auto: false),
            p("GREEN-REWARD", "绿色工厂奖励", "绿色制造", "对获评国家级或省级绿色工厂的企业给予奖励，免申即享。",
              "qualifications has any [\"绿色工厂\", \"国家级绿色工厂\"]", "30", auto: true),
            p("CHAIN-LEADER", "产业链链主企业培育支持", "产业链", "支持重点产业链营业收入百亿级龙头企业发挥链主作用，需申报。",
              """
              above_scale = true
              revenue_last_year >= 1000000
              chains has any \(chains)
              """, "200", auto: false),
            p("EXPORT-STABLE", "外贸稳增长奖励", "开放型经济", "出口交货值占比较高且营业收入保持增长的企业，按上年营业收入的0.1%奖励，最高50万元。",
              """
              export_share >= 30
              revenue_growth >= 0
              """, "min(revenue_last_year * 0.001, 50)", auto: true),
            p("DIGITAL-DEMO", "中小企业数字化转型示范", "数字化转型", "数字化水平达到三级及以上的中小企业，可申报示范并获补助。",
              """
              size in [small, medium]
              digital_level >= 3
              """, "50", auto: false),
            p("JOBS-STABLE", "稳岗扩岗奖励", "稳岗就业", "从业人员50人以上且营业收入增长5%以上的规上企业，按从业人员每人1000元奖励，最高100万元。",
              """
              above_scale = true
              employees >= 50
              revenue_growth >= 5
              """, "min(employees * 0.1, 100)", auto: true),
            p("LITHIUM-SUPPORT", "锂电新能源产业链配套奖励", "产业链", "宜春、新余锂电产业链上中游配套企业按上年营业收入0.2%奖励，最高100万元，需申报。",
              """
              chains has "NEWENERGY"
              region has any ["360900", "360500"]
              links has any ["NEWENERGY-01", "NEWENERGY-03", "NEWENERGY-04", "NEWENERGY-05", "NEWENERGY-07"]
              revenue_last_year >= 2000
              """, "min(revenue_last_year * 0.002, 100)", auto: false),
        ]
    }
}
