import ArgumentParser
import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import BrainWeb
import Foundation
import Synchronization
import ServiceLifecycle
import Hummingbird
import Logging

/// `brain serve`: start the platform, seeding an empty database with the demo dataset.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the API; an empty database is first seeded with the demo dataset.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Demo dataset for an empty database: province, small or none.") var demo = "province"
    @Option(help: "Seed of the demo dataset generator.") var seed: UInt64 = 2023

    func run() async throws {
        guard demo == "none" || DemoScale(rawValue: demo) != nil else {
            throw ValidationError("--demo must be province, small or none, got \(demo)")
        }
        let (db, catalog) = try await store.openProvince()
        if demo != "none", try await db.enterpriseCount() == 0, let scale = DemoScale(rawValue: demo) {
            guard catalog.provinceCode == "36" else {
                await db.close()
                throw Failure("the demo dataset is Jiangxi's (36); this database is province \(catalog.provinceCode) (\(catalog.province.name)): start it with --demo none and import its own data (docs/adopt.md)")
            }
            note("empty database: seeding the \(scale.rawValue) demo dataset (seed \(seed))…")
            let seeder = DemoSeeder(scale: scale, seed: seed, lastMonth: DemoSeeder.defaultLastMonth())
            try await seeder.seed(into: db, dataDirectory: store.data) { line in
                if line.hasPrefix("wrote ") { progressLine(line) } else { progressLine(""); note(line) }
            }
        }
        try await ensureAdmin(db, catalog: catalog)
        note("province \(catalog.provinceCode) \(catalog.province.name): \(catalog.cities.count) cities, \(catalog.counties.count) counties, \(catalog.zones.count) zones, \(catalog.chains.chains.count) chains (\(catalog.chains.origin)), tile map \(catalog.tileShelf.origin)")
        let signer = try await Services.signer(for: db)
        let clock = ContinuousClock()
        let started = clock.now
        let cubes = CubeHolder(try await CubeBuilder.build(from: db, catalog: catalog))
        note("indicator cube: \(cubes.cube.firmCount) firms × \(cubes.cube.monthCount) months (\(cubes.cube.reportCount) reports) built in \(clock.now - started)")
        let scan = try await WarningService(store: db).rescan(cube: cubes.cube)
        note("risk scan: \(scan.warnings) warnings for the latest month (\(scan.new) new, \(scan.resolved) no longer firing)")
        let networkStart = clock.now
        let networks = SupplyNetworkHolder(try await SupplyNetwork.load(from: db))
        note("supply network: \(networks.network.graph.nodeCount) firms, \(networks.network.graph.edgeCount) links, centrality in \(clock.now - networkStart)")
        let servicesStart = clock.now
        let cipher = try FieldCipher.load(dataDirectory: store.data)
        if let seeded = try await ServiceDemoSeeder(store: db, seed: seed, cipher: cipher).seedIfDemo(cube: cubes.cube, network: networks.network, catalog: catalog) {
            note("demo services: \(seeded) in \(clock.now - servicesStart)")
        }
        let services = Services(store: db, catalog: catalog, signer: signer, cubes: cubes, networks: networks, cipher: cipher,
                                notifications: URL(fileURLWithPath: store.data).appendingPathComponent("notifications"))
        if let published = try await HubDemoSeeder(store: db).seedIfDemo() { note("demo service catalogue: \(published) published services") }
        try await services.sessions.reload(from: db)
        try await services.loadReference()
        try await services.demo.load(from: db)
        if services.demo.holdsDemoData { note("this database holds the invented demo dataset; every portal page says 演示数据") }
        if services.mfaPolicy == .optional {
            note("WARNING: BRAIN_MFA=optional — administrators and officials may log in without a second factor. Use this only for demos and tests.")
        }
        let matched = try await services.policies.refresh(cube: cubes.cube)
        note("policies: \(matched.matches.policies.count) matched against \(cubes.cube.firmCount) enterprises in \(matched.matches.duration), \(matched.newGrants) new 免申即享 grants")
        for (id, problem) in services.policies.unparsablePolicies {
            note("WARNING: stored policy \(id) does not parse and is left out of matching: \(problem)")
        }
        let diagnosed = try await services.diagnoses.latestRecords().count
        note("diagnoses: latest of \(diagnosed) enterprises loaded")
        var logger = Logger(label: "brain")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let app = try BrainServer(services: services).application(host: host, port: port, logger: logger,
                                                                  background: backgroundWork(services, db)) { [host] bound in
            say("Industry Brain serving on http://\(host):\(bound)  (database: \(db.kind.rawValue) \(db.location))")
        }
        try await app.runService()
        await db.close()
    }

    /// The background work of a server, as services beside the HTTP server (graceful stop included):
    /// - every 30 s, rebuild the cube, the warnings and the supply network when imports happened outside this process
    ///   (`brain import` on the same data, another server on the same PostgreSQL database);
    /// - every 15 s, reload the revoked sessions (revocations made by another server);
    /// - every 10 minutes, seal the audit entries written since the last checkpoint (full blocks of 256 are sealed as they
    ///   fill), verify the ledger at start and hourly, and seal once more on a graceful stop;
    /// - every 5 s, write the metered calls of published services (and once more on a graceful stop).
    func backgroundWork(_ services: Services, _ db: Store) -> [any Service] {
        // The batches recorded, the latest import time and this process's own batches at the last look: more new batches
        // than this process wrote, or a newer time with none of its own (a file imported again), is an outside import.
        // This process's own imports rebuilt their views already (`Services.apply`, `IngestViewRefresh`).
        let seen = Mutex<(batches: Int, latest: String, own: Int)?>(nil)
        let refresh = PeriodicWork(name: "outside-imports", every: .seconds(30), runAtStart: true) {
            do {
                let own = services.store.ownBatches.count
                let totals = try await services.store.importMark()
                let now = (batches: totals.batches, latest: totals.latest, own: own)
                let before = seen.withLock { v in let old = v; v = now; return old }
                guard let before else { return }
                let outside = now.batches - before.batches > now.own - before.own
                    || (now.latest != before.latest && now.own == before.own)
                guard outside else { return }
                try await services.cubes.refresh(from: services.store, catalog: services.catalog)
                try await services.refreshAnalyses()
                try await services.networks.refresh(from: services.store)
                services.refreshMarketRelations()
                note("data changed by an import: cube, warnings and supply network rebuilt")
            } catch {
                note("could not rebuild after an import: \(error)")
            }
        }
        let revocations = PeriodicWork(name: "revocations", every: .seconds(15)) {
            do { try await services.sessions.reload(from: db) } catch { note("could not reload revoked sessions: \(error)") }
        }
        let rounds = Mutex(0)
        let ledger = services.ledger, monitor = services.monitor
        let sealing = PeriodicWork(name: "ledger", every: .seconds(600), runAtStart: true, work: {
            let round = rounds.withLock { r -> Int in defer { r += 1 }; return r }
            if round == 0 { await verifyLedger(ledger, monitor: monitor, trigger: "startup"); return }
            do { try await ledger.checkpoint() } catch { note("could not seal the audit ledger: \(error)") }
            if round % 6 == 0 { await verifyLedger(ledger, monitor: monitor, trigger: "hourly") }
        }, onStop: {
            do {
                let sealed = try await ledger.checkpoint()
                say(sealed.isEmpty ? "stopping: audit ledger already sealed" : "stopping: audit ledger sealed up to entry \(sealed.last!.lastSeq) (\(sealed.count) checkpoint(s))")
            } catch {
                note("stopping, but could not seal the audit ledger: \(error)")
            }
        })
        // Subscriptions: fan new events out and send due deliveries (BRAIN_DELIVERY_POLL seconds, default 1); a round that
        // has begun finishes on a graceful stop, and what it had not sent stays in the outbox for the next start.
        let poll = ProcessInfo.processInfo.environment["BRAIN_DELIVERY_POLL"].flatMap(Double.init).map { max(0.05, $0) } ?? 1
        let subscriptionHub = services.subscriptionHub
        let deliveries = PeriodicWork(name: "deliveries", every: .milliseconds(Int(poll * 1000)), runAtStart: true) {
            do {
                // Keep going while a round was full, so a burst drains without waiting a poll interval per batch.
                while true {
                    let r = try await subscriptionHub.runOnce()
                    if r.events == 0 && r.attempted < 500 || Task.isCancelled { break }
                }
            } catch { note("subscription deliveries: \(error)") }
        }
        // Metered calls of published services are counted in memory and added to the store every 5 s (and on a stop).
        let hub = services.hub
        let metering = PeriodicWork(name: "metering", every: .seconds(5), work: {
            do { try await hub.meter.flush() } catch { note("could not write service metering: \(error)") }
        }, onStop: {
            do { try await hub.meter.flush() } catch { note("stopping, but could not write service metering: \(error)") }
        })
        return [refresh, revocations, sealing, deliveries, metering]
    }

    /// Verifies the ledger (at start and hourly); a failure becomes a critical security event.
    func verifyLedger(_ ledger: AuditLedger, monitor: SecurityMonitor, trigger: String) async {
        do {
            let v = try await ledger.verifyAndRecord(trigger: trigger)
            if v.ok { return }
            note("AUDIT LEDGER VERIFICATION FAILED: \(v.problem ?? "")")
            try await monitor.raise(kind: "ledger_verification_failed", level: "critical", actor: "system", source: "server",
                                    summary: "audit ledger verification failed: \(v.problem ?? "")",
                                    trace: ["firstBadEntry": v.firstBadEntry.map(String.init) ?? "", "entries": String(v.entries)])
        } catch {
            note("could not verify the audit ledger: \(error)")
        }
    }

    /// Creates `admin` on first start with BRAIN_ADMIN_PASSWORD, or a generated password printed once.
    func ensureAdmin(_ db: Store, catalog: RegionCatalog) async throws {
        guard try await db.user("admin") == nil else { return }
        let env = ProcessInfo.processInfo.environment["BRAIN_ADMIN_PASSWORD"]
        let password = env ?? Passwords.generate()
        if let weak = Passwords.weakness(password) { throw Failure("BRAIN_ADMIN_PASSWORD is too weak: \(weak)") }
        _ = try await Accounts(store: db, catalog: catalog).add(username: "admin", password: password, role: .admin, scope: nil)
        try await AuditLedger(store: db).record(AuditEvent(actor: "system", action: "user add", target: "user:admin", source: "cli",
                                                           detail: "{\"role\":\"admin\",\"reason\":\"first start\"}"))
        if env == nil {
            say("created administrator 'admin' with password: \(password)   (shown once; set BRAIN_ADMIN_PASSWORD to choose it)")
        } else {
            say("created administrator 'admin' with the password from BRAIN_ADMIN_PASSWORD")
        }
    }
}
