import BrainStore
import Foundation
import Testing
@testable import BrainApps

// TEMPORARY: writes the demo catalogue literals to Sources/BrainApps/Resources and checks the files.
@Suite struct TemporarySeedExport {
    static let catalogueAbout = "Demo service catalogue (服务资源目录): government (政府资源), industry (行业资源) and local providers (本地服务商, including a few seated outside the province) with their solutions. Every name is invented for illustration (bodies marked “示范” are generic stand-ins, companies are fictional), and every telephone number is fictional. Solutions S001–S021 are general smart-manufacturing and industrial-software offers (通用智能制造与工业软件), S022–S059 chain-specific ones (产业链专项), S060–S085 public services, finance, talent and security (公共服务、金融、人才与安全). Prices are in 万元: both absent when priced on request (面议), both 0 for free public services. Loaded by SeededCatalogue (Sources/BrainApps/Catalogue/SeededCatalogue.swift)."

    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/BrainApps/Resources/" + name)
    }

    static func write<T: Encodable>(_ value: T, _ name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try data.write(to: url(name))
    }

    @Test func export() throws {
        guard ProcessInfo.processInfo.environment["SEED_EXPORT"] == "1" else { return }
        try Self.write(ServiceCatalogueFile(about: Self.catalogueAbout, providers: SeededCatalogue.providers.map(ServiceCatalogueFile.Provider.init),
                                           solutions: SeededCatalogue.solutions.map(ServiceCatalogueFile.Solution.init)), ServiceCatalogueFile.fileName)
    }

    @Test func filesEqualLiterals() throws {
        let c = try ServiceCatalogueFile.decode(Data(contentsOf: Self.url(ServiceCatalogueFile.fileName)), file: ServiceCatalogueFile.fileName)
        #expect(c.about == Self.catalogueAbout)
        // createdAt is stamped at load time, as the literals stamped it at first use: compare everything else.
        try #require(c.providers.count == SeededCatalogue.providers.count && c.solutions.count == SeededCatalogue.solutions.count)
        var providers = c.providers.map(\.provider), solutions = c.solutions.map(\.solution)
        for i in providers.indices { providers[i].createdAt = SeededCatalogue.providers[i].createdAt }
        for i in solutions.indices { solutions[i].createdAt = SeededCatalogue.solutions[i].createdAt }
        #expect(providers == SeededCatalogue.providers)
        #expect(solutions == SeededCatalogue.solutions)
        #expect(c.providers == SeededCatalogue.providers.map(ServiceCatalogueFile.Provider.init))
        #expect(c.solutions == SeededCatalogue.solutions.map(ServiceCatalogueFile.Solution.init))
        print("COUNTS providers", c.providers.count, "solutions", c.solutions.count,
              "kinds", Dictionary(grouping: c.providers, by: \.kind).mapValues(\.count))
    }
}
