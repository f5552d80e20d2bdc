import Synchronization

/// The development zones in force for one running province, shared by every copy of its `RegionCatalog` so that an
/// import of the province's zone table reaches every desk at once.
public final class ZoneShelf: Sendable {
    private let current: Mutex<(zones: [DevelopmentZone], byCode: [String: DevelopmentZone], origin: String)>

    public init(_ zones: [DevelopmentZone], origin: String) {
        current = Mutex((zones, Self.index(zones), origin))
    }

    static func index(_ zones: [DevelopmentZone]) -> [String: DevelopmentZone] {
        Dictionary(zones.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The zones in force.
    public var zones: [DevelopmentZone] { current.withLock { $0.zones } }
    /// Where they come from (`bundled zones-jiangxi.json`, `imported version 2`, `none`).
    public var origin: String { current.withLock { $0.origin } }
    /// The zone with the given code, if any.
    public func zone(_ code: String) -> DevelopmentZone? { current.withLock { $0.byCode[code] } }

    /// Puts a newly imported zone table in force.
    public func replace(with zones: [DevelopmentZone], origin: String) {
        let byCode = Self.index(zones)
        current.withLock { $0 = (zones, byCode, origin) }
    }
}
