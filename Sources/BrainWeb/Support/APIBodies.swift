import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation

// Request and response bodies that belong to the web layer itself (the application layer's results are returned as they
// are). Each is a top-level Codable type, so the OpenAPI document derives its schema (`SchemaBook`).

/// A list answered as `{"items": […]}`.
struct ItemList<T: Codable & Sendable>: Codable, Sendable {
    let items: [T]
    init(_ items: [T]) { self.items = items }
}

/// How many sessions a call ended.
struct RevokedCount: Codable, Sendable {
    let revoked: Int
}

/// How many records a call changed.
struct UpdatedCount: Codable, Sendable {
    let updated: Int
}

/// An optional note on a state change (acknowledge, resolve, apply, advance a referral). An empty body is the same as `{}`.
struct NoteBody: Codable, Sendable {
    let note: String?
}

/// A reviewer's step on an award: a note (the reason, required to reject), the amount in 万元 (approving only) and the
/// 公示 working days (publishing only, default 5).
struct AwardActionBody: Codable, Sendable {
    let note: String?
    let amount: Double?
    var days: Int? = nil
}

/// One step on several awards.
struct AwardBatchBody: Codable, Sendable {
    let action: String
    let ids: [String]
    let note: String?
    let days: Int?
}

/// `POST /api/v1/auth/login`.
struct LoginRequest: Codable, Sendable {
    let username: String
    let password: String
    /// A TOTP code or a recovery code, once the account is enrolled.
    let otp: String?
}

/// The bearer token and who it is for.
struct LoginAnswer: Codable, Sendable {
    let token: String
    let expiresAt: String
    let username: String
    let role: String
    let scope: String?
    let factors: String
    let enrolmentRequired: Bool
    /// True when the token may only change the password (`POST /api/v1/me/password`); log in again afterwards.
    let passwordChangeRequired: Bool
}

/// `GET /api/v1/me`: the caller, its scope and permissions.
struct CallerView: Codable, Sendable {
    let username: String
    let role: String
    let roleName: String
    let scope: String?
    let scopeName: String?
    let permissions: [String]
}

/// `POST /api/v1/me/password`.
struct PasswordChange: Codable, Sendable {
    let currentPassword: String?
    let newPassword: String?
}

/// A second-factor code.
struct OTPBody: Codable, Sendable {
    let otp: String?
}

/// A new TOTP secret and its otpauth:// URI.
struct MFAEnrolment: Codable, Sendable {
    let secret: String
    let uri: String
}

/// One-time recovery codes, shown once.
struct RecoveryCodes: Codable, Sendable {
    let recoveryCodes: [String]
}

/// `POST /api/v1/news`.
struct AnnouncementDraftBody: Codable, Sendable {
    let title: String?
    let body: String?
    let publishAt: String?
    let draft: Bool?
}

/// `POST /api/v1/enterprises/{uscc}/referrals`.
struct ReferralRequest: Codable, Sendable {
    let solutionId: String?
    let note: String?
}

/// `POST /api/v1/enterprises/{uscc}/grants`.
struct GrantRequest: Codable, Sendable {
    let grantee: String?
    let datasets: [String]?
    let purpose: String?
    let days: Int?
    let expiresAt: String?
}

/// A development zone with its kind's name.
struct ZoneView: Codable, Sendable {
    let code, name, shortName, kind, kindName: String
    let counties, cities, chains: [String]
}

/// GB/T 4754 divisions and the classes the chains use.
struct IndustryList: Codable, Sendable {
    let divisions: [IndustryDivision]
    let classes: [IndustryClass]
}

/// A chain with its link count, for the chain list.
struct ChainSummary: Codable, Sendable {
    let code, name: String
    let clusters: [String]
    let linkCount: Int
    let links: [ChainLink]
}

/// One supply edge between two links of a chain.
struct ChainEdge: Codable, Sendable {
    let from, to: String
}

/// One chain with its link graph and the names of the classes its links use.
struct ChainDetail: Codable, Sendable {
    let code, name: String
    let clusters: [String]
    let links: [ChainLink]
    let edges: [ChainEdge]
    let industryNames: [String: String]
}

/// One month of an enterprise's indicators, by indicator code (null where not reported).
struct EnterpriseMonthRow: Codable, Sendable {
    let month: String
    let values: [String: Double?]
}

/// `GET /api/v1/enterprises/{uscc}`: the profile, and the figures and supply links when the caller may read them.
struct EnterpriseDetail: Codable, Sendable {
    let enterprise: EnterpriseView
    let indicatorsVisible: Bool
    let indicators: [EnterpriseMonthRow]
    let units: [String: String]
    let suppliers: [SupplyLink]
    let customers: [SupplyLink]
    /// Investment projects (投资/技改项目); empty when the figures are not visible.
    let investmentProjects: [InvestmentProject]
    /// Land use by year with 亩均税收 and 亩均产值; empty when the figures are not visible.
    let landUse: [LandYear]
}
