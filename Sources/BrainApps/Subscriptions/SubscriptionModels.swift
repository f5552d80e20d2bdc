import BrainStore
import Foundation

/// What a subscription listens to.
public enum SubscriptionTopic: String, Codable, Sendable, CaseIterable {
    /// New warnings (风险预警) inside the subscriber's scope.
    case warnings
    /// Finished data batches (file imports and, through `publish`, other deliveries) the subscriber may see.
    case imports
    public var nameZh: String { self == .warnings ? "新预警" : "数据导入完成" }
}

/// How a subscription is delivered.
public enum SubscriptionChannel: String, Codable, Sendable, CaseIterable {
    case webhook, inbox, email, sms
    public var nameZh: String {
        switch self {
        case .webhook: return "Webhook"
        case .inbox: return "站内消息"
        case .email: return "电子邮件"
        case .sms: return "短信"
        }
    }
}

/// A new subscription as a caller asks for it. Empty filter lists mean "all within my scope".
public struct SubscriptionDraft: Codable, Sendable {
    public var name: String
    public var topic: SubscriptionTopic
    public var channel: SubscriptionChannel
    /// The webhook URL, e-mail address or mobile number; absent for the inbox.
    public var target: String?
    /// Region codes (a city or county inside the caller's scope).
    public var regions: [String]?
    /// Chain codes.
    public var chains: [String]?
    /// Warning levels: red, orange, yellow.
    public var levels: [String]?
    /// Warning kinds (output-drop, …) or, for imports, import kinds (indicators, …).
    public var kinds: [String]?
    public init(name: String, topic: SubscriptionTopic, channel: SubscriptionChannel, target: String? = nil, regions: [String]? = nil,
                chains: [String]? = nil, levels: [String]? = nil, kinds: [String]? = nil) {
        self.name = name; self.topic = topic; self.channel = channel; self.target = target; self.regions = regions
        self.chains = chains; self.levels = levels; self.kinds = kinds
    }
}

/// A subscription as its owner sees it (never its secret), with its deliveries counted by state.
public struct SubscriptionView: Codable, Sendable, Hashable {
    public var id: String
    public var owner: String
    public var name: String
    public var topic: SubscriptionTopic
    public var channel: SubscriptionChannel
    public var target: String
    public var regions: [String]
    public var chains: [String]
    public var levels: [String]
    public var kinds: [String]
    /// active or paused.
    public var state: String
    public var createdAt: String
    public var pending: Int
    public var delivered: Int
    public var dead: Int
}

/// The answer to a new subscription: the subscription and, for a webhook, its signing secret (shown this once).
public struct CreatedSubscription: Codable, Sendable {
    public var subscription: SubscriptionView
    public var secret: String?
}

/// A delivery as its subscription's owner sees it (the body it carries included).
public struct DeliveryView: Codable, Sendable, Hashable {
    public var id: String
    public var subscriptionId: String
    public var channel: String
    public var eventCount: Int
    /// pending, delivered, dead (the dead-letter list) or cancelled.
    public var state: String
    public var attempts: Int
    public var nextAttemptAt: String?
    public var lastError: String?
    public var createdAt: String
    public var deliveredAt: String?
    public var body: String

    init(_ d: DeliveryRecord) {
        id = d.id; subscriptionId = d.subscriptionId; channel = d.channel; eventCount = d.eventCount; state = d.state; attempts = d.attempts
        nextAttemptAt = d.state == "pending" ? d.nextAttemptAt : nil; lastError = d.lastError; createdAt = d.createdAt
        deliveredAt = d.deliveredAt; body = d.body
    }
}

/// A warning as a subscriber receives it: enough to act on, nothing beyond what the subscriber may read.
public struct WarningNotice: Codable, Sendable, Hashable {
    public var id: String
    public var level: String
    public var levelName: String
    public var kind: String
    public var kindName: String
    /// enterprise, region or chain.
    public var subjectType: String
    /// The firm's credit code (or the region/chain code).
    public var subject: String
    public var subjectName: String
    public var region: String?
    public var regionName: String?
    public var chain: String?
    public var chainName: String?
    public var period: String
    /// Why, in plain Chinese.
    public var reasons: String
    /// Where to read it in the portal.
    public var link: String
}

/// A finished data batch as a subscriber receives it.
public struct ImportNotice: Codable, Sendable, Hashable {
    public var batch: String
    public var kind: String
    public var fileName: String
    /// Who delivered it (a user name or `client:<id>`).
    public var actor: String
    public var via: String
    public var accepted: Int
    public var rejected: Int
    public var changed: Int
    public var finishedAt: String
    public var link: String
    public init(batch: String, kind: String, fileName: String, actor: String, via: String, accepted: Int, rejected: Int, changed: Int,
                finishedAt: String = Timestamp.precise(), link: String) {
        self.batch = batch; self.kind = kind; self.fileName = fileName; self.actor = actor; self.via = via; self.accepted = accepted
        self.rejected = rejected; self.changed = changed; self.finishedAt = finishedAt; self.link = link
    }
}

/// One event in a delivery's body: `warning.raised` with `warning`, or `import.completed` with `import`.
public struct NoticeEvent: Codable, Sendable, Hashable {
    /// Unique per event and subject (`<event id>:<warning id>`): a receiver may drop one it has seen.
    public var id: String
    public var type: String
    public var occurredAt: String
    public var warning: WarningNotice?
    public var `import`: ImportNotice?
}

/// The JSON body of a webhook delivery (docs/subscriptions.md): one or more events.
public struct DeliveryBody: Codable, Sendable {
    public var deliveryId: String
    public var subscriptionId: String
    public var events: [NoticeEvent]
}

/// An event another part of the platform announces (`SubscriptionHub.publish`).
public enum PlatformEvent: Sendable {
    /// A data batch finished (file import, the ingestion interface, …).
    case importCompleted(ImportNotice)
    /// Warnings were stored outside a scan (the scan writes its own event with the warnings).
    case warningsRaised([String])
}
