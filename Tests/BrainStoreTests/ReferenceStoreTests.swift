import BrainCore
import Foundation
import Testing
@testable import BrainStore

/// A database knows its province, and keeps every version of a reference table (both engines).
extension StoreSuite {
    @Test(arguments: Backend.available)
    func anEmptyDatabaseTakesItsProvinceAndRefusesAnother(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        #expect(try await store.province() == nil)
        #expect(try await store.settleProvince(requested: "44") == "44")
        #expect(try await store.settleProvince(requested: nil) == "44", "no --province keeps the one set")
        #expect(try await store.settleProvince(requested: "44") == "44")
        let refusal = try #require(await #expect(throws: ProvinceMismatch.self) { try await store.settleProvince(requested: "36") })
        #expect(refusal.description.contains("belongs to province 44") && refusal.description.contains("as province 36"))
        #expect(try await store.province() == "44", "the refusal changed nothing")
        await store.close()
    }

    @Test(arguments: Backend.available)
    func aDatabaseWithDataButNoProvinceIsJiangxis(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        #expect(try await store.upsertEnterprises([sampleEnterprise(1)]) == 1)
        await #expect(throws: ProvinceMismatch.self) { try await store.settleProvince(requested: "44") }
        #expect(try await store.settleProvince(requested: nil) == "36")
        #expect(try await store.province() == "36")
        await store.close()
    }

    @Test(arguments: Backend.available)
    func everyImportIsANewVersionAndTheOldOnesStay(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        #expect(try await store.referenceContent(kind: "chains") == nil)
        let first = try await store.addReferenceVersion(kind: "chains", actor: "admin", fileName: "a.csv", rowCount: 3, content: "one")
        let second = try await store.addReferenceVersion(kind: "chains", actor: "ops", fileName: "b.csv", rowCount: 5, content: "two")
        _ = try await store.addReferenceVersion(kind: "zones", actor: "ops", fileName: "z.csv", rowCount: 1, content: "zones")
        #expect(first.version == 1 && second.version == 2)
        let versions = try await store.referenceVersions(kind: "chains")
        #expect(versions.map(\.version) == [2, 1], "newest first")
        #expect(versions.map(\.actor) == ["ops", "admin"] && versions.map(\.rowCount) == [5, 3] && versions[1].fileName == "a.csv")
        #expect(try await store.referenceContent(kind: "chains")?.content == "two", "the newest is in force")
        #expect(try await store.referenceContent(kind: "chains", version: 1)?.content == "one", "an earlier version stays readable")
        #expect(try await store.referenceContent(kind: "chains", version: 9) == nil)
        await store.close()
    }

    @Test(arguments: Backend.available)
    func aFirmWithoutLinksIsListedOnTheChainItsClassPlacesItOn(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        var placed = sampleEnterprise(1, links: []), own = sampleEnterprise(2, links: ["NFM-04"]), elsewhere = sampleEnterprise(3, links: ["ELEC-01"])
        placed.industry = "3211"; own.industry = "1311"; elsewhere.industry = "3211"
        _ = try await store.upsertEnterprises([placed, own, elsewhere])
        var q = EnterpriseQuery()
        q.chain = "NFM"
        #expect(Set(try await store.enterprises(q, scope: .all).items.map(\.uscc)) == [own.uscc], "without classes: the register's links only")
        q.placedByClasses = ["3211"]
        #expect(Set(try await store.enterprises(q, scope: .all).items.map(\.uscc)) == [own.uscc, placed.uscc], "explicit links of another chain win")
        q.chain = nil
        q.link = "NFM-04"
        #expect(Set(try await store.enterprises(q, scope: .all).items.map(\.uscc)) == [own.uscc, placed.uscc])
        #expect(try await store.enterprises(q, scope: .all).total == 2)
        await store.close()
    }
}
