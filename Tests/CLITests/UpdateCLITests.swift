import DossierCore
import Foundation
import TestSupport
import Testing

@Suite("dossier update")
struct UpdateCLITests {
    @Test("one update reflects a changed PDF, an added link, a removed link and a 404; verify passes; a second update is idle")
    func incremental() throws {
        let v1 = folderPDF("Version one about pangolin scales"), v2 = folderPDF("Version two about rhino horn, now with more pages")
        let state = ServerState()
        let server = try TestHTTPServer { request in
            switch request.uri {
            case "/a.pdf": return .respond(status: 200, headers: [("ETag", state.changed ? "\"2\"" : "\"1\"")], body: state.changed ? v2 : v1)
            case "/b.pdf": return .respond(status: 200, headers: [], body: folderPDF("Document B about timber"))
            case "/c.pdf": return .respond(status: 200, headers: [], body: folderPDF("Document C about ivory"))
            default: return .respond(status: 404, headers: [], body: [])
            }
        }
        defer { server.shutdown() }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        let note = root.appendingPathComponent("corpus/notes/n.md")
        try Data("- [A](\(server.url("/a.pdf")))\n- [B](\(server.url("/b.pdf")))\n- [D](\(server.url("/d.pdf")))\n".utf8).write(to: note)
        let env = ["DOSSIER_BACKOFF_MS": "5", "DOSSIER_POLITENESS_MS": "0"]
        let first = try dossier(["update", "--json"], in: root, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let r1 = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(((r1["documents"] as? [String: Any])?["new"] as? [String])?.count == 3)  // a, b and the note
        #expect(((r1["newly_dead"] as? [[String: Any]])?.first?["url"] as? String) == server.url("/d.pdf"))
        // A's document, by its URL.
        func documentOfA() throws -> [String: Any] {
            let listed = try dossier(["documents", "--json"], in: root)
            let all = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            return try #require(all.first { ($0["urls"] as? [String])?.contains(server.url("/a.pdf")) == true })
        }
        let a1 = try documentOfA()

        // Change A, add C, remove B; D stays dead.
        state.changed = true
        try Data("- [A](\(server.url("/a.pdf")))\n- [C](\(server.url("/c.pdf")))\n- [D](\(server.url("/d.pdf")))\n".utf8).write(to: note)
        let second = try dossier(["update", "--json", "--min-age", "0", "--gc-after", "0"], in: root, environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        let r2 = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        let docs = try #require(r2["documents"] as? [String: Any])
        #expect((docs["changed"] as? [String])?.count == 2)   // a (new bytes) and the note
        #expect((docs["changed"] as? [String])?.contains { $0.hasPrefix(server.url("/a.pdf")) } == true)
        #expect((docs["new"] as? [String])?.count == 1)       // c
        // The edited note is one changed document (same number), not also a removed one.
        #expect((docs["removed"] as? [String])?.contains { $0.contains("notes/n.md") } == false, "\(docs)")
        #expect(((r2["dead_for_runs"] as? [[String: Any]])?.first?["runs"] as? Int) == 2)
        #expect(try dossier(["verify", "--queries", "40"], in: root).status == 0)
        // A's new content is a new version of the same document: same number, its earlier content listed.
        let a2 = try documentOfA()
        #expect(a2["id"] as? Int == a1["id"] as? Int, "\(a1) \(a2)")
        let versions = try #require(a2["versions"] as? [[String: Any]])
        #expect(versions.count == 1 && versions[0]["sha256"] as? String == a1["path"].flatMap { ($0 as? String)?.split(separator: "/").last?.split(separator: ".").first.map(String.init) })
        let shown = try dossier(["show", String(a2["id"] as? Int ?? 0), "--versions"], in: root)
        #expect(shown.status == 0 && shown.stdout.contains("2 versions") && shown.stdout.contains("before "), "\(shown.stdout)")
        #expect(try dossier(["show", String(a2["id"] as? Int ?? 0)], in: root).stdout.contains("rhino horn"))
        #expect(try dossier(["search", "rhino", "--json"], in: root).stdout.contains("\"total\" : 1"))
        #expect(try dossier(["search", "pangolin", "--json"], in: root).stdout.contains("\"total\" : 0"))
        let dead = try dossier(["links", "--dead"], in: root)
        #expect(dead.stdout.contains(server.url("/d.pdf")) && !dead.stdout.contains(server.url("/a.pdf")))

        // Nothing due: nothing fetched, nothing extracted; a report is written each time.
        let requests = server.requests.count
        let third = try dossier(["update"], in: root, environment: env)
        #expect(third.status == 0)
        #expect(server.requests.count == requests)
        #expect(third.stdout.contains("0 new, 0 changed"))
        let reports = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("index/reports").path)
        #expect(reports.count == 3)
    }
}

final class ServerState: @unchecked Sendable {
    var changed = false
}

func folderPDF(_ text: String) -> [UInt8] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("x.pdf")
    PDFFixture.write([.init(label: nil, lines: [text])], to: url)
    return [UInt8]((try? Data(contentsOf: url)) ?? Data())
}

@Suite("dossier schedule", .serialized)
struct ScheduleCLITests {
    @Test("install writes a nightly crontab line for this workspace (keeping the user's other lines), show prints it, remove takes only it away")
    func cron() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        // Keep the user's crontab and put it back afterwards.
        let saved = Process()
        saved.executableURL = URL(fileURLWithPath: "/usr/bin/crontab")
        saved.arguments = ["-l"]
        let pipe = Pipe()
        saved.standardOutput = pipe
        saved.standardError = FileHandle.nullDevice
        try saved.run()
        let original = pipe.fileHandleForReading.readDataToEndOfFile()
        saved.waitUntilExit()
        defer {
            let restore = Process()
            restore.executableURL = URL(fileURLWithPath: "/usr/bin/crontab")
            restore.arguments = saved.terminationStatus == 0 ? ["-"] : ["-r"]
            let input = Pipe()
            restore.standardInput = input
            restore.standardError = FileHandle.nullDevice
            try? restore.run()
            input.fileHandleForWriting.write(original)
            try? input.fileHandleForWriting.close()
            restore.waitUntilExit()
        }
        let env = ["DOSSIER_SCHEDULER": "cron"]
        // Installed through a link, as from /usr/local/bin: the line names the link, not the build it points to.
        let bin = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: bin) }
        let link = bin.appendingPathComponent("dossier")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: dossierBinary)
        let install = try runProgram(link, ["schedule", "install", "--at", "02:30"], in: root, environment: env)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("installed (crontab): `\(link.path) update` every day at 02:30"), "\(install.stdout)")
        // A crontab line with no cron daemon to run it says so.
        let daemon = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).contains { entry in
            (try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "cron"
        }
        #expect(install.stderr.contains("no cron daemon is running on this machine") == !daemon, "\(install.stderr)")
        let show = try dossier(["schedule", "show"], in: root, environment: env)
        #expect(show.stdout.contains("30 2 * * * cd '\(root.path)' && '\(link.path)' update"), "\(show.stdout)")
        #expect(show.stdout.contains("update --workspace"))
        #expect(show.stdout.contains("index/logs/update-"))
        #expect(try dossier(["schedule", "install", "--at", "04:00"], in: root, environment: env).status == 0)
        #expect(try dossier(["schedule", "show"], in: root, environment: env).stdout.contains("0 4 * * *"))
        #expect(try dossier(["schedule", "remove"], in: root, environment: env).stdout.contains("removed"))
        #expect(try dossier(["schedule", "show"], in: root, environment: env).stdout.contains("nothing scheduled"))
        #expect(try dossier(["schedule", "install", "--at", "25:00"], in: root, environment: env).status == 2)
    }
}

@Suite("Updates under fire")
struct UpdateCrashTests {
    @Test("kill -9 at random moments of updates while searches run in a loop: no search fails, the next update completes, verify passes")
    func killAndSearch() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in try FileManager.default.contentsOfDirectory(atPath: shared.path) where name.hasSuffix(".pdf") {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name), to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        #expect(try dossier(["update"], in: root).status == 0)

        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var list: [String] = []
            var searches = 0
            var stop = false
            func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
        }
        let failures = Failures()
        let searcher = Thread {
            while !failures.stop {
                guard let run = try? dossier(["search", "CITES OR species", "--flat", "--json", "--limit", "3"], in: root) else { continue }
                failures.searches += 1
                if run.status != 0 || (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) == nil {
                    failures.add("status \(run.status): \(run.stderr)")
                }
            }
        }
        searcher.start()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<6 {
            let process = Process()
            process.executableURL = dossierBinary
            process.arguments = ["update", "--force"]
            process.currentDirectoryURL = root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 50_000...3_000_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        failures.stop = true
        while !searcher.isFinished { usleep(10_000) }
        #expect(failures.list.isEmpty, "\(failures.list.prefix(3))")
        #expect(failures.searches > 5)
        let final = try dossier(["update"], in: root)
        #expect(final.status == 0, "\(final.stderr)")
        let verify = try dossier(["verify", "--queries", "50"], in: root)
        #expect(verify.status == 0, "\(verify.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("corpus/files").path)
        #expect(!files.contains { $0.hasPrefix(".download-") })
    }

    @Test("a second update waits for the first, or with --no-wait says so and exits 1")
    func oneAtATime() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let lock = root.appendingPathComponent("index/update.lock").path
        let fd = open(lock, O_RDWR | O_CREAT, 0o644)
        #expect(flock(fd, LOCK_EX) == 0)
        let refused = try dossier(["update", "--no-wait"], in: root)
        #expect(refused.status == 1 && refused.stderr.contains("another `dossier update` is running"))
        flock(fd, LOCK_UN)
        close(fd)
        #expect(try dossier(["update", "--no-wait"], in: root).status == 0)
    }
}

@Suite("Bounded queries and output")
struct BoundedCLITests {
    @Test("queries past the limits get one line and exit 2, in well under 2 s; --batch answers the error in-line; hints come once")
    func limits() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        try Data("# Reading\n- [Report](https://example.org/r.pdf) on ivory and timber\n".utf8)
            .write(to: root.appendingPathComponent("corpus/notes/reading.md"))
        #expect(try dossier(["index", "--workspace", root.path]).status == 0)
        let deep = String(repeating: "(", count: 10_000) + "ivory" + String(repeating: ")", count: 10_000)
        let wide = (0..<4_800).map { "w\($0)" }.joined(separator: " OR ")
        let nested = String(repeating: "(", count: 200) + "ivory" + String(repeating: ")", count: 200)
        let many = (0..<1_100).map { "w\($0)" }.joined(separator: " ")
        for query in [deep, wide, nested, many] {
            let started = Date()
            let run = try dossier(["search", "--workspace", root.path, query])
            #expect(run.status == 2, "\(query.prefix(20))…: \(run.stderr)")
            #expect(run.stderr.hasPrefix("dossier: error: query too large") && run.stderr.split(separator: "\n").count == 1, "\(run.stderr.prefix(300))")
            #expect(Date().timeIntervalSince(started) < 2)
        }
        let batch = try dossier(["search", "--batch", "--workspace", root.path], stdin: "\(nested)\nivory\n")
        let lines = batch.stdout.split(separator: "\n")
        #expect(batch.status == 0 && lines.count == 2)
        #expect(lines.first?.contains("\"error\":\"query too large: parentheses are nested more than 64 deep\"") == true)
        #expect(lines.last?.contains("\"total\":1") == true)
        let ands = try dossier(["search", "--workspace", root.path, Array(repeating: "and", count: 800).joined(separator: " ")])
        #expect(ands.stderr.components(separatedBy: "hint:").count == 2, "\(ands.stderr.prefix(400))")
    }

    @Test("a note line holding a 2 MB word gives a snippet and citation within their stated lengths, in text and JSON")
    func longWord() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        let word = String(repeating: "x", count: 2 << 20)
        try Data("# Reading\n- [Report](https://example.org/r.pdf) \(word) ivory\n".utf8)
            .write(to: root.appendingPathComponent("corpus/notes/reading.md"))
        #expect(try dossier(["index", "--workspace", root.path]).status == 0)
        let json = try dossier(["search", "--json", "--workspace", root.path, "ivory"])
        #expect(json.status == 0)
        #expect(json.stdout.utf8.count < 8_000, "\(json.stdout.utf8.count) bytes")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let result = try #require((object["results"] as? [[String: Any]])?.first)
        let snippet = try #require(result["snippet"] as? String)
        #expect(snippet.unicodeScalars.count <= 400 && snippet.contains("x…"))
        // The highlight still marks "ivory".
        let highlight = try #require((result["highlights"] as? [[Int]])?.first)
        let scalars = Array(snippet.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[highlight[0]..<highlight[1]])) == "ivory")
        let text = try dossier(["search", "--workspace", root.path, "ivory"])
        #expect(text.status == 0 && text.stdout.utf8.count < 4_000)
    }
}
