import Foundation
import Synchronization

/// Sends a webhook body; implemented over HTTP by the web layer (`URLSessionWebhookTransport`) and in memory by tests.
public protocol WebhookTransport: Sendable {
    /// Posts `body` with `headers` to `url`; the answer's status, or why no answer came.
    func post(_ url: URL, headers: [String: String], body: Data) async -> WebhookOutcome
}

/// What came of one post: a status (delivered only when 2xx) or an error without one.
public struct WebhookOutcome: Sendable, Hashable {
    public var status: Int?
    public var error: String?
    public init(status: Int?, error: String? = nil) { self.status = status; self.error = error }
    public var delivered: Bool { status.map { (200..<300).contains($0) } ?? false }
    /// The reason stored with a failed attempt.
    public var failure: String { error ?? status.map { "receiver answered HTTP \($0)" } ?? "no answer" }
}

/// One e-mail or SMS message.
public struct OutgoingMessage: Codable, Sendable, Hashable {
    /// email or sms.
    public var channel: String
    public var to: String
    public var subject: String
    public var text: String
    /// The delivery it belongs to (a gateway may drop a repeat).
    public var deliveryId: String
    public var createdAt: String
}

/// Sends e-mail and SMS. For now the only implementation is `FileNotifier`; a mail or SMS gateway implements the same.
public protocol Notifier: Sendable {
    func send(_ message: OutgoingMessage) async throws
}

/// Writes each message as one JSON line to `<directory>/<channel>.jsonl` (the data directory's `notifications/`), for
/// an operator or a gateway script to pick up.
public struct FileNotifier: Notifier {
    public let directory: URL
    private let lock = FileAppendLock()
    public init(directory: URL) { self.directory = directory }

    public func send(_ message: OutgoingMessage) async throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try enc.encode(message)
        line.append(0x0A)
        let url = directory.appendingPathComponent("\(message.channel == "sms" ? "sms" : "email").jsonl")
        try lock.append(line, to: url, directory: directory)
    }
}

/// Serialises appends so lines of concurrent messages do not interleave.
final class FileAppendLock: Sendable {
    private let mutex = Mutex(())
    func append(_ data: Data, to url: URL, directory: URL) throws {
        try mutex.withLock { _ in try write(data, to: url, directory: directory) }
    }

    private func write(_ data: Data, to url: URL, directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: url.path) { FileManager.default.createFile(atPath: url.path, contents: nil) }
        let h = try FileHandle(forWritingTo: url)
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: data)
    }
}
