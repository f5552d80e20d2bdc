/// One record of an import table: its line (CSV, 1-based, the header is line 1) or sheet row (XLSX) and its cells as text.
public struct TableRow: Sendable, Hashable {
    public let line: Int
    public let fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A table read one record at a time (a CSV file, a sheet of an XLSX workbook): the header first, then the data rows.
/// Readers stream: memory stays bounded by one chunk of the file, whatever its size.
public protocol TableRows {
    /// The next non-empty record, or nil at the end of the table.
    mutating func next() throws -> TableRow?
    /// Bytes of the source consumed so far (a CSV file's bytes, a sheet's uncompressed XML), for progress.
    var bytesRead: Int { get }
    /// The source's size in the same bytes, or 0 when not known.
    var bytesTotal: Int { get }
    /// How many records the table holds when that is known before reading (an ingested batch, rows in memory), else nil.
    var recordsTotal: Int? { get }
}

extension TableRows {
    public var bytesRead: Int { 0 }
    public var bytesTotal: Int { 0 }
    public var recordsTotal: Int? { nil }
}
