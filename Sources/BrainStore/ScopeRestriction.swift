/// The rows a caller may see, applied by the store itself in every enterprise-level query.
public enum ScopeRestriction: Sendable, Hashable {
    /// Everything (administrators, province officials).
    case all
    /// Enterprises registered in any of these region codes (a city scope lists the city and its counties).
    case regions(Set<String>)
    /// Enterprises inside one development zone.
    case zone(String)
    /// One enterprise (an enterprise user).
    case enterprise(String)
    /// No enterprise rows at all.
    case nothing

    /// True for a development-zone scope (its rows are told apart by zone, not region).
    public var isZone: Bool { if case .zone = self { return true }; return false }

    /// True when an enterprise with this region, zone and code is inside the scope.
    public func admits(uscc: String, region: String, zone: String?) -> Bool {
        switch self {
        case .all: return true
        case .regions(let set): return set.contains(region)
        case .zone(let z): return zone == z
        case .enterprise(let code): return code == uscc
        case .nothing: return false
        }
    }
}
