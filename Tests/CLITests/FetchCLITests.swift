import DossierCore
import Foundation
import TestSupport
import Testing

@Suite("Crash safety")
struct CrashCLITests {
    @Test("killed at random moments while indexing: searches keep working, a rerun completes, verify passes, no temporary file stays")
    func killLoop() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in try FileManager.default.contentsOfDirectory(atPath: shared.path) where name.hasSuffix(".pdf") {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name), to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        #expect(try dossier(["index"], in: root).status == 0)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<6 {
            let process = Process()
            process.executableURL = dossierBinary
            process.arguments = ["index", "--force"]
            process.currentDirectoryURL = root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 100_000...(round < 3 ? 1_500_000 : 4_000_000), using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // The last committed generation still answers.
            let search = try dossier(["search", "CITES", "--flat", "--json"], in: root)
            #expect(search.status == 0, "round \(round): \(search.stderr)")
        }
        let rerun = try dossier(["index"], in: root)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let verify = try dossier(["verify", "--queries", "60"], in: root)
        #expect(verify.status == 0, "\(verify.stdout)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("index/segments").path)
            .filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("index").path)
        #expect(!files.contains { $0.contains(".tmp-") })
    }
}

@Suite("dossier fetch, links and attach against a local server")
struct FetchCLITests {
    @Test("a note whose links hit a loopback server: fetch reports each URL, a second run only asks conditionally, index and search find the PDFs")
    func fetchFlow() throws {
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        let real = [UInt8](try Data(contentsOf: shared.appendingPathComponent("rcites__paper.pdf")))
        let server = try TestHTTPServer { request in
            switch request.uri {
            case "/rcites.pdf", "/mirror/rcites.pdf":
                if request.headers["if-none-match"] == "\"r1\"" { return .respond(status: 304, headers: [], body: []) }
                return .respond(status: 200, headers: [("Content-Type", "application/pdf"), ("ETag", "\"r1\"")], body: real)
            case "/moved": return .respond(status: 301, headers: [("Location", "/rcites.pdf")], body: [])
            case "/landing":
                return .respond(status: 200, headers: [("Content-Type", "text/html"), ("ETag", "\"l1\"")], body: Array(
                    "<html><head><title>Record</title><meta name=\"citation_pdf_url\" content=\"/files/paper.pdf\"></head><body><p>A record page about the rcites package.</p></body></html>".utf8))
            case "/files/paper.pdf":
                if request.headers["if-none-match"] == "\"p1\"" { return .respond(status: 304, headers: [], body: []) }
                return .respond(status: 200, headers: [("ETag", "\"p1\"")], body: real)
            case "/gone.pdf": return .respond(status: 404, headers: [], body: [])
            default: return .respond(status: 403, headers: [], body: [])
            }
        }
        defer { server.shutdown() }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        try Data("""
            # Trade data
            - [ ] [rcites paper](\(server.url("/rcites.pdf")))
            - [x] Same again through a redirect: \(server.url("/moved"))
            - [ ] [Record](\(server.url("/landing")))
            - [ ] [Gone](\(server.url("/gone.pdf"))) and [Blocked](\(server.url("/blocked.pdf")))
            """.utf8).write(to: root.appendingPathComponent("corpus/notes/trade.md"))
        let env = ["DOSSIER_BACKOFF_MS": "10", "DOSSIER_POLITENESS_MS": "0"]
        let first = try dossier(["fetch", "--json"], in: root, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let urls = Dictionary(uniqueKeysWithValues: (report["urls"] as! [[String: Any]]).map { ($0["url"] as! String, $0) })
        #expect(urls[server.url("/rcites.pdf")]?["status"] as? String == "fetched")
        #expect(urls[server.url("/moved")]?["final_url"] as? String == server.url("/rcites.pdf"))
        #expect(urls[server.url("/landing")]?["citation_pdf_url"] as? String == server.url("/files/paper.pdf"))
        #expect(urls[server.url("/files/paper.pdf")]?["status"] as? String == "fetched")
        #expect(urls[server.url("/gone.pdf")]?["status"] as? String == "failed")
        #expect(urls[server.url("/gone.pdf")]?["http_status"] as? Int == 404)
        #expect(urls[server.url("/blocked.pdf")]?["status"] as? String == "blocked")
        #expect(report["failed"] as? Int == 1 && report["blocked"] as? Int == 1)
        // One document for the three URLs that serve the same bytes.
        let stored = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("corpus/files").path)
        #expect(stored.filter { $0.hasSuffix(".pdf") }.count == 1)
        #expect(stored.allSatisfy { !$0.hasPrefix(".") })

        // --strict turns failures into exit 1.
        #expect(try dossier(["fetch", "--strict"], in: root, environment: env).status == 1)

        // The second run asks conditionally and downloads nothing new.
        let before = server.requests.count
        let second = try dossier(["fetch", "--json"], in: root, environment: env)
        let again = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect(again["fetched"] as? Int == 0)
        let conditional = server.requests.dropFirst(before).filter { $0.uri == "/rcites.pdf" }
        #expect(!conditional.isEmpty && conditional.allSatisfy { $0.headers["if-none-match"] == "\"r1\"" })

        let links = try dossier(["links", "--json"], in: root)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(links.stdout.utf8)) as? [[String: Any]])
        let gone = try #require(rows.first { $0["url"] as? String == server.url("/gone.pdf") })
        #expect(gone["status"] as? String == "failed" && gone["http_status"] as? Int == 404 && gone["error"] as? String == "HTTP 404 Not Found")
        let paper = try #require(rows.first { $0["url"] as? String == server.url("/rcites.pdf") })
        #expect(paper["last_success"] is String && (paper["size"] as? Int) == real.count)

        // Index: the fetched PDF and the landing page are documents; a search finds the PDF.
        #expect(try dossier(["index"], in: root).status == 0)
        let search = try dossier(["search", "citesr", "--json"], in: root)
        let results = try #require(try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any])
        let kinds = Set((results["results"] as! [[String: Any]]).compactMap { ($0["document"] as? [String: Any])?["kind"] as? String })
        #expect(kinds.contains("pdf"))
        let linked = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["links", "--json"], in: root).stdout.utf8)) as? [[String: Any]])
        #expect(linked.first { $0["url"] as? String == server.url("/rcites.pdf") }?["document_id"] is Int)

        // attach supplies the blocked document.
        let local = root.appendingPathComponent("saved.pdf")
        PDFFixture.write([.init(label: nil, lines: ["Blocked report about pangolin scales"])], to: local)
        let attach = try dossier(["attach", server.url("/blocked.pdf"), local.path], in: root)
        #expect(attach.status == 0, "\(attach.stderr)")
        #expect(try dossier(["index"], in: root).status == 0)
        let pangolin = try dossier(["search", "pangolin", "--flat", "--json"], in: root)
        #expect(pangolin.stdout.contains("\"total\" : 1"))
        let bad = try dossier(["attach", server.url("/blocked.pdf"), root.appendingPathComponent("corpus/notes/trade.md").path], in: root)
        #expect(bad.status == 2 && bad.stderr.contains("neither a PDF nor a web page"))

        // A URL no note cites takes a file only with --force, and is not "no longer cited" in status.
        let stray = "https://example.org/mistyped.pdf"
        let refused = try dossier(["attach", stray, local.path], in: root)
        #expect(refused.status == 2 && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try dossier(["attach", "--force", stray, local.path], in: root).status == 0)
        let status = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["status", "--json"], in: root).stdout.utf8)) as? [String: Any])
        #expect((status["catalog"] as? [String: Any])?["uncited_urls"] as? Int == 0, "\(status)")
        // attach --remove undoes either: the stray URL is forgotten, the cited one is fetched again; the document goes.
        let undoStray = try dossier(["attach", "--remove", stray], in: root)
        #expect(undoStray.status == 0 && undoStray.stdout.contains("forgotten"), "\(undoStray.stderr)")
        let undo = try dossier(["attach", "--remove", server.url("/blocked.pdf")], in: root)
        #expect(undo.status == 0 && undo.stdout.contains("fetches it again"), "\(undo.stderr)")
        #expect(try dossier(["attach", "--remove", server.url("/blocked.pdf")], in: root).status == 2)
        #expect(try dossier(["index"], in: root).status == 0)
        #expect(try dossier(["search", "pangolin", "--flat", "--json"], in: root).stdout.contains("\"total\" : 0"))
        let after = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["links", "--json"], in: root).stdout.utf8)) as? [[String: Any]])
        #expect(after.first { $0["url"] as? String == server.url("/blocked.pdf") }?["status"] as? String == "new")
        #expect(!after.contains { $0["url"] as? String == stray })
    }

    @Test("offline, when no cited host resolves: update and fetch say so, check nothing and mark no link failed; online again, dead hosts are")
    func offline() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        // Names under .invalid never resolve (RFC 2606): as every host looks to a machine without network.
        let note = root.appendingPathComponent("corpus/notes/trade.md")
        let unreachable = ["https://reports.invalid/a.pdf", "https://data.example.invalid/b.pdf", "https://news.invalid/c"]
        try Data(unreachable.map { "- <\($0)>" }.joined(separator: "\n").utf8).write(to: note)
        let env = ["DOSSIER_BACKOFF_MS": "10", "DOSSIER_POLITENESS_MS": "0"]
        let update = try dossier(["update", "--json"], in: root, environment: env)
        #expect(update.status == 0, "\(update.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(update.stdout.utf8)) as? [String: Any])
        #expect((report["urls"] as? [String: Any])?["offline"] as? Bool == true)
        #expect((report["newly_dead"] as? [Any])?.isEmpty == true)
        let text = try dossier(["update"], in: root, environment: env)
        #expect(text.stdout.contains("offline: no host could be resolved"))
        let fetch = try dossier(["fetch"], in: root, environment: env)
        #expect(fetch.status == 0 && fetch.stdout.contains("offline: none of the 3 hosts"))
        #expect(try dossier(["fetch", "--strict"], in: root, environment: env).status == 1)
        func statuses() throws -> [String: String] {
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["links", "--json"], in: root).stdout.utf8)) as? [[String: Any]])
            return Dictionary(rows.map { ($0["url"] as? String ?? "", $0["status"] as? String ?? "") }, uniquingKeysWith: { a, _ in a })
        }
        #expect(try statuses().values.allSatisfy { $0 != "failed" }, "no link may be marked failed while offline")
        // Nothing is known dead, and --dead says why: the links were never checked.
        let dead = try dossier(["links", "--dead"], in: root)
        #expect(dead.stdout.contains("No link is known to be dead; 3 links were never checked"), "\(dead.stdout)")
        // One host that answers: the machine is online, and the hosts that do not resolve are dead.
        let server = try TestHTTPServer { _ in .respond(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html><body><p>Up.</p></body></html>".utf8)) }
        defer { server.shutdown() }
        try Data((unreachable.map { "- <\($0)>" } + ["- <\(server.url("/up"))>"]).joined(separator: "\n").utf8).write(to: note)
        let online = try dossier(["update", "--json"], in: root, environment: env)
        let after = try #require(try JSONSerialization.jsonObject(with: Data(online.stdout.utf8)) as? [String: Any])
        #expect((after["urls"] as? [String: Any])?["offline"] as? Bool == false)
        let now = try statuses()
        #expect(unreachable.allSatisfy { now[$0] == "failed" })
        #expect(now[server.url("/up")] == "fetched")
    }
}
