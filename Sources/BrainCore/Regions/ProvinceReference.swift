import Foundation

/// A province code that is not one of the 31 mainland provinces of the bundled national list.
public struct UnknownProvince: Error, CustomStringConvertible {
    public let code: String
    public init(code: String) { self.code = code }
    public var description: String {
        "\(code) is not the code of one of the 31 mainland provinces of GB/T 2260 (two digits such as 36 for 江西 or 44 for 广东, or six such as 440000)"
    }
}

extension RegionCatalog {
    /// Every region of the mainland (`Resources/china-regions.csv`, 3,210 codes).
    public static let national: [Region] = BundledData.loaded { try RegionCatalog.loadRegions(resource: "china-regions") }

    /// The two-digit province code of `code` (`44`, `440000` → `44`), or nil when it names no mainland province.
    public static func provinceCode(_ code: String) -> String? {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        guard trimmed.count == 2 || (trimmed.count == 6 && trimmed.hasSuffix("0000")),
              trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let two = String(trimmed.prefix(2))
        // The 31 mainland provinces (those of the national adjacency); 台湾, 香港 and 澳门 have no counties in the list.
        guard ProvinceNeighbours.all[two] != nil else { return nil }
        return national.contains { $0.code == two + "0000" && $0.level == .province } ? two : nil
    }

    /// The catalogue of any province from the national list: the province, its cities and counties (a municipality's
    /// districts hang directly under it), with `zones` (default: Jiangxi's bundled zones for 36, none elsewhere) and
    /// `chains` (default: Jiangxi's bundled chains for 36, none elsewhere).
    public static func province(_ code: String, zones: [DevelopmentZone]? = nil, zoneOrigin: String? = nil,
                                chains: ChainBook? = nil) throws -> RegionCatalog {
        guard let two = provinceCode(code) else { throw UnknownProvince(code: code) }
        let regions = national.filter { $0.code.hasPrefix(two) }
        return RegionCatalog(regions: regions, zones: zones ?? (two == "36" ? ZoneCatalog.jiangxi : []), chains: chains, zoneOrigin: zoneOrigin)
    }
}

/// Provinces that share a land border (`Resources/province-neighbours.csv`, two-digit GB/T 2260 codes; 海南 has none).
public enum ProvinceNeighbours {
    /// Neighbours by two-digit province code.
    public static let all: [String: Set<String>] = BundledData.loaded { try load() }

    /// The provinces bordering `province` (two or six digits); empty for an unknown code.
    public static func of(_ province: String) -> Set<String> { all[String(province.prefix(2))] ?? [] }

    static func load() throws -> [String: Set<String>] {
        let file = "province-neighbours.csv"
        let text = String(decoding: try BundledData.data(file, in: .module), as: UTF8.self)
        var out: [String: Set<String>] = [:]
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() where index > 0 {
            let cols = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cols.count == 3, cols[0].count == 2 else {
                throw CodeListError.badRow(file: file, line: index + 1, reason: "expected province,name,neighbours")
            }
            out[cols[0]] = Set(cols[2].split(separator: ";").map(String.init))
        }
        for (p, ns) in out {
            for n in ns where out[n]?.contains(p) != true {
                throw CodeListError.badRow(file: file, line: 0, reason: "\(p) borders \(n) but \(n) does not list \(p)")
            }
        }
        return out
    }
}
