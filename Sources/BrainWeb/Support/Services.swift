import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// Everything the routes need, built once at start.
public struct Services: Sendable {
    public let store: Store
    /// The province's reference data: regions, zones and the chain catalogue in force (`catalog.chains`).
    public let catalog: RegionCatalog
    public let industries: IndustryCatalog
    public let signer: TokenSigner
    public let accounts: Accounts
    public let importer: Importer
    public let startedAt: Date
    /// The indicator cube analytics read; rebuilt after imports.
    public let cubes: CubeHolder
    /// The supply network with its centrality measures; rebuilt after supply-link imports.
    public let networks: SupplyNetworkHolder
    /// Policy matching, grants and applications.
    public let policies: PolicyMatcher
    /// The service catalogue and referrals.
    public let catalogue: CatalogueDesk
    /// Transformation diagnoses.
    public let diagnoses: DiagnosisDesk
    /// Trade matching.
    public let market: MarketDesk
    /// 贸易撮合 contact exchanges (contacts shown once both firms agreed).
    public let contacts: ContactExchangeDesk
    /// The home page's to-do list of enterprises and providers.
    public let agenda: EnterpriseAgenda
    /// The tamper-evident audit ledger.
    public let ledger: AuditLedger
    /// Enterprise data grants and the access log.
    public let grants: DataGrants
    /// Security events raised from audit traffic.
    public let monitor: SecurityMonitor
    /// Warnings as users list, read and handle them.
    public let warningDesk: WarningDesk
    /// One's own second factor and sessions; accounts, sessions and security events for administrators.
    public let accountDesk: AccountDesk
    /// Enterprises granting and revoking access to their data.
    public let grantDesk: GrantDesk
    /// Evaluation weights, demonstration projects and investment targets.
    public let programmes: ProgrammeDesk
    /// Policies as officials and enterprises read and manage them.
    public let policyOffice: PolicyDesk
    /// The enterprise registry and one enterprise's figures.
    public let enterpriseDesk: EnterpriseDesk
    /// The talent map within the caller's cities.
    public let talentDesk: TalentDesk
    /// The data centre's sources: their order, disagreements, one firm's figures by source.
    public let sourceDesk: SourceDesk
    /// Whether the database holds the demo dataset (call `demo.load(from:)` once after seeding).
    public let demo = DemoState()
    /// 数据质量: completeness, fill, consistency of a slice and month.
    public let qualityDesk: QualityDesk
    /// Import batches a caller may see.
    public let importHistory: ImportDesk
    /// Imports running or recently ended in the background, with their progress (in memory; see `ImportJobs`).
    public let importJobs = ImportJobs()
    /// The central console's figures.
    public let consoleDesk: ConsoleDesk
    /// News and announcements.
    public let newsDesk: AnnouncementDesk
    /// The database's answer for /healthz.
    public let systemStatus: StatusDesk
    /// The analyses officials read, cached per cube and cut to the caller.
    public let analyses: AnalysisDesk
    /// Investment projects, land use and daily electricity as the applications read them.
    public let datasets: DatasetDesk
    /// The province's reference tables (chain definitions, zones): import, export, versions.
    public let reference: ReferenceDesk
    /// Subscriptions (warnings, import completions), their deliveries and the portal inbox (消息).
    public let subscriptions: SubscriptionDesk
    /// Fans events out to subscribers and sends the deliveries; `brain serve` runs it as the delivery worker.
    public let subscriptionHub: SubscriptionHub
    /// Talent maps, by the data they were built from.
    public let talentMaps = ResultCache<TalentMap>(capacity: 64)
    /// The ingestion interface (统一数据接口): its datasets, limits and idempotency keys (see `runIngest`).
    public let ingest: IngestDesk
    /// The in-memory views rebuilt after ingested batches, at most once per `IngestViewRefresh.delay`.
    public let ingestViews = IngestViewRefresh()
    /// 服务资源目录: published services, access requests, calls within quotas and their metering.
    public let hub: HubDesk

    /// Encrypts sensitive fields at rest.
    public let cipher: FieldCipher?
    public let mfaPolicy: MFAPolicy
    /// Revoked sessions.
    public let sessions: SessionGuard
    /// Request limits per address and user.
    public let rateLimiter: RateLimiter
    /// Service clients' keys and grants in memory (checked on every API-key request).
    public let keyring: ClientKeyring
    /// Service clients and their API keys.
    public let clients: ClientDesk
    /// Signatures of signed client requests seen inside the replay window.
    public let signatures = SignatureMemory()

    public init(store: Store, catalog: RegionCatalog, industries: IndustryCatalog = .standard, signer: TokenSigner, cubes: CubeHolder,
                networks: SupplyNetworkHolder, cipher: FieldCipher? = nil, mfaPolicy: MFAPolicy = .fromEnvironment(),
                rateLimits: RateLimits = .fromEnvironment(), notifications: URL? = nil, webhookTransport: (any WebhookTransport)? = nil,
                resolveClient: (@Sendable (String) async throws -> Principal?)? = nil) {
        self.store = store
        self.catalog = catalog
        self.industries = industries
        self.signer = signer
        self.cipher = cipher
        self.mfaPolicy = mfaPolicy
        self.sessions = SessionGuard()
        self.rateLimiter = RateLimiter(limits: rateLimits)
        self.keyring = ClientKeyring(store: store, cipher: cipher)
        self.accounts = Accounts(store: store, catalog: catalog, cipher: cipher, mfaPolicy: mfaPolicy)
        self.importer = Importer(store: store, catalog: catalog, industries: industries)
        self.startedAt = Date()
        self.cubes = cubes
        self.networks = networks
        self.policies = PolicyMatcher(store: store)
        self.catalogue = CatalogueDesk(store: store, cipher: cipher)
        self.diagnoses = DiagnosisDesk(store: store)
        self.market = MarketDesk(store: store, catalog: catalog)
        self.contacts = ContactExchangeDesk(store: store, market: market, cipher: cipher)
        self.agenda = EnterpriseAgenda(catalogue: catalogue, contacts: contacts, policies: policies)
        self.ledger = AuditLedger(store: store)
        self.grants = DataGrants(store: store)
        self.monitor = SecurityMonitor(store: store)
        self.warningDesk = WarningDesk(store: store, catalog: catalog)
        self.accountDesk = AccountDesk(store: store, accounts: accounts, monitor: monitor, mfaPolicy: mfaPolicy)
        self.grantDesk = GrantDesk(store: store, grants: grants)
        self.programmes = ProgrammeDesk(store: store, catalog: catalog)
        self.policyOffice = PolicyDesk(desk: policies, store: store, catalog: catalog)
        self.enterpriseDesk = EnterpriseDesk(store: store, catalog: catalog, industries: industries, grants: grants)
        self.talentDesk = TalentDesk(store: store, catalog: catalog)
        self.importHistory = ImportDesk(store: store)
        self.sourceDesk = SourceDesk(store: store)
        self.qualityDesk = QualityDesk(catalog: catalog, store: store)
        self.consoleDesk = ConsoleDesk(store: store)
        self.newsDesk = AnnouncementDesk(store: store)
        self.systemStatus = StatusDesk(store: store)
        self.datasets = DatasetDesk(store: store, catalog: catalog)
        self.analyses = AnalysisDesk(cubes: cubes, networks: networks, catalog: catalog, diagnoses: diagnoses, programmes: programmes, datasets: datasets)
        self.reference = ReferenceDesk(store: store, catalog: catalog)
        let unread = UnreadCounter()
        var subscriptionDesk = SubscriptionDesk(store: store, catalog: catalog, unreadCounts: unread)
        subscriptionDesk.cipher = cipher
        self.subscriptions = subscriptionDesk
        let keyring = self.keyring
        let owners = SubscriptionOwners(store: store, resolveClient: resolveClient ?? { owner in
            try await keyring.ensureLoaded()
            return keyring.principal(ofClient: String(owner.dropFirst("client:".count)))
        })
        var subscriptionHub = SubscriptionHub(store: store, catalog: catalog, transport: webhookTransport ?? URLSessionWebhookTransport(),
                                               notifier: FileNotifier(directory: notifications ?? FileManager.default.temporaryDirectory.appendingPathComponent("brain-notifications")),
                                               resolveOwner: { try await owners.principal($0) })
        subscriptionHub.unreadCounts = unread
        subscriptionHub.cipher = cipher
        self.subscriptionHub = subscriptionHub
        self.ingest = IngestDesk(store: store)
        // Read access has one record (`hub_access`): a decision in the catalogue reloads the clients' grants, and a
        // client's read scope set through its desk reloads the catalogue's in-memory copy.
        let serviceHub = HubDesk(store: store, catalog: catalog, cubes: cubes, analyses: analyses, warnings: warningDesk, policies: policyOffice,
                                 enterprises: enterpriseDesk, ledger: ledger, accessChanged: { try await keyring.reload() })
        self.hub = serviceHub
        self.clients = ClientDesk(store: store, keyring: keyring, catalog: catalog, cipher: cipher, accessChanged: { try await serviceHub.refresh() })
        refreshMarketRelations()
    }

    /// Imports the province's chain definition table and rebuilds what reads chains: the cube (firms placed on links
    /// by their industry class), the analyses, and trade matching's link suppliers.
    public func importChains(_ data: Data, fileName: String, by p: Principal, source: String, via: String) async throws -> ReferenceImportResult {
        let result = try await reference.importChains(data, fileName: fileName, by: p)
        try await ledger.record(AuditEvent(actor: p.username, action: "import reference chains", target: "reference:chains:\(result.version)",
                                           source: source, detail: BrainServer.auditDetail(["via": via, "file": String(fileName.prefix(200)),
                                                                                             "rows": String(result.rows), "chains": String(result.entries)])))
        try await cubes.refresh(from: store, catalog: catalog)
        try await refreshAnalyses()
        market.setLinkSuppliers(catalog.chains)
        return result
    }

    /// Imports the province's zone table and rebuilds the cube (firms' zones) and the analyses.
    public func importZones(_ data: Data, fileName: String, by p: Principal, source: String, via: String) async throws -> ReferenceImportResult {
        let result = try await reference.importZones(data, fileName: fileName, by: p)
        try await ledger.record(AuditEvent(actor: p.username, action: "import reference zones", target: "reference:zones:\(result.version)",
                                           source: source, detail: BrainServer.auditDetail(["via": via, "file": String(fileName.prefix(200)),
                                                                                             "rows": String(result.rows), "zones": String(result.entries)])))
        try await cubes.refresh(from: store, catalog: catalog)
        try await refreshAnalyses()
        return result
    }

    /// Imports the province's policy table as a new version (all or nothing; amount formulas tried on every firm of the
    /// cube), withdraws the policies it no longer lists, and matches again at once (免申即享 grants go out).
    public func importPolicies(_ data: Data, fileName: String, by p: Principal, source: String, via: String) async throws -> ReferenceImportResult {
        let cube = cubes.cube
        let result = try await reference.importPolicies(data, fileName: fileName, by: p, facts: policies.matches?.facts,
                                                        names: { i in i < cube.firmCount ? "\(cube.firms[i].name) (\(cube.firms[i].uscc))" : "enterprise #\(i)" })
        try await ledger.record(AuditEvent(actor: p.username, action: "import reference policies", target: "reference:policies:\(result.version)",
                                           source: source, detail: BrainServer.auditDetail([
                                               "via": via, "file": String(fileName.prefix(200)), "rows": String(result.rows), "policies": String(result.entries),
                                               "added": (result.added ?? []).joined(separator: ";"), "reinstated": (result.reinstated ?? []).joined(separator: ";"),
                                               "withdrawn": (result.withdrawn ?? []).joined(separator: ";"),
                                           ])))
        try await policies.refresh(cube: cube, catalog: catalog)
        return result
    }

    /// Imports the province's city tile table; the portal's tile map reads it at once.
    public func importTiles(_ data: Data, fileName: String, by p: Principal, source: String, via: String) async throws -> ReferenceImportResult {
        let result = try await reference.importTiles(data, fileName: fileName, by: p)
        try await ledger.record(AuditEvent(actor: p.username, action: "import reference tiles", target: "reference:tiles:\(result.version)",
                                           source: source, detail: BrainServer.auditDetail(["via": via, "file": String(fileName.prefix(200)),
                                                                                             "rows": String(result.rows), "cities": String(result.entries)])))
        return result
    }

    /// Imports the province's service catalogue table; searches and diagnosis recommendations read it at once.
    public func importCatalogue(_ data: Data, fileName: String, by p: Principal, source: String, via: String) async throws -> ReferenceImportResult {
        let result = try await reference.importCatalogue(data, fileName: fileName, by: p, catalogue: catalogue, questionnaire: diagnoses.questionnaire)
        try await ledger.record(AuditEvent(actor: p.username, action: "import reference catalogue", target: "reference:catalogue:\(result.version)",
                                           source: source, detail: BrainServer.auditDetail(["via": via, "file": String(fileName.prefix(200)),
                                                                                             "rows": String(result.rows), "solutions": String(result.entries),
                                                                                             "withdrawn": (result.withdrawn ?? []).joined(separator: ";")])))
        return result
    }

    /// Imports the province's questionnaire table; new diagnoses are scored with it at once, earlier results keep theirs.
    public func importQuestionnaire(_ data: Data, fileName: String, by p: Principal, source: String, via: String) async throws -> ReferenceImportResult {
        let result = try await reference.importQuestionnaire(data, fileName: fileName, by: p, diagnoses: diagnoses)
        try await ledger.record(AuditEvent(actor: p.username, action: "import reference questionnaire", target: "reference:questionnaire:\(result.version)",
                                           source: source, detail: BrainServer.auditDetail(["via": via, "file": String(fileName.prefix(200)),
                                                                                             "rows": String(result.rows), "questions": String(result.entries),
                                                                                             "questionnaireVersion": diagnoses.questionnaire.version])))
        return result
    }

    /// Loads the reference data kept as stored versions that the desks hold in memory (the questionnaire and the annual
    /// targets in force).
    public func loadReference() async throws {
        diagnoses.replace(questionnaire: try await DiagnosisDesk.storedQuestionnaire(in: store))
        try await ReferenceDesk.loadTargets(from: store, catalog: catalog, into: analyses.targets)
    }

    /// Imports the annual target table; the dashboard's 目标完成率 and 增加值增速 read it at once.
    public func importTargets(_ data: Data, fileName: String, by p: Principal, source: String, via: String) async throws -> ReferenceImportResult {
        let result = try await reference.importTargets(data, fileName: fileName, by: p, shelf: analyses.targets)
        try await ledger.record(AuditEvent(actor: p.username, action: "import reference targets", target: "reference:targets:\(result.version)",
                                           source: source, detail: BrainServer.auditDetail(["via": via, "file": String(fileName.prefix(200)),
                                                                                             "rows": String(result.rows), "targets": String(result.entries)])))
        return result
    }

    /// Gives trade matching the trading relations of the current supply network.
    public func refreshMarketRelations() {
        market.setRelations(Set(networks.network.links.map { $0.supplier + "|" + $0.customer }))
    }

    /// Brings the in-memory views up to date after an import changed rows: the cube and the analyses for enterprises and
    /// indicators, the supply network and trading relations for supply links and enterprises.
    public func apply(_ report: ImportReport) async throws {
        guard report.rowsChanged > 0 else { return }
        try await refreshViews(after: [report.kind])
    }

    /// Rebuilds the in-memory views that read the kinds of data changed.
    public func refreshViews(after kinds: Set<ImportKind>) async throws {
        if kinds.contains(.enterprises) || kinds.contains(.indicators) {
            try await cubes.refresh(from: store, catalog: catalog)
            try await refreshAnalyses()
        }
        if kinds.contains(.qualifications) || kinds.contains(.investments) {
            // Qualifications and 技改 investment are policy facts (免申即享 on 高新技术企业, 技改补助 …): match again.
            try await policies.refresh(cube: cubes.cube, catalog: catalog)
        }
        if kinds.contains(.supplyLinks) || kinds.contains(.enterprises) {
            try await networks.refresh(from: store)
            refreshMarketRelations()
        }
    }

    /// Rebuilds everything that reads the cube after data changed: warnings and policy matches.
    public func refreshAnalyses() async throws {
        try await WarningService(store: store).rescan(cube: cubes.cube)
        try await policies.refresh(cube: cubes.cube, catalog: catalog)
    }

    /// Loads (or creates once, in the database, so that every server shares it) the token signing secret.
    public static func signer(for store: Store) async throws -> TokenSigner {
        let secret = try await store.settingIfAbsent("auth.token_secret", TokenSigner.newSecret())
        let lifetime = ProcessInfo.processInfo.environment["BRAIN_TOKEN_TTL"].flatMap(Double.init) ?? 8 * 3600
        return TokenSigner(secret: Data(secret.utf8), lifetime: lifetime)
    }
}
