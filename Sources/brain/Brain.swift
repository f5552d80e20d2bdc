import ArgumentParser
import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import BrainWeb
import Foundation
import Hummingbird
import Logging

/// The `brain` command: province platform server, data import and administration.
@main
struct Brain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brain",
        abstract: "Industry Brain (产业大脑): the province industry platform.",
        subcommands: [Serve.self, UserCommand.self, ImportCommand.self, DemoCommand.self, StatsCommand.self, AuditCommand.self, BackupCommand.self, RestoreCommand.self, KeysCommand.self, ReferenceCommand.self, ClientsCommand.self])
}

/// Options every command shares: where data lives.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Data folder (SQLite file, demo manifest).")
    var data: String = "./brain-data"

    @Option(name: .customLong("database"), help: "postgres://user:pass@host:5432/db to use PostgreSQL, or sqlite:PATH. Default: DATA/brain.sqlite.")
    var database: String?

    @Option(name: .customLong("province"),
            help: "GB/T 2260 province code (two digits, e.g. 44 for 广东) an empty database is set to; default 36 (江西). A database already set to another province refuses it.")
    var province: String?

    func open() async throws -> Store {
        try await Store.open(database: database ?? ProcessInfo.processInfo.environment["BRAIN_DATABASE"], dataDirectory: data)
    }

    /// Opens the store and settles its province (`--province` on an empty database, else the one it is set to; refuses a
    /// different `--province`), with the province's reference data: regions, zones and the chains in force.
    func openProvince() async throws -> (Store, RegionCatalog) {
        var requested: String?
        if let province {
            guard let code = RegionCatalog.provinceCode(province) else { throw Failure(UnknownProvince(code: province).description) }
            requested = code
        }
        let db = try await open()
        do {
            let code = try await db.settleProvince(requested: requested)
            return (db, try await ReferenceDesk.catalog(for: db, province: code))
        } catch let e as ProvinceMismatch {
            await db.close()
            throw Failure(e.description)
        }
    }
}

/// Prints to standard error.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// True when standard error is a terminal (progress lines are redrawn in place there).
let stderrIsTerminal = isatty(2) == 1

/// Redraws one progress line on a terminal; prints nothing when output is redirected.
func progressLine(_ text: String) {
    guard stderrIsTerminal else { return }
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
}

/// Prints a line to standard output unbuffered, so it shows at once even when output goes to a pipe or file.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A command failed for a reason the user can act on; printed as `Error: …` with exit status 1, without usage text.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
