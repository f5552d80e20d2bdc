import BrainCore
import Foundation

/// Size of the generated demo dataset.
public enum DemoScale: String, Sendable, CaseIterable, Codable {
    /// ≈ 18,000 规上 plus ≈ 6,000 smaller firms, like Jiangxi in 2023.
    case province
    /// About 500 firms, for tests.
    case small

    var aboveScaleFirms: Int { self == .province ? 18_000 : 380 }
    /// The generated 规上 firms as a share of the province's ≈ 18,000.
    var share: Double { Double(aboveScaleFirms) / 18_000 }
    var smallerFirms: Int { self == .province ? 6_000 : 120 }
}

/// Distress the generator plants in chosen firms, so warnings can be checked against known truth.
public enum DistressKind: String, Codable, Sendable, CaseIterable {
    /// Output 同比 down 40–60 % over the last months.
    case outputCollapse = "output-collapse"
    /// Electricity 同比 down 40–60 % while reported output holds.
    case powerCollapse = "power-collapse"
    /// Losses in each of the last 3–5 months.
    case consecutiveLosses = "consecutive-losses"
    /// Receivables up 80–150 % in six months while revenue is flat.
    case receivablesBallooning = "receivables-ballooning"
    /// Employees down 25–40 % in six months.
    case staffExodus = "staff-exodus"
    /// A 规上 firm whose trailing-12-month revenue is sliding towards 2000 万元.
    case exitRisk = "exit-risk"
}

/// One planted distressed firm.
public struct PlantedDistress: Codable, Sendable, Hashable {
    public let uscc: String
    public let kind: DistressKind
    /// First month the distress shows.
    public let onset: String
    public let note: String
}

/// A chain link planted with a notable supply structure.
public struct PlantedLink: Codable, Sendable, Hashable {
    public let chain: String
    public let link: String
    /// For a dominant-supplier link, the firm holding most of the local output.
    public let dominantFirm: String?
    public let note: String
}

/// The known truths of a generated dataset, written to `demo-manifest.json` in the data folder.
public struct DemoManifest: Codable, Sendable {
    public let scale: DemoScale
    public let seed: UInt64
    public let firstMonth: String
    public let lastMonth: String
    public let enterprises: Int
    public let aboveScale: Int
    public let monthlyReports: Int
    public let supplyLinks: Int
    public let talentRecords: Int
    public let distressed: [PlantedDistress]
    /// Chain links with no local firm at all (补链 targets).
    public let gapLinks: [PlantedLink]
    /// Chain links whose local supply rests on one firm with more than half the link's output.
    public let dominantSupplierLinks: [PlantedLink]
    public let generatedAt: String
}

/// The chain structure the demo plants on purpose, so analyses can be checked against known truth.
enum PlantedStructure {
    /// Links with no firm in the province: high-end links Jiangxi really lacks (advanced chips, high-end CNC machine tools
    /// and robots, aero-engine parts, polysilicon), never the links it is known for.
    static let gaps: Set<String> = ["ELEC-02", "EQUIP-07", "AVIATION-05", "NEWENERGY-02"]
    /// Links whose local output rests on one firm (九江's refinery, 南昌's maker of trainers, 景德镇's of helicopters):
    /// the city profiles plant that firm, and at most two smaller firms join it.
    static let dominant: Set<String> = ["PETROCHEM-02", "AVIATION-08", "AVIATION-09"]
}

/// Economics of a chain used to shape its firms' series.
struct ChainEconomics {
    /// Annual growth of output.
    let growth: Double
    /// Electricity per output (万千瓦时 per 万元).
    let energyIntensity: Double
    /// Share of output exported by exporting firms.
    let exportShare: Double
    /// Profit margin on revenue.
    let margin: Double
    /// R&D expense on revenue.
    let rdShare: Double
    /// Output per employee per year (万元).
    let productivity: Double

    static let byChain: [String: ChainEconomics] = [
        "ELEC": .init(growth: 0.12, energyIntensity: 0.012, exportShare: 0.35, margin: 0.05, rdShare: 0.035, productivity: 110),
        "NFM": .init(growth: 0.08, energyIntensity: 0.045, exportShare: 0.08, margin: 0.04, rdShare: 0.012, productivity: 420),
        "EQUIP": .init(growth: 0.09, energyIntensity: 0.015, exportShare: 0.12, margin: 0.06, rdShare: 0.03, productivity: 130),
        "NEWENERGY": .init(growth: 0.10, energyIntensity: 0.030, exportShare: 0.2, margin: 0.05, rdShare: 0.03, productivity: 180),
        "PETROCHEM": .init(growth: 0.07, energyIntensity: 0.060, exportShare: 0.05, margin: 0.06, rdShare: 0.015, productivity: 300),
        "BUILDMAT": .init(growth: 0.03, energyIntensity: 0.090, exportShare: 0.06, margin: 0.05, rdShare: 0.01, productivity: 120),
        "STEEL": .init(growth: 0.04, energyIntensity: 0.110, exportShare: 0.05, margin: 0.03, rdShare: 0.012, productivity: 450),
        "AVIATION": .init(growth: 0.11, energyIntensity: 0.010, exportShare: 0.05, margin: 0.07, rdShare: 0.05, productivity: 120),
        "FOOD": .init(growth: 0.06, energyIntensity: 0.020, exportShare: 0.05, margin: 0.07, rdShare: 0.008, productivity: 140),
        "TEXTILE": .init(growth: 0.04, energyIntensity: 0.018, exportShare: 0.25, margin: 0.05, rdShare: 0.01, productivity: 60),
        "PHARMA": .init(growth: 0.08, energyIntensity: 0.015, exportShare: 0.08, margin: 0.10, rdShare: 0.05, productivity: 150),
        "FURNITURE": .init(growth: 0.05, energyIntensity: 0.012, exportShare: 0.15, margin: 0.06, rdShare: 0.01, productivity: 70),
    ]

    static func of(_ chain: String) -> ChainEconomics {
        byChain[chain] ?? .init(growth: 0.07, energyIntensity: 0.02, exportShare: 0.1, margin: 0.06, rdShare: 0.02, productivity: 150)
    }
}

/// Seasonal factor per calendar month: the Spring Festival dip in January–February, the year-end push in December.
enum Seasonality {
    static let factors: [Double] = [0.80, 0.72, 1.02, 0.98, 1.00, 1.04, 0.97, 0.98, 1.03, 1.00, 1.05, 1.13]
}
