import Testing
@testable import BrainWeb

@Suite struct ImportReasonsZhTests {
    @Test func knownReasonsReadInChineseWithTheirDetails() {
        let cases: [(String, String)] = [
            ("required value is empty", "必填，不能为空"),
            ("must not be negative", "不能为负数"),
            ("credit code already appears on row 17", "与第 17 行的统一社会信用代码重复"),
            ("this enterprise's 2026-10 already appears on row 3", "该企业 2026-10 的数据已在第 3 行出现"),
            ("month is after 2026-10, the last month that can have been reported", "月份晚于 2026-10，尚不可能报送"),
            ("enterprise is outside your data scope", "不在您的数据范围内"),
            ("outside your data scope", "不在您的数据范围内"),
            ("not a GB/T 2260 code of 江西省", "不是江西省的 GB/T 2260 行政区划代码"),
            ("东湖区 is a region of 江西省, not of 广东省 (province 44), which this platform serves", "东湖区属于江西省，不属于本平台服务的广东省（省级代码 44）"),
            ("not a valid 统一社会信用代码: check character is '0' but should be 'Q'", "不是有效的统一社会信用代码：校验位为“0”，应为“Q”"),
            ("not a valid 统一社会信用代码: a credit code has 18 characters, this one has 10", "不是有效的统一社会信用代码：应为 18 位，此处为 10 位"),
            ("above the plausible maximum of 100000000 万元 for one record; check the unit", "超过单条记录的合理上限 100000000 万元，请检查计量单位"),
            ("longer than 200 characters (2000000)", "超过 200 个字符（实际 2000000 个）"),
            ("contains a control character (U+0000)", "含有控制字符（U+0000）"),
            ("this enterprise is registered outside your data scope (in 360902); it cannot be changed from here", "这家企业登记在您的数据范围之外（360902），不能在此修改"),
            ("this enterprise is registered in region 360121; moving it to another region is a province-level act (permission enterprises:relocate)",
             "这家企业登记在 360121；迁移到其他地区或开发区须由省级部门操作"),
        ]
        for (english, chinese) in cases { #expect(ImportReasonsZh.translate(english) == chinese, "\(english)") }
        #expect(ImportReasonsZh.translate("something new") == "something new")
        #expect(ImportReasonsZh.field("output_value") == "工业总产值（output_value）")
        #expect(ImportReasonsZh.field("unknown_column") == "unknown_column")
    }
}

/// The 1–N月累计 notes and column names read in Chinese.
@Test func cumulativeNotesAndColumnsReadInChinese() {
    #expect(ImportReasonsZh.note("1–N月累计: 12 figures checked, all add up to the months") == "1–N月累计：核对 12 项，均与各月之和相符")
    #expect(ImportReasonsZh.note("1–N月累计: 2 of 40 figures do not add up to the months stored (see cumulativeMismatches)")
            == "1–N月累计：核对 40 项，其中 2 项与已入库的各月之和不符（见下表）")
    #expect(ImportReasonsZh.field("output_value_ytd") == "工业总产值1-N月累计（output_value_ytd）")
}

/// The analysis scope's refusals read in Chinese on the portal.
@Test func scopeRefusalsReadInChinese() {
    #expect(ScopeReasonsZh.translate("January is reported together with February; use 2026-02 for 1–2月") == "1 月数据与 2 月合并报送（1–2月），请选择 2026年2月（1–2月累计）")
    #expect(ScopeReasonsZh.translate("must be a month YYYY-MM, got 'spring'") == "月份应为 YYYY-MM 格式（如 2026-10），收到的是“spring”")
    #expect(ScopeReasonsZh.translate("2027-01 is after 2026-10, the latest month with data") == "2027-01 晚于已有数据的最新月份 2026-10")
    #expect(ScopeReasonsZh.translate("region 360900 is outside your data scope (360100)") == "地区 360900 不在您的数据范围（360100）内")
    #expect(ScopeReasonsZh.translate("440100 is not a GB/T 2260 code of 江西省") == "440100 不是江西省的行政区划代码")
    #expect(ScopeReasonsZh.translate("something new") == "something new")
}
