/// The step an import is at (导入阶段): hashing the file for its batch key, reading and checking rows (parts are merged
/// while the next is read), merging the last part, committing the one transaction, then done or failed.
public enum ImportPhase: String, Codable, Sendable, CaseIterable {
    case hashing, reading, merging, committing, done, failed

    /// True once the import has ended, well or not.
    public var isFinal: Bool { self == .done || self == .failed }
}

/// Where an import stands (导入进度): its phase and the counts so far, sent to a progress callback after each part.
/// `bytesRead` of `bytesTotal` are the file's bytes (for a workbook, the sheet's uncompressed XML); `bytesTotal` is 0
/// when the size is not known.
public struct ImportProgress: Codable, Sendable, Equatable {
    public var phase: ImportPhase
    /// Data rows read and checked so far (header excluded).
    public var rowsRead: Int
    public var rowsAccepted: Int
    public var rowsRejected: Int
    /// Parts (of `Importer.partRows` rows, or slices of a whole-file kind) written to the open transaction.
    public var partsMerged: Int
    public var bytesRead: Int
    public var bytesTotal: Int

    public init(phase: ImportPhase, rowsRead: Int = 0, rowsAccepted: Int = 0, rowsRejected: Int = 0, partsMerged: Int = 0,
                bytesRead: Int = 0, bytesTotal: Int = 0) {
        self.phase = phase
        self.rowsRead = rowsRead
        self.rowsAccepted = rowsAccepted
        self.rowsRejected = rowsRejected
        self.partsMerged = partsMerged
        self.bytesRead = bytesRead
        self.bytesTotal = bytesTotal
    }

    /// The share of the file read, 0…1, or nil when its size is not known.
    public var fractionRead: Double? {
        guard bytesTotal > 0 else { return nil }
        return min(1, max(0, Double(bytesRead) / Double(bytesTotal)))
    }
}

/// Receives an import's progress; called from the importing task, one call at a time.
public typealias ImportProgressSink = @Sendable (ImportProgress) -> Void
