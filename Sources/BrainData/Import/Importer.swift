import BrainCore
import BrainStore
import Crypto
import Foundation

/// Imports CSV files into the store after validating each row against the data dictionary.
/// Good rows are kept and bad rows reported one by one; re-importing the same content changes nothing.
public struct Importer: Sendable {
    public let store: Store
    public let catalog: RegionCatalog
    public let industries: IndustryCatalog
    /// Every region code of the country, for suppliers outside the province.
    public let nationalRegions: Set<String>
    /// The last month monthly figures may cover: by default the last complete month. A month is reported in the first
    /// days of the next (DOMAIN: 联网直报), and a month in progress stored as a monthly value would read as a collapse
    /// of output and electricity to the warnings. Daily readings may cover the month after it (see `latestDayMonth`).
    public let latestMonth: Month
    /// The last month daily readings (the power company's daily electricity) may fall in: the month in progress.
    public var latestDayMonth: Month { latestMonth.next }
    /// Rows merged at a time in a streamed (indicators) import; the file is still committed once.
    public var partRows = 20_000
    /// Firm-months a streamed import remembers in memory to find repeats across parts; past this many, the earlier ones
    /// move to a table of the merge (bounded memory whatever the file's size).
    public var seenInMemory = FirmMonthLines.limit

    public init(store: Store, catalog: RegionCatalog, industries: IndustryCatalog = .standard, latestMonth: Month? = nil) {
        self.store = store
        self.catalog = catalog
        self.industries = industries
        do {
            self.nationalRegions = Set(try RegionCatalog.loadRegions(resource: "china-regions").map(\.code))
        } catch {
            // A bundled file that does not load is a broken build, not bad input.
            preconditionFailure("the bundled national region list china-regions.csv does not load: \(error)")
        }
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Shanghai")!, from: Date())
        self.latestMonth = latestMonth ?? Month(year: now.year!, month: now.month!)!.previous
    }

    /// Imports a file from disk.
    public func importFile(_ path: String, kind: ImportKind, actor: String, scope: ScopeRestriction = .all, mayRelocate: Bool = false,
                           source: DataSource = .statistics, sheet: String? = nil, progress: ImportProgressSink? = nil,
                           problems sink: ProblemSink? = nil) async throws -> ImportReport {
        if kind == .indicators {
            // Streamed: the file is hashed in one pass and read in a second, never held whole in memory.
            var hasher = Self.batchHasher(kind: kind, source: source)
            guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportFileError("cannot read \(path): no such file or not readable") }
            defer { try? handle.close() }
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
            var head = Data()
            var hashed = 0
            progress?(ImportProgress(phase: .hashing, bytesTotal: size))
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                if head.isEmpty { head = chunk.prefix(8) }
                hasher.update(data: chunk)
                hashed += chunk.count
                if hashed % (16 << 20) < chunk.count { progress?(ImportProgress(phase: .hashing, bytesRead: hashed, bytesTotal: size)) }
            }
            let name = (path as NSString).lastPathComponent
            let (rows, encoding) = try Self.streamingTable(path: path, head: head, fileName: name, sheet: sheet)
            return try await importIndicators(rows, encoding: encoding, fileName: name, key: Self.hex(hasher.finalize()), actor: actor,
                                              scope: scope, source: source, progress: progress, sink: sink)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportFileError("cannot read \(path): no such file or not readable")
        }
        return try await importData(data, fileName: (path as NSString).lastPathComponent, kind: kind, actor: actor, scope: scope,
                                mayRelocate: mayRelocate, source: source, sheet: sheet, progress: progress)
    }

    /// Imports the bytes of a CSV file or an XLSX workbook (its first sheet, or `sheet`). `scope` limits which enterprises the caller may write: every side of every row,
    /// the stored record as well as the new one. Only a caller with `mayRelocate` (province level) may change the region or
    /// zone of a firm already registered; each such move is listed in the report's `moves` for the audit ledger.
    /// `source` is where the file's values come from (统计局 by default); indicator values are merged by source, never
    /// overwritten: see `Store.mergeDeliveries`.
    public func importData(_ data: Data, fileName: String, kind: ImportKind, actor: String, scope: ScopeRestriction = .all,
                           mayRelocate: Bool = false, source: DataSource = .statistics, sheet: String? = nil,
                           progress: ImportProgressSink? = nil, problems sink: ProblemSink? = nil) async throws -> ImportReport {
        progress?(ImportProgress(phase: .hashing, bytesTotal: data.count))
        var hasher = Self.batchHasher(kind: kind, source: source)
        hasher.update(data: data)
        let key = Self.hex(hasher.finalize())
        if kind == .indicators {
            let (rows, encoding) = try Self.streamingTable(data: data, fileName: fileName, sheet: sheet)
            return try await importIndicators(rows, encoding: encoding, fileName: fileName, key: key, actor: actor, scope: scope, source: source,
                                              progress: progress, sink: sink)
        }
        // CSV or XLSX (by the file's first bytes): see ImportTable.
        var (rows, encoding) = try ImportTable.rows(data: data, fileName: fileName, sheet: sheet)
        guard !rows.isEmpty else { throw ImportFileError("\(fileName) is empty: expected a header row and data rows") }
        let map = try HeaderMap.read(&rows, elements: kind.elements)
        return try await importRows(rows, map: map, encoding: encoding, key: key, kind: kind, fileName: fileName, actor: actor, scope: scope,
                                    mayRelocate: mayRelocate, source: source, bytes: data.count, progress: progress)
    }

    /// The rows of a table already read (a file's, or the records of an ingestion request): validated, scoped and written
    /// as `importData` says. Indicators go through `importIndicators`.
    func importRows(_ rows: [(line: Int, fields: [String])], map: HeaderMap, encoding: String, key: String, kind: ImportKind, fileName: String,
                    actor: String, scope: ScopeRestriction, mayRelocate: Bool, source: DataSource, bytes: Int,
                    progress: ImportProgressSink?) async throws -> ImportReport {
        let seenBefore = try await store.batch(key) != nil

        var problems: [RejectedRow] = []
        var rejectedRows = Set<Int>()
        func note(_ check: RowCheck) {
            problems += check.problems
            if !check.ok { rejectedRows.insert(check.row) }
        }
        let accepted: Int
        let changed: Int
        var moves: [EnterpriseMove] = []
        switch kind {
        case .enterprises:
            let firms = try await store.allEnterprises()
            let known = Dictionary(firms.map { ($0.uscc, (region: $0.region, zone: $0.zone)) }, uniquingKeysWith: { a, _ in a })
            let storedFirms = Dictionary(firms.map { ($0.uscc, $0) }, uniquingKeysWith: { a, _ in a })
            var good: [Enterprise] = []
            var firstRow: [String: Int] = [:]
            for (line, fields) in rows {
                var check = RowCheck(row: line)
                if var e = parseEnterprise(fields, map: map, check: &check) {
                    let stored = known[e.uscc]
                    // A file without a zone column leaves the stored zone as it is; a missing column or an empty cell of the
                    // chain links or the founding year leaves the stored value (a register without links does not wipe them).
                    if map.columns["zone"] == nil, let stored { e.zone = stored.zone }
                    if let full = storedFirms[e.uscc] {
                        if map.value("chain_links", in: fields) == nil { e.chainLinks = full.chainLinks }
                        if map.value("founded", in: fields) == nil { e.founded = full.founded }
                    }
                    if let earlier = firstRow[e.uscc] {
                        check.fail("uscc", e.uscc, "credit code already appears on row \(earlier)")
                    } else if let stored, !scope.admits(uscc: e.uscc, region: stored.region, zone: stored.zone) {
                        check.fail("uscc", e.uscc, "this enterprise is registered outside your data scope (in \(stored.region)); it cannot be changed from here")
                    } else if !scope.admits(uscc: e.uscc, region: e.region, zone: e.zone) {
                        check.fail(scope.isZone ? "zone" : "region", scope.isZone ? (e.zone ?? "") : e.region, "outside your data scope")
                    } else if let stored, stored.region != e.region || stored.zone != e.zone {
                        if mayRelocate {
                            moves.append(EnterpriseMove(uscc: e.uscc, row: line, fromRegion: stored.region, toRegion: e.region,
                                                        fromZone: stored.zone, toZone: e.zone))
                            firstRow[e.uscc] = line
                            good.append(e)
                        } else {
                            let field = stored.region != e.region ? "region" : "zone"
                            let from = (field == "region" ? stored.region : stored.zone) ?? "none"
                            check.fail(field, field == "region" ? e.region : (e.zone ?? ""),
                                       "this enterprise is registered in \(field) \(from); moving it to another \(field) is a province-level act (permission enterprises:relocate)")
                        }
                    } else {
                        firstRow[e.uscc] = line
                        good.append(e)
                    }
                }
                note(check)
            }
            accepted = good.count
            changed = try await write(good, total: rows.count, rejected: rejectedRows.count, key: key, kind: kind, fileName: fileName,
                                        actor: actor, bytes: bytes, progress: progress) { db, slice in
                try await store.upsertEnterprises(slice, in: db)
            }
        case .indicators:
            preconditionFailure("indicator files are streamed by importIndicators before the text is decoded")
        case .supplyLinks:
            let known = try await registeredEnterprises()
            var good: [SupplyLink] = []
            var firstRow: [String: Int] = [:]
            for (line, fields) in rows {
                var check = RowCheck(row: line)
                if let l = parseSupplyLink(fields, map: map, known: known, check: &check) {
                    let dupKey = l.supplier + "|" + l.customer + "|" + l.product
                    if let place = known[l.customer], !scope.admits(uscc: l.customer, region: place.region, zone: place.zone) {
                        check.fail("customer", l.customer, "enterprise is outside your data scope")
                    } else if let place = known[l.supplier], !scope.admits(uscc: l.supplier, region: place.region, zone: place.zone) {
                        // Both firms of a link see it: a registered supplier must be in the caller's scope too.
                        check.fail("supplier", l.supplier, "enterprise is outside your data scope")
                    } else if let earlier = firstRow[dupKey] {
                        check.fail("product", l.product, "the same supplier, customer and product already appear on row \(earlier)")
                    } else {
                        firstRow[dupKey] = line
                        good.append(l)
                    }
                }
                note(check)
            }
            accepted = good.count
            changed = try await write(good, total: rows.count, rejected: rejectedRows.count, key: key, kind: kind, fileName: fileName,
                                        actor: actor, bytes: bytes, progress: progress) { db, slice in
                try await store.upsertSupplyLinks(slice, in: db)
            }
        case .qualifications:
            let known = try await registeredEnterprises()
            var good: [QualificationRecord] = []
            var firstRow: [String: Int] = [:]
            for (line, fields) in rows {
                var check = RowCheck(row: line)
                let uscc = check.creditCode("uscc", map.value("uscc", in: fields))
                let name = map.value("qualification", in: fields)
                if name == nil { check.fail("qualification", nil, "required value is empty") }
                if let n = name, !DataDictionary.qualifications.contains(n) {
                    check.fail("qualification", n, "not a qualification the platform knows: \(DataDictionary.qualifications.joined(separator: "、"))")
                }
                let since = check.integer("since", map.value("since", in: fields), required: false, range: 1980...2100)
                var until: String?
                if let raw = map.value("valid_until", in: fields) {
                    if let m = Month(String(raw.prefix(7))) { until = m.description } else { check.fail("valid_until", raw, "must be a month YYYY-MM (or a date in it)") }
                }
                if let u = uscc {
                    if let place = known[u] {
                        if !scope.admits(uscc: u, region: place.region, zone: place.zone) { check.fail("uscc", u, "enterprise is outside your data scope") }
                    } else {
                        check.fail("uscc", u, "no enterprise with this credit code is registered; import it first")
                    }
                }
                if check.ok, let u = uscc, let n = name {
                    if let earlier = firstRow[u + "|" + n] {
                        check.fail("qualification", n, "this enterprise's \(n) already appears on row \(earlier)")
                    } else {
                        firstRow[u + "|" + n] = line
                        good.append(QualificationRecord(uscc: u, qualification: n, since: since ?? nil, validUntil: until))
                    }
                }
                note(check)
            }
            accepted = good.count
            changed = try await write(good, total: rows.count, rejected: rejectedRows.count, key: key, kind: kind, fileName: fileName,
                                        actor: actor, bytes: bytes, progress: progress) { db, slice in
                try await store.upsertQualifications(slice, in: db)
            }
        case .investments, .land, .dailyElectricity:
            // Datasets of their own tables: see Importer+Datasets.swift.
            let job = DatasetImport(importer: self, rows: rows, map: map, key: key, fileName: fileName, actor: actor, scope: scope, bytes: bytes,
                                    progress: progress)
            let outcome: (accepted: Int, changed: Int, checks: [RowCheck])
            switch kind {
            case .investments: outcome = try await job.investments()
            case .land: outcome = try await job.land()
            default: outcome = try await job.dailyElectricity()
            }
            for check in outcome.checks { note(check) }
            accepted = outcome.accepted
            changed = outcome.changed
        case .talent:
            var good: [TalentRecord] = []
            for (line, fields) in rows {
                var check = RowCheck(row: line)
                let city = check.required("city", map.value("city", in: fields))
                if let city, catalog.region(city)?.level != .city {
                    check.fail("city", city, "not a GB/T 2260 city code of \(catalog.province.name)")
                } else if let city, !scope.admits(uscc: "", region: city, zone: nil) {
                    check.fail("city", city, "outside your data scope: talent figures are kept per city and only that city's officials (or the province) may write them")
                }
                let occupation = check.text("occupation", map.value("occupation", in: fields), maxLength: Self.maxLength("talent", "occupation"), required: true)
                let period = check.month("period", map.value("period", in: fields), latest: latestMonth)
                let supply = check.integer("supply", map.value("supply", in: fields), required: true, range: DataDictionary.range("talent", "supply"))
                let demand = check.integer("demand", map.value("demand", in: fields), required: true, range: DataDictionary.range("talent", "demand"))
                let salary = check.number("median_salary", map.value("median_salary", in: fields), range: DataDictionary.range("talent", "median_salary"), unit: "元/月")
                let chain = map.value("chain", in: fields)
                let experience = check.number("experience_years", map.value("experience_years", in: fields), range: DataDictionary.range("talent", "experience_years"), unit: "年")
                let group = check.text("occupation_group", map.value("occupation_group", in: fields), maxLength: Self.maxLength("talent", "occupation_group"), required: false)
                let skill = check.text("skill_level", map.value("skill_level", in: fields), maxLength: Self.maxLength("talent", "skill_level"), required: false)
                let education = check.text("education", map.value("education", in: fields), maxLength: Self.maxLength("talent", "education"), required: false)
                if let chain, catalog.chains.chain(chain) == nil { check.fail("chain", chain, "unknown chain code") }
                if check.ok, let city, let occupation, let period, let s = supply ?? nil, let d = demand ?? nil, let salary, let experience {
                    good.append(TalentRecord(city: city, occupation: occupation, chain: chain, period: period.description,
                                             supply: s, demand: d, medianSalary: salary, occupationGroup: group,
                                             skillLevel: skill, education: education,
                                             experienceYears: experience))
                }
                note(check)
            }
            accepted = good.count
            changed = try await write(good, total: rows.count, rejected: rejectedRows.count, key: key, kind: kind, fileName: fileName,
                                        actor: actor, bytes: bytes, progress: progress) { db, slice in
                try await store.upsertTalent(slice, in: db)
                return slice.count
            }
        }
        return ImportReport(kind: kind, fileName: fileName, encoding: encoding, rowsTotal: rows.count,
                            rowsAccepted: accepted, rowsRejected: rejectedRows.count, rowsChanged: changed,
                            problems: problems.sorted { ($0.row, $0.field) < ($1.row, $1.field) },
                            ignoredColumns: map.ignored, seenBefore: seenBefore, batchKey: key, moves: moves, source: source.code, notes: map.notes)
    }

    private func batch(_ key: String, _ kind: ImportKind, _ file: String, _ total: Int, _ ok: Int, _ bad: Int, _ changed: Int, _ actor: String) -> ImportBatch {
        ImportBatch(batchKey: key, kind: kind.rawValue, fileName: file, rowsTotal: total, rowsAccepted: ok, rowsRejected: bad,
                    rowsChanged: changed, actor: actor)
    }

    /// Writes accepted rows in one transaction (all of them or, on a database failure, none), in slices for
    /// progress, and records the batch.
    func write<T: Sendable>(_ items: [T], total: Int, rejected: Int, key: String, kind: ImportKind, fileName: String,
                                    actor: String, bytes: Int, progress: ImportProgressSink?,
                                    _ body: @escaping @Sendable (DatabaseHandle, [T]) async throws -> Int) async throws -> Int {
        let record = batch(key, kind, fileName, total, items.count, rejected, 0, actor)
        defer { store.ownBatches.add() }
        return try await store.transaction { db in
            var changed = 0
            let step = 5_000
            var start = 0, parts = 0
            func report(_ phase: ImportPhase) {
                progress?(ImportProgress(phase: phase, rowsRead: total, rowsAccepted: items.count, rowsRejected: rejected, partsMerged: parts,
                                         bytesRead: bytes, bytesTotal: bytes))
            }
            report(.merging)
            while start < items.count {
                let end = min(start + step, items.count)
                changed += try await body(db, Array(items[start..<end]))
                parts += 1
                report(.merging)
                start = end
            }
            report(.committing)
            var done = record
            done.rowsChanged = changed
            try await store.recordBatch(done, in: db)
            return changed
        }
    }

    /// The batch key's hash, fed the file's bytes after this: the kind, the source (a file delivered as 统计局's keeps the
    /// key it had before sources were kept), then the content.
    static func batchHasher(kind: ImportKind, source: DataSource) -> SHA256 {
        var h = SHA256()
        h.update(data: Data(kind.rawValue.utf8))
        if source != .statistics { h.update(data: Data(("source:" + source.code).utf8)) }
        return h
    }

    static func hex(_ digest: SHA256.Digest) -> String { Hex.encode(digest) }

    /// A streaming reader for an indicators file: CSV read in chunks, or a workbook's sheet (by the file's first bytes).
    static func streamingTable(data: Data, fileName: String, sheet: String?) throws -> (any TableRows, String) {
        if ImportTable.format(of: data) == .xlsx { return try ImportTable.open(data: data, fileName: fileName, sheet: sheet) }
        return try csvTable(fileName: fileName, sheet: sheet) { try CSVRows(data: data) }
    }

    static func streamingTable(path: String, head: Data, fileName: String, sheet: String?) throws -> (any TableRows, String) {
        if ImportTable.format(of: head) == .xlsx {
            do {
                let reader = try XLSXReader(url: URL(fileURLWithPath: path), sheet: sheet.flatMap { $0.isEmpty ? nil : $0 })
                return (reader, "XLSX, sheet \"\(reader.sheetName)\"")
            } catch {
                throw ImportFileError("\(fileName): \(error)")
            }
        }
        return try csvTable(fileName: fileName, sheet: sheet) { try CSVRows(path: path) }
    }

    /// A CSV file's streaming reader; a sheet name is refused (CSV has none) and an encoding problem names the file.
    private static func csvTable(fileName: String, sheet: String?, _ open: () throws -> CSVRows) throws -> (any TableRows, String) {
        if let sheet, !sheet.isEmpty {
            throw ImportFileError("\(fileName) is a CSV file, which has no sheets; the sheet \"\(sheet)\" applies to XLSX workbooks only")
        }
        do {
            let rows = try open()
            return (rows, rows.encoding.rawValue)
        } catch let e as FileEncodingError {
            throw ImportFileError("\(fileName): \(e)")
        }
    }

    func registeredEnterprises() async throws -> [String: (region: String, zone: String?)] {
        var out: [String: (region: String, zone: String?)] = [:]
        for e in try await store.allEnterprises() { out[e.uscc] = (e.region, e.zone) }
        return out
    }
}

