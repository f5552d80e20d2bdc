import BrainCore
import ArgumentParser
import BrainSecurity
import BrainStore
import Crypto
import Foundation

/// `brain backup DIR`: a consistent snapshot of the database while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup",
                                                    abstract: "Snapshot the database into a new folder (SQLite: online VACUUM INTO; PostgreSQL: pg_dump) with a manifest of counts and the audit-ledger head.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "A new folder for the backup.") var out: String

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: out) else { throw Failure("\(out) already exists; give a new folder") }
        let db = try await store.open()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var manifest: BackupManifest
        switch db.kind {
        case .sqlite:
            let file = (out as NSString).appendingPathComponent("brain.sqlite")
            try await db.backupSQLite(to: file)
            await db.close()
            // Describe the copy itself.
            let copy = try await Store.openSQLite(path: file)
            manifest = BackupManifest(createdAt: Timestamp.now(), engine: "sqlite", schemaVersion: try await copy.schemaVersion(), counts: try await copy.tableCounts(),
                                      ledgerHeadSeq: try await copy.ledgerHead().seq, ledgerHeadHash: try await copy.ledgerHead().hash,
                                      fileSHA256: try Self.sha256(file), file: "brain.sqlite")
            await copy.close()
        case .postgres:
            let counts = try await db.tableCounts(), head = try await db.ledgerHead(), version = try await db.schemaVersion()
            await db.close()
            let file = (out as NSString).appendingPathComponent("brain.pgdump")
            guard let url = store.database ?? ProcessInfo.processInfo.environment["BRAIN_DATABASE"] else { throw Failure("no PostgreSQL URL") }
            let status = try Self.run("pg_dump", ["--format=custom", "--no-owner", "--file", file, "--dbname", url])
            guard status == 0 else { throw Failure("pg_dump failed (exit status \(status)); is the PostgreSQL client installed (apt-get install postgresql-client)?") }
            // pg_dump takes one snapshot; rows written between the counts above and the dump show up on restore as extra.
            manifest = BackupManifest(createdAt: Timestamp.now(), engine: "postgres", schemaVersion: version, counts: counts, ledgerHeadSeq: head.seq,
                                      ledgerHeadHash: head.hash, fileSHA256: try Self.sha256(file), file: "brain.pgdump")
        }
        let manifestFile = (out as NSString).appendingPathComponent("backup-manifest.json")
        for extra in ["demo-manifest.json"] {
            let from = (store.data as NSString).appendingPathComponent(extra)
            if FileManager.default.fileExists(atPath: from) {
                do { try FileManager.default.copyItem(atPath: from, toPath: (out as NSString).appendingPathComponent(extra)) } catch {
                    note("WARNING: \(extra) was not copied into the backup: \(error)")
                }
            }
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(manifest).write(to: URL(fileURLWithPath: manifestFile))
        say("backup written to \(out): \(manifest.counts["enterprises"] ?? 0) enterprises, \(manifest.counts["indicators"] ?? 0) monthly reports, ledger head \(manifest.ledgerHeadSeq) \(manifest.ledgerHeadHash.prefix(16))…")
        say("the data key (DATA/keys/data.key or BRAIN_DATA_KEY) is NOT in the backup: keep it separately, or encrypted fields cannot be read after a restore")
    }

    static func sha256(_ path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return Hex.encode(hasher.finalize())
    }

    static func run(_ tool: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}

/// `brain restore BACKUP --data NEWDIR`: restores into a fresh folder (or an empty PostgreSQL database) and checks it.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore",
                                                    abstract: "Restore a backup into a fresh data folder (or an empty PostgreSQL database), then compare counts and the ledger head with the manifest and verify the ledger.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The backup folder.") var backup: String

    func run() async throws {
        let manifestFile = (backup as NSString).appendingPathComponent("backup-manifest.json")
        guard let data = FileManager.default.contents(atPath: manifestFile) else { throw Failure("no backup-manifest.json in \(backup)") }
        let manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
        let file = (backup as NSString).appendingPathComponent(manifest.file)
        guard try BackupCommand.sha256(file) == manifest.fileSHA256 else { throw Failure("\(manifest.file) does not match the checksum in the manifest: the backup is damaged") }
        let url = store.database ?? ProcessInfo.processInfo.environment["BRAIN_DATABASE"]
        if manifest.engine == "sqlite" {
            guard url == nil || url!.hasPrefix("sqlite:") else { throw Failure("this is a SQLite backup; restore it into a data folder (--data)") }
            let target = url.map { String($0.dropFirst("sqlite:".count)) } ?? (store.data as NSString).appendingPathComponent("brain.sqlite")
            guard !FileManager.default.fileExists(atPath: target) else { throw Failure("\(target) already exists; restore into a fresh folder") }
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: file, toPath: target)
            let demo = (backup as NSString).appendingPathComponent("demo-manifest.json")
            if FileManager.default.fileExists(atPath: demo), url == nil {
                do { try FileManager.default.copyItem(atPath: demo, toPath: (store.data as NSString).appendingPathComponent("demo-manifest.json")) } catch {
                    note("WARNING: demo-manifest.json was not restored (the demo's planted cases will not be listed): \(error)")
                }
            }
        } else {
            guard let url, url.hasPrefix("postgres") else { throw Failure("this is a PostgreSQL backup; give --database postgres://… of an empty database") }
            let status = try BackupCommand.run("pg_restore", ["--no-owner", "--exit-on-error", "--dbname", url, file])
            guard status == 0 else { throw Failure("pg_restore failed (exit status \(status))") }
        }
        let db = try await store.open()
        let counts = try await db.tableCounts()
        let head = try await db.ledgerHead()
        let ledger = AuditLedger(store: db)
        let verified = try await ledger.verify()
        // A PostgreSQL manifest counts just before pg_dump's snapshot, so the dump may hold a few rows more.
        let exact = manifest.engine == "sqlite"
        let manifestEntry = manifest.ledgerHeadSeq > 0 ? try await ledger.entries(after: manifest.ledgerHeadSeq - 1, limit: 1).first : nil
        await db.close()
        var problems: [String] = []
        for (table, n) in manifest.counts.sorted(by: { $0.key < $1.key }) where exact ? counts[table] != n : (counts[table] ?? 0) < n {
            problems.append("\(table): \(counts[table] ?? 0) rows restored, \(exact ? "" : "at least ")\(n) in the manifest")
        }
        if exact ? (head.seq != manifest.ledgerHeadSeq || head.hash != manifest.ledgerHeadHash)
                 : (manifest.ledgerHeadSeq > 0 && manifestEntry?.entryHash != manifest.ledgerHeadHash) {
            problems.append("ledger head \(head.seq) does not hold the manifest's entry \(manifest.ledgerHeadSeq)")
        }
        if !verified.ok { problems.append("ledger: \(verified.description)") }
        for p in problems { say("MISMATCH: \(p)") }
        guard problems.isEmpty else { throw ExitCode(2) }
        say("restored \(manifest.counts.values.reduce(0, +)) rows in \(manifest.counts.count) tables; counts match the manifest; ledger head \(head.seq) matches and verifies")
    }
}
