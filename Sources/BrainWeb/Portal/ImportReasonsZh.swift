import Foundation

/// The importer's row problems in Chinese for the portal (the API keeps the English reasons). Each known reason is a
/// pattern whose captured parts (row numbers, codes, months) are carried into the Chinese text; an unknown reason is
/// shown as it is.
enum ImportReasonsZh {
    /// Fields of the data dictionary by their Chinese names.
    static let fields: [String: String] = [
        "uscc": "统一社会信用代码", "name": "企业名称", "region": "所在地区", "zone": "开发区", "industry": "行业代码", "employees": "从业人员",
        "revenue": "营业收入", "size_class": "企业规模", "above_scale": "规上", "chain_links": "产业链环节", "founded": "成立年份", "month": "月份",
        "output_value": "工业总产值", "profit": "利润总额", "electricity": "用电量", "tax": "税金", "export_value": "出口交货值",
        "rd_expense": "研发费用", "receivables": "应收账款", "inventory": "存货", "supplier": "供应方", "supplier_name": "供应方名称",
        "supplier_region": "供应方地区", "customer": "客户", "product": "产品", "chain": "产业链", "link": "环节", "annual_value": "年供货额",
        "city": "设区市", "occupation": "职业", "period": "时期", "supply": "供给", "demand": "需求", "median_salary": "薪酬中位数", "qualification": "资质名称", "since": "认定年份", "valid_until": "有效期至",
        "occupation_group": "职业大类", "skill_level": "技能等级", "education": "学历", "experience_years": "工作年限",
        "project_code": "项目代码", "project_name": "项目名称", "kind": "建设性质", "planned_investment": "计划总投资",
        "completed_investment": "累计完成投资", "start_month": "开工月份", "end_month": "计划竣工月份", "status": "项目状态",
        "year": "年度", "area": "用地面积", "output": "工业总产值", "date": "日期",
    ]

    /// "output_value" → "工业总产值（output_value）".
    /// A report note in Chinese: a second header row skipped, a column's unit converted; others as they are.
    static func note(_ n: String) -> String {
        let scanner = n.split(separator: " ", maxSplits: 3).map(String.init)
        if n.hasPrefix("row "), n.contains("is a second header row"), scanner.count > 1 { return "第 \(scanner[1]) 行为第二表头行（列名或单位），已跳过" }
        if n.hasPrefix("column "), let r = n.range(of: ": values in "), let c = n.range(of: ", converted to "), scanner.count > 1 {
            let label = n[n.index(n.startIndex, offsetBy: 7 + scanner[1].count)..<r.lowerBound].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return "第 \(scanner[1]) 列“\(label)”：数值单位为\(n[r.upperBound..<c.lowerBound])，已换算为\(n[c.upperBound...])"
        }
        if n.hasPrefix("1–N月累计: "), let checked = n.split(separator: " ").first(where: { Int($0) != nil }) {
            if n.contains("all add up") { return "1–N月累计：核对 \(checked) 项，均与各月之和相符" }
            let words = n.split(separator: " ").compactMap { Int($0) }
            if words.count >= 2 { return "1–N月累计：核对 \(words[1]) 项，其中 \(words[0]) 项与已入库的各月之和不符（见下表）" }
        }
        return n
    }

    static func field(_ f: String) -> String {
        if f.hasSuffix("_ytd"), let base = fields[String(f.dropLast(4))] { return "\(base)1-N月累计（\(f)）" }
        return fields[f].map { "\($0)（\(f)）" } ?? f
    }

    private static let rules: [(NSRegularExpression, String)] = [
        ("^required value is empty$", "必填，不能为空"),
        ("^not a qualification the platform knows: (.+)$", "不是平台认可的资质名称，可选：$1"),
        ("^must be a month YYYY-MM \\(or a date in it\\)$", "应为 YYYY-MM 格式的月份（或该月中的日期）"),
        ("^not a number$", "不是数字"),
        ("^not one of (.+)$", "不在可选值中：$1"),
        ("^must be a month YYYY-MM \\(or a date in it\\) between 1990 and 2100$", "应为 1990–2100 年间 YYYY-MM 格式的月份（或该月中的日期）"),
        ("^required for a new project \\((.+) is not stored yet\\)$", "新项目（$1 尚未入库）必须填写"),
        ("^project (.+) is stored for enterprise (.+); a project code cannot move to another enterprise$", "项目 $1 已登记在企业 $2 名下，项目代码不能转给其他企业"),
        ("^more than ([0-9.]+) × the planned total investment of ([0-9.e+]+) 万元; check the unit \\(万元\\) or the plan$", "超过计划总投资 $2 万元的 $1 倍，请检查单位（万元）或计划总投资"),
        ("^the planned completion month is before the start month (.+)$", "计划竣工月份早于开工月份 $1"),
        ("^project (.+) already appears on row (\\d+)$", "项目 $1 已在第 $2 行出现"),
        ("^must be above 0 亩$", "须大于 0 亩"),
        ("^must be a day YYYY-MM-DD \\(from 2000\\) that exists in the calendar$", "应为 2000 年以后实际存在的日期 YYYY-MM-DD"),
        ("^the day is after (.+), the last month that can have been reported$", "日期晚于 $1，尚不可能报送"),
        ("^this enterprise's day already appears on row (\\d+)$", "该企业同一天的数据已在第 $1 行出现"),
        ("^not a whole number$", "不是整数"),
        ("^must not be negative$", "不能为负数"),
        ("^month must be YYYY-MM with a month from 01 to 12$", "月份须为 YYYY-MM，月为 01–12"),
        ("^month is after (.+), the last month that can have been reported$", "月份晚于 $1，尚不可能报送"),
        ("^credit code already appears on row (\\d+)$", "与第 $1 行的统一社会信用代码重复"),
        ("^this enterprise's (.+) already appears on row (\\d+)$", "该企业 $1 的数据已在第 $2 行出现"),
        ("^the same supplier, customer and product already appear on row (\\d+)$", "同一供应方、客户和产品已在第 $1 行出现"),
        ("^(enterprise is )?outside your data scope$", "不在您的数据范围内"),
        ("^no enterprise with this credit code is registered; import it first$", "库中没有这家企业，请先导入企业名录"),
        ("^not a GB/T 2260 city code of (.+)$", "不是$1的 GB/T 2260 设区市代码"),
        ("^not a GB/T 2260 code of (.+)$", "不是$1的 GB/T 2260 行政区划代码"),
        ("^(.+) is a region of (.+), not of (.+) \\(province (\\d+)\\), which this platform serves$", "$1属于$2，不属于本平台服务的$3（省级代码 $4）"),
        ("^not a GB/T 2260 region code$", "不是 GB/T 2260 行政区划代码"),
        ("^a province code is too coarse; give the county or city$", "省级代码过粗，请填写县（市、区）或设区市代码"),
        ("^(.+) does not lie in county (.+)$", "$1不在县（市、区）$2 内"),
        ("^unknown development zone code$", "未知的开发区代码"),
        ("^not a GB/T 4754-2017 code of mining, manufacturing or utilities$", "不是采矿业、制造业或电力燃气水供应业的 GB/T 4754-2017 行业代码"),
        ("^size class must be large/medium/small/micro or 大型/中型/小型/微型$", "企业规模须为 大型/中型/小型/微型（或 large/medium/small/micro）"),
        ("^must be 1/0, 是/否 or true/false$", "须为 是/否、1/0 或 true/false"),
        ("^unknown chain link code$", "未知的产业链环节代码"),
        ("^unknown chain code$", "未知的产业链代码"),
        ("^year must be between 1800 and 2100$", "年份须在 1800–2100 之间"),
        ("^the row reports no indicator at all$", "这一行没有任何指标值"),
        ("^a firm cannot supply itself$", "企业不能自己供货给自己"),
        ("^above the plausible maximum of ([0-9.e+]+) ?(.*) for one record; check the unit$", "超过单条记录的合理上限 $1 $2，请检查计量单位"),
        ("^above the plausible maximum of ([0-9.e+]+); check the value$", "超过合理上限 $1，请检查数值"),
        ("^must be at least ([-0-9.e+]+) ?(.*)$", "不能小于 $1 $2"),
        ("^longer than (\\d+) characters \\((\\d+)\\)$", "超过 $1 个字符（实际 $2 个）"),
        ("^contains a control character \\((.+)\\)$", "含有控制字符（$1）"),
        ("^contains a bidirectional override \\((.+)\\)$", "含有文字方向控制字符（$1）"),
        ("^contains a tab or line break$", "含有制表符或换行"),
        ("^this enterprise is registered outside your data scope \\(in (\\d+)\\); it cannot be changed from here$", "这家企业登记在您的数据范围之外（$1），不能在此修改"),
        ("^this enterprise is registered in (region|zone) (.+); moving it to another (region|zone) is a province-level act.*$", "这家企业登记在 $2；迁移到其他地区或开发区须由省级部门操作"),
        ("^outside your data scope: talent figures are kept per city.*$", "不在您的数据范围内：人才数据按设区市填报，只能由本市或省级部门导入"),
        ("^not a valid 统一社会信用代码: a credit code has 18 characters, this one has (\\d+)$", "不是有效的统一社会信用代码：应为 18 位，此处为 $1 位"),
        ("^not a valid 统一社会信用代码: check character is '(.)' but should be '(.)'$", "不是有效的统一社会信用代码：校验位为“$1”，应为“$2”"),
        ("^not a valid 统一社会信用代码: character (\\d+) '(.)' is not allowed.*$", "不是有效的统一社会信用代码：第 $1 位“$2”不允许（不使用 I、O、S、V、Z 和标点）"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    /// The reason in Chinese, or the original when it is not a known one.
    static func translate(_ reason: String) -> String {
        let range = NSRange(reason.startIndex..., in: reason)
        for (pattern, template) in rules {
            if let m = pattern.firstMatch(in: reason, range: range) {
                return pattern.replacementString(for: m, in: reason, offset: 0, template: template)
            }
        }
        return reason
    }
}
