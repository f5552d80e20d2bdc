// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "brain",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "brain", targets: ["brain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // Already built for Hummingbird; its ServiceContext carries the request id to audit entries.
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.3.0"),
        // Already built for Hummingbird; background work runs as its services, with graceful shutdown.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        // XLSX import/export: reading and writing the ZIP container (the sheet XML is scanned by our own tokenizer).
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        .target(
            name: "BrainCore",
            resources: [.copy("Resources")]
        ),
        .target(
            name: "BrainStore",
            dependencies: [
                "BrainCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "BrainData",
            dependencies: [
                "BrainCore", "BrainStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "BrainModels",
            dependencies: ["BrainCore"]
        ),
        .target(
            name: "BrainApps",
            dependencies: ["BrainCore", "BrainStore", "BrainData", "BrainModels", "BrainSecurity", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "BrainSecurity",
            dependencies: [
                "BrainCore", "BrainStore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "BrainWeb",
            dependencies: [
                "BrainCore", "BrainStore", "BrainData", "BrainSecurity", "BrainModels", "BrainApps",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            resources: [.copy("Templates")]
        ),
        .executableTarget(
            name: "brain",
            dependencies: [
                "BrainCore", "BrainStore", "BrainData", "BrainSecurity", "BrainWeb", "BrainApps",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "brain-bench",
            dependencies: ["BrainCore", "BrainStore", "BrainData", "BrainModels", "BrainApps", "BrainSecurity"]
        ),
        .testTarget(name: "BrainCoreTests", dependencies: ["BrainCore"]),
        .testTarget(name: "BrainModelsTests", dependencies: ["BrainModels"]),
        .testTarget(name: "BrainAppsTests", dependencies: ["BrainApps"]),
        .testTarget(name: "BrainStoreTests", dependencies: ["BrainStore", "BrainSecurity"]),
        .testTarget(name: "BrainDataTests", dependencies: ["BrainData"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BrainSecurityTests", dependencies: ["BrainSecurity"]),
        .testTarget(name: "BrainWebTests", dependencies: ["BrainWeb", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
    ]
)
