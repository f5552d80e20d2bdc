import ArgumentParser
import BrainSecurity
import BrainStore
import Foundation

/// `brain audit …`: the tamper-evident ledger of key operations (关键操作可信存证).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Verify the audit ledger, export proofs, list entries.",
                                                    subcommands: [Verify.self, Proof.self, Checkpoint.self, Log.self])

    /// `brain audit verify`
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recompute every entry and checkpoint; name the first bad entry. Exit status 2 when the ledger was tampered with.")
        @OptionGroup var store: StoreOptions
        func run() async throws {
            let db = try await store.open()
            let result = try await AuditLedger(store: db).verify()
            if !result.ok {
                do {
                    try await SecurityMonitor(store: db).raise(kind: "ledger_verification_failed", level: "critical", actor: "cli:\(NSUserName())", source: "cli",
                                                               summary: "audit ledger verification failed: \(result.problem ?? "")",
                                                               trace: ["firstBadEntry": result.firstBadEntry.map(String.init) ?? "", "entries": String(result.entries)])
                } catch {
                    note("ERROR: could not record the security event for the failed verification: \(error)")
                }
            }
            await db.close()
            say(result.description)
            if !result.ok { throw ExitCode(2) }
        }
    }

    /// `brain audit proof SEQ`
    struct Proof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the inclusion proof of one entry against its checkpoint as JSON (check it with docs/security/verify_proof.py). Entries not yet under a checkpoint are sealed first.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Sequence number of the entry.") var seq: Int
        @Option(help: "Write the proof to this file instead of standard output.") var out: String?
        func run() async throws {
            let db = try await store.open()
            let ledger = AuditLedger(store: db)
            var proof = try await ledger.proof(seq: seq)
            if proof == nil {
                try await ledger.checkpoint()
                proof = try await ledger.proof(seq: seq)
            }
            await db.close()
            guard let proof else { throw Failure("there is no audit entry \(seq)") }
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try enc.encode(proof)
            if let out {
                try data.write(to: URL(fileURLWithPath: out))
                note("wrote the proof of entry \(seq) (checkpoint \(proof.checkpoint.id)) to \(out)")
            } else {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
        }
    }

    /// `brain audit checkpoint`
    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Seal the entries not yet under a checkpoint and print the newest checkpoint hash (keep it outside the system).")
        @OptionGroup var store: StoreOptions
        func run() async throws {
            let db = try await store.open()
            let ledger = AuditLedger(store: db)
            let made = try await ledger.checkpoint()
            let last = try await ledger.checkpoints().last
            await db.close()
            if made.isEmpty { say("nothing to seal") }
            for c in made { say("checkpoint \(c.id): entries \(c.firstSeq)–\(c.lastSeq), root \(c.root)") }
            if let last { say("newest checkpoint \(last.id) hash \(last.checkpointHash)") }
        }
    }

    /// `brain audit log`
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the newest entries.")
        @OptionGroup var store: StoreOptions
        @Option(help: "How many entries.") var limit = 50
        @Option(help: "Only this actor.") var actor: String?
        @Option(help: "Only this target.") var target: String?
        func run() async throws {
            let db = try await store.open()
            let rows = try await AuditLedger(store: db).entries(limit: limit, actor: actor, target: target, newestFirst: true)
            await db.close()
            for e in rows.reversed() { say("\(e.seq)\t\(e.at)\t\(e.actor)\t\(e.source)\t\(e.action)\t\(e.target)\t\(e.outcome)") }
        }
    }
}
