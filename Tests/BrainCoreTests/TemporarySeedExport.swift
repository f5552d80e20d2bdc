import Foundation
import Testing
@testable import BrainCore

// TEMPORARY: writes the chain catalogue literal to Resources/chains-jiangxi.json and checks the file against it.
@Suite struct TemporarySeedExport {
    static let notes: [String: String] = [
        "ELEC": "Electronics: materials and chips, components, boards, modules, then terminals, computers, telecom and LED lighting.",
        "NFM": "Non-ferrous metals: the copper path, tungsten to cemented carbide, rare earth to permanent-magnet motors.",
        "EQUIP": "Equipment: castings and base parts, powertrains and auto parts, motors and machine tools, then vehicles and machinery.",
        "NEWENERGY": "New energy: lithium (mica and spodumene to cells, packs, vehicles and storage) and photovoltaics (polysilicon to power plants).",
        "PETROCHEM": "Petrochemicals: refining, salt and fluorine chemistry, organosilicon, synthetic materials, fine chemicals, fertilisers.",
        "BUILDMAT": "Building materials: minerals, cement, ceramic raw materials and glass, then concrete, building, daily and industrial ceramics.",
        "STEEL": "Steel: ore, coke, scrap and ferroalloys into iron and steel, then plates and long products, structures and metal products.",
        "AVIATION": "Aviation: materials, standard parts and electronic parts, airframe, engine and avionics parts, then airframe sections, trainers, helicopters, drones and MRO.",
        "FOOD": "Food: rice, oils, fruit, tea and feed, meat and aquatic processing, condiments, then convenience food, liquor, drinks and snacks.",
        "TEXTILE": "Textiles and apparel: fibres and down, spinning, weaving, dyeing, then knitwear, down jackets, home and technical textiles, footwear.",
        "PHARMA": "Medicine: herbal pieces, intermediates, excipients and medical polymers, then APIs and extracts, drugs, biologics, devices, health food.",
        "FURNITURE": "Furniture: timber, boards, bamboo, hardware, coatings and upholstery materials, parts, then solid-wood, panel, metal, soft and bamboo furniture."
    ]
    static let about = "Jiangxi's 12 key industrial chains of the \"1269\" plan (2023), in the plan's order, and the GB/T 4754-2017 classes (小类) their links use, sorted by code. Links run upstream to downstream; each link's feeds name the links of the same chain it supplies, and the feeds form a DAG. Loaded by ChainCatalog (Sources/BrainCore/Chains/ChainCatalog.swift)."

    static var url: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/BrainCore/Resources/chains-jiangxi.json")
    }

    @Test func export() throws {
        guard ProcessInfo.processInfo.environment["SEED_EXPORT"] == "1" else { return }
        let file = ChainCatalogFile(about: Self.about, chains: ChainCatalog.all.map {
            ChainCatalogFile.Chain(code: $0.code, name: $0.name, note: Self.notes[$0.code]!, clusters: $0.clusters, links: $0.links)
        }, industryClasses: ChainCatalog.industryClasses)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(file)
        data.append(0x0A)
        try data.write(to: Self.url)
    }

    @Test func fileEqualsLiteral() throws {
        let data = try Data(contentsOf: Self.url)
        let file = try ChainCatalogFile.decode(data, file: "chains-jiangxi.json")
        #expect(file.chains.map(\.chain) == ChainCatalog.all)
        #expect(file.industryClasses == ChainCatalog.industryClasses)
        #expect(file.chains.count == 12)
        #expect(Set(file.chains.map(\.code)) == Set(Self.notes.keys))
        for c in file.chains { #expect(c.note == Self.notes[c.code]) }
        print("COUNTS chains", file.chains.count, "links", file.chains.reduce(0) { $0 + $1.links.count }, "classes", file.industryClasses.count)
    }
}
