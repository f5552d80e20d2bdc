import Foundation

/// The analysis scope's refusals (region, zone, period; written in English for the API) in an official's words on the
/// portal's pages. A message it does not know is shown as it is.
enum ScopeReasonsZh {
    private static let rules: [(NSRegularExpression, String)] = [
        (#"^must be a month YYYY-MM, got '(.*)'$"#, "月份应为 YYYY-MM 格式（如 2026-10），收到的是“$1”"),
        (#"^(\d{4}-\d{2}) is after (\d{4}-\d{2}), the latest month with data$"#, "$1 晚于已有数据的最新月份 $2"),
        (#"^January is reported together with February; use (\d{4})-02 for 1–2月$"#, "1 月数据与 2 月合并报送（1–2月），请选择 $1年2月（1–2月累计）"),
        (#"^(\S+) is not a GB/T 2260 code of (.+)$"#, "$1 不是$2的行政区划代码"),
        (#"^region (\S+) is outside your data scope \((.+)\)$"#, "地区 $1 不在您的数据范围（$2）内"),
        (#"^zone (\S+) is outside your data scope \((.+)\)$"#, "开发区 $1 不在您的数据范围（$2）内"),
        (#"^region (\S+) is outside your zone (.+) \((.+)\)$"#, "地区 $1 不在您所在的开发区 $2（$3）范围内"),
        (#"^(\S+) is not a known development zone code$"#, "$1 不是已登记的开发区代码"),
        (#"^your account has no data scope$"#, "您的账号没有设置数据范围，请联系管理员"),
        (#"^(\S+) is not a chain code; see /api/v1/chains$"#, "$1 不是已登记的产业链代码"),
        (#"^(\S+) is not a GB/T 4754-2017 division or class$"#, "$1 不是国民经济行业分类（GB/T 4754-2017）的大类或小类代码"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    static func translate(_ message: String) -> String {
        let range = NSRange(message.startIndex..., in: message)
        for (regex, template) in rules where regex.firstMatch(in: message, range: range) != nil {
            return regex.stringByReplacingMatches(in: message, range: range, withTemplate: template)
        }
        return message
    }
}
