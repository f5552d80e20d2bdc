// swift-tools-version:6.0
// The ceiling peer of scripts/bench-published.sh: Hummingbird with one route and no middleware, the same framework
// version as the server, on the same machine and under the same wrk call.
import PackageDescription

let package = Package(
    name: "hello",
    platforms: [.macOS(.v14)],
    dependencies: [.package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1")],
    targets: [.executableTarget(name: "hello", dependencies: [.product(name: "Hummingbird", package: "hummingbird")])]
)
