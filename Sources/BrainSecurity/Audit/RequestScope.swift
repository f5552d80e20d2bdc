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
        guard let id, detail.hasPrefix("{"), !detail.contains("\"requestId\"") else { return self }
        var e = self
        let rest = detail.dropFirst().trimmingCharacters(in: .whitespaces)
        e.detail = "{\"requestId\":\"\(id)\"" + (rest == "}" ? "}" : "," + rest)
        return e
    }
}
