import BrainCore
import Testing
@testable import BrainSecurity

/// The delegation rule without a store: roles below the creator, scopes inside its own; and the initial password.
@Suite struct DelegationTests {
    let catalog = RegionCatalog.jiangxi

    func allowed(_ role: Role, _ scope: String?, by creator: Principal) -> Bool {
        AccountDelegation.refusal(role: role, scope: scope, by: creator, catalog: catalog) == nil
    }

    @Test func officialsCreateOnlyBelowThemAndInsideTheirScope() {
        let city = Principal(username: "c", role: .cityOfficial, scope: "360100")
        #expect(allowed(.countyOfficial, "360121", by: city))
        #expect(!allowed(.countyOfficial, "360902", by: city), "a county of 宜春")
        #expect(!allowed(.cityOfficial, "360100", by: city) && !allowed(.admin, nil, by: city) && !allowed(.provinceOfficial, "360000", by: city))
        #expect(!allowed(.provider, nil, by: city) && !allowed(.expert, nil, by: city))
        let province = Principal(username: "p", role: .provinceOfficial, scope: "360000")
        #expect(allowed(.cityOfficial, "360900", by: province) && !allowed(.provinceOfficial, "360000", by: province))
        let county = Principal(username: "k", role: .countyOfficial, scope: "360121")
        #expect(AccountDelegation.creatable(by: .countyOfficial) == [.enterprise] && !allowed(.countyOfficial, "360121", by: county))
        // A zone spanning two cities (赣江新区) is not inside either city.
        if let spanning = catalog.zones.first(where: { $0.cities.count > 1 }), let first = spanning.cities.first {
            #expect(!allowed(.zoneManager, spanning.code, by: Principal(username: "c2", role: .cityOfficial, scope: first)))
        }
        #expect(allowed(.admin, nil, by: Principal(username: "a", role: .admin, scope: nil)))
        #expect(AccountDelegation.creatable(by: .enterprise).isEmpty)
    }

    @Test func initialPasswordsAreStrongAndDistinct() {
        let many = (0..<200).map { _ in Passwords.initial() }
        #expect(Set(many).count == 200)
        #expect(many.allSatisfy { Passwords.weakness($0) == nil && $0.count == 16 && !$0.contains(",") && !$0.contains("\"") })
    }
}
