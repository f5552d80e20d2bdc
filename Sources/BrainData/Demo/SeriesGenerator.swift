import BrainCore
import Foundation

/// Draws 48 months of the ten indicators for each firm: trend, Spring Festival seasonality, noise, planted distress.
/// January is folded into February (1–2月 reported together), so a year has 11 report rows.
struct SeriesGenerator {
    let seed: UInt64
    let firstMonth: Month
    let months: Int

    func reports(for firm: DemoFirm, index: Int) -> [MonthlyReport] {
        var rng = SeededRandom(seed: seed, stream: 0x5E41 &+ UInt64(index) &* 7919)
        let e = firm.enterprise
        let econ = ChainEconomics.of(firm.chain)
        let annual = e.revenue
        let outputRatio = rng.uniform(1.0, 1.08)
        let intensity = econ.energyIntensity * exp(rng.normal(0, 0.3))
        let taxRate = rng.uniform(0.025, 0.045)
        let rdShare = econ.rdShare * exp(rng.normal(0, 0.4))
        let recvRatio = rng.uniform(1.2, 2.6)
        let invRatio = rng.uniform(0.35, 0.9)
        let exportShare = firm.exports ? min(0.9, econ.exportShare * exp(rng.normal(0, 0.5))) : 0
        // Fixed costs (wages, depreciation, interest) as a share of a normal month's revenue: they do not fall with the
        // Spring Festival dip, so many firms lose money in 1–2月 and earn it back over the year.
        let fixedCost = rng.uniform(0.04, 0.14)
        // A struggling firm's margin before fixed costs hovers around what just covers them.
        let strugglingMargin = rng.uniform(-0.05, 0.015)
        // A few smaller firms leave R&D expense unreported (not reported ≠ zero).
        let reportsRD = firm.enterprise.aboveScale || rng.chance(0.75)
        let last = months - 1
        let onset = firm.distressOnset
        var distressFactor = 1.0
        if let kind = firm.distress {
            switch kind {
            case .outputCollapse: distressFactor = rng.uniform(0.4, 0.58)
            case .powerCollapse: distressFactor = rng.uniform(0.38, 0.55)
            case .receivablesBallooning: distressFactor = rng.uniform(1.9, 2.6)
            case .staffExodus: distressFactor = rng.uniform(0.58, 0.72)
            case .exitRisk: distressFactor = rng.uniform(1_350, 1_750) / annual
            case .consecutiveLosses: distressFactor = rng.uniform(0.02, 0.08)
            }
        }
        var values: [[Double]] = []
        values.reserveCapacity(months)
        for t in 0..<months {
            let month = firstMonth.adding(months: t)
            var level = annual / 12 * pow(1 + firm.growth, (Double(t) - (Double(last) - 5.5)) / 12)
            var elecFactor = 1.0, recvFactor = 1.0, staffFactor = 1.0
            if let kind = firm.distress, t >= onset {
                let progress = Double(t - onset + 1) / Double(last - onset + 1)
                switch kind {
                case .outputCollapse: level *= distressFactor
                case .powerCollapse: elecFactor = distressFactor
                case .receivablesBallooning:
                    recvFactor = 1 + (distressFactor - 1) * progress
                    level = annual / 12 * pow(1 + firm.growth, (Double(onset) - (Double(last) - 5.5)) / 12)
                case .staffExodus: staffFactor = 1 - (1 - distressFactor) * progress
                case .exitRisk: level = annual / 12 * (1 - (1 - distressFactor) * progress)
                case .consecutiveLosses: break
                }
            }
            let normalMonth = level
            let season = Seasonality.factors[month.month - 1]
            let output = level * outputRatio * season * exp(rng.normal(0, 0.035))
            let revenue = level * season * exp(rng.normal(0, 0.03))
            // Margin on a normal month; the fixed part is earned on revenue and paid on the normal month's level.
            var margin = (firm.struggling ? strugglingMargin : firm.margin) + rng.normal(0, 0.012)
            if firm.distress == .consecutiveLosses, t >= onset { margin = -distressFactor * rng.uniform(0.8, 1.2) }
            let profit = firm.distress == .consecutiveLosses && t >= onset ? revenue * margin
                : revenue * (margin + fixedCost) - normalMonth * fixedCost
            let electricity = output * intensity * elecFactor * exp(rng.normal(0, 0.03))
            let tax = revenue * taxRate * exp(rng.normal(0, 0.05))
            let employees = (Double(e.employees) * pow(1 + firm.growth * 0.3, (Double(t) - Double(last)) / 12) * staffFactor * exp(rng.normal(0, 0.01))).rounded()
            let export = output * exportShare * exp(rng.normal(0, 0.08))
            let rd = revenue * rdShare * exp(rng.normal(0, 0.1))
            let receivables = level * recvRatio * recvFactor * exp(rng.normal(0, 0.025))
            let inventory = level * invRatio * exp(rng.normal(0, 0.04))
            values.append([output, revenue, profit, electricity, tax, max(1, employees), export, rd, receivables, inventory])
        }
        // The rows as reported: January folded into February (if February is in the window).
        var rows: [(month: Month, values: [Double])] = []
        rows.reserveCapacity(months)
        var t = firm.startIndex
        while t < months {
            let month = firstMonth.adding(months: t)
            if month.month == 1 {
                if t + 1 < months {
                    let row = Indicator.allCases.enumerated().map { i, indicator in
                        indicator.aggregation == .sum ? values[t][i] + values[t + 1][i] : values[t + 1][i]
                    }
                    rows.append((month.next, row))
                }
                t += 2
                continue
            }
            rows.append((month, values[t]))
            t += 1
        }
        // Healthy firms never report three losing periods in a row: that pattern is reserved for planted distress.
        let profit = Indicator.profit.index
        if firm.distress != .consecutiveLosses {
            var run = 0
            for k in rows.indices {
                run = rows[k].values[profit] < 0 ? run + 1 : 0
                if run == 3 {
                    rows[k - 1].values[profit] = abs(rows[k - 1].values[profit])
                    run = rows[k].values[profit] < 0 ? 1 : 0
                }
            }
        }
        let out = rows.map { row -> MonthlyReport in
            var values = row.values.map(round2)
            if !reportsRD { values[Indicator.rdExpense.index] = nil }
            return MonthlyReport(uscc: e.uscc, month: row.month, values: values)
        }
        return out
    }

    private func round2(_ v: Double) -> Double? { (v * 100).rounded() / 100 }
}
