import Hummingbird

// GET /hello answers 18,243 bytes (the size of the published overview in the bench), GET /hello/small 5 bytes.
// Usage: hello [PORT]
let overviewSized = String(repeating: "x", count: 18_243)
let router = Router()
router.get("/hello") { _, _ in overviewSized }
router.get("/hello/small") { _, _ in "hello" }
let port = Int(CommandLine.arguments.dropFirst().first ?? "18150") ?? 18150
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "hello"))
try await app.runService()
