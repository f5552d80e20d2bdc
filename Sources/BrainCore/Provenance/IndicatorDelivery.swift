/// What one row of an indicator file (or one ingested record) says about one firm's month: the indicators it gives and
/// the ones it explicitly clears. An indicator it does not mention is left as it is, so an electricity-only file from the
/// power company changes only electricity.
public struct IndicatorDelivery: Sendable, Hashable {
    public let uscc: String
    public let month: Month
    public var values: [Indicator: Double]
    public var cleared: Set<Indicator>

    public init(uscc: String, month: Month, values: [Indicator: Double] = [:], cleared: Set<Indicator> = []) {
        self.uscc = uscc
        self.month = month
        self.values = values
        self.cleared = cleared
    }

    /// True when the delivery neither gives nor clears anything.
    public var isEmpty: Bool { values.isEmpty && cleared.isEmpty }

    /// The cell text that clears a source's value (an empty cell never does).
    public static let clearMarkers: Set<String> = ["清除", "<clear>", "#clear"]

    public static func isClearMarker(_ text: String) -> Bool { clearMarkers.contains(text.lowercased()) }
}

/// One source's value of one indicator of one firm's month, with the batch that brought it and when.
public struct SourcedValue: Codable, Sendable, Hashable {
    public let source: String
    /// nil when the source cleared its value.
    public let value: Double?
    public let batch: String
    public let recordedAt: String

    public init(source: String, value: Double?, batch: String, recordedAt: String) {
        self.source = source
        self.value = value
        self.batch = batch
        self.recordedAt = recordedAt
    }
}
