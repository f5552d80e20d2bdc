import Foundation
import Hummingbird
import Mustache

/// Renders the portal's Mustache templates (Sources/BrainWeb/Templates, copied as resources) into HTML responses.
struct PortalRenderer: Sendable {
    let library: MustacheLibrary

    /// Loads every `.mustache` file of the bundled Templates folder; a template that does not parse stops the server at start.
    static func load() throws -> PortalRenderer {
        guard let dir = Bundle.module.resourceURL?.appendingPathComponent("Templates") else {
            throw APIError(.internalServerError, code: "internal", message: "the portal templates are missing from the bundle")
        }
        var library = MustacheLibrary()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            library.register(try MustacheTemplate(string: text), named: String(name.dropLast(".mustache".count)))
        }
        return PortalRenderer(library: library)
    }

    /// An HTML page; `status` for error pages.
    func page(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(context, withTemplate: template) ?? "<!doctype html><title>错误</title><p>页面模板 \(template) 缺失</p>"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }
}
