import Foundation

/// A GB/T 4754-2017 division (大类), two digits, with its section letter (门类).
public struct IndustryDivision: Codable, Sendable, Hashable {
    public let code: String
    public let section: String
    public let name: String

    public init(code: String, section: String, name: String) {
        self.code = code
        self.section = section
        self.name = name
    }
}

/// GB/T 4754-2017 divisions of mining, manufacturing and utilities, plus the four-digit classes the chains use.
public struct IndustryCatalog: Sendable {
    public let divisions: [IndustryDivision]
    public let classes: [IndustryClass]
    private let divisionByCode: [String: IndustryDivision]
    private let classByCode: [String: IndustryClass]

    public init(divisions: [IndustryDivision], classes: [IndustryClass]) {
        self.divisions = divisions
        self.classes = classes
        divisionByCode = Dictionary(divisions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        classByCode = Dictionary(classes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The bundled divisions and the chain catalogue's classes.
    public static let standard: IndustryCatalog = {
        do {
            return IndustryCatalog(divisions: try loadDivisions(), classes: ChainCatalog.industryClasses)
        } catch {
            fatalError("cannot load bundled industry divisions: \(error)")
        }
    }()

    static func loadDivisions() throws -> [IndustryDivision] {
        guard let url = Bundle.module.url(forResource: "gbt4754-2017-divisions", withExtension: "csv", subdirectory: "Resources") else {
            throw CodeListError.missingResource("gbt4754-2017-divisions.csv")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(whereSeparator: \.isNewline).enumerated().dropFirst().map { index, line in
            let cols = line.split(separator: ",", maxSplits: 2).map(String.init)
            guard cols.count == 3 else {
                throw CodeListError.badRow(file: "gbt4754-2017-divisions.csv", line: index + 1, reason: "expected code,section,name")
            }
            return IndustryDivision(code: cols[0], section: cols[1], name: cols[2])
        }
    }

    public func division(_ code: String) -> IndustryDivision? { divisionByCode[String(code.prefix(2))] }
    public func industryClass(_ code: String) -> IndustryClass? { classByCode[code] }

    /// Accepts a known division (2 digits) or a 4-digit class whose division is known (classes outside the
    /// catalogue's list are accepted when their division exists, since GB/T 4754 has over 1,300 classes).
    public func isValid(_ code: String) -> Bool {
        guard code.allSatisfy(\.isNumber), code.count == 2 || code.count == 4 || code.count == 3 else { return false }
        return divisionByCode[String(code.prefix(2))] != nil
    }

    /// A readable name: the class name when known, else the division name.
    public func name(of code: String) -> String {
        classByCode[code]?.name ?? divisionByCode[String(code.prefix(2))]?.name ?? code
    }
}
