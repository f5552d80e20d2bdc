import BrainCore
import Foundation
import Testing
@testable import BrainStore

extension StoreSuite {
    /// Migration 16 on both engines: an account with its profile, the forced-change flag set and cleared by a password
    /// change, and a replaced contact.
    @Test(arguments: Backend.available)
    func accountProfilesAndTheForcedChangeFlag(_ backend: Backend) async throws {
        let store = try await backend.freshStore()
        try await store.addUser(UserRecord(username: "plain", passwordHash: "h0", role: "expert", scope: nil))
        try await store.addUser(UserRecord(username: "new", passwordHash: "h1", role: "county-official", scope: "360121"),
                                profile: AccountProfile(displayName: "张三", contact: "enc:v1:x:y", createdBy: "nc", mustChangePassword: true))
        await #expect(throws: StoreError.self) {
            try await store.addUser(UserRecord(username: "new", passwordHash: "h2", role: "expert", scope: nil), profile: AccountProfile())
        }
        #expect(try await store.accountProfile("plain") == AccountProfile())
        #expect(try await store.accountProfile("new") == AccountProfile(displayName: "张三", contact: "enc:v1:x:y", createdBy: "nc", mustChangePassword: true))
        #expect(try await store.accountProfile("nobody") == nil)
        #expect(try await store.accountProfiles().count == 2)
        try await store.changePassword("new", newHash: "h3", oldHash: "h1", keep: 4)
        #expect(try await store.accountProfile("new")?.mustChangePassword == false)
        try await store.changePassword("new", newHash: "h4", oldHash: "h3", keep: 4, mustChange: true)
        #expect(try await store.accountProfile("new")?.mustChangePassword == true)
        try await store.setMustChangePassword("new", false)
        try await store.setAccountContact("new", contact: nil)
        #expect(try await store.accountProfile("new") == AccountProfile(displayName: "张三", contact: nil, createdBy: "nc", mustChangePassword: false))
        await store.close()
    }
}
