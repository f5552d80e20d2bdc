import BrainCore

/// What an import file holds.
public enum ImportKind: String, Sendable, Codable, CaseIterable {
    case enterprises
    case indicators
    case supplyLinks = "supply-links"
    case talent
    case qualifications
    case investments
    case land
    case dailyElectricity = "daily-electricity"

    /// The data dictionary elements describing the file's columns.
    public var elements: [DataElement] {
        switch self {
        case .enterprises: return DataDictionary.enterprise
        case .indicators: return DataDictionary.indicator
        case .supplyLinks: return DataDictionary.supplyLink
        case .talent: return DataDictionary.talent
        case .qualifications: return DataDictionary.qualification
        case .investments: return DataDictionary.investment
        case .land: return DataDictionary.land
        case .dailyElectricity: return DataDictionary.dailyElectricity
        }
    }
}

/// One problem with one row: row (line number in the file, the header is line 1), field, value and why.
public struct RejectedRow: Codable, Sendable, Hashable, CustomStringConvertible {
    public let row: Int
    public let field: String
    public let value: String
    public let reason: String

    public var description: String { "row \(row), \(field) = \"\(value)\": \(reason)" }
}

/// The outcome of an import: counts, every rejected row, and whether anything changed.
public struct ImportReport: Codable, Sendable {
    public let kind: ImportKind
    public let fileName: String
    public let encoding: String
    /// Data rows in the file (header excluded).
    public let rowsTotal: Int
    public let rowsAccepted: Int
    /// Rows rejected (a row with several problems counts once; `problems` lists each problem).
    public let rowsRejected: Int
    /// Accepted rows that differed from what was stored (0 when the same file is imported again).
    public let rowsChanged: Int
    public var problems: [RejectedRow]
    /// Header columns the importer did not recognise and ignored.
    public let ignoredColumns: [String]
    /// True when a file with the same content was imported before.
    public let seenBefore: Bool
    public let batchKey: String
    /// Registered firms this import moved to another region or zone (only province-level callers may); each one is
    /// written to the audit ledger by the caller.
    public var moves: [EnterpriseMove] = []
    /// Where the file's values come from (a `DataSource` code).
    public var source: String = DataSource.statistics.code
    /// Things the importer should know beyond the rows (e.g. that the database holds demo data).
    public var notes: [String] = []
    /// Problems beyond the first `Importer.problemsKept`, counted but not listed.
    public var problemsOmitted = 0
    /// 1–N月累计 figures of an indicators file checked against the months (the latest month per firm and year).
    public var cumulativeChecked = 0
    /// Those that do not add up (the first 1,000), and how many in all.
    public var cumulativeMismatches: [CumulativeMismatch] = []
    public var cumulativeMismatchesTotal = 0

    /// A few lines for a terminal.
    public var summary: String {
        var lines = ["\(kind.rawValue) from \(fileName) (\(encoding)): \(rowsTotal) rows, \(rowsAccepted) accepted, \(rowsRejected) rejected, \(rowsChanged) changed"]
        if seenBefore { lines.append("this exact file was imported before; rows identical to the store were left as they were") }
        if problemsOmitted > 0 { lines.append("\(problems.count + problemsOmitted) problems, the first \(problems.count) listed") }
        if !ignoredColumns.isEmpty { lines.append("ignored columns: " + ignoredColumns.joined(separator: ", ")) }
        lines += notes
        return lines.joined(separator: "\n")
    }
}

extension ImportReport {
    /// The report without its list of problems (a job's status carries the counts; the rows are paged).
    public var withoutProblems: ImportReport {
        // A copy, so that every other field (moves, notes, the 1–N月累计 check …) stays.
        var r = self
        r.problems = []
        return r
    }
}

/// One registered enterprise moved to another region or zone by an import.
public struct EnterpriseMove: Codable, Sendable, Hashable {
    public let uscc: String
    public let row: Int
    public let fromRegion: String
    public let toRegion: String
    public let fromZone: String?
    public let toZone: String?
}

/// A problem with the whole file (unreadable, missing a required column); nothing was imported.
public struct ImportFileError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
