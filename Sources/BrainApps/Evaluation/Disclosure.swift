/// Statistical disclosure control (统计保密) for totals shown to someone who may not read every enterprise in them, as
/// statistics bureaus apply it: the part of a cell the viewer cannot read must hold at least `minimumFirms` enterprises,
/// and no enterprise may carry more than `dominance` of it (nor two more than `twoDominance`). Otherwise subtracting the
/// firms the viewer can read would reveal one firm's figure, and the cell is suppressed with the reason.
public struct DisclosureRule: Sendable {
    public var minimumFirms = 3
    public var dominance = 0.85
    public var twoDominance = 0.90
    public init() {}

    /// The firms of a cell the viewer cannot read, by the magnitude that dominance is judged on (output).
    public struct Hidden: Sendable {
        public var firms = 0
        public var total = 0.0
        public var largest = 0.0
        public var second = 0.0
        public init() {}

        public mutating func add(_ value: Double) {
            let v = value.isFinite ? abs(value) : 0
            firms += 1
            total += v
            if v > largest { second = largest; largest = v } else if v > second { second = v }
        }
    }

    /// Nil when the cell may be shown, else the reason (in Chinese, for the portal and the API alike).
    public func suppression(_ h: Hidden) -> String? {
        guard h.firms > 0 else { return nil }
        if h.firms < minimumFirms {
            return "统计保密：本单元含您无权查看的企业\(h.firms)家，少于\(minimumFirms)家，数值不予显示"
        }
        if h.total > 0, h.largest / h.total > dominance {
            return "统计保密：本单元中您无权查看的部分由一家企业占\(Int(dominance * 100))%以上，数值不予显示"
        }
        if h.total > 0, (h.largest + h.second) / h.total > twoDominance {
            return "统计保密：本单元中您无权查看的部分由两家企业占\(Int(twoDominance * 100))%以上，数值不予显示"
        }
        return nil
    }
}
