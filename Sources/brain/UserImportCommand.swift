import ArgumentParser
import BrainApps
import BrainSecurity
import BrainStore
import Foundation

extension UserCommand {
    /// `brain user import FILE [--passwords OUT.csv]`: create the accounts of a CSV file as the operator.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create accounts from a CSV file (username, name, role, scope, contact; Chinese headers accepted).",
            discussion: "Each row is created or rejected on its own (row, field, reason); duplicates within the file and taken user names are rejected. Every account gets a generated initial password that its first login must change; --passwords writes them to a new file (mode 0600). Exit status 3 when rows were rejected.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "CSV file") var file: String
        @Option(help: "Write the initial passwords (username,name,role,scope,initialPassword) to this new file, mode 0600.") var passwords: String?

        func run() async throws {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch { throw Failure("cannot read \(file): \(error.localizedDescription)") }
            if let passwords, FileManager.default.fileExists(atPath: passwords) { throw Failure("--passwords \(passwords) exists already; give a new file") }
            let (db, catalog) = try await store.openProvince()
            let result: AccountImportResult
            do {
                let cipher = try FieldCipher.load(dataDirectory: store.data)
                let accounts = Accounts(store: db, catalog: catalog, cipher: cipher)
                let desk = AccountDesk(store: db, accounts: accounts, monitor: SecurityMonitor(store: db), mfaPolicy: .fromEnvironment())
                let operator_ = Principal(username: "cli:\(NSUserName())", role: .admin, scope: nil)
                result = try await desk.importAccounts(data, by: operator_, origin: AdminOrigin(source: "cli", via: "cli"))
            } catch let e as AppError {
                await db.close()
                throw Failure("\(e.parameter.isEmpty ? "" : e.parameter + ": ")\(e.message)")
            } catch {
                await db.close()
                throw error
            }
            await db.close()
            for r in result.results {
                if r.outcome == "created" {
                    print("row \(r.row)\tcreated\t\(r.username ?? "")\t\(r.role ?? "")\t\(r.scope ?? "-")")
                } else {
                    print("row \(r.row)\trejected\t\(r.username ?? "-")\t\(r.field ?? "")\t\(r.reason ?? "")")
                }
            }
            if let passwords {
                guard FileManager.default.createFile(atPath: passwords, contents: Data(result.passwordsCSV.utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw Failure("could not write \(passwords); the initial passwords are lost: reset them with brain user passwd")
                }
                print("initial passwords of \(result.created) account(s) written to \(passwords) (mode 0600); hand them over safely and delete the file")
            } else if result.created > 0 {
                print("initial passwords (shown once):")
                print(result.passwordsCSV, terminator: "")
            }
            print("\(result.rows) row(s): \(result.created) created, \(result.rejected) rejected")
            if result.rejected > 0 { throw ExitCode(3) }
        }
    }
}
