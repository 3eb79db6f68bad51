import Catalog
import Notes
import Extract
import DossierCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Search
import Testing
import TestSupport
@testable import Web

/// A workspace holding one note, `name`, with its citations in the catalog,
/// and the web application over it; the folder goes when `body` returns.
func withNote(_ name: String, _ text: String, _ body: (Application<RouterResponder<BasicRequestContext>>) async throws -> Void) async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-note-\(UUID().uuidString)")
    let workspace = Workspace(root: root)
    try workspace.create()
    defer { try? FileManager.default.removeItem(at: root) }
    try Data(text.utf8).write(to: workspace.notes.appendingPathComponent(name))
    let catalog = try CatalogStore(workspace: workspace)
    try catalog.syncNotes(NoteFolder.read(workspace, known: [:], warn: { _ in }))
    try await body(Application(router: try WebApp.router(workspace: workspace, renderer: { _, _, _, _, _ in Data() })))
}

@Suite("Note page")
struct NotePageTests {
    @Test("a note is drawn from the parser's own reading: autolinks, links before a quote, links in headings, code left alone")
    func parserLinks() async throws {
        let note = """
            # See [the guide](https://example.org/guide.pdf)
            Autolink <https://example.org/a.pdf> and "[quoted](https://example.org/q.pdf)" here.
            Bare https://example.org/b_(c).pdf, then text.
            ```
            # not a heading <https://example.org/code>
            ```
            - [x] done [r][ref]

            [ref]: https://example.org/ref.pdf
            """
        try await withNote("n.md", note) { app in try await app.test(.router) { client in
            try await client.execute(uri: "/notes/n.md", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains("<strong class=\"h1\">See <a href=\"https://example.org/guide.pdf\" rel=\"noreferrer\">the guide</a></strong>"))
                #expect(body.contains("Autolink <a href=\"https://example.org/a.pdf\" rel=\"noreferrer\">https://example.org/a.pdf</a> and"))
                #expect(body.contains("&quot;<a href=\"https://example.org/q.pdf\" rel=\"noreferrer\">quoted</a>&quot; here."))
                #expect(body.contains("Bare <a href=\"https://example.org/b_(c).pdf\" rel=\"noreferrer\">https://example.org/b_(c).pdf</a>, then text."))
                #expect(body.contains("class=\"line code\" id=\"L5\""))
                #expect(!body.contains("<strong class=\"h1\">not a heading"))
                #expect(body.contains("☑ done <a href=\"https://example.org/ref.pdf\" rel=\"noreferrer\">r</a>"))
                #expect(body.components(separatedBy: "class=\"status new\"").count == 6, "one status per link outside code")
            }
        } }
    }
}

@Suite("Long notes")
struct LongNotePageTests {
    @Test("a 25,000-line note is shown 1,000 lines a page, a search's link opens the page holding its line")
    func paged() async throws {
        var note = "# Field notes\n"
        for line in 2...25_000 { note += line == 24_321 ? "See [the seizure report](https://example.org/s.pdf)\n" : "Line \(line) of pangolin notes.\n" }
        #expect(Links.note("corpus/notes/long.md", line: 24_321) == "/notes/long.md?line=24321#L24321")
        #expect(Links.note("corpus/notes/long.md", line: 12) == "/notes/long.md#L12")
        try await withNote("long.md", note) { app in try await app.test(.router) { client in
            try await client.execute(uri: "/notes/long.md", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(body.contains("id=\"L1000\"") && !body.contains("id=\"L1001\""))
                #expect(body.contains("Lines 1–1000 of 25000"))
                #expect(body.contains("href=\"/notes/long.md?line=1001\" rel=\"next\""))
                #expect(!body.contains("rel=\"prev\""))
                #expect(body.utf8.count < 300_000, "\(body.utf8.count) bytes")
            }
            try await client.execute(uri: "/notes/long.md?line=24321", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("Lines 24001–25000 of 25000"))
                #expect(body.contains("id=\"L24321\""))
                #expect(body.contains("<a href=\"https://example.org/s.pdf\" rel=\"noreferrer\">the seizure report</a>"))
                #expect(body.contains("href=\"/notes/long.md?line=23001\" rel=\"prev\""))
                #expect(!body.contains("rel=\"next\""))
            }
            // Past the end: the last page.
            try await client.execute(uri: "/notes/long.md?line=999999", method: .get) { response in
                #expect(String(buffer: response.body).contains("Lines 24001–25000 of 25000"))
            }
        } }
    }
}

@Suite("Update from the web")
struct WebUpdateTests {
    @Test("while an update runs, the update page says where it has got to")
    func progressLine() async throws {
        let (workspace, root) = try temporaryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let progress = UpdateProgress()
        let release = Counter()
        let options = WebApp.Options(port: nil, update: {
            progress.line = "Extracting: 120 of 5486 documents (corpus/library/a<b>.pdf)."
            while release.value == 0 { try await Task.sleep(for: .milliseconds(5)) }
            return ["documents  1 new"]
        }, progress: progress)
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: { _, _, _, _, _ in Data() }, options: options))
        try await app.test(.router) { client in
            try await client.execute(uri: "/update", method: .post, headers: [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]) { _ in }
            var body = ""
            for _ in 0..<400 where !body.contains("120 of 5486") {
                try await Task.sleep(for: .milliseconds(5))
                try await client.execute(uri: "/update", method: .get) { response in body = String(buffer: response.body) }
            }
            #expect(body.contains("An update is running") && body.contains("Extracting: 120 of 5486 documents (corpus/library/a&lt;b&gt;.pdf)."), "\(body)")
            release.add()
            for _ in 0..<400 where !body.contains("ended") {
                try await Task.sleep(for: .milliseconds(5))
                try await client.execute(uri: "/update", method: .get) { response in body = String(buffer: response.body) }
            }
            #expect(!body.contains("120 of 5486") && body.contains("documents  1 new"))
        }
    }

    @Test("the update page shows the last update run outside the server (a terminal, the schedule), and a newer one over its own")
    func updateRunElsewhere() async throws {
        let (workspace, root) = try temporaryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let onDisk = Locked<(at: Date, lines: [String])?>(nil)
        let options = WebApp.Options(port: nil, update: { ["documents  0 new (from the page)"] }, lastReport: { onDisk.value })
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: { _, _, _, _, _ in Data() }, options: options))
        try await app.test(.router) { client in
            try await client.execute(uri: "/update", method: .get) { response in
                #expect(String(buffer: response.body).contains("No update has run yet."))
            }
            onDisk.value = (Date(), ["documents  2 new (from a terminal)"])
            try await client.execute(uri: "/update", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("The last update ended at") && body.contains("not from this page"), "\(body)")
                #expect(body.contains("documents  2 new (from a terminal)"))
            }
            // The page's own update, newer than the terminal's, is the one shown.
            try await client.execute(uri: "/update", method: .post, headers: [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]) { _ in }
            var body = ""
            for _ in 0..<400 where !body.contains("from the page") {
                try await Task.sleep(for: .milliseconds(5))
                try await client.execute(uri: "/update", method: .get) { response in body = String(buffer: response.body) }
            }
            #expect(body.contains("documents  0 new (from the page)"))
            // Then another run from a terminal.
            onDisk.value = (Date().addingTimeInterval(5), ["documents  3 new (from cron)"])
            try await client.execute(uri: "/update", method: .get) { response in
                #expect(String(buffer: response.body).contains("documents  3 new (from cron)"))
            }
        }
    }

    @Test("the update page starts one update at a time, shows its report, and refuses a request from another site")
    func updatePage() async throws {
        let (workspace, root) = try temporaryWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let runs = Counter()
        let release = Counter()
        let options = WebApp.Options(port: nil, update: {
            runs.add()
            while release.value == 0 { try await Task.sleep(for: .milliseconds(5)) }
            return ["documents  1 new, 0 changed", "index      generation <3>"]
        })
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: { _, _, _, _, _ in Data() }, options: options))
        try await app.test(.router) { client in
            try await client.execute(uri: "/update", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<button>Update now</button>"))
            }
            for site in ["cross-site", "same-site"] {
                try await client.execute(uri: "/update", method: .post, headers: [HTTPField.Name("Sec-Fetch-Site")!: site]) { response in
                    #expect(response.status == .forbidden, "\(site)")
                }
            }
            try await client.execute(uri: "/update", method: .post, headers: [.origin: "http://evil.example"]) { response in
                #expect(response.status == .forbidden, "a foreign Origin")
            }
            #expect(runs.value == 0)
            for _ in 0..<2 {
                try await client.execute(uri: "/update", method: .post, headers: [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == "/update")
                }
            }
            try await client.execute(uri: "/update", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("An update is running"))
                #expect(!body.contains("<button>Update now</button>"))
                #expect(response.headers[HTTPField.Name("Refresh")!] == "3")
            }
            release.add()
            var body = ""
            for _ in 0..<400 where !body.contains("ended") {
                try await Task.sleep(for: .milliseconds(5))
                try await client.execute(uri: "/update", method: .get) { response in body = String(buffer: response.body) }
            }
            #expect(body.contains("The last update ended"))
            #expect(body.contains("documents  1 new, 0 changed"))
            #expect(body.contains("generation &lt;3&gt;"), "report lines are escaped")
            #expect(runs.value == 1, "a second start while one runs is not a second update")
        }
    }

    @Test("`dossier serve`: Update now runs the pipeline in the server, and the next search finds the new document")
    func serveUpdates() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-serveupdate-\(UUID().uuidString)")
        let workspace = Workspace(root: root)
        try workspace.create()
        defer { try? FileManager.default.removeItem(at: root) }
        let log = root.appendingPathComponent("serve.log")
        let (server, port) = try serve(root, log: log)
        defer { server.terminate(); server.waitUntilExit() }
        PDFFixture.write([.init(label: "1", lines: ["Pangolin scales seized in transit"])],
                         to: workspace.library.appendingPathComponent("pangolin.pdf"), title: "Pangolin report")
        let started = request(port, "/update", method: "POST", headers: ["Sec-Fetch-Site": "same-origin", "Content-Length": "0"])
        #expect(started.status == 303)
        var page = ""
        for _ in 0..<600 where !page.contains("The last update ended") && !page.contains("The last update failed") {
            usleep(100_000)
            page = String(decoding: request(port, "/update").body, as: UTF8.self)
        }
        #expect(page.contains("The last update ended"), "\(page)\nserver: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        #expect(page.contains("1 new"))
        let search = String(decoding: request(port, "/?q=pangolin").body, as: UTF8.self)
        #expect(search.contains("1 passage match"))
        #expect(search.contains("Pangolin report"))
    }
}

@Suite("Web paging")
struct WebPagingTests {
    @Test("paging through a common word's results by document follows 'next' to the last document, each document once")
    func pagesOfDocuments() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-paging-\(UUID().uuidString)")
        let workspace = Workspace(root: root)
        try workspace.create()
        defer { try? FileManager.default.removeItem(at: root) }
        for i in 0..<7 {
            PDFFixture.write([.init(label: nil, lines: (0...(i % 3)).map { "Trade in specimen \($0) of report \(i)" })],
                             to: workspace.library.appendingPathComponent("r\(i).pdf"), title: "Report \(i)")
        }
        let process = Process()
        process.executableURL = dossierBinary
        process.arguments = ["index", "--workspace", root.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: { _, _, _, _, _ in Data() }))
        try await app.test(.router) { client in
            var uri: String? = "/?q=trade&limit=3"
            var titles: [String] = []
            var pages = 0
            while let next = uri, pages < 10 {
                pages += 1
                try await client.execute(uri: next, method: .get) { response in
                    let body = String(buffer: response.body)
                    #expect(body.contains("in 7 documents"))
                    let shown = body.components(separatedBy: "<section class=\"document\"><h2><a href=\"/documents/").dropFirst()
                    #expect(!shown.isEmpty, "no page is empty: \(next)")
                    titles += shown.compactMap { $0.split(separator: ">").dropFirst().first?.split(separator: "<").first.map(String.init) }
                    // The href of the link whose text is "next", if any.
                    uri = body.range(of: "\">next</a>").flatMap { end in
                        body[..<end.lowerBound].range(of: "href=\"", options: .backwards).map {
                            String(body[$0.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
                        }
                    }
                }
            }
            #expect(pages == 3, "7 documents at 3 a page")
            #expect(titles.count == 7 && Set(titles).count == 7, "\(titles)")
        }
    }
}

@Suite("Templates")
struct TemplateTests {
    @Test("a dossier binary copied away from its build folder still serves its pages (the templates are found, or named in one line)")
    func copiedBinary() throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let elsewhere = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let copy = elsewhere.appendingPathComponent("dossier")
        try FileManager.default.copyItem(at: dossierBinary, to: copy)
        let (server, port) = try serve(root, binary: copy)
        defer { server.terminate(); server.waitUntilExit() }
        let page = request(port, "/?q=timber")
        #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains("passage"))
        #expect(try Templates.folder().lastPathComponent == "Templates")
    }
}


/// A value shared with a server's closures, behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
