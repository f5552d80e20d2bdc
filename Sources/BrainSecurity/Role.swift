/// The eight roles of the platform; each account has exactly one, with a data scope.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin
    case provinceOfficial = "province-official"
    case cityOfficial = "city-official"
    case countyOfficial = "county-official"
    case zoneManager = "zone-manager"
    case enterprise
    case provider
    case expert
    /// A machine caller (a service client with API keys: a statistics bureau's system, a sub-brain, an edge box); never
    /// a person's account. Its scope is a region of the province; what it may write and read is its `ClientGrant`.
    case client

    /// The roles a person's account may hold (every role but `client`).
    public static var people: [Role] { allCases.filter { $0 != .client } }

    /// Chinese name shown in the portal.
    public var nameZh: String {
        switch self {
        case .admin: return "系统管理员"
        case .provinceOfficial: return "省级工信部门"
        case .cityOfficial: return "市级工信部门"
        case .countyOfficial: return "县级工信部门"
        case .zoneManager: return "开发区管理者"
        case .enterprise: return "企业用户"
        case .provider: return "数字化服务商"
        case .expert: return "产业智库专家"
        case .client: return "接口客户端"
        }
    }

    /// What kind of scope code the role needs.
    public var scopeKind: ScopeKind {
        switch self {
        case .admin: return .none
        case .provinceOfficial: return .province
        case .cityOfficial: return .city
        case .countyOfficial: return .county
        case .zoneManager: return .zone
        case .enterprise: return .enterprise
        case .provider, .expert: return .none
        case .client: return .region
        }
    }
}

/// The kind of code a role's scope is given in.
public enum ScopeKind: String, Sendable {
    case none, province, city, county, zone, enterprise
    /// Any region of the province: the province itself, a city or a county (service clients).
    case region
}

/// Actions guarded by the role × permission table.
public enum Permission: String, Sendable, CaseIterable {
    /// Code lists, chains, data dictionary.
    case readCatalog = "catalog:read"
    /// Enterprise registry records (public profile).
    case readEnterprises = "enterprises:read"
    /// Monthly indicators and supply links of enterprises.
    case readIndicators = "indicators:read"
    /// Importing data files.
    case importData = "data:import"
    /// Managing accounts.
    case manageUsers = "users:manage"
    /// Regional statistics and analyses: monitoring, warnings, chain analysis, talent map.
    case readStatistics = "statistics:read"
    /// Acknowledging and resolving warnings.
    case handleWarnings = "warnings:handle"
    /// Changing warning thresholds, policies and other rule settings.
    case configureRules = "rules:configure"
    /// Applying for a policy on behalf of one's own enterprise.
    case applyPolicies = "policies:apply"
    /// Approving, rejecting and paying policy awards.
    case reviewAwards = "awards:review"
    /// Registering demonstration projects, editing the service catalogue, importing investment targets.
    case managePrograms = "programs:manage"
    /// Submitting a transformation diagnosis and following referrals for one's own enterprise.
    case submitDiagnosis = "diagnoses:submit"
    /// Posting market listings and reading their matches for one's own enterprise.
    case trade = "market:trade"
    /// Granting and revoking access to one's own enterprise data (授权才可用).
    case grantData = "grants:manage"
    /// Writing, scheduling and publishing news and announcements on the portal's home page.
    case publishNews = "news:publish"
    /// Moving an existing enterprise to another region or zone (a province-level act, audited per firm).
    case relocateEnterprises = "enterprises:relocate"
    /// Importing and exporting the province's reference data (chain definitions, development zones): administrators.
    case manageReference = "reference:manage"
    /// Creating accounts: administrators any, officials and zone managers only below their own level and inside their
    /// own scope (delegated administration, `AccountDelegation`); listing the accounts inside that scope.
    case createAccounts = "accounts:create"
    /// Creating service clients and their API keys, rotating and revoking keys: administrators any client, providers
    /// only clients of their own that read their own published services.
    case manageClients = "clients:manage"
    /// Publishing a dataset or an analysis in the service catalogue (服务资源目录) and deciding who may use it.
    case publishServices = "services:publish"
}

/// The single role × permission table; every route asks it, no handler decides on its own.
public enum AccessPolicy {
    static let table: [Role: Set<Permission>] = [
        .admin: Set(Permission.allCases),
        .provinceOfficial: [.readCatalog, .readEnterprises, .readIndicators, .importData, .readStatistics, .handleWarnings, .configureRules, .reviewAwards, .managePrograms, .publishNews,
                            .relocateEnterprises, .createAccounts],
        .cityOfficial: [.readCatalog, .readEnterprises, .readIndicators, .importData, .readStatistics, .handleWarnings, .reviewAwards, .managePrograms, .publishNews, .createAccounts],
        .countyOfficial: [.readCatalog, .readEnterprises, .readIndicators, .importData, .readStatistics, .handleWarnings, .reviewAwards, .createAccounts],
        .zoneManager: [.readCatalog, .readEnterprises, .readIndicators, .importData, .readStatistics, .handleWarnings, .reviewAwards, .createAccounts],
        .enterprise: [.readCatalog, .readEnterprises, .readIndicators, .applyPolicies, .submitDiagnosis, .trade, .grantData],
        .expert: [.readCatalog, .readEnterprises, .readStatistics],
        .provider: [.readCatalog, .readEnterprises, .manageClients, .publishServices],
        .client: [.readCatalog],
    ]

    /// True when the role holds the permission.
    public static func allows(_ role: Role, _ permission: Permission) -> Bool {
        table[role]?.contains(permission) ?? false
    }

    /// Roles holding a permission (for documentation and tests).
    public static func roles(with permission: Permission) -> [Role] {
        Role.allCases.filter { allows($0, permission) }
    }
}
