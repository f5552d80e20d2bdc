import BrainCore
import Foundation
import Testing
@testable import BrainStore

extension StoreSuite {
    /// Migration 24 on both engines: provider accounts linked, relinked and listed by provider; contact exchanges kept
    /// as documents and found by either firm and by state.
    @Test(arguments: Backend.available)
    func providerAccountsAndMarketContacts(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        try await store.linkProviderAccount(ProviderAccount(username: "p1", providerId: "P019", linkedBy: "admin", linkedAt: "2026-11-01T00:00:00Z"))
        try await store.linkProviderAccount(ProviderAccount(username: "p2", providerId: "P020", linkedBy: "admin", linkedAt: "2026-11-01T00:00:00Z"))
        try await store.linkProviderAccount(ProviderAccount(username: "p1", providerId: "P021", linkedBy: "root", linkedAt: "2026-11-02T00:00:00Z"))
        #expect(try await store.providerAccount("p1") == ProviderAccount(username: "p1", providerId: "P021", linkedBy: "root", linkedAt: "2026-11-02T00:00:00Z"))
        #expect(try await store.providerAccount("nobody") == nil)
        #expect(try await store.providerAccounts().map(\.username) == ["p1", "p2"])
        #expect(try await store.providerAccounts(of: ["P020"]).map(\.username) == ["p2"])
        #expect(try await store.providerAccounts(of: []).isEmpty)
        struct Doc: Codable, Sendable, Equatable { let id: String, from: String, to: String, state: String }
        let docs = [Doc(id: "MC-1", from: "A", to: "B", state: "requested"), Doc(id: "MC-2", from: "B", to: "C", state: "accepted")]
        try await store.putDocuments(.marketContacts, docs.map { DocumentRow(key: $0.id, values: [$0.from, $0.to, $0.state], doc: $0) })
        #expect(try await store.documents(.marketContacts, as: Doc.self, where: [("to_uscc", "B"), ("state", "requested")]) == [docs[0]])
        #expect(try await store.documents(.marketContacts, as: Doc.self, where: [("from_uscc", "B")]) == [docs[1]])
        await store.close()
    }
}
