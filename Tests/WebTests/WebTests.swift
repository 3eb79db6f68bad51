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
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dossier")
    let process = Process()
    process.executableURL = binary
    process.arguments = ["index", "--workspace", root.path]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return root
}

@Suite("Web interface")
struct WebTests {
    @Test("the search page escapes document text, sends a Content-Security-Policy, and links the PDF at the page")
    func searchPage() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let app = Application(router: WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
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
        let app = Application(router: WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
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

    @Test("documents are served with ETag and byte ranges; unknown ids and paths outside the notes are refused")
    func files() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = try CatalogStore(workspace: Workspace(root: root))
        let pdf = try #require(try catalog.documents().first { $0.kind == .pdf })
        let bytes = try Data(contentsOf: root.appendingPathComponent(pdf.path))
        let app = Application(router: WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
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

let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }

func run(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Starts `dossier serve` on `root` on a free port and waits until it accepts connections.
func serve(_ root: URL, environment: [String: String] = [:], log: URL? = nil) throws -> (Process, Int) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dossier")
    let port = Int.random(in: 20000...40000)
    let server = Process()
    server.executableURL = binary
    server.arguments = ["serve", "--port", String(port), "--workspace", root.path]
    server.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let log {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        server.standardOutput = handle
        server.standardError = handle
    } else {
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
    }
    try server.run()
    var up = false
    for _ in 0..<100 where !up {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        up = connectLocal(fd, port)
        close(fd)
        if !up { usleep(100_000) }
    }
    #expect(up)
    return (server, port)
}

func connectLocal(_ fd: Int32, _ port: Int) -> Bool {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// GET `path` from 127.0.0.1:`port`: the status code and the body.
func get(_ port: Int, _ path: String) -> (status: Int, body: Data) {
    let answer = request(port, path)
    return (answer.status, answer.body)
}

/// One request over a socket of its own, as a browser or curl sends it:
/// `Host` names the server and its port unless `host` says otherwise.
func request(_ port: Int, _ path: String, method: String = "GET", host: String? = nil, headers: [String: String] = [:])
    -> (status: Int, head: String, body: Data) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    guard connectLocal(fd, port) else { return (0, "", Data()) }
    var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    let bytes = Array((text + "\r\n").utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    var response = Data()
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        response.append(contentsOf: chunk[0..<n])
    }
    guard let end = response.range(of: Data("\r\n\r\n".utf8)) else { return (0, "", response) }
    let head = String(decoding: response[..<end.lowerBound], as: UTF8.self)
    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return (status, head, Data(response[end.upperBound...]))
}

@Suite("Preview cache")
struct PreviewCacheTests {
    @Test("the preview cache keeps its most recently used images within its file and byte limits")
    func prune() throws {
        let folder = try PDFFixture.temporaryFolder()
        for i in 0..<10 {
            let url = folder.appendingPathComponent("p\(i).png")
            try Data(repeating: 0, count: 1000).write(to: url)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000 + Double(i))], ofItemAtPath: url.path)
        }
        // Serving p2 makes it the most recently used.
        #expect(PreviewCache(folder: folder).read(folder.appendingPathComponent("p2.png"))?.count == 1000)
        PreviewCache(folder: folder, maxBytes: 1 << 20, maxFiles: 6).prune()
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == Set([2, 5, 6, 7, 8, 9].map { "p\($0).png" }))
        PreviewCache(folder: folder, maxBytes: 2500, maxFiles: 100).prune()
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == ["p2.png", "p9.png"])
    }

    @Test("previews are keyed by the terms the index has: w=permit and w=Permits share one image; words past the caps are dropped")
    func keys() {
        #expect(PreviewCache.terms(["permit"]) == PreviewCache.terms(["Permits", "permit"]))
        #expect(PreviewCache.terms(["Traff*", "ivory"]) == ["ivori", "traff*"])
        #expect(PreviewCache.terms((0..<100).map { "w\($0)" }).count == 12)
        #expect(PreviewCache.terms([String(repeating: "x", count: 100)]).isEmpty)
        let cache = PreviewCache(folder: URL(fileURLWithPath: "/tmp"))
        #expect(cache.file(sha256: "ab", page: 1, width: 480, terms: PreviewCache.terms(["permit"]))
            == cache.file(sha256: "ab", page: 1, width: 480, terms: PreviewCache.terms(["PERMITS"])))
    }
}

@Suite("Previews in the server")
struct ServePreviewTests {
    @Test("`dossier serve` draws previews in a worker: a PNG; a renderer that crashes fails that preview in one line and the server goes on")
    func isolation() throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = try CatalogStore(workspace: Workspace(root: root))
        let pdf = try #require(try catalog.documents().first { $0.kind == .pdf })
        do {
            let (server, port) = try serve(root)
            defer { server.terminate(); server.waitUntilExit() }
            let preview = get(port, "/documents/\(pdf.id)/pages/2/preview.png?w=timber")
            #expect(preview.status == 200 && preview.body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
        // Every render crashes: the preview fails, the pages and search still answer.
        let (server, port) = try serve(root, environment: ["DOSSIER_FAULT_INJECTION": "crash=.pdf"])
        defer { server.terminate(); server.waitUntilExit() }
        let failed = get(port, "/documents/\(pdf.id)/pages/2/preview.png?w=alert")
        #expect(failed.status == 500)
        let message = String(decoding: failed.body, as: UTF8.self)
        #expect(message.contains("cannot render page 2") && message.contains("crashed") && !message.contains("\n\n"), "\(message)")
        #expect(get(port, "/?q=timber").status == 200)
        #expect(get(port, "/documents/\(pdf.id)").status == 200)
        #expect(server.isRunning)
    }
}

@Suite("Web interface in a real browser", .enabled(if: chromium != nil, "Chromium is not installed"))
struct BrowserTests {
    @Test("headless Chromium loads the search page of a running `dossier serve`: results, a preview, a PDF link at the page, escaped text; a screenshot")
    func browser() throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, port) = try serve(root)
        defer { server.terminate(); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(root.path)/chrome"]
        let dom = try run(chromium!, flags + ["--dump-dom", "\(base)/?q=timber"])
        #expect(dom.contains("class=\"hit\""))
        #expect(dom.contains("/pages/2/preview.png"))
        #expect(dom.contains("/file#page=2\">p. 2 (printed 1)"))
        #expect(dom.contains("&lt;script&gt;"))
        #expect(!dom.contains("<script>alert"))
        let shot = root.appendingPathComponent("search.png")
        _ = try run(chromium!, flags + ["--screenshot=\(shot.path)", "--window-size=1100,800", "\(base)/?q=timber"])
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)
    }
}

@Suite("Hardening of the web server")
struct HardeningTests {
    @Test("Host: the loopback names and the bound address with the server's port, and --allow-host names; nothing else")
    func hostPolicy() {
        let policy = HostPolicy(port: 8080, boundHost: "127.0.0.1", allowed: ["dossier.example.org"])
        for host in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "[::1]:8080", "dossier.example.org", "dossier.example.org:443"] {
            #expect(policy.admits(host), "\(host)")
        }
        for host in ["evil.example.com", "evil.example.com:8080", "127.0.0.1:9999", "localhost", "127.0.0.1.evil.com:8080", "", "[::1]x:8080",
                     "localhost:8080:8080", "localhost:abc"] {
            #expect(!policy.admits(host), "\(host)")
        }
        #expect(!policy.admits(nil))
        #expect(HostPolicy(port: 80).admits("localhost"))
        #expect(HostPolicy.isLoopback("127.0.0.1") && HostPolicy.isLoopback("::1") && !HostPolicy.isLoopback("0.0.0.0"))
    }

    @Test("a foreign Host, and a cross-site request for the API, a file or a preview, get 403; no CORS header; HTML pages answer errors in HTML")
    func refusals() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = try CatalogStore(workspace: Workspace(root: root))
        let pdf = try #require(try catalog.documents().first { $0.kind == .pdf })
        // The router's test client names "localhost" without a port: a server on 8080 refuses it.
        let strict = Application(router: WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render, options: .init(port: 8080)))
        try await strict.test(.router) { client in
            try await client.execute(uri: "/documents/\(pdf.id)/file", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("%PDF"))
            }
        }
        let app = Application(router: WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            let crossSite: HTTPFields = [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]
            for uri in ["/api/search?q=timber", "/documents/\(pdf.id)/file", "/documents/\(pdf.id)/pages/2/preview.png?w=timber"] {
                try await client.execute(uri: uri, method: .get, headers: crossSite) { response in
                    #expect(response.status == .forbidden, "\(uri)")
                }
            }
            // A link from another site to a page still opens it.
            try await client.execute(uri: "/?q=timber", method: .get, headers: crossSite) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
            }
            try await client.execute(uri: "/api/search?q=timber", method: .get, headers: [HTTPField.Name("Sec-Fetch-Site")!: "same-site"]) { response in
                #expect(response.status == .forbidden, "another port of localhost is another origin")
            }
            try await client.execute(uri: "/api/search?q=timber", method: .get, headers: [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
            }
            try await client.execute(uri: "/documents/999", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("<p class=\"error\">no document 999</p>"))
            }
            try await client.execute(uri: "/api/search", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("\"message\":\"q is required\""))
            }
        }
    }

    @Test("queries past the limits are a 400 in one line, on the page and in the API, and the server answers the next request")
    func boundedQueries() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, port) = try serve(root)
        defer { server.terminate(); server.waitUntilExit() }
        let deep = String(repeating: "%28", count: 10_000) + "timber" + String(repeating: "%29", count: 10_000)
        let wide = (0..<4_800).map { "w\($0)" }.joined(separator: "+OR+")
        for q in [deep, wide, String(repeating: "%28", count: 100) + "timber"] {
            let api = request(port, "/api/search?q=\(q)")
            #expect(api.status == 400)
            #expect(String(decoding: api.body, as: UTF8.self).contains("query too large"))
            let page = request(port, "/?q=\(q)")
            #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains("query too large"))
            #expect(request(port, "/api/search?q=timber").status == 200)
        }
        // 800 lower-case 'and's: one hint.
        let hints = String(decoding: request(port, "/?q=" + Array(repeating: "and", count: 800).joined(separator: "+")).body, as: UTF8.self)
        #expect(hints.components(separatedBy: "class=\"hint\"").count == 2)
        // DNS rebinding: a foreign name for 127.0.0.1 is refused; the server's own names are answered.
        let pdf = try #require(try CatalogStore(workspace: Workspace(root: root)).documents().first { $0.kind == .pdf })
        #expect(request(port, "/documents/\(pdf.id)/file", host: "evil.example.com").status == 403)
        #expect(request(port, "/documents/\(pdf.id)/file", host: "evil.example.com:\(port)").status == 403)
        #expect(request(port, "/documents/\(pdf.id)/file", host: "localhost:\(port)").status == 200)
        let head = request(port, "/documents/\(pdf.id)/file", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && head.head.lowercased().contains("content-length: "))
        #expect(request(port, "/documents/\(pdf.id)/file", headers: ["Range": "bytes=abc"]).status == 200)
        #expect(server.isRunning)
    }

    @Test("previews are drawn a few at a time: the next ones wait in order, and past the queue a request gets 503 at once")
    func renderQueue() async throws {
        let queue = RenderQueue(limit: 1, queueLimit: 1)
        let order = OrderLog()
        let gate = DispatchSemaphore(value: 0)
        async let first: Int = queue.run {
            await order.add(1)
            await withCheckedContinuation { c in DispatchQueue.global().async { gate.wait(); c.resume() } }
            return 1
        }
        try await Task.sleep(for: .milliseconds(200))
        async let second: Int = queue.run { await order.add(2); return 2 }
        try await Task.sleep(for: .milliseconds(200))
        do {
            _ = try await queue.run { 3 }
            Issue.record("past the queue, a preview must be refused")
        } catch let error as HTTPError {
            #expect(error.status == .serviceUnavailable)
        }
        #expect(await order.items == [1], "the second waits while the first draws")
        gate.signal()
        let (a, b) = try await (first, second)
        #expect(a == 1 && b == 2)
        #expect(await order.items == [1, 2])
        #expect(try await queue.run { 4 } == 4)
    }

    @Test("`dossier serve --host 0.0.0.0` will not start without --allow-host")
    func openBind() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dossier")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--host", "0.0.0.0", "--port", "1", "--workspace", FileManager.default.temporaryDirectory.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(message.contains("--allow-host") && message.split(separator: "\n").count == 1, "\(message)")
    }

    @Test("the search gate: past its limit a search is refused at once; past its deadline the client gets 503 and the slot stays taken until the search ends")
    func gate() async throws {
        let gate = SearchGate(limit: 1, deadline: .milliseconds(200))
        let release = DispatchSemaphore(value: 0)
        do {
            _ = try await gate.run { release.wait(); return 1 }
            Issue.record("a search past its deadline must be refused")
        } catch let error as HTTPError {
            #expect(error.status == .serviceUnavailable && error.body?.contains("longer than") == true)
        }
        // The search still runs: it holds the only place, and the next is refused at once.
        #expect(gate.inFlight == 1)
        do {
            _ = try await gate.run { 2 }
            Issue.record("a full gate must refuse")
        } catch let error as HTTPError {
            #expect(error.status == .serviceUnavailable && error.headers[.retryAfter] == "1")
        }
        release.signal()
        for _ in 0..<100 where gate.inFlight > 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(gate.inFlight == 0)
        #expect(try await gate.run { 3 } == 3)
        // A query as deep as the parser allows runs on the gate's own thread, whatever the caller's stack.
        let deep = String(repeating: "(", count: 64) + (0..<1000).map { "w\($0)" }.joined(separator: " OR ") + String(repeating: ")", count: 64)
        let phrases = try await SearchGate(deadline: .seconds(30)).run { try QueryParser().parse(deep).phrases.count }
        #expect(phrases == 1000)
    }
}

actor OrderLog {
    var items: [Int] = []
    func add(_ item: Int) { items.append(item) }
}

@Suite("Note page")
struct NotePageTests {
    @Test("a note is drawn from the parser's own reading: autolinks, links before a quote, links in headings, code left alone")
    func parserLinks() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-note-\(UUID().uuidString)")
        let workspace = Workspace(root: root)
        try workspace.create()
        defer { try? FileManager.default.removeItem(at: root) }
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
        try Data(note.utf8).write(to: workspace.notes.appendingPathComponent("n.md"))
        let catalog = try CatalogStore(workspace: workspace)
        try catalog.syncNotes(NoteFolder.read(workspace, known: [:], warn: { _ in }))
        let app = Application(router: WebApp.router(workspace: workspace, renderer: { _, _, _, _ in Data() }))
        try await app.test(.router) { client in
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
        }
    }
}

@Suite("Update from the web")
struct WebUpdateTests {
    @Test("the update page starts one update at a time, shows its report, and refuses a request from another site")
    func updatePage() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-webupdate-\(UUID().uuidString)")
        let workspace = Workspace(root: root)
        try workspace.create()
        defer { try? FileManager.default.removeItem(at: root) }
        let runs = Counter()
        let release = Counter()
        let options = WebApp.Options(port: nil, update: {
            runs.add()
            while release.value == 0 { try await Task.sleep(for: .milliseconds(5)) }
            return ["documents  1 new, 0 changed", "index      generation <3>"]
        })
        let app = Application(router: WebApp.router(workspace: workspace, renderer: { _, _, _, _ in Data() }, options: options))
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

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func add() { lock.lock(); count += 1; lock.unlock() }
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
        let app = Application(router: WebApp.router(workspace: workspace, renderer: { _, _, _, _ in Data() }))
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

