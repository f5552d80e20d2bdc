import BrainCore
import BrainStore
import Foundation

extension Importer {
    func parseEnterprise(_ fields: [String], map: HeaderMap, check: inout RowCheck) -> Enterprise? {
        let uscc = check.creditCode("uscc", map.value("uscc", in: fields))
        let name = check.text("name", map.value("name", in: fields), maxLength: Self.maxLength("enterprise", "name"), required: true)
        var region = check.required("region", map.value("region", in: fields))
        if let r = region {
            if let known = catalog.region(r) {
                if known.level == .province { check.fail("region", r, "a province code is too coarse; give the county or city"); region = nil }
            } else {
                let elsewhere = RegionCatalog.national.first { $0.code == r }
                let home = elsewhere.flatMap { e in RegionCatalog.national.first { $0.code == String(e.code.prefix(2)) + "0000" } }
                if let elsewhere, let home {
                    check.fail("region", r, "\(elsewhere.name) is a region of \(home.name), not of \(catalog.province.name) (province \(catalog.provinceCode)), which this platform serves")
                } else {
                    check.fail("region", r, "not a GB/T 2260 code of \(catalog.province.name)")
                }
                region = nil
            }
        }
        var zone = map.value("zone", in: fields)
        if let z = zone {
            if let known = catalog.zone(z) {
                if let r = region, catalog.region(r)?.level == .county, !known.counties.contains(r) {
                    check.fail("zone", z, "\(known.shortName) does not lie in county \(r)")
                }
            } else if let byName = catalog.zones.first(where: { $0.name == z || $0.shortName == z }) {
                zone = byName.code
            } else {
                check.fail("zone", z, "unknown development zone code"); zone = nil
            }
        }
        let industry = check.required("industry", map.value("industry", in: fields))
        if let i = industry, !industries.isValid(i) { check.fail("industry", i, "not a GB/T 4754-2017 code of mining, manufacturing or utilities") }
        let employees = check.integer("employees", map.value("employees", in: fields), required: true, range: DataDictionary.range("enterprise", "employees"))
        let revenue = check.number("revenue", map.value("revenue", in: fields), range: DataDictionary.range("enterprise", "revenue"), unit: "万元")
        if let r = revenue, r == nil { check.fail("revenue", nil, "required value is empty") }
        var size: SizeClass?
        if let s = map.value("size_class", in: fields) {
            size = SizeClass(rawValue: s.lowercased()) ?? SizeClass.allCases.first { $0.nameZh == s || $0.nameZh.dropLast() == s }
            if size == nil { check.fail("size_class", s, "size class must be large/medium/small/micro or 大型/中型/小型/微型") }
        }
        var above: Bool?
        if let a = map.value("above_scale", in: fields) {
            switch a.lowercased() {
            case "1", "true", "yes", "是", "y": above = true
            case "0", "false", "no", "否", "n": above = false
            default: check.fail("above_scale", a, "must be 1/0, 是/否 or true/false")
            }
        }
        var links: [String] = []
        // `清除` empties a firm's links on purpose (an empty cell keeps the stored ones).
        if let text = map.value("chain_links", in: fields), !IndicatorDelivery.isClearMarker(text) {
            for raw in text.split(whereSeparator: { ";|；、 ".contains($0) }) {
                let code = raw.uppercased()
                let chainCode = String(code.split(separator: "-").first ?? "")
                if catalog.chains.chain(chainCode)?.link(code) == nil { check.fail("chain_links", String(raw), "unknown chain link code") } else { links.append(code) }
            }
        }
        let foundedValue = check.integer("founded", map.value("founded", in: fields), required: false)
        if let f = foundedValue ?? nil, !(1800...2100).contains(f) { check.fail("founded", String(f), "year must be between 1800 and 2100") }
        guard check.ok, let uscc, let name, let region, let industry, let emp = employees ?? nil, let rev = revenue ?? nil else { return nil }
        return Enterprise(uscc: uscc, name: name, region: region, zone: zone, industry: industry, employees: emp, revenue: rev,
                          sizeClass: size, aboveScale: above, chainLinks: links, founded: foundedValue ?? nil)
    }

    func parseReport(_ fields: [String], map: HeaderMap, check: inout RowCheck) -> MonthlyReport? {
        let uscc = check.creditCode("uscc", map.value("uscc", in: fields))
        let month = check.month("month", map.value("month", in: fields), latest: latestMonth)
        var values: [Double?] = []
        for ind in Indicator.allCases {
            let raw = map.value(ind.rawValue, in: fields)
            if ind == .employees {
                let v = check.integer(ind.rawValue, raw, required: false, range: ind.plausibleRange)
                values.append((v ?? nil).map(Double.init))
            } else {
                let v = check.number(ind.rawValue, raw, range: ind.plausibleRange, unit: ind.unit)
                values.append(v ?? nil)
            }
        }
        if check.ok, values.allSatisfy({ $0 == nil }) { check.fail("output_value", nil, "the row reports no indicator at all") }
        guard check.ok, let uscc, let month else { return nil }
        return MonthlyReport(uscc: uscc, month: month, values: values)
    }

    /// One row of an indicator file as a delivery: the columns the file carries and the row fills; an empty cell or a
    /// missing column leaves the stored value alone, a clear marker (`清除`) clears this source's value.
    func parseDelivery(_ fields: [String], map: HeaderMap, check: inout RowCheck) -> IndicatorDelivery? {
        let uscc = check.creditCode("uscc", map.value("uscc", in: fields))
        let month = check.month("month", map.value("month", in: fields), latest: latestMonth)
        var values: [Indicator: Double] = [:]
        var cleared: Set<Indicator> = []
        for ind in Indicator.allCases {
            guard let raw = map.value(ind.rawValue, in: fields) else { continue }
            if IndicatorDelivery.isClearMarker(raw) { cleared.insert(ind); continue }
            let v: Double?
            if ind == .employees {
                v = (check.integer(ind.rawValue, raw, required: false, range: ind.plausibleRange) ?? nil).map(Double.init)
            } else {
                v = check.number(ind.rawValue, raw, range: ind.plausibleRange, unit: ind.unit) ?? nil
            }
            if let v { values[ind] = v }
        }
        if check.ok, values.isEmpty, cleared.isEmpty { check.fail("output_value", nil, "the row reports no indicator at all") }
        guard check.ok, let uscc, let month else { return nil }
        return IndicatorDelivery(uscc: uscc, month: month, values: values, cleared: cleared)
    }

    func parseSupplyLink(_ fields: [String], map: HeaderMap, known: [String: (region: String, zone: String?)], check: inout RowCheck) -> SupplyLink? {
        let supplier = check.creditCode("supplier", map.value("supplier", in: fields))
        let customer = check.creditCode("customer", map.value("customer", in: fields))
        if let c = customer, known[c] == nil { check.fail("customer", c, "no enterprise with this credit code is registered; import it first") }
        if let s = supplier, s == customer { check.fail("supplier", s, "a firm cannot supply itself") }
        let product = check.text("product", map.value("product", in: fields), maxLength: Self.maxLength("supply", "product"), required: true)
        let value = check.number("annual_value", map.value("annual_value", in: fields), range: DataDictionary.range("supply", "annual_value"), unit: "万元")
        if let v = value, v == nil { check.fail("annual_value", nil, "required value is empty") }
        var region = map.value("supplier_region", in: fields)
        if let r = region, !nationalRegions.contains(r) { check.fail("supplier_region", r, "not a GB/T 2260 region code") }
        if region == nil, let s = supplier { region = known[s]?.region ?? CreditCode.registrationRegionOf(s) }
        let link = map.value("link", in: fields)?.uppercased()
        var chain = map.value("chain", in: fields)?.uppercased()
        if let c = chain, catalog.chains.chain(c) == nil { check.fail("chain", c, "unknown chain code") }
        if let l = link {
            let c = String(l.split(separator: "-").first ?? "")
            if catalog.chains.chain(c)?.link(l) == nil { check.fail("link", l, "unknown chain link code") } else if chain == nil { chain = c }
        }
        let supplierName = check.text("supplier_name", map.value("supplier_name", in: fields), maxLength: Self.maxLength("supply", "supplier_name"), required: false)
        guard check.ok, let supplier, let customer, let product, let v = value ?? nil, let region else { return nil }
        let name = supplierName ?? supplier
        return SupplyLink(supplier: supplier, supplierName: name, supplierRegion: region, customer: customer, product: product,
                          chain: chain, link: link, annualValue: v)
    }
}

extension Importer {
    /// The data dictionary's length limit of a text element.
    static func maxLength(_ dataset: String, _ field: String) -> Int { DataDictionary.element(dataset, field)?.maxLength ?? 500 }
}

extension CreditCode {
    /// The registering region (characters 3–8) of a code already known to be valid.
    static func registrationRegionOf(_ code: String) -> String { String(code.dropFirst(2).prefix(6)) }
}
