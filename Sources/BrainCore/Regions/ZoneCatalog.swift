import Foundation

/// The default development zones of Jiangxi: the 赣江新区 national new area, every national high-tech and
/// economic-technological zone, the comprehensive bonded zones and notable provincial zones.
public enum ZoneCatalog {
    /// Jiangxi's zones; codes are `Z` + the home city's four-digit prefix + a sequence (`Z3600xx` spans cities).
    public static let jiangxi: [DevelopmentZone] = [
        // Across cities
        DevelopmentZone(code: "Z360001", name: "江西赣江新区", shortName: "赣江新区", kind: .nationalNewArea,
                        counties: ["360112", "360111", "360425", "360482"], chains: ["ELEC", "PHARMA", "EQUIP"]),
        // 南昌市
        DevelopmentZone(code: "Z360101", name: "南昌高新技术产业开发区", shortName: "南昌高新区", kind: .nationalHighTech,
                        counties: ["360111", "360121"], chains: ["ELEC", "AVIATION", "PHARMA"]),
        DevelopmentZone(code: "Z360102", name: "南昌经济技术开发区", shortName: "南昌经开区", kind: .nationalEconomic,
                        counties: ["360112"], chains: ["ELEC", "EQUIP", "PHARMA"]),
        DevelopmentZone(code: "Z360103", name: "南昌小蓝经济技术开发区", shortName: "小蓝经开区", kind: .nationalEconomic,
                        counties: ["360121"], chains: ["EQUIP", "PHARMA", "FOOD"]),
        DevelopmentZone(code: "Z360104", name: "南昌综合保税区", shortName: "南昌综保区", kind: .bonded,
                        counties: ["360112"], chains: ["ELEC"]),
        DevelopmentZone(code: "Z360105", name: "江西进贤经济开发区", shortName: "进贤经开区", kind: .provincial,
                        counties: ["360124"], chains: ["PHARMA", "FOOD"]),
        // 景德镇市
        DevelopmentZone(code: "Z360201", name: "景德镇高新技术产业开发区", shortName: "景德镇高新区", kind: .nationalHighTech,
                        counties: ["360202"], chains: ["AVIATION", "EQUIP", "PHARMA"]),
        DevelopmentZone(code: "Z360202", name: "江西乐平工业园区", shortName: "乐平工业园", kind: .provincial,
                        counties: ["360281"], chains: ["PETROCHEM", "PHARMA"]),
        DevelopmentZone(code: "Z360203", name: "江西浮梁产业园区", shortName: "浮梁产业园", kind: .provincial,
                        counties: ["360222"], chains: ["BUILDMAT", "ELEC"]),
        // 萍乡市
        DevelopmentZone(code: "Z360301", name: "萍乡经济技术开发区", shortName: "萍乡经开区", kind: .nationalEconomic,
                        counties: ["360302"], chains: ["EQUIP", "BUILDMAT", "ELEC"]),
        DevelopmentZone(code: "Z360302", name: "江西湘东工业园区", shortName: "湘东工业园", kind: .provincial,
                        counties: ["360313"], chains: ["BUILDMAT"]),
        DevelopmentZone(code: "Z360303", name: "江西芦溪工业园区", shortName: "芦溪工业园", kind: .provincial,
                        counties: ["360323"], chains: ["BUILDMAT", "EQUIP"]),
        // 九江市
        DevelopmentZone(code: "Z360401", name: "九江经济技术开发区", shortName: "九江经开区", kind: .nationalEconomic,
                        counties: ["360402", "360404"], chains: ["PETROCHEM", "ELEC", "NEWENERGY"]),
        DevelopmentZone(code: "Z360402", name: "九江共青城高新技术产业开发区", shortName: "共青城高新区", kind: .nationalHighTech,
                        counties: ["360482"], chains: ["TEXTILE", "ELEC"]),
        DevelopmentZone(code: "Z360403", name: "九江综合保税区", shortName: "九江综保区", kind: .bonded,
                        counties: ["360402"], chains: ["ELEC"]),
        DevelopmentZone(code: "Z360404", name: "江西湖口高新技术产业园区", shortName: "湖口高新区", kind: .provincial,
                        counties: ["360429"], chains: ["STEEL", "PETROCHEM"]),
        DevelopmentZone(code: "Z360405", name: "江西永修云山经济开发区", shortName: "永修云山经开区", kind: .provincial,
                        counties: ["360425"], chains: ["PETROCHEM"]),
        DevelopmentZone(code: "Z360406", name: "江西彭泽工业园区", shortName: "彭泽工业园", kind: .provincial,
                        counties: ["360430"], chains: ["PETROCHEM", "TEXTILE"]),
        // 新余市
        DevelopmentZone(code: "Z360501", name: "新余高新技术产业开发区", shortName: "新余高新区", kind: .nationalHighTech,
                        counties: ["360502"], chains: ["NEWENERGY", "STEEL", "EQUIP"]),
        // 鹰潭市
        DevelopmentZone(code: "Z360601", name: "鹰潭高新技术产业开发区", shortName: "鹰潭高新区", kind: .nationalHighTech,
                        counties: ["360602"], chains: ["NFM", "ELEC"]),
        DevelopmentZone(code: "Z360602", name: "江西贵溪经济开发区", shortName: "贵溪经开区", kind: .provincial,
                        counties: ["360681"], chains: ["NFM", "PETROCHEM"]),
        DevelopmentZone(code: "Z360603", name: "江西余江工业园区", shortName: "余江工业园", kind: .provincial,
                        counties: ["360603"], chains: ["ELEC", "NFM"]),
        // 赣州市
        DevelopmentZone(code: "Z360701", name: "赣州高新技术产业开发区", shortName: "赣州高新区", kind: .nationalHighTech,
                        counties: ["360704"], chains: ["NFM", "EQUIP"]),
        DevelopmentZone(code: "Z360702", name: "赣州经济技术开发区", shortName: "赣州经开区", kind: .nationalEconomic,
                        counties: ["360702", "360704"], chains: ["NEWENERGY", "ELEC", "EQUIP"]),
        DevelopmentZone(code: "Z360703", name: "龙南经济技术开发区", shortName: "龙南经开区", kind: .nationalEconomic,
                        counties: ["360783"], chains: ["ELEC", "NFM"]),
        DevelopmentZone(code: "Z360704", name: "瑞金经济技术开发区", shortName: "瑞金经开区", kind: .nationalEconomic,
                        counties: ["360781"], chains: ["EQUIP", "FOOD"]),
        DevelopmentZone(code: "Z360705", name: "赣州综合保税区", shortName: "赣州综保区", kind: .bonded,
                        counties: ["360702"], chains: ["ELEC"]),
        DevelopmentZone(code: "Z360706", name: "江西南康经济开发区", shortName: "南康经开区", kind: .provincial,
                        counties: ["360703"], chains: ["FURNITURE"]),
        DevelopmentZone(code: "Z360707", name: "江西于都工业园区", shortName: "于都工业园", kind: .provincial,
                        counties: ["360731"], chains: ["TEXTILE"]),
        DevelopmentZone(code: "Z360708", name: "江西大余工业园区", shortName: "大余工业园", kind: .provincial,
                        counties: ["360723"], chains: ["NFM"]),
        // 吉安市
        DevelopmentZone(code: "Z360801", name: "吉安高新技术产业开发区", shortName: "吉安高新区", kind: .nationalHighTech,
                        counties: ["360821"], chains: ["ELEC", "FOOD", "NEWENERGY"]),
        DevelopmentZone(code: "Z360802", name: "井冈山经济技术开发区", shortName: "井冈山经开区", kind: .nationalEconomic,
                        counties: ["360802", "360803"], chains: ["ELEC"]),
        DevelopmentZone(code: "Z360803", name: "井冈山综合保税区", shortName: "井冈山综保区", kind: .bonded,
                        counties: ["360802"], chains: ["ELEC"]),
        // 宜春市
        DevelopmentZone(code: "Z360901", name: "宜春经济技术开发区", shortName: "宜春经开区", kind: .nationalEconomic,
                        counties: ["360902"], chains: ["NEWENERGY", "EQUIP", "PHARMA"]),
        DevelopmentZone(code: "Z360902", name: "宜春丰城高新技术产业开发区", shortName: "丰城高新区", kind: .nationalHighTech,
                        counties: ["360981"], chains: ["NFM", "EQUIP", "FOOD"]),
        DevelopmentZone(code: "Z360903", name: "江西樟树工业园区", shortName: "樟树工业园", kind: .provincial,
                        counties: ["360982"], chains: ["PHARMA", "PETROCHEM", "FOOD"]),
        DevelopmentZone(code: "Z360904", name: "江西高安高新技术产业园区", shortName: "高安高新区", kind: .provincial,
                        counties: ["360983"], chains: ["BUILDMAT"]),
        DevelopmentZone(code: "Z360905", name: "江西奉新工业园区", shortName: "奉新工业园", kind: .provincial,
                        counties: ["360921"], chains: ["TEXTILE", "NEWENERGY"]),
        DevelopmentZone(code: "Z360906", name: "江西宜丰工业园区", shortName: "宜丰工业园", kind: .provincial,
                        counties: ["360924"], chains: ["NEWENERGY"]),
        // 抚州市
        DevelopmentZone(code: "Z361001", name: "抚州高新技术产业开发区", shortName: "抚州高新区", kind: .nationalHighTech,
                        counties: ["361002"], chains: ["EQUIP", "ELEC", "PHARMA"]),
        DevelopmentZone(code: "Z361002", name: "江西东乡经济开发区", shortName: "东乡经开区", kind: .provincial,
                        counties: ["361003"], chains: ["PHARMA", "EQUIP"]),
        // 上饶市
        DevelopmentZone(code: "Z361101", name: "上饶经济技术开发区", shortName: "上饶经开区", kind: .nationalEconomic,
                        counties: ["361102", "361104"], chains: ["NEWENERGY", "EQUIP", "ELEC"]),
        DevelopmentZone(code: "Z361102", name: "上饶高新技术产业开发区", shortName: "上饶高新区", kind: .provincial,
                        counties: ["361104"], chains: ["ELEC"]),
        DevelopmentZone(code: "Z361103", name: "江西万年高新技术产业园区", shortName: "万年高新区", kind: .provincial,
                        counties: ["361129"], chains: ["BUILDMAT", "PETROCHEM"]),
    ]

    /// The zone with the given code (e.g. `Z360101`), if any.
    public static func zone(_ code: String) -> DevelopmentZone? { jiangxi.first { $0.code == code } }
}

/// The format of the bundled zone catalogue, `Resources/zones-jiangxi.json`: what the file holds, and the zones grouped
/// by home city in GB/T 2260 code order (the zones across cities first).
struct ZoneCatalogFile: Codable, Sendable, Hashable {
    /// What the file holds, how zone codes are made and where the file is loaded.
    var about: String
    var zones: [DevelopmentZone]

    static let fileName = "zones-jiangxi.json"

    /// Reads, decodes and validates the bundled file against the bundled regions of Jiangxi (read here from their CSV,
    /// not through `RegionCatalog.jiangxi`, which is built from these zones).
    static func bundled() throws -> ZoneCatalogFile {
        try decode(BundledData.data(fileName, in: .module), file: fileName,
                   regions: RegionCatalog.loadRegions(resource: "jiangxi-regions"))
    }

    /// Decodes `data` as a zone catalogue file and validates it against `regions`; errors name `file` and the zone.
    static func decode(_ data: Data, file: String, regions: [Region]) throws -> ZoneCatalogFile {
        let content = try BundledData.decode(ZoneCatalogFile.self, from: data, file: file)
        if let problem = content.problems(regions: regions).first { throw BundledDataError(file: file, problem) }
        return content
    }

    /// Rule violations, each naming its zone (empty when the file is consistent): codes unique and `Z` + six digits, at
    /// least one county, every county a county of `regions` that lies in the city its code names (so the zone's
    /// `cities` are real), a zone of one home city (`Z` + a city's four digits) lying in that city, and every chain a
    /// chain of `ChainCatalog`.
    func problems(regions: [Region]) -> [String] {
        let byCode = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let chains = Set(ChainCatalog.all.map(\.code))
        var problems: [String] = []
        var codes = Set<String>()
        for zone in zones {
            let digits = zone.code.dropFirst()
            if !zone.code.hasPrefix("Z") || digits.count != 6 || !digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                problems.append("zone \(zone.code): code must be Z and six digits")
            }
            if !codes.insert(zone.code).inserted { problems.append("zone \(zone.code) is listed twice") }
            if zone.counties.isEmpty { problems.append("zone \(zone.code) has no counties") }
            for county in zone.counties {
                guard let region = byCode[county], region.level == .county else {
                    problems.append("zone \(zone.code): \(county) is not a county of the region catalogue")
                    continue
                }
                if let city = region.parent, !zone.cities.contains(city) {
                    problems.append("zone \(zone.code): county \(county) lies in \(city), not in one of the zone's cities")
                }
            }
            let home = String(digits.prefix(4)) + "00"
            if byCode[home]?.level == .city, !zone.cities.contains(home) {
                problems.append("zone \(zone.code): its code names city \(home), in which none of its counties lies")
            }
            for chain in zone.chains where !chains.contains(chain) {
                problems.append("zone \(zone.code): chain \(chain) is not a chain of the catalogue")
            }
        }
        return problems
    }
}
