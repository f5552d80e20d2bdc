import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ZIPFoundation

/// Decompresses one entry of a workbook on a background thread into one end of a socket pair while the reader parses
/// from the other end: inflating and parsing overlap, nothing goes to disk, and memory stays at the sockets' buffers.
/// A reader that stops early closes its end; the thread's next write fails and the extraction ends.
final class EntryExtraction: @unchecked Sendable {
    // @unchecked: `archive` is used by the thread alone while it runs; the reader touches the archive again only after
    // `finish()` (which waits for the thread), or never. `failure` is guarded by `lock`.
    private let archive: Archive
    private let entry: Entry
    private let socket: Int32
    private let part: String
    private let what: String
    private let lock = NSLock()
    private var failure: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    private init(archive: Archive, entry: Entry, socket: Int32, part: String, what: String) {
        self.archive = archive
        self.entry = entry
        self.socket = socket
        self.part = part
        self.what = what
    }

    /// Starts the extraction and answers the reading end.
    static func start(archive: Archive, entry: Entry, part: String, what: String) throws -> XMLByteSource {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw XLSXError("\(what): cannot open a socket pair to stream the part: \(String(cString: strerror(errno)))")
        }
        var size: Int32 = 1 << 21
        _ = setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let job = EntryExtraction(archive: archive, entry: entry, socket: fds[1], part: part, what: what)
        let thread = Thread { job.run() }
        thread.name = "xlsx-extract"
        thread.start()
        return XMLByteSource(extraction: job, socket: fds[0])
    }

    private func run() {
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 18, skipCRC32: false) { chunk in
                try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                    guard let base = raw.baseAddress else { return }
                    var offset = 0
                    while offset < raw.count {
                        let n = send(socket, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                        if n < 0 {
                            if errno == EINTR { continue }
                            throw XLSXError("\(what): the reader stopped")
                        }
                        offset += n
                    }
                }
            }
        } catch {
            lock.lock()
            failure = error
            lock.unlock()
        }
        close(socket)
        done.signal()
    }

    /// Waits for the thread (the reader has seen the end of the stream) and throws what went wrong in it, if anything.
    func finish() throws {
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        guard let failure else { return }
        if let e = failure as? XLSXError { throw e }
        throw XLSXError("\(what): the part \(part) cannot be decompressed (\(failure)): the file is damaged")
    }
}
