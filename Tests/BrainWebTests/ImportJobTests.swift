import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import Foundation
import Testing
@testable import BrainWeb

/// Background imports (`?async=true`, the portal's /data upload): the job reaches done with the report the synchronous
/// import gives, its progress never goes back, only its owner (or an administrator) reads it, its rejected rows page and
/// download, and a file that cannot be read ends the job as failed with the reason.
@Suite struct ImportJobTests {
    static let nanchang = Principal(username: "nanchang", role: .cityOfficial, scope: "360100")

    /// A few thousand indicator rows of Nanchang's firms, with rows the city official may not import (other cities' firms),
    /// negative values and unknown credit codes among them.
    static func file(_ s: TestServer) -> (csv: Data, rows: Int) {
        let cube = s.services.cubes.cube
        let catalog = RegionCatalog.jiangxi
        let own = cube.firms.filter { catalog.city(of: $0.region) == "360100" }.prefix(120)
        let other = cube.firms.first { catalog.city(of: $0.region) != "360100" }!
        var lines = ["uscc,month,output_value,electricity"]
        var n = 0
        for year in [2023, 2024, 2025] {
            for month in 1...12 {
                let m = String(format: "%04d-%02d", year, month)
                for (i, f) in own.enumerated() {
                    n += 1
                    lines.append("\(f.uscc),\(m),\(i % 40 == 0 ? "-5" : String(1000 + n % 500)),\(10 + n % 7)")
                }
                lines.append("\(other.uscc),\(m),10,1")
                lines.append("91360100MA00000000,\(m),10,1")
                n += 2
            }
        }
        return (Data((lines.joined(separator: "\n") + "\n").utf8), n)
    }

    @Test func asyncImportMatchesTheSynchronousOne() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let nanchang = try await s.login("nanchang", "Nanchang#2026")
        let (csv, rows) = Self.file(s)
        #expect(rows > 2_000)

        let started = try await s.request("POST", "/api/v1/imports/indicators?async=true", token: nanchang, body: csv, contentType: "text/csv")
        #expect(started.status == 202, "\(started.errorMessage)")
        let id = try #require(started.object["id"] as? String)
        #expect(started.headers["location"] == "/api/v1/imports/jobs/\(id)")
        #expect(started.object["owner"] as? String == "nanchang" && started.object["kind"] as? String == "indicators")

        // Progress as the owner polls it: never back, whatever the moment of each look.
        var last = (rows: 0, parts: 0, bytes: 0)
        var phase = ""
        var looks = 0
        repeat {
            let r = try await s.get("/api/v1/imports/jobs/\(id)", token: nanchang)
            #expect(r.status == 200)
            let p = try #require(r.object["progress"] as? [String: Any])
            let now = (rows: p["rowsRead"] as? Int ?? -1, parts: p["partsMerged"] as? Int ?? -1, bytes: p["bytesRead"] as? Int ?? -1)
            #expect(now.rows >= last.rows && now.parts >= last.parts && now.bytes >= last.bytes, "progress went back: \(last) → \(now)")
            last = now
            phase = p["phase"] as? String ?? ""
            looks += 1
            if phase != "done" && phase != "failed" { _ = await s.services.importJobs.ended(id, for: Self.nanchang) }
        } while phase != "done" && phase != "failed" && looks < 10
        #expect(phase == "done")
        let done = try await s.get("/api/v1/imports/jobs/\(id)", token: nanchang)
        let progress = try #require(done.object["progress"] as? [String: Any])
        #expect(progress["bytesRead"] as? Int == csv.count && progress["bytesTotal"] as? Int == csv.count)
        #expect(progress["rowsRead"] as? Int == rows)
        let report = try #require(done.object["report"] as? [String: Any])
        #expect(report["rowsTotal"] as? Int == rows)
        #expect((report["rowsChanged"] as? Int ?? 0) > 0 && report["seenBefore"] as? Bool == false)
        #expect((report["problems"] as? [Any])?.isEmpty == true, "the status carries counts; the rows are paged")
        let problemCount = try #require(done.object["problems"] as? Int)

        // The same file imported synchronously: the same batch, counts and problems (now seen before, nothing changed).
        let sync = try await s.request("POST", "/api/v1/imports/indicators", token: nanchang, body: csv, contentType: "text/csv")
        #expect(sync.status == 200)
        for key in ["rowsTotal", "rowsAccepted", "rowsRejected", "batchKey", "encoding", "kind", "source", "fileName"] {
            #expect(String(describing: sync.object[key] ?? "nil") == String(describing: report[key] ?? "nil"), "\(key)")
        }
        #expect(sync.object["seenBefore"] as? Bool == true && sync.object["rowsChanged"] as? Int == 0)
        let syncProblems = try #require(sync.object["problems"] as? [[String: Any]])
        #expect(syncProblems.count == problemCount && problemCount > 0)

        // The rejected rows, paged: the same rows as the synchronous report, in order.
        let first = try await s.get("/api/v1/imports/jobs/\(id)/rejected?limit=20", token: nanchang)
        #expect(first.status == 200 && first.object["total"] as? Int == problemCount && first.object["limit"] as? Int == 20)
        let items = try #require(first.object["items"] as? [[String: Any]])
        #expect(items.count == 20)
        #expect(items.map { "\($0["row"]!)/\($0["field"]!)/\($0["reason"]!)" } == syncProblems.prefix(20).map { "\($0["row"]!)/\($0["field"]!)/\($0["reason"]!)" })
        let tail = try await s.get("/api/v1/imports/jobs/\(id)/rejected?limit=1000&offset=\(problemCount - 3)", token: nanchang)
        #expect((tail.object["items"] as? [Any])?.count == 3)
        let unknown = try await s.get("/api/v1/imports/jobs/\(id)/rejected?page=2", token: nanchang)
        #expect(unknown.status == 400 && unknown.errorMessage.contains("page"))
        #expect(try await s.get("/api/v1/imports/jobs/\(id)/rejected?limit=0", token: nanchang).status == 400)
        let download = try await s.get("/api/v1/imports/jobs/\(id)/rejected?format=csv", token: nanchang)
        let text = String(decoding: download.data, as: UTF8.self)
        #expect(download.status == 200 && text.hasPrefix("\u{FEFF}row,field,value,reason\r\n"))
        #expect(CSV.parse(String(text.dropFirst())).count == problemCount + 1)
        let xlsx = try await s.get("/api/v1/imports/jobs/\(id)/rejected?format=xlsx", token: nanchang)
        #expect(xlsx.status == 200 && xlsx.contentType == XLSXDownload.contentType)

        // Only the owner or an administrator: another official gets 404, as for a job that does not exist.
        let yichun = try await s.login("yichun", "Yichun#20262026")
        #expect(try await s.get("/api/v1/imports/jobs/\(id)", token: yichun).status == 404)
        #expect(try await s.get("/api/v1/imports/jobs/\(id)/rejected", token: yichun).status == 404)
        let admin = try await s.login("admin", "Admin#20262026")
        #expect(try await s.get("/api/v1/imports/jobs/\(id)", token: admin).status == 200)
        #expect(try await s.get("/api/v1/imports/jobs/not-a-job", token: nanchang).status == 404)
        let firm = try await s.login("firm", "Firm#20262026")
        #expect(try await s.get("/api/v1/imports/jobs/\(id)", token: firm).status == 403, "no data:import, refused by the route")
        #expect(try await s.get("/api/v1/imports/jobs/\(id)?x=1", token: nanchang).status == 400)
        #expect(try await s.request("POST", "/api/v1/imports/indicators?async=maybe", token: nanchang, body: csv, contentType: "text/csv").status == 400)
    }

    @Test func anUnreadableFileEndsTheJobAsFailed() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let nanchang = try await s.login("nanchang", "Nanchang#2026")
        let bad = Data("company,when\nx,y\n".utf8)
        let started = try await s.request("POST", "/api/v1/imports/indicators?async=true", token: nanchang, body: bad, contentType: "text/csv")
        #expect(started.status == 202)
        let id = try #require(started.object["id"] as? String)
        let ended = try #require(await s.services.importJobs.ended(id, for: Self.nanchang))
        #expect(ended.progress.phase == .failed && ended.report == nil)
        let r = try await s.get("/api/v1/imports/jobs/\(id)", token: nanchang)
        #expect((r.object["progress"] as? [String: Any])?["phase"] as? String == "failed")
        #expect((r.object["error"] as? String)?.contains("the header lacks required column") == true, "\(r.object)")
        // The synchronous form answers the same reason at once.
        let sync = try await s.request("POST", "/api/v1/imports/indicators", token: nanchang, body: bad, contentType: "text/csv")
        #expect(sync.status == 400 && sync.errorMessage == r.object["error"] as? String)
        // An enterprise may deliver only its self-report: refused before a job starts.
        let firm = try await s.login("firm", "Firm#20262026")
        let refused = try await s.request("POST", "/api/v1/imports/indicators?async=true&source=statistics", token: firm, body: bad, contentType: "text/csv")
        #expect(refused.status == 403)
    }

    @Test func portalUploadGoesToTheJobPage() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let (csv, rows) = Self.file(s)
        let official = PortalClient(base: s.base)
        #expect(try await official.login("nanchang", "Nanchang#2026").status == 303)
        let form = try await official.get("/data")
        let upload = try await official.upload("/data", fields: ["_csrf": try #require(form.csrf), "kind": "indicators", "source": "statistics"],
                                               file: ("file", "南昌月报.csv", csv))
        #expect(upload.status == 303)
        let location = try #require(upload.headers["location"])
        #expect(location.hasPrefix("/data/imports/"))
        let id = String(location.dropFirst("/data/imports/".count))
        let early = try await official.get(location)
        #expect(early.status == 200 && early.html.contains("导入进度") && early.html.contains("南昌月报.csv"))
        #expect(early.html.contains("class=\"progress\""))
        _ = try #require(await s.services.importJobs.ended(id, for: Self.nanchang))

        let page = try await official.get(location)
        #expect(page.status == 200 && page.html.contains("导入已结束"))
        #expect(page.html.contains("共 \(NumberFormat.amount(Double(rows), decimals: 0)) 行") && page.html.contains("被拒绝的行"), "\(page.html.prefix(600))")
        #expect(page.html.contains("不在您的数据范围内") && page.html.contains("不能为负数"))
        #expect(!page.html.contains("/assets/import-job.js"), "an ended job's page does not poll")
        #expect(page.html.contains("/data/batches/") && page.html.contains("/data/imports/\(id)/rejected?format=csv"))
        #expect(page.html.contains("?offset=100\">下一页"))
        let second = try await official.get(location + "?offset=100")
        #expect(second.html.contains("第 101–"))
        let download = try await official.get("/data/imports/\(id)/rejected?format=csv")
        #expect(download.status == 200 && download.html.hasPrefix("\u{FEFF}row,field,value,reason"))
        let json = try await official.get("/data/imports/\(id)/progress")
        #expect(json.status == 200 && json.html.contains("\"phase\":\"done\""))
        #expect(try await official.get("/data").html.contains("/data/imports/\(id)"))

        // Another official does not see it; the script is served from this origin.
        let other = PortalClient(base: s.base)
        #expect(try await other.login("yichun", "Yichun#20262026").status == 303)
        #expect(try await other.get(location).status == 404)
        #expect(try await other.get("/data/imports/\(id)/progress").status == 404)
        let script = try await PortalClient(base: s.base).get("/assets/import-job.js")
        #expect(script.status == 200 && script.headers["content-type"]?.hasPrefix("text/javascript") == true)
        #expect(script.html.contains("data-progress"))
    }
}

extension PortalClient {
    /// Follows an upload of /data to its job page once the job has ended (an upload refused at once is answered as it is).
    func importResult(_ upload: Page, _ s: TestServer) async throws -> Page {
        guard upload.status == 303, let location = upload.headers["location"], location.hasPrefix("/data/imports/") else { return upload }
        let id = String(location.dropFirst("/data/imports/".count))
        _ = await s.services.importJobs.ended(id, for: Principal(username: "admin", role: .admin, scope: nil))
        return try await get(location)
    }
}
