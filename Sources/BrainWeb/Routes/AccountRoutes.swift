import BrainApps
import BrainSecurity
import Foundation
import Hummingbird

extension BrainServer {
    /// Delegated account administration: one account, or a CSV file of them, for administrators and (within their scope,
    /// below their level) officials and zone managers.
    func addAccountRoutes(_ api: APIRoutes) {
        let services = self.services
        api.post("/api/v1/users", RouteDoc(method: "post", path: "/api/v1/users",
                                           summary: "Create an account (username, name, role, scope, contact). Administrators any; officials and zone managers only roles below theirs with a scope inside theirs (an enterprise user's firm registered in their scope). Without a password a strong one-time initial password is generated and answered only now; the first login must change it.",
                                           tag: "users", requestBody: .json(NewAccount.self), access: .permission(.createAccounts),
                                           errors: [400, 401, 403, 409], status: .created)) { request, context in
            let p = try context.caller()
            let body = try await Self.decodeBody(request, as: NewAccount.self, limit: 16 * 1024)
            return try await services.accountDesk.create(body, by: p, origin: AdminOrigin(source: request.clientAddress(context), via: "api"))
        }
        api.post("/api/v1/users/:username/reset-password", RouteDoc(method: "post", path: "/api/v1/users/:username/reset-password",
                                                                  summary: "Reset a password (administrators): a generated one-time password answered only now; the account's sessions end and its next login may only change the password",
                                                                  tag: "users", params: [.path("username", "user name")], access: .permission(.manageUsers),
                                                                  errors: [401, 403, 404])) { request, context in
            let (reset, ended) = try await services.accountDesk.resetPassword(try context.parameters.require("username"), by: try context.caller(),
                                                                              origin: AdminOrigin(source: request.clientAddress(context), via: "api"))
            services.sessions.markRevoked(ended)
            return reset
        }
        api.post("/api/v1/users/import", RouteDoc(method: "post", path: "/api/v1/users/import",
                                                  summary: "Create accounts from a CSV file (columns username, name, role, scope, contact; Chinese headers 用户名, 姓名, 角色, 范围, 联系方式): a result per row (created, or rejected with field and reason), good rows kept when others fail; the generated initial passwords are answered only now, also as CSV text (passwordsCSV)",
                                                  tag: "users", requestBody: .csv, access: .permission(.createAccounts), errors: [400, 401, 403, 413])) { request, context in
            let p = try context.caller()
            let buffer = try await request.body.collect(upTo: 4 * 1024 * 1024)
            guard buffer.readableBytes > 0 else { throw APIError.badRequest("body", "the request body is empty; send the CSV file as the body") }
            return try await services.accountDesk.importAccounts(Data(buffer: buffer), by: p, origin: AdminOrigin(source: request.clientAddress(context), via: "api"))
        }
    }
}
