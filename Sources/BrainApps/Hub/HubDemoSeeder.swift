import BrainCore
import BrainStore

/// Publishes a few services in the 服务资源目录 of a demo database (once), owned by the administrator, so that a new
/// user finds a catalogue to browse and ask for access to.
public struct HubDemoSeeder: Sendable {
    public let store: Store
    static let doneKey = "demo.hub"

    public init(store: Store) { self.store = store }

    /// The demo services, as their publisher would fill them in.
    public static let drafts: [ServiceDraft] = [
        ServiceDraft(id: "overview-province", title: "全省工业运行总览", description: "十项主要指标的当月与1–N月累计、同比环比、规上工业增加值增速、目标完成率与24期走势；按调用方所在地区作答，可按开发区、产业链、行业和报告期筛选。",
                     source: "overview", dailyCalls: 10_000, priceNote: "免费"),
        ServiceDraft(id: "chain-nfm", title: "有色金属产业链分析", description: "有色金属产业链各环节的本地企业数、产值占比、强弱、链主、本地配套率与补链延链建议；按调用方所在地区作答。",
                     source: "chain-analysis", presets: [ServicePreset(name: "chain", value: "NFM")], dailyCalls: 2_000, priceNote: "免费"),
        ServiceDraft(id: "warnings-list", title: "经济运行风险预警清单", description: "调用方所在地区的企业、地区和产业链风险预警，按严重程度排序，可按级别、类型、报告期和处置状态筛选。",
                     source: "warnings", dailyCalls: 5_000, dailyRows: 50_000, priceNote: "按次计费：每千次调用 10 元（演示价格），每日前 100 次免费"),
        ServiceDraft(id: "policy-matches-hnte", title: "高新技术企业奖励政策匹配", description: "符合高新技术企业认定奖励政策的企业及测算金额，先列符合条件的企业；按调用方所在地区作答。",
                     source: "policy-matches", presets: [ServicePreset(name: "policy", value: "HNTE-REWARD")], dailyCalls: 1_000, dailyRows: 20_000, priceNote: "免费"),
        ServiceDraft(id: "enterprise-registry", title: "企业名录数据集", description: "调用方所在地区的企业名录（统一社会信用代码、名称、地区、行业、规模、所在产业链环节），按营业收入排序，可分页读取。",
                     source: "enterprises", dailyRows: 100_000, priceNote: "按条计费：每万条 5 元（演示价格）"),
    ]

    /// Seeds when the database holds the demo dataset and the catalogue has not been seeded; returns how many services.
    public func seedIfDemo(owner: String = "admin") async throws -> Int? {
        guard try await store.setting("demo.manifest") != nil, try await store.setting(Self.doneKey) == nil else { return nil }
        let n = try await seed(owner: owner)
        try await store.setSetting(Self.doneKey, "\(n)")
        return n
    }

    /// Publishes the demo services that are not there yet.
    public func seed(owner: String = "admin") async throws -> Int {
        let now = Timestamp.now()
        var n = 0
        for d in Self.drafts where try await store.publishedService(d.id) == nil {
            try await store.putPublishedService(try d.validated(owner: owner, now: now, createdAt: nil))
            n += 1
        }
        return n
    }
}
