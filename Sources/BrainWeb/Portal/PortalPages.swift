import BrainSecurity
import Hummingbird

/// Who may open a portal page or post its form. One value per page feeds the router's check and the portal's access
/// matrix test, as `RouteAccess` does for the API.
enum PageAccess: Sendable, Equatable {
    /// Anyone (sign-in, enrolment, sign-out; the page itself checks what it needs).
    case open
    /// Any signed-in caller; others are sent to the sign-in page.
    case signedIn
    /// A caller whose role holds the permission.
    case permission(Permission)
    /// An enterprise user with its firm (the 我的… pages).
    case enterprise

    /// Whether a signed-in caller passes.
    func admits(_ p: Principal) -> Bool {
        switch self {
        case .open, .signedIn: return true
        case .permission(let permission): return p.can(permission)
        case .enterprise: return p.ownEnterprise != nil
        }
    }
}

/// One registered portal page.
struct PageDoc: Sendable {
    let method: String
    let path: String
    let access: PageAccess
}

/// Registers portal pages with their access: a caller without a session is sent to the sign-in page, one whose role
/// may not use the page gets the 403 page, before the handler runs. Keeps the list for tests.
final class PortalPages: @unchecked Sendable {
    // Mutated only while the router is being built, before the server starts; read-only afterwards.
    let router: Router<BrainContext>
    let portal: Portal
    private(set) var docs: [PageDoc] = []

    init(router: Router<BrainContext>, portal: Portal) {
        self.router = router
        self.portal = portal
    }

    func get(_ path: String, _ access: PageAccess, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        docs.append(PageDoc(method: "GET", path: path, access: access))
        router.get(RouterPath(path), use: guarded(access, handler))
    }

    func post(_ path: String, _ access: PageAccess, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response) {
        docs.append(PageDoc(method: "POST", path: path, access: access))
        router.post(RouterPath(path), use: guarded(access, handler))
    }

    private func guarded(_ access: PageAccess, _ handler: @escaping @Sendable (Request, BrainContext) async throws -> Response)
        -> @Sendable (Request, BrainContext) async throws -> Response {
        let portal = self.portal
        return { request, context in
            guard access != .open else { return try await handler(request, context) }
            // A session that must change its password reaches only the change-password page.
            guard let p = context.principal else { return PortalRenderer.redirect(context.passwordChangeOnly ? "/password" : "/login") }
            guard access.admits(p) else {
                return portal.message(context, "无权访问", "您的角色（\(p.role.nameZh)）不能使用此页面。", status: .forbidden)
            }
            return try await handler(request, context)
        }
    }
}
