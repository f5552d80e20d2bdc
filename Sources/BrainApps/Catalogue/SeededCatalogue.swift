import BrainCore
import BrainStore
import Foundation

/// The demo service catalogue: government, industry and local resources with their solutions.
///
/// Every name is invented for illustration (bodies marked “示范” are generic stand-ins, companies are fictional), and
/// every telephone number is fictional. The content is the bundled data file `Resources/service-catalogue-demo.json`
/// (format: `ServiceCatalogueFile` below), decoded and validated on first use; a broken file stops the process with a
/// message naming the file and the entry. `createdAt` is stamped when the catalogue is first read.
public enum SeededCatalogue {
    public static let providers: [ServiceProvider] = bundled.providers.map(\.provider)

    public static let solutions: [ServiceSolution] = bundled.solutions.map(\.solution)

    /// The bundled file, decoded and validated.
    static let bundled: ServiceCatalogueFile = BundledData.loaded { try ServiceCatalogueFile.bundled() }
}

/// The format of the bundled demo service catalogue, `Resources/service-catalogue-demo.json`: providers and their
/// solutions without the `createdAt` stamp, which is set when the file is loaded (as it was for the former literals).
struct ServiceCatalogueFile: Codable, Sendable, Hashable {
    /// A provider as the file writes it: a `ServiceProvider` without `createdAt`.
    struct Provider: Codable, Sendable, Hashable {
        var id: String
        var name: String
        /// `government` (政府资源), `industry` (行业资源) or `local` (本地服务商, including providers seated outside the province).
        var kind: String
        var region: String
        var contact: String
        var description: String

        init(_ p: ServiceProvider) {
            id = p.id; name = p.name; kind = p.kind; region = p.region; contact = p.contact; description = p.description
        }

        var provider: ServiceProvider {
            ServiceProvider(id: id, name: name, kind: kind, region: region, contact: contact, description: description)
        }
    }

    /// A solution as the file writes it: a `ServiceSolution` without `createdAt`. Prices in 万元; both absent when priced
    /// on request (面议), both 0 for free public services.
    struct Solution: Codable, Sendable, Hashable {
        var id: String
        var providerId: String
        var title: String
        var category: String
        var tags: [String]
        var chains: [String]
        var areas: [String]
        var priceMin: Double?
        var priceMax: Double?
        var summary: String
        var cases: [ServiceSolution.Case]

        init(_ s: ServiceSolution) {
            id = s.id; providerId = s.providerId; title = s.title; category = s.category; tags = s.tags; chains = s.chains
            areas = s.areas; priceMin = s.priceMin; priceMax = s.priceMax; summary = s.summary; cases = s.cases
        }

        var solution: ServiceSolution {
            ServiceSolution(id: id, providerId: providerId, title: title, category: category, tags: tags, chains: chains,
                            areas: areas, priceMin: priceMin, priceMax: priceMax, summary: summary, cases: cases)
        }
    }

    /// What the file holds: that it is invented demo content, and how it is arranged.
    var about: String
    var providers: [Provider]
    var solutions: [Solution]

    static let fileName = "service-catalogue-demo.json"

    /// Reads, decodes and validates the bundled file.
    static func bundled() throws -> ServiceCatalogueFile {
        try decode(BundledData.data(fileName, in: .module), file: fileName)
    }

    /// Decodes `data` as a service catalogue file and validates it against the diagnosis sub-areas and the chain codes;
    /// errors name `file` and the entry at fault.
    static func decode(_ data: Data, file: String, areas: Set<String> = Set(Questionnaire.standard.subareaCodes),
                       chains: Set<String> = Set(ChainCatalog.all.map(\.code))) throws -> ServiceCatalogueFile {
        let content = try BundledData.decode(ServiceCatalogueFile.self, from: data, file: file)
        if let problem = content.problems(areas: areas, chains: chains).first { throw BundledDataError(file: file, problem) }
        return content
    }

    /// Rule violations, each naming its entry (empty when the file is consistent): provider and solution ids unique,
    /// provider kinds known and regions 6-digit codes, every solution's provider listed, its chains and diagnosis
    /// sub-areas known, its prices both present or both absent, non-negative, and the minimum not above the maximum.
    func problems(areas: Set<String>, chains: Set<String>) -> [String] {
        var problems: [String] = []
        var providerIds = Set<String>()
        for p in providers {
            if !providerIds.insert(p.id).inserted { problems.append("provider \(p.id) is listed twice") }
            if CatalogueDesk.kindNames[p.kind] == nil { problems.append("provider \(p.id): kind \(p.kind) is not government, industry or local") }
            if p.region.count != 6 || !p.region.allSatisfy({ $0.isASCII && $0.isNumber }) {
                problems.append("provider \(p.id): region \(p.region) is not a 6-digit GB/T 2260 code")
            }
        }
        var solutionIds = Set<String>()
        for s in solutions {
            if !solutionIds.insert(s.id).inserted { problems.append("solution \(s.id) is listed twice") }
            if !providerIds.contains(s.providerId) { problems.append("solution \(s.id): provider \(s.providerId) is not in providers") }
            for c in s.chains where !chains.contains(c) { problems.append("solution \(s.id): \(c) is not a chain code") }
            for a in s.areas where !areas.contains(a) { problems.append("solution \(s.id): \(a) is not a diagnosis sub-area") }
            switch (s.priceMin, s.priceMax) {
            case (nil, nil): break
            case let (lo?, hi?):
                if !lo.isFinite || !hi.isFinite || lo < 0 || lo > hi {
                    problems.append("solution \(s.id): prices \(lo)–\(hi) must be non-negative with the minimum not above the maximum")
                }
            default: problems.append("solution \(s.id): priceMin and priceMax must both be given or both be absent")
            }
        }
        return problems
    }
}
