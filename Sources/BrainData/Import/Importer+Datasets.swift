import BrainCore
import BrainStore
import Foundation

/// One import of a dataset kept in its own table — investment projects, land use, daily electricity: rows validated
/// against the data dictionary and the stored rows, the good ones written in one transaction with the batch.
/// Every enterprise named must be registered and inside the caller's scope.
struct DatasetImport {
    let importer: Importer
    let rows: [(line: Int, fields: [String])]
    let map: HeaderMap
    let key: String
    let fileName: String
    let actor: String
    let scope: ScopeRestriction
    /// The file's size, for progress.
    let bytes: Int
    let progress: ImportProgressSink?

    typealias Outcome = (accepted: Int, changed: Int, checks: [RowCheck])

    private var store: Store { importer.store }

    /// The firm of a row: registered and inside the caller's scope, else the row fails naming it.
    private func firm(_ uscc: String?, _ known: [String: (region: String, zone: String?)], _ check: inout RowCheck) -> (region: String, zone: String?)? {
        guard let u = uscc else { return nil }
        guard let place = known[u] else {
            check.fail("uscc", u, "no enterprise with this credit code is registered; import it first")
            return nil
        }
        guard scope.admits(uscc: u, region: place.region, zone: place.zone) else {
            check.fail("uscc", u, "enterprise is outside your data scope")
            return nil
        }
        return place
    }

    /// A month cell (`YYYY-MM`, or a date in it), or nil with the row failed.
    private func month(_ field: String, _ check: inout RowCheck, fields: [String]) -> Month?? {
        guard let raw = map.value(field, in: fields) else { return .some(nil) }
        guard let m = Month(raw), m.year >= 1990, m.year <= 2100 else {
            check.fail(field, raw, "must be a month YYYY-MM (or a date in it) between 1990 and 2100")
            return nil
        }
        return .some(m)
    }

    private func oneOf(_ field: String, _ list: [String], _ check: inout RowCheck, fields: [String]) -> String?? {
        guard let v = map.value(field, in: fields) else { return .some(nil) }
        guard list.contains(v) else {
            check.fail(field, String(v.prefix(60)), "not one of \(list.joined(separator: "、"))")
            return nil
        }
        return .some(v)
    }

    /// 投资项目: a project code seen before is updated with the columns this file carries (an empty cell or a missing
    /// column leaves the stored value); a new one needs its name. Completed investment may not exceed
    /// `DataDictionary.completedOverPlanned` × the plan, and the start may not follow the planned completion, judged on the
    /// project as it will be stored.
    func investments() async throws -> Outcome {
        let known = try await importer.registeredEnterprises()
        let stored = Dictionary(try await store.investmentProjects().map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var good: [InvestmentProject] = [], changed = Set<String>(), firstRow: [String: Int] = [:], failed: [RowCheck] = []
        let bound = DataDictionary.completedOverPlanned
        for (line, fields) in rows {
            var check = RowCheck(row: line)
            let uscc = check.creditCode("uscc", map.value("uscc", in: fields))
            let code = check.text("project_code", map.value("project_code", in: fields), maxLength: Importer.maxLength("investment", "project_code"), required: true)
            let name = check.text("project_name", map.value("project_name", in: fields), maxLength: Importer.maxLength("investment", "project_name"), required: false)
            let kind = oneOf("kind", DataDictionary.projectKinds, &check, fields: fields)
            let status = oneOf("status", DataDictionary.projectStatuses, &check, fields: fields)
            let planned = check.number("planned_investment", map.value("planned_investment", in: fields),
                                       range: DataDictionary.range("investment", "planned_investment"), unit: "万元")
            let completed = check.number("completed_investment", map.value("completed_investment", in: fields),
                                         range: DataDictionary.range("investment", "completed_investment"), unit: "万元")
            let start = month("start_month", &check, fields: fields)
            let end = month("end_month", &check, fields: fields)
            var region: String?
            if let r = map.value("region", in: fields) {
                if importer.catalog.region(r) == nil { check.fail("region", r, "not a GB/T 2260 code of \(importer.catalog.province.name)") } else { region = r }
            }
            let place = firm(uscc, known, &check)
            if check.ok, let uscc, let code, let place {
                var p: InvestmentProject
                if let old = stored[code] {
                    if old.uscc != uscc {
                        check.fail("uscc", uscc, "project \(code) is stored for enterprise \(old.uscc); a project code cannot move to another enterprise")
                    }
                    p = old
                    if let name { p.name = name }
                } else if let name {
                    p = InvestmentProject(code: code, uscc: uscc, name: name, kind: nil, planned: nil, completed: nil, startMonth: nil, endMonth: nil,
                                          status: nil, region: place.region, batch: key)
                } else {
                    check.fail("project_name", nil, "required for a new project (\(code) is not stored yet)")
                    p = InvestmentProject(code: code, uscc: uscc, name: "", kind: nil, planned: nil, completed: nil, startMonth: nil, endMonth: nil,
                                          status: nil, region: place.region, batch: key)
                }
                if let k = kind ?? nil { p.kind = k }
                if let s = status ?? nil { p.status = s }
                if let v = planned ?? nil { p.planned = v }
                if let v = completed ?? nil { p.completed = v }
                if let m = start ?? nil { p.startMonth = m.description }
                if let m = end ?? nil { p.endMonth = m.description }
                if let region { p.region = region }
                if let c = p.completed, let plan = p.planned, c > plan * bound {
                    check.fail("completed_investment", RowCheck.show(c),
                               "more than \(RowCheck.show(bound)) × the planned total investment of \(RowCheck.show(plan)) 万元; check the unit (万元) or the plan")
                }
                if let s = p.startMonth, let e = p.endMonth, s > e {
                    check.fail("end_month", e, "the planned completion month is before the start month \(s)")
                }
                if let earlier = firstRow[code] {
                    check.fail("project_code", code, "project \(code) already appears on row \(earlier)")
                }
                if check.ok {
                    firstRow[code] = line
                    if stored[code].map({ !$0.sameValues(as: p) }) ?? true {
                        p.batch = key
                        changed.insert(code)
                    }
                    good.append(p)
                }
            }
            if !check.ok { failed.append(check) }
        }
        let changedCodes = changed
        let written = try await importer.write(good, total: rows.count, rejected: failed.count, key: key, kind: .investments, fileName: fileName,
                                               actor: actor, bytes: bytes, progress: progress) { [store] db, slice in
            let mine = slice.filter { changedCodes.contains($0.code) }
            try await store.upsertInvestmentProjects(mine, in: db)
            return mine.count
        }
        return (good.count, written, failed)
    }

    /// 用地: the area is required on every row; tax and output of the year are kept from an earlier file when this one
    /// leaves them empty.
    func land() async throws -> Outcome {
        let known = try await importer.registeredEnterprises()
        let stored = Dictionary(try await store.landUse().map { ("\($0.uscc)|\($0.year)", $0) }, uniquingKeysWith: { a, _ in a })
        var good: [LandUseRecord] = [], changed = Set<String>(), firstRow: [String: Int] = [:], failed: [RowCheck] = []
        let lastYear = importer.latestDayMonth.year
        for (line, fields) in rows {
            var check = RowCheck(row: line)
            let uscc = check.creditCode("uscc", map.value("uscc", in: fields))
            let year = check.integer("year", map.value("year", in: fields), required: true, range: 2000...Double(lastYear))
            let areaText = map.value("area", in: fields)
            let area = check.number("area", areaText, range: DataDictionary.range("land", "area"), unit: "亩")
            if areaText == nil { check.fail("area", nil, "required value is empty") }
            if let a = area ?? nil, a <= 0 { check.fail("area", areaText, "must be above 0 亩") }
            let tax = check.number("tax", map.value("tax", in: fields), range: DataDictionary.range("land", "tax"), unit: "万元")
            let output = check.number("output", map.value("output", in: fields), range: DataDictionary.range("land", "output"), unit: "万元")
            _ = firm(uscc, known, &check)
            if check.ok, let uscc, let y = year ?? nil, let a = area ?? nil {
                let id = "\(uscc)|\(y)"
                let old = stored[id]
                var r = LandUseRecord(uscc: uscc, year: y, area: a, tax: (tax ?? nil) ?? old?.tax, output: (output ?? nil) ?? old?.output, batch: key)
                if let earlier = firstRow[id] {
                    check.fail("year", String(y), "this enterprise's year \(y) already appears on row \(earlier)")
                } else {
                    firstRow[id] = line
                    if let old, old.area == r.area, old.tax == r.tax, old.output == r.output {
                        r.batch = old.batch
                    } else {
                        changed.insert(id)
                    }
                    good.append(r)
                }
            }
            if !check.ok { failed.append(check) }
        }
        let changedIds = changed
        let written = try await importer.write(good, total: rows.count, rejected: failed.count, key: key, kind: .land, fileName: fileName,
                                               actor: actor, bytes: bytes, progress: progress) { [store] db, slice in
            let mine = slice.filter { changedIds.contains("\($0.uscc)|\($0.year)") }
            try await store.upsertLandUse(mine, in: db)
            return mine.count
        }
        return (good.count, written, failed)
    }

    /// 日用电量: one value per firm and day; a day stored before is replaced by the new value (the power company's
    /// corrected reading wins), and an identical value is not rewritten.
    func dailyElectricity() async throws -> Outcome {
        let known = try await importer.registeredEnterprises()
        var good: [DailyElectricity] = [], firstRow: [String: Int] = [:], failed: [RowCheck] = []
        good.reserveCapacity(rows.count)
        let latest = importer.latestDayMonth
        let range = DataDictionary.range("daily_electricity", "electricity")
        let unit = Indicator.electricity.unit
        for (line, fields) in rows {
            var check = RowCheck(row: line)
            let uscc = check.creditCode("uscc", map.value("uscc", in: fields))
            var day: CalendarDay?
            if let raw = check.required("date", map.value("date", in: fields)) {
                if let d = CalendarDay(raw), d.month.year >= 2000 {
                    if d.month > latest { check.fail("date", raw, "the day is after \(latest), the last month that can have been reported") } else { day = d }
                } else {
                    check.fail("date", raw, "must be a day YYYY-MM-DD (from 2000) that exists in the calendar")
                }
            }
            let value = check.number("electricity", check.required("electricity", map.value("electricity", in: fields)), range: range, unit: unit)
            _ = firm(uscc, known, &check)
            if check.ok, let uscc, let day, let v = value ?? nil {
                let id = uscc + "|" + day.description
                if let earlier = firstRow[id] {
                    check.fail("date", day.description, "this enterprise's day already appears on row \(earlier)")
                } else {
                    firstRow[id] = line
                    good.append(DailyElectricity(uscc: uscc, day: day.description, electricity: v))
                }
            }
            if !check.ok { failed.append(check) }
        }
        let written = try await importer.write(good, total: rows.count, rejected: failed.count, key: key, kind: .dailyElectricity, fileName: fileName,
                                               actor: actor, bytes: bytes, progress: progress) { [store] db, slice in
            try await store.upsertDailyElectricity(slice, in: db)
        }
        return (good.count, written, failed)
    }
}
