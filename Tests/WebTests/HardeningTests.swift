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
        let strict = Application(router: try WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render, options: .init(port: 8080)))
        try await strict.test(.router) { client in
            try await client.execute(uri: "/documents/\(pdf.id)/file", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("%PDF"))
            }
        }
        let app = Application(router: try WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
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

    @Test("the cross-site guard judges the route the router matched: doubled and trailing slashes, notes, posts and unknown paths")
    func crossSiteByRoute() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let pdf = try #require(try CatalogStore(workspace: Workspace(root: root)).documents().first { $0.kind == .pdf })
        let app = Application(router: try WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            let crossSite: HTTPFields = [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]
            func foreign(mode: String) -> HTTPFields { [HTTPField.Name("Sec-Fetch-Site")!: "cross-site", HTTPField.Name("Sec-Fetch-Mode")!: mode] }
            let refused = ["//api/search?q=timber", "/api/search/?q=timber", "/api//search?q=timber", "/documents/\(pdf.id)/file/",
                           "//documents/\(pdf.id)/file", "/documents//\(pdf.id)/file", "//documents/\(pdf.id)/pages/1/preview.png?w=x",
                           "/documents/\(pdf.id)/pages/1/preview.png/", "/documents/\(pdf.id)/./file", "/no/such/route"]
            for uri in refused {
                try await client.execute(uri: uri, method: .get, headers: crossSite) { response in
                    #expect(response.status == .forbidden, "\(uri)")
                    #expect(!String(buffer: response.body).contains("%PDF") && !String(buffer: response.body).contains("\"results\""), "\(uri)")
                }
            }
            // A page may be opened from another site, by a navigation only: not fetched, embedded or posted to.
            for uri in ["/", "//documents", "/documents/\(pdf.id)/", "/notes/reading.md", "/links"] {
                try await client.execute(uri: uri, method: .get, headers: foreign(mode: "navigate")) { response in
                    #expect(response.status == .ok, "\(uri)")
                }
                try await client.execute(uri: uri, method: .get, headers: foreign(mode: "no-cors")) { response in
                    #expect(response.status == .forbidden, "\(uri)")
                }
            }
            try await client.execute(uri: "/update", method: .post, headers: foreign(mode: "navigate")) { response in
                #expect(response.status == .forbidden)
            }
            // The API's refusal is JSON however its path is spelled.
            try await client.execute(uri: "//api/search", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("\"message\":\"q is required\""))
            }
        }
    }

    @Test("a file is served only if it was read as its kind and still holds what was indexed; a linked PDF is served")
    func servedFiles() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-web-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = Workspace(root: root)
        try workspace.create()
        // PDFs kept elsewhere and linked into the library, as users do; and a link to a file that is no PDF.
        let elsewhere = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        PDFFixture.write([.init(label: "1", lines: ["Linked timber report"])], to: elsewhere.appendingPathComponent("real.pdf"))
        PDFFixture.write([.init(label: "1", lines: ["Another timber report, longer than the first one"])], to: elsewhere.appendingPathComponent("other.pdf"))
        try Data("root:x:0:0:root:/root:/bin/bash\n".utf8).write(to: elsewhere.appendingPathComponent("secret.txt"))
        let linked = workspace.library.appendingPathComponent("linked.pdf")
        try FileManager.default.createSymbolicLink(at: linked, withDestinationURL: elsewhere.appendingPathComponent("real.pdf"))
        try FileManager.default.createSymbolicLink(at: workspace.library.appendingPathComponent("passwd.pdf"),
                                                   withDestinationURL: elsewhere.appendingPathComponent("secret.txt"))
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dossier")
        _ = try run(binary.path, ["index", "--workspace", root.path])
        let documents = try CatalogStore(workspace: workspace).documents()
        let real = try #require(documents.first { $0.path.hasSuffix("linked.pdf") })
        let secret = try #require(documents.first { $0.path.hasSuffix("passwd.pdf") })
        #expect(real.status == .extracted && secret.status == .failed)
        let app = Application(router: try WebApp.router(workspace: workspace, renderer: { _, _, _, _, _ in Data("PNG".utf8) }))
        try await app.test(.router) { client in
            try await client.execute(uri: "/documents/\(real.id)/file", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).hasPrefix("%PDF"))
            }
            try await client.execute(uri: "/documents/\(secret.id)/file", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(!String(buffer: response.body).contains("root:x"))
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            }
            // The link pointed elsewhere after indexing: neither the file nor a new preview is served.
            try FileManager.default.removeItem(at: linked)
            for target in ["secret.txt", "other.pdf"] {
                try? FileManager.default.removeItem(at: linked)
                try FileManager.default.createSymbolicLink(at: linked, withDestinationURL: elsewhere.appendingPathComponent(target))
                try await client.execute(uri: "/documents/\(real.id)/file", method: .get) { response in
                    #expect(response.status == .gone, "\(target)")
                    #expect(String(buffer: response.body).contains("no longer holds what was indexed"), "\(target)")
                }
                try await client.execute(uri: "/documents/\(real.id)/pages/1/preview.png", method: .get) { response in
                    #expect(response.status == .gone, "\(target)")
                }
            }
            // Pointed back, it is served again.
            try FileManager.default.removeItem(at: linked)
            try FileManager.default.createSymbolicLink(at: linked, withDestinationURL: elsewhere.appendingPathComponent("real.pdf"))
            try await client.execute(uri: "/documents/\(real.id)/file", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).hasPrefix("%PDF"))
            }
        }
    }

    @Test("a query that cannot be read is a 400 page (JSON for the API) with the security headers, as every error is")
    func unreadableQueries() async throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let app = Application(router: try WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            for (uri, status, json) in [("/?q=cites%zz", HTTPResponse.Status.badRequest, false), ("/?q=cites%", .badRequest, false),
                                        ("/?q=a&q=b", .badRequest, false), ("/api/search?q=cites%zz", .badRequest, true),
                                        ("/api/search?q=a&q=b", .badRequest, true), ("/documents/1/pages/1/preview.png?w=%zz", .badRequest, true),
                                        ("/no/such/page", .notFound, false)] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == status, "\(uri)")
                    #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'none'") == true, "\(uri)")
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(uri)")
                    let body = String(buffer: response.body)
                    if json {
                        #expect(response.headers[.contentType] == "application/json; charset=utf-8", "\(uri)")
                        #expect(body.hasPrefix("{\"error\":{\"message\":"), "\(uri): \(body)")
                    } else {
                        #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(uri)")
                        #expect(body.contains("<p class=\"error\">"), "\(uri): \(body)")
                    }
                }
            }
        }
    }

    @Test("If-None-Match per RFC 9110: *, weak tags and lists of tags match the file's ETag (304); others do not")
    func conditionalRequests() async throws {
        let tag = "\"0123abcd\""
        for header in ["*", tag, "W/\(tag)", "\"other\", W/\(tag)", " \"a,b\" ,\(tag)", "W/\"x\",*"] {
            #expect(EntityTags.noneMatchFails(header, etag: tag), "\(header)")
        }
        for header in ["\"other\"", "", "0123abcd", "W/0123abcd", "\"0123abcd", "\"a,\(tag.dropFirst())", "x, \(tag)"] {
            #expect(!EntityTags.noneMatchFails(header, etag: tag), "\(header)")
        }
        #expect(!EntityTags.noneMatchFails(nil, etag: tag))
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let pdf = try #require(try CatalogStore(workspace: Workspace(root: root)).documents().first { $0.kind == .pdf })
        let app = Application(router: try WebApp.router(workspace: Workspace(root: root), renderer: PreviewRenderer.inProcess.render))
        try await app.test(.router) { client in
            let etag = "\"\(pdf.sha256)\""
            for (header, status) in [("*", HTTPResponse.Status.notModified), ("W/\(etag)", .notModified), ("\"x\", \(etag)", .notModified),
                                     (etag, .notModified), ("\"x\"", .ok)] {
                try await client.execute(uri: "/documents/\(pdf.id)/file", method: .get, headers: [.ifNoneMatch: header]) { response in
                    #expect(response.status == status, "\(header)")
                    #expect(response.headers[.eTag] == etag)
                }
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

    @Test("a request line or headers the HTTP parser rejects get a 400 with the security headers and a line that says why")
    func parserErrors() throws {
        let root = try webWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, port) = try serve(root)
        defer { server.terminate(); server.waitUntilExit() }
        for answer in [request(port, "/" + String(repeating: "a", count: 100_000)),
                       request(port, "/", headers: ["X-Long": String(repeating: "b", count: 100_000)])] {
            #expect(answer.status == 400)
            #expect(answer.head.lowercased().contains("content-security-policy: default-src 'none'"), "\(answer.head)")
            #expect(String(decoding: answer.body, as: UTF8.self).contains("could not be read"))
        }
        // The server goes on, and its own answers are as they were.
        #expect(request(port, "/api/search?q=timber").status == 200)
        #expect(request(port, "/?q=cites%zz").status == 400)
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

    /// `dossier serve` with `arguments`, expected not to start: its exit status and what it said on stderr.
    func serveRefusal(_ arguments: [String]) throws -> (status: Int32, message: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dossier")
        process.arguments = ["serve"] + arguments + ["--port", "1", "--workspace", FileManager.default.temporaryDirectory.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, message)
    }

    @Test("`dossier serve --host 0.0.0.0` will not start without --allow-host")
    func openBind() throws {
        let (status, message) = try serveRefusal(["--host", "0.0.0.0"])
        #expect(status == 2)
        #expect(message.contains("--allow-host") && message.split(separator: "\n").count == 1, "\(message)")
    }

    @Test("a preview cache too large to count in bytes is refused in one line, not wrapped round to nothing")
    func previewCacheLimit() throws {
        for size in ["8796093022208", "9223372036854775807", "0"] {
            let (status, message) = try serveRefusal(["--preview-cache-mb", size])
            #expect(status == 2, "\(size)")
            #expect(message.contains("--preview-cache-mb must be 1–1048576") && message.split(separator: "\n").count == 1, "\(message)")
        }
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
