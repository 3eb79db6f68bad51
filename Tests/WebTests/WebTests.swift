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

/// A workspace with a PDF whose text holds markup, indexed by the real binary.
func webWorkspace() throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-web-\(UUID().uuidString)")
    let workspace = Workspace(root: root)
    try workspace.create()
    PDFFixture.write([
        .init(label: "i", lines: ["Preface"]),
        .init(label: "1", lines: ["Seized code: <script>alert(1)</script> in a timber shipment"]),
    ], to: workspace.library.appendingPathComponent("hostile.pdf"), title: "Hostile <b>title</b>")
    try Data("# Reading\n- [ ] [Report](https://example.org/r.pdf) on timber\n- [evil](javascript:alert(1)) <script>alert(2)</script>\n".utf8)
        .write(to: workspace.notes.appendingPathComponent("reading.md"))
    try indexWorkspace(root)
    return root
}

/// Runs `dossier index` (or `command`) on the workspace at `root` with the real binary.
func indexWorkspace(_ root: URL, command: [String] = ["index"]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dossier")
    process.arguments = command + ["--workspace", root.path]
    process.environment = ProcessInfo.processInfo.environment.merging(["DOSSIER_BACKOFF_MS": "10", "DOSSIER_POLITENESS_MS": "0"]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
}

@Suite("Web interface")
struct WebTests {
    @Test("the search page escapes document text, sends a Content-Security-Policy, and links the PDF at the page")
    func searchPage() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let app = Application(router: try WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/?q=alert", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains("&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;"))
                #expect(!body.contains("<script>alert(1)"))
                #expect(body.contains("Hostile &lt;b&gt;title&lt;/b&gt;"))
                #expect(body.contains("/file#page=2\">p. 2 (printed 1)"))
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'none'") == true)
            }
            try await client.execute(uri: "/?q=timber+shipment", method: .get) { response in
                // Forms send spaces as '+': both words, not FTS5's phrase operator.
                #expect(String(buffer: response.body).contains("value=\"timber shipment\""))
                #expect(String(buffer: response.body).contains("1 passage match"))
            }
            try await client.execute(uri: "/?q=timber+AND&strict=1", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("syntax error"))
            }
            try await client.execute(uri: "/?q=timber+AND", method: .get) { response in
                // Any text is a query: the dangling operator is read as text, and a hint says how.
                let body = String(buffer: response.body)
                #expect(body.contains("<p class=\"hint\">searched: timber</p>"))
                #expect(!body.contains("syntax error"))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains("Query syntax"))
            }
            // Pages of documents: "timber" is in the PDF and in the note; one document a page, never an empty next page.
            try await client.execute(uri: "/?q=timber&limit=1", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("in 2 documents"))
                #expect(body.components(separatedBy: "class=\"document\"").count == 2)
                #expect(body.contains("href=\"/?q=timber&amp;limit=1&amp;offset=1\">next</a>"))
            }
            // The filters search has, with its messages.
            try await client.execute(uri: "/?q=timber&note=reading.md", method: .get) { response in
                #expect(String(buffer: response.body).contains("in 1 document"), "only the note itself: no fetched document is cited")
            }
            try await client.execute(uri: "/?q=timber&site=nosuch.org", method: .get) { response in
                #expect(String(buffer: response.body).contains("<pre class=\"error\">no document was fetched from nosuch.org"))
            }
            try await client.execute(uri: "/?q=timber&limit=1&offset=1", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.components(separatedBy: "class=\"document\"").count == 2)
                #expect(!body.contains(">next</a>") && body.contains(">previous</a>"))
            }
        }
    }

    @Test("/api/search returns the CLI's JSON; bad parameters are a 400 with a message")
    func api() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let app = Application(router: try WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/search?q=timber&flat=1", method: .get) { response in
                #expect(response.status == .ok)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect(json["total"] as? Int == 2)
                let first = try #require((json["results"] as? [[String: Any]])?.first)
                #expect(first["passage_id"] is Int && first["open"] is String && first["citations"] is [Any])
            }
            for uri in ["/api/search", "/api/search?q=x&limit=abc", "/api/search?q=x&kind=book", "/api/search?q=timber+AND&strict=1"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                }
            }
        }
    }

    @Test("a renamed library file keeps its number: its /documents/N page and file answer at the old number, with the new path")
    func stableNumber() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = Workspace(root: root)
        let before = try #require(try CatalogStore(workspace: workspace).documents().first { $0.kind == .pdf })
        try FileManager.default.moveItem(at: workspace.library.appendingPathComponent("hostile.pdf"),
                                         to: workspace.library.appendingPathComponent("renamed.pdf"))
        try indexWorkspace(root)
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/documents/\(before.id)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("corpus/library/renamed.pdf"))
            }
            try await client.execute(uri: "/documents/\(before.id)/file", method: .get) { response in
                #expect(response.status == .ok && response.headers[.eTag] == "\"\(before.sha256)\"")
            }
        }
    }

    @Test("a cited URL serving a new version keeps its number: /documents/N shows the new text and serves the new file")
    func newVersion() async throws {
        let drawn = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-versions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: drawn, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: drawn) }
        PDFFixture.write([.init(label: nil, lines: ["Rosewood seizures, first edition"])], to: drawn.appendingPathComponent("1.pdf"))
        PDFFixture.write([.init(label: nil, lines: ["Rosewood seizures, revised edition"])], to: drawn.appendingPathComponent("2.pdf"))
        let editions = try [1, 2].map { [UInt8](try Data(contentsOf: drawn.appendingPathComponent("\($0).pdf"))) }
        let edition = Counter()
        let server = try TestHTTPServer { _ in .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: editions[edition.value]) }
        defer { server.shutdown() }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-web-\(UUID().uuidString)")
        let workspace = Workspace(root: root)
        try workspace.create()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("- [rosewood](\(server.url("/r.pdf")))\n".utf8).write(to: workspace.notes.appendingPathComponent("n.md"))
        try indexWorkspace(root, command: ["update"])
        let first = try #require(try CatalogStore(workspace: workspace).documents().first { $0.kind == .pdf })
        edition.value = 1
        try indexWorkspace(root, command: ["update", "--force"])
        let now = try #require(try CatalogStore(workspace: workspace).document(id: first.id))
        #expect(now.sha256 != first.sha256)
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/documents/\(first.id)", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(response.status == .ok && body.contains("revised edition") && !body.contains("first edition"))
            }
            try await client.execute(uri: "/documents/\(first.id)/file", method: .get) { response in
                #expect(response.status == .ok && response.headers[.eTag] == "\"\(now.sha256)\"")
            }
        }
    }

    @Test("documents are served with ETag and byte ranges; unknown ids and paths outside the notes are refused")
    func files() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = try CatalogStore(workspace: Workspace(root: root))
        let pdf = try #require(try catalog.documents().first { $0.kind == .pdf })
        let bytes = try Data(contentsOf: root.appendingPathComponent(pdf.path))
        let app = Application(router: try WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            try await client.execute(uri: "/documents/\(pdf.id)/file", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(Data(buffer: response.body) == bytes)
                #expect(response.headers[.eTag] == "\"\(pdf.sha256)\"")
            }
            try await client.execute(uri: "/documents/\(pdf.id)/file", method: .get, headers: [.range: "bytes=0-99"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.headers[.contentRange] == "bytes 0-99/\(bytes.count)")
                #expect(Data(buffer: response.body) == bytes.prefix(100))
            }
            try await client.execute(uri: "/documents/\(pdf.id)/file", method: .get, headers: [.ifNoneMatch: "\"\(pdf.sha256)\""]) { response in
                #expect(response.status == .notModified)
            }
            try await client.execute(uri: "/documents/\(pdf.id)/file", method: .get, headers: [.range: "bytes=999999999-"]) { response in
                #expect(response.status == .rangeNotSatisfiable)
                #expect(response.headers[.contentRange] == "bytes */\(bytes.count)")
            }
            // RFC 9110: a Range that does not parse, or asks several ranges, is ignored: the whole file.
            for range in ["bytes=abc", "bytes=5-2", "items=0-9", "bytes=0-1,5-9", "bytes=--3"] {
                try await client.execute(uri: "/documents/\(pdf.id)/file", method: .get, headers: [.range: range]) { response in
                    #expect(response.status == .ok, "\(range)")
                    #expect(Data(buffer: response.body) == bytes, "\(range)")
                }
            }
            try await client.execute(uri: "/documents/\(pdf.id)/file", method: .get, headers: [.range: "bytes=-10"]) { response in
                #expect(response.status == .partialContent && Data(buffer: response.body) == bytes.suffix(10))
            }
            try await client.execute(uri: "/documents/\(pdf.id)/file", method: .get, headers: [.range: "bytes=0-9", .ifRange: "\"other\""]) { response in
                #expect(response.status == .ok, "If-Range naming another version: the whole file")
            }
            // HEAD: GET's status and headers, its length, no body; on every page.
            try await client.execute(uri: "/documents/\(pdf.id)/file", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == String(bytes.count))
                #expect(response.body.readableBytes == 0)
            }
            for uri in ["/", "/?q=timber", "/documents/\(pdf.id)", "/notes/reading.md", "/links", "/api/search?q=timber"] {
                try await client.execute(uri: uri, method: .head) { response in
                    #expect(response.status == .ok, "HEAD \(uri)")
                    #expect(response.body.readableBytes == 0)
                }
            }
            try await client.execute(uri: "/documents/999", method: .head) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/documents/\(pdf.id)", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("p. 2 (1)") && body.contains("&lt;script&gt;"))
            }
            for (uri, status) in [("/documents/999", HTTPResponse.Status.notFound), ("/documents/abc", .badRequest),
                                  ("/notes/../../index/catalog.sqlite", .badRequest), ("/notes/..%2F..%2Fetc%2Fpasswd", .notFound),
                                  ("/notes/missing.md", .notFound)] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == status || response.status == .notFound, "\(uri): \(response.status)")
                    #expect(!String(buffer: response.body).contains("root:"))
                }
            }
            try await client.execute(uri: "/notes/reading.md", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains("id=\"L2\""))
                #expect(body.contains("☐ <a href=\"https://example.org/r.pdf\" rel=\"noreferrer\">Report</a> on timber"))
                #expect(body.contains("<strong class=\"h1\">Reading</strong>"))
                #expect(!body.contains("href=\"javascript"))
                #expect(body.contains("&lt;script&gt;alert(2)&lt;/script&gt;") && !body.contains("<script>alert(2)"))
                #expect(body.contains("class=\"status new\""))
            }
            try await client.execute(uri: "/documents", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("<a href=\"/documents/\(pdf.id)\">Hostile &lt;b&gt;title&lt;/b&gt;</a>"))
                #expect(body.contains("2 documents"), "the PDF and the note")
            }
            try await client.execute(uri: "/links", method: .get) { response in
                #expect(response.status == .ok)
                // The note's link was never fetched: not called alive or dead.
                let body = String(buffer: response.body)
                #expect(body.contains("None is known to be dead.") && body.contains("1 link was never checked"))
            }
            try await client.execute(uri: "/documents/\(pdf.id)/pages/2/preview.png?w=timber,alert", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(Data(buffer: response.body).starts(with: [0x89, 0x50, 0x4E, 0x47]))
            }
            for page in [0, 9] {
                try await client.execute(uri: "/documents/\(pdf.id)/pages/\(page)/preview.png", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
            try await client.execute(uri: "/documents/\(pdf.id)/pages/x/preview.png", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/?q=timber", method: .get) { response in
                #expect(String(buffer: response.body).contains("/pages/2/preview.png?w=timber"))
            }
        }
    }
}
