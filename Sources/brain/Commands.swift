import ArgumentParser
import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation

/// `brain user …`: account administration.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage accounts.", subcommands: [Add.self, Import.self, List.self, Unlock.self, ResetMFA.self, Passwd.self, Disable.self, Enable.self])

    /// `brain user add NAME --role ROLE [--scope CODE] --password-stdin`
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account. Roles: \(Role.people.map(\.rawValue).joined(separator: ", ")).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        @Option(help: "Role.") var role: String
        @Option(help: "Data scope: a region code (city/county officials), zone code (zone managers) or credit code (enterprise users).") var scope: String?
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
        @Option(help: "Display name.") var displayName: String?
        @Option(help: "Contact: a phone number or e-mail address (stored encrypted).") var contact: String?
        @Flag(help: "Do not make the first login change the password.") var noForceChange = false

        func run() async throws {
            guard let r = Role(rawValue: role) else {
                throw ValidationError("unknown role \(role); use one of \(Role.people.map(\.rawValue).joined(separator: ", "))")
            }
            guard passwordStdin else { throw ValidationError("give the password on standard input with --password-stdin") }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw Failure("no password on standard input") }
            let (db, catalog) = try await store.openProvince()
            defer { Task { await db.close() } }
            do {
                let cipher = contact == nil ? nil : try FieldCipher.load(dataDirectory: store.data)
                let p = try await Accounts(store: db, catalog: catalog, cipher: cipher)
                    .create(AccountRequest(username: name, displayName: displayName, role: r, scope: scope, contact: contact, password: line,
                                           mustChangePassword: !noForceChange), by: nil)
                try await AuditLedger(store: db).record(AuditEvent(actor: "cli:\(NSUserName())", action: "user add", target: "user:\(p.username)", source: "cli",
                                                                   detail: "{\"role\":\"\(p.role)\",\"scope\":\"\(p.scope ?? "")\",\"mustChangePassword\":\(p.mustChangePassword)}"))
                print("created \(p.username) (\(p.role)\(p.scope.map { ", scope \($0)" } ?? ""))\(p.mustChangePassword ? "; the first login must change the password" : "")")
            } catch let e as Accounts.Problem {
                throw Failure(e.description)
            }
        }
    }

    /// `brain user unlock NAME`
    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a lockout after failed logins.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        func run() async throws {
            let db = try await store.open()
            guard try await db.user(name) != nil else { await db.close(); throw Failure("no user \(name)") }
            try await db.clearLoginFailures(name)
            try await AuditLedger(store: db).record(AuditEvent(actor: "cli:\(NSUserName())", action: "user unlock", target: "user:\(name)", source: "cli"))
            await db.close()
            print("unlocked \(name)")
        }
    }

    /// `brain user disable NAME`
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account (it cannot log in) and end its sessions.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        func run() async throws {
            let db = try await store.open()
            guard try await db.user(name) != nil else { await db.close(); throw Failure("no user \(name)") }
            try await db.setDisabled(name, true)
            try await db.revokeSessions(username: name, by: "cli:\(NSUserName())")
            try await AuditLedger(store: db).record(AuditEvent(actor: "cli:\(NSUserName())", action: "user disable", target: "user:\(name)", source: "cli"))
            await db.close()
            print("disabled \(name); their sessions were ended")
        }
    }

    /// `brain user enable NAME`
    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        func run() async throws {
            let db = try await store.open()
            guard try await db.user(name) != nil else { await db.close(); throw Failure("no user \(name)") }
            try await db.setDisabled(name, false)
            try await AuditLedger(store: db).record(AuditEvent(actor: "cli:\(NSUserName())", action: "user enable", target: "user:\(name)", source: "cli"))
            await db.close()
            print("enabled \(name)")
        }
    }

    /// `brain user reset-mfa NAME`
    struct ResetMFA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-mfa", abstract: "Remove a user's second factor (lost phone); they enrol again at the next login.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        func run() async throws {
            let (db, catalog) = try await store.openProvince()
            do {
                try await Accounts(store: db, catalog: catalog).resetSecondFactor(name)
            } catch let e as Accounts.Problem {
                await db.close()
                throw Failure(e.description)
            }
            try await AuditLedger(store: db).record(AuditEvent(actor: "cli:\(NSUserName())", action: "user reset-mfa", target: "user:\(name)", source: "cli"))
            await db.close()
            print("second factor of \(name) removed")
        }
    }

    /// `brain user passwd NAME --password-stdin`
    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password (read from standard input); the last five are refused.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "User name.") var name: String
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
        @Flag(help: "Do not make the next login change the password (by default a reset forces it).") var noForceChange = false
        func run() async throws {
            guard passwordStdin else { throw ValidationError("give the password on standard input with --password-stdin") }
            guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw Failure("no password on standard input") }
            let (db, catalog) = try await store.openProvince()
            do {
                try await Accounts(store: db, catalog: catalog).setPassword(name, line, forceChange: !noForceChange)
            } catch let e as Accounts.Problem {
                await db.close()
                throw Failure(e.description)
            }
            try await db.revokeSessions(username: name, by: "cli:\(NSUserName())")
            try await AuditLedger(store: db).record(AuditEvent(actor: "cli:\(NSUserName())", action: "user passwd", target: "user:\(name)", source: "cli"))
            await db.close()
            print("password of \(name) changed; their sessions were ended\(noForceChange ? "" : "; the next login must change it")")
        }
    }

    /// `brain user list`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var store: StoreOptions
        func run() async throws {
            let db = try await store.open()
            for u in try await db.users() {
                print("\(u.username)\t\(u.role)\t\(u.scope ?? "-")\t\(u.createdAt)\(u.disabled ? "\tdisabled" : "")")
            }
            await db.close()
        }
    }
}

/// `brain import KIND FILE [--sheet NAME]`: validate and load a CSV file or an XLSX workbook.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV file or an XLSX workbook: enterprises, indicators, supply-links, talent, qualifications, investments, land or daily-electricity.",
        discussion: "CSV: UTF-8 with or without BOM, or GBK (converted). XLSX (recognised by its content, not its name): the first sheet, or --sheet NAME. Rejected rows are listed with row, field, value and reason; good rows are kept. Exit status 0 when every row was accepted, 3 when some were rejected.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "enterprises, indicators, supply-links, talent, qualifications, investments, land or daily-electricity") var kind: String
    @Argument(help: "CSV file or XLSX workbook") var file: String
    @Option(help: "The sheet of an XLSX workbook to read (default: the first sheet).") var sheet: String?
    @Option(help: "Write every rejected row to this CSV file.") var errors: String?
    @Option(help: "How many problems to print (the rest are counted).") var show = 50
    @Flag(help: "When standard error is not a terminal, print a progress line after each part (20,000 rows), for logs of scheduled imports. On a terminal a progress bar is drawn either way.")
    var progress = false
    @Option(help: "Where the values come from: manual, statistics, tax, power, sub-brain, edge or self-report. Indicator values are merged by source, never overwritten; the applications read the first source in that order that has a value.")
    var source = DataSource.statistics.code

    func run() async throws {
        guard let k = ImportKind(rawValue: kind) else {
            throw ValidationError("unknown kind \(kind); use one of \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let dataSource = DataSource.named(source) else {
            throw ValidationError("unknown source \(source); use one of \(DataSource.builtIn.map(\.code).joined(separator: ", "))")
        }
        let (db, catalog) = try await store.openProvince()
        let report: ImportReport
        // Every rejected row goes to --errors as it is found (the report itself keeps the first 10,000).
        let errorFile = try errors.map { try RejectedRowsFile(path: $0) }
        let printer = ImportProgressPrinter(terminal: stderrIsTerminal, lines: self.progress)
        let progress: ImportProgressSink = { printer.show($0) }
        var sink: ProblemSink?
        if let errorFile { sink = { errorFile.write($0) } }
        do {
            report = try await Importer(store: db, catalog: catalog).importFile(file, kind: k, actor: "cli:\(NSUserName())", mayRelocate: true,
                                                                                source: dataSource, sheet: sheet, progress: progress, problems: sink)
        } catch let e as ImportFileError {
            printer.finish()
            await db.close()
            throw Failure(e.description)
        }
        printer.finish()
        if try await db.setting("demo.manifest") != nil { note("WARNING: " + DemoState.importNote) }
        try await AuditLedger(store: db).record(AuditEvent(actor: "cli:\(NSUserName())", action: "import \(k.rawValue)", target: file, source: "cli",
                                                           outcome: report.rowsRejected > 0 ? "partial" : "ok",
                                                           detail: "{\"batch\":\"\(report.batchKey)\",\"dataSource\":\"\(dataSource.code)\",\"accepted\":\(report.rowsAccepted),\"rejected\":\(report.rowsRejected)}"))
        for m in report.moves {
            try await AuditLedger(store: db).record(AuditEvent(actor: "cli:\(NSUserName())", action: "relocate enterprise", target: m.uscc, source: "cli",
                                                               detail: "{\"batch\":\"\(report.batchKey)\",\"fromRegion\":\"\(m.fromRegion)\",\"toRegion\":\"\(m.toRegion)\",\"fromZone\":\"\(m.fromZone ?? "")\",\"toZone\":\"\(m.toZone ?? "")\"}"))
        }
        await db.close()
        for p in report.problems.prefix(show) { print(p.description) }
        let allProblems = report.problems.count + report.problemsOmitted
        if allProblems > show { print("… and \(allProblems - show) more problems\(errors == nil ? " (--errors FILE writes them all)" : "")") }
        if let errorFile {
            // Streamed kinds wrote their rows as they went; the others' come from the report.
            if errorFile.written == 0 { for p in report.problems { errorFile.write(p) } }
            try errorFile.close()
        }
        print(report.summary)
        if report.rowsRejected > 0 { throw ExitCode(3) }
    }
}

/// `brain demo`: seed the demo dataset into an empty store (without serving).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Seed the demo dataset into an empty database and write demo-manifest.json.")
    @OptionGroup var store: StoreOptions
    @Option(help: "province or small") var scale = "province"
    @Option(help: "Generator seed.") var seed: UInt64 = 2023
    @Option(help: "Last month of data YYYY-MM (default: the last complete month).") var lastMonth: String?

    func run() async throws {
        guard let s = DemoScale(rawValue: scale) else { throw ValidationError("--scale must be province or small") }
        var last = DemoSeeder.defaultLastMonth()
        if let lastMonth {
            guard let m = Month(lastMonth) else { throw ValidationError("--last-month must be YYYY-MM") }
            last = m
        }
        let (db, catalog) = try await store.openProvince()
        guard try await db.enterpriseCount() == 0 else {
            await db.close()
            throw Failure("the database already holds enterprises; use a new --data folder")
        }
        guard catalog.provinceCode == "36" else {
            await db.close()
            throw Failure("the demo dataset is Jiangxi's (36); this database is province \(catalog.provinceCode) (\(catalog.province.name)); import its own data instead (docs/adopt.md)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        try await DemoSeeder(scale: s, seed: seed, lastMonth: last).seed(into: db, dataDirectory: store.data) { line in
            if line.hasPrefix("wrote ") { progressLine(line) } else { progressLine(""); note(line) }
        }
        let elapsed = clock.now - start
        let size = try await db.sizeInBytes()
        print("seeded in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))); database \(String(format: "%.1f", Double(size) / 1_048_576)) MiB at \(db.location)")
        await db.close()
    }
}

/// `brain stats`: what the store holds.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Print counts and database size.")
    @OptionGroup var store: StoreOptions
    func run() async throws {
        let db = try await store.open()
        print("database: \(db.kind.rawValue) \(db.location), schema version \(try await db.schemaVersion())")
        print("province: \(try await db.province() ?? "not set (Jiangxi, 36, when it holds data)")")
        print("enterprises: \(try await db.enterpriseCount()) (规上 \(try await db.enterpriseCount(aboveScaleOnly: true)))")
        print("monthly reports: \(try await db.reportCount()), latest month \(try await db.latestReportedMonth()?.description ?? "-")")
        print("supply links: \(try await db.supplyLinkCount())")
        print("size: \(String(format: "%.1f", Double(try await db.sizeInBytes()) / 1_048_576)) MiB")
        await db.close()
    }
}

/// The CLI's `--errors` file: one CSV line per rejected row, written as the import finds them.
final class RejectedRowsFile: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private(set) var written = 0

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data("\u{FEFF}row,field,value,reason\n".utf8)),
              let h = FileHandle(forWritingAtPath: path) else { throw Failure("cannot write \(path)") }
        handle = h
        handle.seekToEndOfFile()
    }

    func write(_ p: RejectedRow) {
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data(([String(p.row), p.field, p.value, p.reason].map(CSV.escape).joined(separator: ",") + "\n").utf8))
        written += 1
    }

    func close() throws { try handle.close() }
}
