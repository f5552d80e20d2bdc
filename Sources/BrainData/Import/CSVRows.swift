import Foundation

/// Where a streamed CSV's bytes come from: a file read in chunks, or bytes already in memory.
enum ByteChunks {
    case file(FileHandle, size: Int)
    case memory(Data, offset: Int, size: Int)

    /// The source's size in bytes.
    var size: Int {
        switch self {
        case .file(let handle, _):
            let here = handle.offsetInFile
            let end = handle.seekToEndOfFile()
            handle.seek(toFileOffset: here)
            return Int(end)
        case .memory(let data, _, _): return data.count
        }
    }

    mutating func next() throws -> [UInt8]? {
        switch self {
        case .file(let handle, let size):
            guard let data = try handle.read(upToCount: size), !data.isEmpty else { return nil }
            return [UInt8](data)
        case .memory(let data, let offset, let size):
            guard offset < data.count else { return nil }
            let end = min(offset + size, data.count)
            self = .memory(data, offset: end, size: size)
            return [UInt8](data[data.startIndex + offset ..< data.startIndex + end])
        }
    }
}

/// An RFC 4180 CSV file read one record at a time (quoted fields, doubled quotes, CRLF or LF, line breaks inside
/// quotes), in chunks of 1 MiB: memory stays bounded whatever the file's size. UTF-8 with or without BOM, or GBK/GB18030
/// (detected on the first chunk and converted chunk by chunk at line ends, which never fall inside a GBK character).
public struct CSVRows: TableRows {
    private var chunks: ByteChunks
    private var buffer: [UInt8] = []
    private var position = 0
    private var line = 1
    private var atEnd = false
    private var pendingTail: [UInt8] = []
    private var sawNonASCII = false
    /// How the file's bytes were read.
    public private(set) var encoding: TextEncodingUsed = .utf8
    /// Bytes of the file read from its source (in whole chunks) and its size.
    private var chunkBytesRead = 0
    public private(set) var bytesTotal = 0
    /// Bytes of the file consumed by the records read so far: the chunks read less what is still waiting in the buffer
    /// (exact for UTF-8; an estimate for GBK, whose text grows when converted).
    public var bytesRead: Int { max(0, chunkBytesRead - (buffer.count - position) - pendingTail.count) }

    /// Reads bytes already in memory (`chunkSize` is for tests of chunk boundaries).
    public init(data: Data, chunkSize: Int = 1 << 20) throws {
        chunks = .memory(data, offset: 0, size: max(chunkSize, 4))
        try start()
    }

    /// Reads a file from disk.
    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportFileError("cannot read \(path): no such file or not readable")
        }
        chunks = .file(handle, size: 1 << 20)
        try start()
    }

    private mutating func start() throws {
        bytesTotal = chunks.size
        guard var first = try chunks.next() else { atEnd = true; return }
        chunkBytesRead += first.count
        if first.starts(with: [0xEF, 0xBB, 0xBF]) {
            first.removeFirst(3)
            encoding = .utf8BOM
        } else if first.starts(with: [0xFF, 0xFE]) || first.starts(with: [0xFE, 0xFF]) {
            throw FileEncodingError(description: "the file is UTF-16; save it as CSV UTF-8 (in Excel: 另存为 → CSV UTF-8)")
        } else if !Self.isUTF8(first, allowTruncatedEnd: true) {
            guard TextDecoding.looksLikeGBK(Self.completeLines(first)) else {
                throw FileEncodingError(description: "the file is neither UTF-8 nor GBK (first bad byte at offset \(TextDecoding.firstInvalidUTF8(first))); save it as CSV UTF-8")
            }
            encoding = .gbk
        }
        sawNonASCII = first.contains { $0 >= 0x80 }
        buffer = try decode(first, final: false)
    }

    /// The bytes up to the last line end (GBK detection must not see half a character at the chunk's end).
    static func completeLines(_ bytes: [UInt8]) -> [UInt8] {
        guard let last = bytes.lastIndex(of: 0x0A) else { return bytes }
        return Array(bytes[...last])
    }

    static func isUTF8(_ bytes: [UInt8], allowTruncatedEnd: Bool) -> Bool {
        let bad = TextDecoding.firstInvalidUTF8(bytes)
        if bad == bytes.count { return true }
        // A multi-byte character cut by the chunk's end is not an error.
        return allowTruncatedEnd && bytes.count - bad < 4 && bytes[bad] >= 0xC0
    }

    /// A chunk as UTF-8 bytes: GBK converted up to the chunk's last line end (the rest waits for the next chunk).
    private mutating func decode(_ raw: [UInt8], final: Bool) throws -> [UInt8] {
        guard encoding == .gbk else { return raw }
        var bytes = pendingTail + raw
        pendingTail = []
        if !final, let last = bytes.lastIndex(of: 0x0A) {
            pendingTail = Array(bytes[(last + 1)...])
            bytes.removeSubrange((last + 1)...)
        } else if !final {
            pendingTail = bytes
            return []
        }
        guard !bytes.isEmpty else { return [] }
        guard let s = TextDecoding.convertGB18030(bytes) else {
            throw FileEncodingError(description: "near line \(line): bytes that are not GBK/GB18030; save the file as CSV UTF-8")
        }
        return Array(s.utf8)
    }

    private mutating func refill() throws {
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        if let raw = try chunks.next() {
            chunkBytesRead += raw.count
            if encoding == .utf8, !sawNonASCII, raw.contains(where: { $0 >= 0x80 }) {
                // The first characters beyond ASCII decide, wherever they are (an English header and codes can fill the
                // first chunks of a GBK file).
                sawNonASCII = true
                let lines = Self.completeLines(raw)
                if !Self.isUTF8(lines, allowTruncatedEnd: true), TextDecoding.looksLikeGBK(lines) { encoding = .gbk }
            }
            buffer += try decode(raw, final: false)
        } else {
            if !pendingTail.isEmpty { buffer += try decode([], final: true) }
            atEnd = true
        }
    }

    public mutating func next() throws -> TableRow? {
        while true {
            if let (fields, end, lines) = try Self.record(buffer, from: position, final: atEnd, line: line) {
                position = end
                let start = line
                line += lines
                if fields.count == 1 && fields[0].isEmpty { continue }
                return TableRow(line: start, fields: fields)
            }
            if atEnd { return nil }
            try refill()
        }
    }

    /// Parses one record starting at `from`; nil when the buffer ends before the record does (and more may come).
    /// Returns the fields, the index after the record's line end and the number of lines it spans.
    static func record(_ b: [UInt8], from: Int, final: Bool, line: Int) throws -> ([String], Int, Int)? {
        guard from < b.count else { return nil }
        return try b.withUnsafeBufferPointer { p -> ([String], Int, Int)? in
            var fields: [String] = []
            var i = from, lines = 1
            var fieldStart = i
            var quoted = false
            var unquoted: [UInt8]? = nil
            func text(_ start: Int, _ end: Int) throws -> String {
                let slice = UnsafeBufferPointer(rebasing: p[start..<end])
                guard let s = String(validating: slice, as: UTF8.self) else {
                    throw FileEncodingError(description: "line \(line + lines - 1) is not valid UTF-8; save the file as CSV UTF-8")
                }
                return s
            }
            while i < p.count {
                let c = p[i]
                if quoted {
                    if c == 0x22 {
                        if i + 1 < p.count {
                            if p[i + 1] == 0x22 { unquoted!.append(0x22); i += 2; continue }
                            quoted = false; i += 1; continue
                        } else if final {
                            quoted = false; i += 1; continue
                        } else { return nil }
                    }
                    if c == 0x0A { lines += 1 }
                    unquoted!.append(c)
                    i += 1
                    continue
                }
                switch c {
                case 0x22 where i == fieldStart:
                    quoted = true
                    unquoted = []
                    i += 1
                case 0x2C:
                    if let u = unquoted {
                        fields.append(try u.withUnsafeBufferPointer { u in
                            guard let s = String(validating: u, as: UTF8.self) else { throw FileEncodingError(description: "line \(line) is not valid UTF-8") }
                            return s
                        })
                        unquoted = nil
                    } else {
                        fields.append(try text(fieldStart, i))
                    }
                    i += 1
                    fieldStart = i
                case 0x0A, 0x0D:
                    if c == 0x0D {
                        if i + 1 >= p.count && !final { return nil }
                    }
                    if let u = unquoted {
                        fields.append(String(decoding: u, as: UTF8.self))
                    } else {
                        fields.append(try text(fieldStart, i))
                    }
                    var end = i + 1
                    if c == 0x0D, end < p.count, p[end] == 0x0A { end += 1 }
                    return (fields, end, lines)
                default:
                    if unquoted != nil { unquoted!.append(c) }
                    i += 1
                }
            }
            guard final else { return nil }
            if quoted { throw ImportFileError("line \(line): a quoted field is not closed before the end of the file") }
            if let u = unquoted { fields.append(String(decoding: u, as: UTF8.self)) } else { fields.append(try text(fieldStart, p.count)) }
            return (fields, p.count, lines)
        }
    }
}
