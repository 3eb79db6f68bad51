import Catalog
import DossierCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
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
        let app = Application(router: WebApp.router(workspace: Workspace(root: root)))
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
            try await client.execute(uri: "/?q=timber+AND", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("syntax error"))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains("Query syntax"))
            }
        }
    }

    @Test("/api/search returns the CLI's JSON; bad parameters are a 400 with a message")
    func api() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let app = Application(router: WebApp.router(workspace: Workspace(root: root)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/search?q=timber&flat=1", method: .get) { response in
                #expect(response.status == .ok)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect(json["total"] as? Int == 2)
                let first = try #require((json["results"] as? [[String: Any]])?.first)
                #expect(first["passage_id"] is Int && first["open"] is String && first["citations"] is [Any])
            }
            for uri in ["/api/search", "/api/search?q=x&limit=abc", "/api/search?q=x&kind=book", "/api/search?q=timber+AND"] {
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
        let pdf = try #require(try catalog.documents().first { $0.kind == "pdf" })
        let bytes = try Data(contentsOf: root.appendingPathComponent(pdf.path))
        let app = Application(router: WebApp.router(workspace: Workspace(root: root)))
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
            try await client.execute(uri: "/links", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/documents/\(pdf.id)/pages/2/preview.png?w=timber,alert", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(Data(buffer: response.body).starts(with: [0x89, 0x50, 0x4E, 0x47]))
            }
            try await client.execute(uri: "/documents/\(pdf.id)/pages/9/preview.png", method: .get) { response in
                #expect(response.status == .notFound)
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
func serve(_ root: URL, environment: [String: String] = [:]) throws -> (Process, Int) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dossier")
    let port = Int.random(in: 20000...40000)
    let server = Process()
    server.executableURL = binary
    server.arguments = ["serve", "--port", String(port), "--workspace", root.path]
    server.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    server.standardOutput = FileHandle.nullDevice
    server.standardError = FileHandle.nullDevice
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
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    guard connectLocal(fd, port) else { return (0, Data()) }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    var response = Data()
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        response.append(contentsOf: chunk[0..<n])
    }
    guard let end = response.range(of: Data("\r\n\r\n".utf8)) else { return (0, response) }
    let head = String(decoding: response[..<end.lowerBound], as: UTF8.self)
    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return (status, Data(response[end.upperBound...]))
}

@Suite("Preview cache")
struct PreviewCacheTests {
    @Test("the preview cache keeps its newest images within its file and byte limits")
    func prune() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-previews-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for i in 0..<10 {
            let url = folder.appendingPathComponent("p\(i).png")
            try Data(repeating: 0, count: 1000).write(to: url)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000 + Double(i))], ofItemAtPath: url.path)
        }
        WebApp.prunePreviews(folder, maxFiles: 6, maxBytes: 1 << 20)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == Set((4..<10).map { "p\($0).png" }))
        WebApp.prunePreviews(folder, maxFiles: 100, maxBytes: 2500)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)) == ["p8.png", "p9.png"])
        WebApp.prunePreviews(folder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
    }
}

@Suite("Previews in the server")
struct ServePreviewTests {
    @Test("`dossier serve` draws previews in a worker: a PNG; a renderer that crashes fails that preview in one line and the server goes on")
    func isolation() throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = try CatalogStore(workspace: Workspace(root: root))
        let pdf = try #require(try catalog.documents().first { $0.kind == "pdf" })
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
