import Foundation

/// Which webhook addresses may be subscribed and posted to (an SSRF guard). Link-local and cloud-metadata addresses
/// (169.254.0.0/16, fe80::/10, metadata hosts) and unspecified/multicast/broadcast ones are always refused; loopback
/// (127.0.0.0/8, ::1, localhost) only with `BRAIN_WEBHOOK_ALLOW_LOOPBACK=1` (tests, the bench); private ranges (10/8,
/// 172.16/12, 192.168/16, 100.64/10, fc00::/7) only with `BRAIN_WEBHOOK_ALLOW_PRIVATE=1` (a deployment whose receivers
/// sit on the government intranet). The same check runs on every address a host name resolves to before each post.
public struct AddressPolicy: Sendable, Hashable {
    public var allowLoopback: Bool
    public var allowPrivate: Bool
    public init(allowLoopback: Bool = false, allowPrivate: Bool = false) {
        self.allowLoopback = allowLoopback; self.allowPrivate = allowPrivate
    }

    /// From `BRAIN_WEBHOOK_ALLOW_LOOPBACK` and `BRAIN_WEBHOOK_ALLOW_PRIVATE` (`1` or `true`).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> AddressPolicy {
        func on(_ k: String) -> Bool { ["1", "true", "yes"].contains(env[k]?.lowercased() ?? "") }
        return AddressPolicy(allowLoopback: on("BRAIN_WEBHOOK_ALLOW_LOOPBACK"), allowPrivate: on("BRAIN_WEBHOOK_ALLOW_PRIVATE"))
    }

    /// Why an IP address (text form, v4 or v6) may not be posted to; nil when it may.
    public func refusal(ip: String) -> String? {
        if let v4 = Self.ipv4(ip) { return refusal(v4: v4) }
        let lower = ip.lowercased()
        if lower.hasPrefix("::ffff:"), let v4 = Self.ipv4(String(lower.dropFirst(7))) { return refusal(v4: v4) }
        guard lower.contains(":") else { return nil }
        if lower == "::" { return "the unspecified address :: is refused" }
        if lower == "::1" { return allowLoopback ? nil : "loopback address ::1 is refused (BRAIN_WEBHOOK_ALLOW_LOOPBACK=1 allows it)" }
        if lower.hasPrefix("fe8") || lower.hasPrefix("fe9") || lower.hasPrefix("fea") || lower.hasPrefix("feb") {
            return "link-local address \(ip) is refused"
        }
        if lower.hasPrefix("ff") { return "multicast address \(ip) is refused" }
        if lower.hasPrefix("fc") || lower.hasPrefix("fd") {
            return allowPrivate ? nil : "private address \(ip) is refused (BRAIN_WEBHOOK_ALLOW_PRIVATE=1 allows it)"
        }
        return nil
    }

    private func refusal(v4 b: [UInt8]) -> String? {
        let text = b.map(String.init).joined(separator: ".")
        switch (b[0], b[1]) {
        case (0, _): return "address \(text) (0.0.0.0/8) is refused"
        case (169, 254): return "link-local address \(text) (169.254.0.0/16, where cloud metadata services answer) is refused"
        case (127, _): return allowLoopback ? nil : "loopback address \(text) is refused (BRAIN_WEBHOOK_ALLOW_LOOPBACK=1 allows it)"
        case (224...255, _): return "multicast or reserved address \(text) is refused"
        case (10, _), (192, 168), (172, 16...31), (100, 64...127):
            return allowPrivate ? nil : "private address \(text) is refused (BRAIN_WEBHOOK_ALLOW_PRIVATE=1 allows it)"
        default: return nil
        }
    }

    /// The four bytes of a dotted IPv4 address; nil for anything else.
    static func ipv4(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { p -> UInt8? in p.count <= 3 && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) ? UInt8(p) : nil }
        return bytes.count == 4 ? bytes : nil
    }
}

/// Checks a webhook URL when it is subscribed: http or https, a host, no user name or password, no fragment, at most
/// 2,000 characters, and a host the `AddressPolicy` allows.
public enum WebhookAddress {
    public static let maxLength = 2000
    static let metadataHosts: Set<String> = ["metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"]

    /// The URL, or why it is refused (the message names the value).
    public static func validate(_ text: String, policy: AddressPolicy) -> Result<URL, AppError> {
        func bad(_ why: String) -> Result<URL, AppError> { .failure(.bad("target", "webhook URL \(String(text.prefix(200))): \(why)")) }
        guard !text.isEmpty else { return .failure(.bad("target", "a webhook subscription needs a URL (http:// or https://)")) }
        guard text.count <= maxLength else { return bad("longer than \(maxLength) characters") }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7f }) else { return bad("contains spaces or control characters") }
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased() else { return bad("not a URL") }
        guard scheme == "http" || scheme == "https" else { return bad("only http and https are allowed, not \(scheme)") }
        guard c.user == nil, c.password == nil else { return bad("credentials in the URL are refused; the body is signed with the subscription's secret instead") }
        guard c.fragment == nil else { return bad("a fragment (#…) is not sent to a server; remove it") }
        guard var host = c.host?.lowercased(), !host.isEmpty else { return bad("no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        if let port = c.port, !(1...65535).contains(port) { return bad("port \(port) is out of range") }
        if metadataHosts.contains(host) { return bad("host \(host) is a cloud metadata service") }
        if host == "localhost" || host.hasSuffix(".localhost") {
            if let why = policy.refusal(ip: "127.0.0.1") { return bad(why.replacingOccurrences(of: "127.0.0.1", with: host)) }
        } else if let why = policy.refusal(ip: host) {
            return bad(why)
        } else if host.allSatisfy({ $0.isNumber }) || (host.hasPrefix("0x")) {
            return bad("write the address as dotted decimal (a.b.c.d)")
        }
        guard let url = c.url else { return bad("not a URL") }
        return .success(url)
    }
}
