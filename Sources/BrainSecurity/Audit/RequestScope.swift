import ServiceContextModule

/// The request an audit entry or a log line belongs to, carried in the task's `ServiceContext` from the HTTP layer to the
/// ledger without passing it through every call.
public enum RequestIDKey: ServiceContextKey {
    public typealias Value = String
    public static var nameOverride: String? { "brain.request_id" }
}

extension ServiceContext {
    /// The `X-Request-Id` of the request being served, if any.
    public var requestID: String? {
        get { self[RequestIDKey.self] }
        set { self[RequestIDKey.self] = newValue }
    }
}

extension AuditEvent {
    /// The event with `requestId` added to its detail (a JSON object) when a request is being served and the detail does
    /// not name one yet.
    func naming(request id: String?) -> AuditEvent {
        guard let id, detail.utf8.first == UInt8(ascii: "{"), !Self.contains(detail.utf8, Self.requestIDKey) else { return self }
        var e = self
        // The object's members after its brace, without JSON white space at either end (read as bytes: Foundation's
        // trimming and search cost a few percent of a metered read).
        var rest = detail.utf8.dropFirst()
        while let c = rest.first, Self.isJSONSpace(c) { rest = rest.dropFirst() }
        while let c = rest.last, Self.isJSONSpace(c) { rest = rest.dropLast() }
        let members = String(decoding: rest, as: UTF8.self)
        e.detail = "{\"requestId\":\"\(id)\"" + (members == "}" ? "}" : "," + members)
        return e
    }

    private static let requestIDKey = Array("\"requestId\"".utf8)

    private static func isJSONSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// Whether `needle` occurs in `text`'s bytes.
    static func contains(_ text: String.UTF8View, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        let bytes = Array(text)
        guard bytes.count >= needle.count else { return false }
        var i = 0
        while i <= bytes.count - needle.count {
            if bytes[i] == first, bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
