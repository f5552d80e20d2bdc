import ArgumentParser
import BrainApps
import BrainSecurity
import BrainStore
import Foundation

/// `brain clients …`: service clients (machine callers of the unified data interface) and their API keys.
struct ClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clients", abstract: "Manage service clients and their API keys.",
                                                    subcommands: [Add.self, List.self, Rotate.self, Revoke.self])

    /// The command line acts as an administrator; the ledger names the operating-system user.
    static var operator_: Principal { Principal(username: "cli:\(NSUserName())", role: .admin, scope: nil) }

    static func desk(_ store: StoreOptions) async throws -> (ClientDesk, Store) {
        let (db, catalog) = try await store.openProvince()
        let cipher = try FieldCipher.load(dataDirectory: store.data)
        return (ClientDesk(store: db, keyring: ClientKeyring(store: db, cipher: cipher), catalog: catalog, cipher: cipher), db)
    }

    static func run<T>(_ store: StoreOptions, action: String, target: String, _ body: (ClientDesk) async throws -> T) async throws -> T {
        let (desk, db) = try await desk(store)
        do {
            let out = try await body(desk)
            try await AuditLedger(store: db).record(AuditEvent(actor: operator_.username, action: "clients \(action)", target: "client:\(target)", source: "cli"))
            await db.close()
            return out
        } catch let e as AppError {
            await db.close()
            throw Failure(e.parameter.isEmpty ? e.message : "\(e.parameter): \(e.message)")
        } catch {
            await db.close()
            throw error
        }
    }

    static func printIssued(_ k: IssuedClientKey) {
        print("client \(k.client.id) (\(k.client.name)), region \(k.client.region) \(k.client.regionName), writes [\(k.client.writes.joined(separator: ", "))], expires \(k.client.expiresAt ?? "never")")
        print("API key (shown once; send as Authorization: Bearer <key> or X-API-Key):")
        print(k.key)
        if let s = k.signingSecret { print("signing secret (shown once; see docs/data-interface.md, Signing):"); print(s) }
        if let e = k.previousKeysExpireAt { print("the client's other keys stop at \(e)") }
    }

    /// `brain clients add ID --name NAME [--region CODE] [--writes indicators,enterprises] [--expires YYYY-MM-DD] [--signed]`
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a client and print its first API key (once).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Client id: 3–40 lower-case letters, digits or dashes.") var id: String
        @Option(help: "Name shown to people (e.g. 南昌市统计局数据交换).") var name: String
        @Option(help: "The province (default), a city or a county code its data lies in.") var region: String?
        @Option(help: "Comma-separated dataset ids it may write (\(ClientDesk.datasets.joined(separator: ", "))).") var writes: String?
        @Option(help: "Comma-separated published service ids it may read.") var reads: String?
        @Option(help: "Last valid day (YYYY-MM-DD); default one year ahead, at most three.") var expires: String?
        @Option(help: "Description.") var description: String?
        @Flag(help: "Require every request to be signed (prints a signing secret once).") var signed = false
        func run() async throws {
            func list(_ s: String?) -> [String]? { s.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } }
            let issued = try await ClientsCommand.run(store, action: "add", target: id) {
                try await $0.create(ClientRequest(id: id, name: name, description: description, region: region, writes: list(writes), reads: list(reads),
                                                  expires: expires, signed: signed), by: ClientsCommand.operator_)
            }
            ClientsCommand.printIssued(issued)
        }
    }

    /// `brain clients list`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List clients and their keys (ids and states, never secrets).")
        @OptionGroup var store: StoreOptions
        func run() async throws {
            let (desk, db) = try await ClientsCommand.desk(store)
            let all = try await desk.list(by: ClientsCommand.operator_)
            await db.close()
            for c in all {
                print("\(c.id)\t\(c.state)\t\(c.name)\tregion \(c.region)\twrites [\(c.writes.joined(separator: ","))]\treads [\(c.reads.joined(separator: ","))]\towner \(c.owner)\texpires \(c.expiresAt ?? "-")\(c.signed ? "\tsigned" : "")")
                for k in c.keys { print("  key \(k.prefix)\t\(k.state)\tcreated \(k.createdAt)\(k.expiresAt.map { "\tstops \($0)" } ?? "")") }
            }
            if all.isEmpty { print("no clients") }
        }
    }

    /// `brain clients rotate ID [--overlap-hours 24]`
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a new key; the client's other keys keep working for the overlap, then stop.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Client id.") var id: String
        @Option(help: "Hours the other keys keep working (0–720).") var overlapHours = 24
        func run() async throws {
            ClientsCommand.printIssued(try await ClientsCommand.run(store, action: "rotate", target: id) {
                try await $0.rotate(id, overlapHours: overlapHours, by: ClientsCommand.operator_)
            })
        }
    }

    /// `brain clients revoke ID [--key KEYID]`
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke one key (--key) or the whole client. A running server reloads its keys within 10 seconds.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Client id.") var id: String
        @Option(help: "Key id (the part after bk_ and before the next _).") var key: String?
        func run() async throws {
            let c = try await ClientsCommand.run(store, action: key == nil ? "revoke" : "revoke key \(key!)", target: id) { desk in
                if let key { return try await desk.revokeKey(id, key: key, by: ClientsCommand.operator_) }
                return try await desk.revoke(id, by: ClientsCommand.operator_)
            }
            print("\(c.id): \(key.map { "key \($0) revoked" } ?? "client revoked")")
        }
    }
}
