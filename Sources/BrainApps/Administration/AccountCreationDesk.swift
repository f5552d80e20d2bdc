import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// One account to create, as the API body and a row of the account file give it. `contact` is a phone number or an
/// e-mail address; `password` is optional (a strong one is generated and answered once when absent).
public struct NewAccount: Codable, Sendable {
    public var username: String
    public var name: String?
    public var role: String
    public var scope: String?
    public var contact: String?
    public var password: String?

    public init(username: String, name: String? = nil, role: String, scope: String? = nil, contact: String? = nil, password: String? = nil) {
        self.username = username
        self.name = name
        self.role = role
        self.scope = scope
        self.contact = contact
        self.password = password
    }
}

/// The outcome of one row of an account file: created (with its one-time initial password) or rejected with the field
/// and the reason.
public struct AccountImportRow: Codable, Sendable {
    public let row: Int
    public let username: String?
    public let outcome: String
    public let role: String?
    public let scope: String?
    public let field: String?
    public let reason: String?
    public let initialPassword: String?
}

/// The answer to an account file: a result per row, the counts, and the initial passwords of the created accounts as a
/// CSV text (`username,name,role,scope,initialPassword`) for the portal's one-time download.
public struct AccountImportResult: Codable, Sendable {
    public let rows: Int
    public let created: Int
    public let rejected: Int
    public let results: [AccountImportRow]
    public let passwordsCSV: String
}

/// A password reset by an administrator: the new one-time password (shown only now) and the sessions that were ended.
public struct PasswordReset: Codable, Sendable {
    public let username: String
    public let initialPassword: String
    public let mustChangePassword: Bool
    public let sessionsEnded: Int
}

/// Where an account administration request came from, for the audit ledger.
public struct AdminOrigin: Sendable {
    public let source: String
    public let via: String
    public init(source: String, via: String) { self.source = source; self.via = via }
}

extension AccountDesk {
    /// Creates one account for the caller under the delegation rule (`AccountDelegation`): administrators any, officials
    /// only below their level and inside their scope. The creation and every refusal are written to the audit ledger
    /// (role, scope and reason; never the contact or the password).
    public func create(_ new: NewAccount, by p: Principal, origin: AdminOrigin) async throws -> CreatedAccount {
        do {
            let created = try await createChecked(new, by: p)
            try await audit(p, new, origin: origin, outcome: "ok", detail: ["role": created.role, "scope": created.scope ?? "", "generated": String(created.initialPassword != nil)])
            return created
        } catch let e as Accounts.Problem {
            try await audit(p, new, origin: origin, outcome: e.code == "forbidden" ? "denied" : "rejected", detail: ["role": new.role, "scope": new.scope ?? "", "reason": e.description])
            throw Self.appError(e)
        }
    }

    /// Creates the accounts of a CSV file (columns username, name, role, scope, contact; Chinese headers 用户名, 姓名,
    /// 角色, 范围, 联系方式 accepted; UTF-8 or GBK), row by row: a bad row is rejected with its field and reason and does not
    /// undo the good ones; a user name repeated in the file or already taken is rejected naming the row. Each row is
    /// checked under the same delegation rule as one account and written to the audit ledger.
    public func importAccounts(_ data: Data, by p: Principal, origin: AdminOrigin) async throws -> AccountImportResult {
        try p.require(.createAccounts)
        let table = try AccountFile.read(data)
        var results: [AccountImportRow] = []
        var seen: [String: Int] = [:]
        var passwords = ["username,name,role,scope,initialPassword"]
        for row in table {
            let new = row.account
            func reject(_ field: String, _ reason: String, outcome: String = "rejected") async throws {
                results.append(AccountImportRow(row: row.line, username: new.username.isEmpty ? nil : new.username, outcome: "rejected", role: new.role.isEmpty ? nil : new.role,
                                                scope: new.scope, field: field, reason: reason, initialPassword: nil))
                try await audit(p, new, origin: origin, outcome: outcome, detail: ["role": new.role, "scope": new.scope ?? "", "row": String(row.line), "reason": reason])
            }
            let key = new.username.trimmingCharacters(in: .whitespaces).lowercased()
            if !key.isEmpty, let first = seen[key] {
                try await reject("username", "user name \(new.username) repeats row \(first) of this file")
                continue
            }
            if !key.isEmpty { seen[key] = row.line }
            do {
                let created = try await createChecked(new, by: p)
                results.append(AccountImportRow(row: row.line, username: created.username, outcome: "created", role: created.role, scope: created.scope,
                                                field: nil, reason: nil, initialPassword: created.initialPassword))
                passwords.append([created.username, created.name ?? "", created.role, created.scope ?? "", created.initialPassword ?? ""].map(CSV.escape).joined(separator: ","))
                try await audit(p, new, origin: origin, outcome: "ok", detail: ["role": created.role, "scope": created.scope ?? "", "row": String(row.line), "generated": "true"])
            } catch let e as Accounts.Problem {
                let field = e.field ?? "row"
                try await reject(field, Self.stripField(e.description, field), outcome: e.code == "forbidden" ? "denied" : "rejected")
            }
        }
        let created = results.filter { $0.outcome == "created" }.count
        return AccountImportResult(rows: results.count, created: created, rejected: results.count - created, results: results,
                                   passwordsCSV: passwords.joined(separator: "\r\n") + "\r\n")
    }

    /// Resets an account's password to a generated one-time password (administrators): the account's sessions end and
    /// its next login may only change the password. Written to the ledger without the password.
    public func resetPassword(_ username: String, by p: Principal, origin: AdminOrigin) async throws -> (PasswordReset, ended: [String]) {
        try requireAdministrator(p)
        guard try await store.user(username) != nil else { throw AppError.notFound("no user \(username)") }
        let password = Passwords.initial()
        do {
            try await accounts.setPassword(username, password, forceChange: true, cost: Passwords.initialCost)
        } catch let e as Accounts.Problem {
            throw Self.appError(e)
        }
        let ended = try await store.sessions(username: username).map(\.jti)
        try await store.revokeSessions(username: username, by: p.username)
        try await AuditLedger(store: store).record(AuditEvent(actor: p.username, action: "user reset-password", target: "user:\(username)", source: origin.source,
                                                              detail: "{\"sessionsEnded\":\(ended.count),\"via\":\"\(origin.via)\"}"))
        return (PasswordReset(username: username, initialPassword: password, mustChangePassword: true, sessionsEnded: ended.count), ended)
    }

    /// The accounts the caller may administer: every account for administrators; for officials and zone managers the
    /// accounts whose scope lies inside theirs (officials below them, enterprise users of firms in their scope).
    public func accountsInScope(by p: Principal, catalog: RegionCatalog) async throws -> [AccountRow] {
        try p.require(.createAccounts)
        let all = try await accountsRows()
        if p.can(.manageUsers) { return all }
        let below = Set(AccountDelegation.creatable(by: p.role).map(\.rawValue))
        let restriction = p.enterpriseScope(in: catalog)
        var out: [AccountRow] = []
        for row in all where below.contains(row.role) {
            guard let scope = row.scope, let role = Role(rawValue: row.role) else { continue }
            if role == .enterprise {
                if try await store.enterprise(scope, scope: restriction) != nil { out.append(row) }
            } else if AccountDelegation.refusal(role: role, scope: scope, by: p, catalog: catalog) == nil {
                out.append(row)
            }
        }
        return out
    }

    func createChecked(_ new: NewAccount, by p: Principal) async throws -> CreatedAccount {
        guard p.can(.createAccounts) else {
            throw Accounts.Problem("role \(p.role.rawValue) lacks permission \(Permission.createAccounts.rawValue)", code: "forbidden", field: "role")
        }
        let roleName = new.role.trimmingCharacters(in: .whitespaces)
        guard let role = Role(rawValue: roleName) ?? Role.people.first(where: { $0.nameZh == roleName }) else {
            throw Accounts.Problem("role: \(roleName.isEmpty ? "required" : "unknown role \(roleName)"); use one of \(Role.people.map(\.rawValue).joined(separator: ", "))", field: "role")
        }
        let scope = new.scope.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let given = new.password.flatMap { $0.isEmpty ? nil : $0 }
        return try await accounts.create(AccountRequest(username: new.username, displayName: new.name, role: role, scope: scope, contact: new.contact,
                                                        password: given, mustChangePassword: true), by: p,
                                         cost: given == nil ? Passwords.initialCost : Passwords.cost)
    }

    func audit(_ p: Principal, _ new: NewAccount, origin: AdminOrigin, outcome: String, detail: [String: String]) async throws {
        var fields = detail
        fields["via"] = origin.via
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try enc.encode(fields), as: UTF8.self)
        let target = "user:" + String(new.username.trimmingCharacters(in: .whitespaces).prefix(64))
        try await AuditLedger(store: store).record(AuditEvent(actor: p.username, action: "user create", target: target, source: origin.source,
                                                              outcome: outcome, detail: text))
    }

    static func stripField(_ message: String, _ field: String) -> String {
        message.hasPrefix(field + ": ") ? String(message.dropFirst(field.count + 2)) : message
    }

    static func appError(_ e: Accounts.Problem) -> AppError {
        switch e.code {
        case "forbidden": return .forbidden(e.description)
        case "conflict": return .conflict("username_taken", e.description)
        default:
            let field = e.field ?? "body"
            return .bad(field, stripField(e.description, field))
        }
    }
}

/// Reads an account file: a header row naming the columns (English or Chinese, any order) and one account a row.
public enum AccountFile {
    /// One data row with its line number in the file.
    public struct Row: Sendable {
        public let line: Int
        public let account: NewAccount
    }

    static let headers: [String: String] = [
        "username": "username", "user": "username", "用户名": "username", "账号": "username", "帐号": "username",
        "name": "name", "displayname": "name", "姓名": "name", "名称": "name",
        "role": "role", "角色": "role",
        "scope": "scope", "范围": "scope", "数据范围": "scope", "scopecode": "scope",
        "contact": "contact", "联系方式": "contact", "电话": "contact", "邮箱": "contact", "phone": "contact", "email": "contact",
    ]

    /// At most this many accounts a file.
    public static let maxRows = 10_000

    /// Parses the file; a header without username or role, or a file with too many rows, is refused whole.
    public static func read(_ data: Data) throws -> [Row] {
        let text: String
        do { text = try TextDecoding.decode(data).text } catch { throw AppError.bad("body", "the file is neither UTF-8 nor GBK text: \(error)") }
        let rows = CSV.parse(text)
        guard let header = rows.first else { throw AppError.bad("body", "the file is empty; send a CSV with the header username,name,role,scope,contact") }
        var columns: [String: Int] = [:]
        for (i, cell) in header.fields.enumerated() {
            let key = cell.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces).lowercased()
                .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "_", with: "")
            guard let field = headers[key] else { continue }
            if columns[field] != nil { throw AppError.bad("header", "column \(i + 1) \"\(cell)\" repeats \(field)") }
            columns[field] = i
        }
        for required in ["username", "role"] where columns[required] == nil {
            throw AppError.bad("header", "the header lacks the column \(required) (\(required == "username" ? "用户名" : "角色")); found: \(header.fields.joined(separator: ","))")
        }
        guard rows.count - 1 <= maxRows else { throw AppError.bad("body", "at most \(maxRows) accounts a file; this one has \(rows.count - 1)") }
        func cell(_ field: String, _ fields: [String]) -> String? {
            guard let i = columns[field], i < fields.count else { return nil }
            let v = fields[i].trimmingCharacters(in: .whitespaces)
            return v.isEmpty ? nil : v
        }
        return rows.dropFirst().map { r in
            Row(line: r.line, account: NewAccount(username: cell("username", r.fields) ?? "", name: cell("name", r.fields), role: cell("role", r.fields) ?? "",
                                                  scope: cell("scope", r.fields), contact: cell("contact", r.fields)))
        }
    }
}
