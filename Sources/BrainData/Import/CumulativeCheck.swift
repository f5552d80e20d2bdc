import BrainCore
import BrainStore

/// A 1–N月累计 figure of a file that the months do not add up to: the months of the year up to its month, as stored
/// after the import, sum to something else, or some of them are missing.
public struct CumulativeMismatch: Codable, Sendable, Hashable {
    /// The row of the file that gave the cumulative figure.
    public let row: Int
    public let uscc: String
    public let month: String
    public let indicator: String
    /// The 1–N月累计 the file gave.
    public let reported: Double
    /// The sum of the stored months (those present).
    public let summed: Double
    /// Months of the year up to `month` with no value (January counts as present when February holds 1–2月).
    public let missingMonths: [String]
}

/// The 1–N月累计 columns of an indicators file (`output_value_ytd`, `工业总产值1-N月累计` …) checked against the months:
/// for each firm and year the latest month's cumulative figures are kept while the file is read (memory bounded by
/// firms × years, not rows) and compared with the stored months once the file is committed. A figure that does not add
/// up is reported, never rejected: the monthly values are what the platform stores.
struct CumulativeCheck {
    /// Relative difference tolerated (rounding in the bureau's forms); at least half a unit.
    static let tolerance = 0.005
    /// Mismatches listed in a report; the rest are counted.
    static let kept = 1_000

    /// The indicators that add up over months (flows); stocks (employees, receivables, inventory) have no 累计.
    static let flows = Indicator.allCases.filter { $0.aggregation == .sum }

    private struct Latest {
        var month: Month
        var line: Int
        var values: [Indicator: Double]
    }
    private var latest: [String: Latest] = [:]

    /// Reads a row's cumulative columns (a bad number fails the row naming the column); keeps them when the row's month
    /// is the latest of its firm and year so far.
    mutating func read(_ fields: [String], map: HeaderMap, uscc: String, month: Month, line: Int, check: inout RowCheck) {
        var values: [Indicator: Double] = [:]
        for ind in Self.flows {
            let field = ind.rawValue + "_ytd"
            guard let raw = map.value(field, in: fields) else { continue }
            let range = ind.plausibleRange.lowerBound * 12...ind.plausibleRange.upperBound * 12
            if let v = check.number(field, raw, range: range, unit: ind.unit) ?? nil { values[ind] = v }
        }
        guard !values.isEmpty else { return }
        let key = uscc + String(month.year)
        if let seen = latest[key], seen.month > month { return }
        latest[key] = Latest(month: month, line: line, values: values)
    }

    var isEmpty: Bool { latest.isEmpty }

    /// Compares the kept figures with the stored months: (figures checked, the first `kept` mismatches, mismatches in all).
    func compare(with store: Store) async throws -> (checked: Int, mismatches: [CumulativeMismatch], total: Int) {
        var byYear: [Int: [(uscc: String, entry: Latest)]] = [:]
        for (key, entry) in latest { byYear[entry.month.year, default: []].append((String(key.dropLast(4)), entry)) }
        var checked = 0, total = 0
        var out: [CumulativeMismatch] = []
        for (year, entries) in byYear {
            let last = entries.map(\.entry.month).max()!
            let stored = try await store.reports(firms: Array(Set(entries.map(\.uscc))), from: Month(year: year, month: 1)!, to: last)
            var months: [String: [Int: MonthlyReport]] = [:]
            for r in stored { months[r.uscc, default: [:]][r.month.month] = r }
            for (uscc, entry) in entries.sorted(by: { $0.entry.line < $1.entry.line }) {
                let mine = months[uscc] ?? [:]
                for ind in Self.flows {
                    guard let reported = entry.values[ind] else { continue }
                    checked += 1
                    var sum = 0.0
                    var missing: [String] = []
                    for m in 1...entry.month.month {
                        if let v = mine[m]?[ind] { sum += v; continue }
                        // January is often reported together with February (1–2月).
                        if m == 1, entry.month.month >= 2, mine[2]?[ind] != nil { continue }
                        missing.append(Month(year: year, month: m)!.description)
                    }
                    let off = abs(sum - reported) > max(Self.tolerance * abs(reported), 0.5)
                    guard off || !missing.isEmpty else { continue }
                    total += 1
                    if out.count < Self.kept {
                        out.append(CumulativeMismatch(row: entry.line, uscc: uscc, month: entry.month.description, indicator: ind.rawValue,
                                                      reported: reported, summed: (sum * 100).rounded() / 100, missingMonths: missing))
                    }
                }
            }
        }
        return (checked, out.sorted { ($0.row, $0.indicator) < ($1.row, $1.indicator) }, total)
    }
}
