import BrainApps
import BrainCore
import BrainStore
import BrainWeb
import Foundation
import Testing

/// The policy table through `/api/v1/reference/policies`: exported, re-imported unchanged, replaced by a version that
/// withdraws a policy (its awards kept), refused whole with row and column named, every import and refusal in the ledger.
@Suite(.serialized) struct PolicyReferenceAPITests {
    static func text(_ r: TestServer.Reply) -> String {
        String(decoding: r.data, as: UTF8.self).replacingOccurrences(of: "\u{FEFF}", with: "")
    }

    @Test func exportReimportReplaceAndRefuse() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let admin = try await s.login("admin", "Admin#20262026")
        let official = try await s.login("nanchang", "Nanchang#2026")

        let exported = try await s.get("/api/v1/reference/policies", token: admin)
        #expect(exported.status == 200)
        #expect(exported.contentType?.hasPrefix("text/csv") == true)
        let table = Self.text(exported)
        #expect(table.hasPrefix("id,name,issuer,document_no,kind,category,summary,amount,valid_from,valid_until,regions,criteria\n"))
        #expect(table.contains("HNTE-REWARD"))
        let versions0 = try await s.get("/api/v1/reference/policies/versions", token: admin)
        #expect(versions0.object["inForce"] as? String == "bundled demo policies-jiangxi-demo.csv")

        // Re-imported unchanged: a version, nothing added or withdrawn, the same export.
        let same = try await s.request("POST", "/api/v1/reference/policies", token: admin, body: Data(table.utf8), contentType: "text/csv")
        #expect(same.status == 201)
        #expect(same.object["version"] as? Int == 1)
        #expect((same.object["withdrawn"] as? [String]) == [])
        #expect((same.object["added"] as? [String]) == [])
        #expect(Self.text(try await s.get("/api/v1/reference/policies", token: admin)) == table)

        // A version without HNTE-REWARD and with a renamed policy: HNTE-REWARD is withdrawn, its grants stay.
        let hnteAwards = try await s.services.policies.store.awards(policy: "HNTE-REWARD")
        #expect(!hnteAwards.isEmpty)
        var policies = try PolicyTable.read(csv: table, catalog: .jiangxi, createdBy: "t").policies.filter { $0.id != "HNTE-REWARD" }
        policies[0].name = "改过的名称"
        policies[0].documentNo = "赣工信〔2026〕9号"
        let replaced = try await s.request("POST", "/api/v1/reference/policies", token: admin, body: Data(PolicyTable.csv(policies).utf8), contentType: "text/csv")
        #expect(replaced.status == 201)
        #expect((replaced.object["withdrawn"] as? [String]) == ["HNTE-REWARD"])
        #expect(try await s.services.policies.store.awards(policy: "HNTE-REWARD").map(\.id) == hnteAwards.map(\.id))
        let list = try await s.get("/api/v1/policies", token: admin)
        let items = list.object["items"] as? [[String: Any]] ?? []
        #expect(items.first { $0["id"] as? String == "HNTE-REWARD" }?["status"] as? String == "withdrawn")
        #expect(items.first { $0["id"] as? String == policies[0].id }?["name"] as? String == "改过的名称")
        #expect(!Self.text(try await s.get("/api/v1/reference/policies", token: admin)).contains("HNTE-REWARD"))
        #expect(Self.text(try await s.get("/api/v1/reference/policies?version=1", token: admin)) == table)
        // Saving the policy one by one without its 文号 keeps the one the table gave.
        let p0 = policies[0]
        let draft: [String: Any] = ["id": p0.id, "name": "再改的名称", "issuer": p0.issuer, "category": p0.category, "rule": p0.rule,
                                    "formula": p0.formula, "autoGrant": p0.autoGrant, "validFrom": p0.validFrom, "validUntil": p0.validUntil]
        let saved = try await s.request("POST", "/api/v1/policies", token: admin, body: try JSONSerialization.data(withJSONObject: draft))
        #expect(saved.status == 200, "\(saved.errorMessage)")
        let after = Self.text(try await s.get("/api/v1/reference/policies", token: admin))
        #expect(after.contains("再改的名称") && after.contains("赣工信〔2026〕9号"))

        // A broken row refuses the whole table, naming row and column with the rule parser's message.
        let broken = table.replacingOccurrences(of: "\"qualifications has \"\"专精特新小巨人\"\"\"", with: "\"qualifications has\"")
        #expect(broken != table)
        let refused = try await s.request("POST", "/api/v1/reference/policies", token: admin, body: Data(broken.utf8), contentType: "text/csv")
        #expect(refused.status == 400)
        #expect(refused.errorCode == "bad_rows")
        #expect(refused.errorMessage.contains("column criteria"))
        #expect(refused.errorMessage.contains("line 1, column"))
        #expect(try await s.get("/api/v1/reference/policies/versions", token: admin).object["versions"].map { ($0 as? [Any])?.count } == 2)

        // Administrators only; every import and refusal is in the ledger.
        #expect(try await s.request("POST", "/api/v1/reference/policies", token: official, body: Data(table.utf8), contentType: "text/csv").status == 403)
        let ledger = try await s.services.ledger.entries()
        #expect(ledger.filter { $0.action == "import reference policies" }.count == 2)
        #expect(ledger.contains { $0.action == "POST /api/v1/reference/policies" && $0.outcome == "rejected" })
        #expect(ledger.contains { $0.actor == "nanchang" && $0.action == "POST /api/v1/reference/policies" && $0.outcome == "denied" })
    }
}

/// Every kind of reference table exports and re-imports unchanged through the API, and the tile map follows the layout.
@Suite(.serialized) struct ReferenceRoundTripAPITests {
    @Test func everyKindReadsBackUnchanged() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let admin = try await s.login("admin", "Admin#20262026")
        try await s.services.catalogue.seedIfEmpty()
        for kind in ["policies", "tiles", "catalogue", "questionnaire", "zones", "chains"] {
            let first = PolicyReferenceAPITests.text(try await s.get("/api/v1/reference/\(kind)", token: admin))
            guard first.split(separator: "\n").count > 1 else { Issue.record("\(kind): nothing in force to export"); continue }
            let imported = try await s.request("POST", "/api/v1/reference/\(kind)", token: admin, body: Data(first.utf8), contentType: "text/csv")
            #expect(imported.status == 201, "\(kind): \(imported.errorMessage)")
            #expect(PolicyReferenceAPITests.text(try await s.get("/api/v1/reference/\(kind)", token: admin)) == first, "\(kind) changed on re-import")
            let versions = try await s.get("/api/v1/reference/\(kind)/versions", token: admin)
            #expect(versions.object["inForce"] as? String == "imported version 1", "\(kind)")
            #expect((imported.object["withdrawn"] as? [String] ?? []).isEmpty, "\(kind)")
        }
        // A broken tile table is refused whole with its row and column; a moved city is in force at once.
        let tiles = PolicyReferenceAPITests.text(try await s.get("/api/v1/reference/tiles", token: admin))
        let refused = try await s.request("POST", "/api/v1/reference/tiles", token: admin,
                                          body: Data(tiles.replacingOccurrences(of: "360700,3,2", with: "360700,3,99").utf8), contentType: "text/csv")
        #expect(refused.status == 400 && refused.errorMessage.contains("column column"))
        let moved = tiles.replacingOccurrences(of: "360700,3,2", with: "360700,3,0")
        #expect(try await s.request("POST", "/api/v1/reference/tiles", token: admin, body: Data(moved.utf8), contentType: "text/csv").status == 201)
        #expect(s.services.catalog.tiles.first { $0.code == "360700" }?.column == 0)
        // The questionnaire under a new version is what new diagnoses are given.
        let q = PolicyReferenceAPITests.text(try await s.get("/api/v1/reference/questionnaire", token: admin))
        let own = q.replacingOccurrences(of: "\n2024.1,", with: "\n2026-own,")
        #expect(try await s.request("POST", "/api/v1/reference/questionnaire", token: admin, body: Data(own.utf8), contentType: "text/csv").status == 201)
        #expect(try await s.get("/api/v1/diagnoses/questionnaire", token: admin).object["version"] as? String == "2026-own")
    }

    @Test func aProvinceWithoutALayoutGetsAGeneratedTileMap() throws {
        let guangdong = try RegionCatalog.province("44")
        let svg = TileMap(title: "各设区市工业总产值累计同比", unit: "%", values: [TileValue(code: "440100", value: 5.2)], catalog: guangdong).svg()
        #expect(svg.contains("广东省21个设区市"))
        #expect(svg.contains("广州"))
        #expect(svg.contains("深圳"))
        let jiangxi = TileMap(title: "t", unit: "%", values: [], catalog: try RegionCatalog.province("36")).svg()
        #expect(jiangxi.contains("江西省11个设区市"))
    }
}
