@testable import Fetch
import Foundation
import Testing
import TestSupport

/// A PDF drawn with cairo, as bytes.
func pdfBytes(_ text: String) throws -> [UInt8] {
    let folder = try PDFFixture.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("f.pdf")
    PDFFixture.write([.init(label: nil, lines: [text])], to: url)
    return [UInt8](try Data(contentsOf: url))
}

func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(bytes))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return [UInt8](data)
}

@Suite("Fetcher against a local server", .serialized)
struct FetcherTests {
    let folder: URL
    let store: ContentStore

    init() throws {
        folder = try PDFFixture.temporaryFolder()
        store = try ContentStore(folder: folder)
    }

    func fetcher(_ tweak: (inout FetchConfiguration) -> Void = { _ in }) -> Fetcher {
        var c = FetchConfiguration()
        c.backoff = .milliseconds(20)
        c.politenessDelay = .zero
        // Long enough that a loaded machine running the suite in parallel
        // never stalls a local answer: a read timeout is not retried. The
        // tests of timeouts set their own.
        c.readTimeout = .seconds(10)
        // The suite's synchronous tests can hold the cooperative threads for
        // a minute or two, and a fetch resumes late (this test took 105 s
        // before any deadline existed): the total deadline is the tests' own.
        c.totalDeadline = .seconds(3600)
        tweak(&c)
        return Fetcher(store: store, configuration: c)
    }

    func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test("a PDF is stored under its SHA-256; ETag and Last-Modified make the second fetch a 304")
    func conditional() async throws {
        let pdf = try pdfBytes("Operation Thunder")
        let server = try TestHTTPServer { request in
            if request.uri == "/etag.pdf" {
                if request.headers["if-none-match"] == "\"v1\"" { return .respond(status: 304, headers: [("ETag", "\"v1\"")], body: []) }
                return .respond(status: 200, headers: [("Content-Type", "application/pdf"), ("ETag", "\"v1\"")], body: pdf)
            }
            if request.headers["if-modified-since"] == "Wed, 21 Oct 2026 07:28:00 GMT" { return .respond(status: 304, headers: [], body: []) }
            return .respond(status: 200, headers: [("Content-Type", "application/pdf"), ("Last-Modified", "Wed, 21 Oct 2026 07:28:00 GMT")], body: pdf)
        }
        defer { server.shutdown() }
        let f = fetcher()
        let first = await f.fetch(FetchRequest(url: server.url("/etag.pdf")))
        #expect(first.status == .fetched && first.kind == .pdf && first.httpStatus == 200, "\(first)")
        #expect(first.sha256 == SHA256Hex(pdf) && first.path == "\(first.sha256 ?? "").pdf" && first.size == Int64(pdf.count))
        #expect(files() == ["\(first.sha256 ?? "").pdf"])
        let again = await f.fetch(FetchRequest(url: server.url("/etag.pdf"), etag: first.etag, lastModified: first.lastModified, previousSHA256: first.sha256))
        #expect(again.status == .unchanged && again.httpStatus == 304)
        let modified = await f.fetch(FetchRequest(url: server.url("/lm.pdf")))
        let second = await f.fetch(FetchRequest(url: server.url("/lm.pdf"), lastModified: modified.lastModified, previousSHA256: modified.sha256))
        #expect(second.status == .unchanged && second.httpStatus == 304)
        // The same bytes without validators: unchanged by hash.
        let same = await f.fetch(FetchRequest(url: server.url("/lm.pdf"), previousSHA256: modified.sha256))
        #expect(same.status == .unchanged && same.httpStatus == 200)
        await f.shutdown()
    }

    @Test("redirects: a 301→302→200 chain is followed and recorded; a loop, a non-http target and too many hops are errors")
    func redirects() async throws {
        let pdf = try pdfBytes("Redirected")
        let server = try TestHTTPServer { request in
            switch request.uri {
            case "/a": return .respond(status: 301, headers: [("Location", "/b")], body: [])
            case "/b": return .respond(status: 302, headers: [("Location", "http://127.0.0.1:\(request.headers["host"]!.split(separator: ":").last!)/doc.pdf")], body: [])
            case "/doc.pdf": return .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: pdf)
            case "/loop1": return .respond(status: 302, headers: [("Location", "/loop2")], body: [])
            case "/loop2": return .respond(status: 307, headers: [("Location", "/loop1")], body: [])
            case "/ftp": return .respond(status: 301, headers: [("Location", "ftp://example.org/x.pdf")], body: [])
            default:
                let n = Int(request.uri.dropFirst(6)) ?? 0
                return .respond(status: 302, headers: [("Location", "/chain\(n + 1)")], body: [])
            }
        }
        defer { server.shutdown() }
        let f = fetcher()
        let chain = await f.fetch(FetchRequest(url: server.url("/a")))
        #expect(chain.status == .fetched)
        #expect(chain.redirects == [server.url("/b"), server.url("/doc.pdf")])
        #expect(chain.finalURL == server.url("/doc.pdf"))
        let loop = await f.fetch(FetchRequest(url: server.url("/loop1")))
        #expect(loop.status == .failed && loop.error?.hasPrefix("redirect loop") == true)
        let ftp = await f.fetch(FetchRequest(url: server.url("/ftp")))
        #expect(ftp.status == .failed && ftp.error?.contains("non-http") == true)
        let long = await f.fetch(FetchRequest(url: server.url("/chain0")))
        #expect(long.status == .failed && long.error == "more than 10 redirects")
        await f.shutdown()
    }

    @Test("404 is not retried; 500 then 200 is; 429 waits for Retry-After; 403 is blocked")
    func statuses() async throws {
        let pdf = try pdfBytes("Retried")
        let counter = Counter()
        let server = try TestHTTPServer { request in
            let n = counter.next(request.uri)
            switch request.uri {
            case "/missing.pdf": return .respond(status: 404, headers: [], body: Array("gone".utf8))
            case "/flaky.pdf": return n == 1 ? .respond(status: 500, headers: [], body: []) : .respond(status: 200, headers: [], body: pdf)
            case "/busy.pdf": return n == 1 ? .respond(status: 429, headers: [("Retry-After", "1")], body: []) : .respond(status: 200, headers: [], body: pdf)
            default: return .respond(status: 403, headers: [], body: Array("<html>no</html>".utf8))
            }
        }
        defer { server.shutdown() }
        let f = fetcher()
        let missing = await f.fetch(FetchRequest(url: server.url("/missing.pdf")))
        #expect(missing.status == .failed && missing.httpStatus == 404 && missing.attempts == 1 && missing.error == "HTTP 404 Not Found")
        let flaky = await f.fetch(FetchRequest(url: server.url("/flaky.pdf")))
        #expect(flaky.status == .fetched && flaky.attempts == 2)
        let started = Date()
        let busy = await f.fetch(FetchRequest(url: server.url("/busy.pdf")))
        #expect(busy.status == .fetched && busy.attempts == 2)
        #expect(Date().timeIntervalSince(started) >= 0.9)
        let forbidden = await f.fetch(FetchRequest(url: server.url("/secret.pdf")))
        #expect(forbidden.status == .blocked && forbidden.error?.contains("dossier attach") == true)
        #expect(counter.next("/missing.pdf") == 2)
        await f.shutdown()
    }

    @Test("a stalled body times out, a body over the cap is refused, a cut connection leaves no partial file and the earlier copy intact")
    func limits() async throws {
        let pdf = try pdfBytes("Intact")
        let server = try TestHTTPServer { request in
            switch request.uri {
            case "/stall.pdf": return .stall(status: 200, headers: [], first: Array(pdf.prefix(100)))
            case "/big.pdf": return .respond(status: 200, headers: [], body: pdf + [UInt8](repeating: 0x20, count: 3 << 20))
            case "/good.pdf": return .respond(status: 200, headers: [], body: pdf)
            default: return .cut(status: 200, headers: [], declared: pdf.count * 2, sent: Array(pdf.prefix(pdf.count / 2)))
            }
        }
        defer { server.shutdown() }
        let f = fetcher { $0.readTimeout = .seconds(1); $0.retries = 1; $0.maximumBytes = 2 << 20 }
        let good = await f.fetch(FetchRequest(url: server.url("/good.pdf")))
        #expect(good.status == .fetched)
        let stall = await f.fetch(FetchRequest(url: server.url("/stall.pdf")))
        #expect(stall.status == .failed && stall.error?.contains("read timeout") == true, "\(stall.error ?? "")")
        // A stall is not retried: the server had its chance.
        #expect(stall.stalled && stall.attempts == 1)
        #expect(server.requests.filter { $0.uri == "/stall.pdf" }.count == 1)
        let big = await f.fetch(FetchRequest(url: server.url("/big.pdf")))
        #expect(big.status == .failed && big.error?.contains("cap") == true)
        let cut = await f.fetch(FetchRequest(url: server.url("/cut.pdf"), previousSHA256: good.sha256))
        #expect(cut.status == .failed, "\(cut)")
        #expect(files() == [good.path!])
        #expect(try [UInt8](Data(contentsOf: folder.appendingPathComponent(good.path!))) == pdf)
        await f.shutdown()
    }

    @Test("a server that trickles a byte at a time is cut off at the total deadline, not retried, and the slot is free again")
    func trickle() async throws {
        let server = try TestHTTPServer { request in
            request.uri == "/trickle.pdf" ? .trickle(status: 200, every: .milliseconds(100)) : .respond(status: 503, headers: [], body: [])
        }
        defer { server.shutdown() }
        let f = fetcher { $0.readTimeout = .seconds(1); $0.totalDeadline = .seconds(2); $0.retries = 3; $0.backoff = .milliseconds(10) }
        let started = ContinuousClock.now
        let slow = await f.fetch(FetchRequest(url: server.url("/trickle.pdf")))
        let took = ContinuousClock.now - started
        #expect(slow.status == .failed && slow.stalled && slow.attempts == 1)
        #expect(slow.error?.contains("total deadline") == true, "\(slow.error ?? "")")
        // Cut off, not read for ever (the bound is loose: a loaded suite resumes tasks late).
        #expect(took >= .seconds(2) && took < .seconds(90), "\(took)")
        #expect(files().isEmpty)
        // A fast failure is retried, within the deadline.
        let busy = await f.fetch(FetchRequest(url: server.url("/busy.pdf")))
        #expect(!busy.stalled && busy.attempts == 4)
        await f.shutdown()
    }

    @Test("kind from the bytes: a PDF under a wrong Content-Type, gzip encoding, an unsupported file, a challenge page where a PDF was expected")
    func kinds() async throws {
        let pdf = try pdfBytes("Sniffed")
        let page = Array("<!DOCTYPE html><html><head><title>Report</title></head><body><p>Text</p></body></html>".utf8)
        let zipped = try gzip(page)
        let server = try TestHTTPServer { request in
            switch request.uri {
            case "/download": return .respond(status: 200, headers: [("Content-Type", "text/plain")], body: pdf)
            case "/page": return .respond(status: 200, headers: [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], body: zipped)
            case "/image.png": return .respond(status: 200, headers: [("Content-Type", "image/png")], body: [0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
            default:
                return .respond(status: 200, headers: [("Content-Type", "text/html")],
                                body: Array("<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>".utf8))
            }
        }
        defer { server.shutdown() }
        let f = fetcher()
        let download = await f.fetch(FetchRequest(url: server.url("/download")))
        #expect(download.status == .fetched && download.kind == .pdf && download.contentType == "text/plain")
        let html = await f.fetch(FetchRequest(url: server.url("/page")))
        #expect(html.status == .fetched && html.kind == .html && html.sha256 == SHA256Hex(page))
        let image = await f.fetch(FetchRequest(url: server.url("/image.png")))
        #expect(image.status == .unsupported && image.error?.contains("image/png") == true)
        let challenge = await f.fetch(FetchRequest(url: server.url("/report.pdf")))
        #expect(challenge.status == .blocked && challenge.error?.contains("challenge") == true)
        #expect(files().count == 2)
        await f.shutdown()
    }

    /// This process's resident memory (`VmRSS`) or its peak since the last reset (`VmHWM`), in bytes.
    func memory(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    @Test("a gzip bomb is inflated a buffer at a time and stops at the cap: memory stays flat")
    func gzipBomb() async throws {
        // 1 GiB of zeros, about 1 MB compressed (made by a pipe: gzip's output is read while it runs).
        let maker = Process()
        maker.executableURL = URL(fileURLWithPath: "/bin/sh")
        maker.arguments = ["-c", "head -c 1073741824 /dev/zero | gzip -9 -c"]
        let made = Pipe()
        maker.standardOutput = made
        try maker.run()
        let bomb = [UInt8](made.fileHandleForReading.readDataToEndOfFile())
        maker.waitUntilExit()
        let server = try TestHTTPServer { _ in
            .respond(status: 200, headers: [("Content-Type", "application/pdf"), ("Content-Encoding", "gzip")], body: bomb)
        }
        defer { server.shutdown() }
        let f = fetcher { $0.maximumBytes = 256 << 20 }
        // Start the peak afresh (Linux: "5" to clear_refs resets VmHWM).
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let before = memory("VmRSS")
        let result = await f.fetch(FetchRequest(url: server.url("/bomb.pdf")))
        let peak = memory("VmHWM")
        #expect(result.error?.contains("over the 256 MiB cap") == true, "\(String(describing: result.error))")
        #expect(files().isEmpty)
        #expect(peak - before < 24 << 20, "peak grew by \((peak - before) >> 20) MiB")
        await f.shutdown()
    }

    @Test("the inflater hands on at most a buffer at a time, reads gzip members one after another, and stops when told")
    func inflater() throws {
        let text = [UInt8]((0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let members = try gzip(Array(text[..<100_000])) + gzip(Array(text[100_000...]))
        var out: [UInt8] = []
        let inflater = try #require(try Inflater(encoding: "gzip"))
        // Fed a byte range at a time, as a body arrives.
        for start in stride(from: 0, to: members.count, by: 1000) {
            try members[start..<min(start + 1000, members.count)].withUnsafeBytes { bytes in
                try inflater.inflate(bytes) { piece in
                    #expect(piece.count <= Inflater.chunk)
                    out.append(contentsOf: piece)
                }
            }
        }
        #expect(out == text)
        #expect(try Inflater(encoding: "br") == nil && (try Inflater(encoding: nil)) == nil)
        // Past the cap the caller stops it: nothing more is inflated.
        struct Stop: Error {}
        let zeros = try gzip([UInt8](repeating: 0, count: 8 << 20))
        var written = 0
        let capped = try #require(try Inflater(encoding: "x-gzip"))
        #expect(throws: Stop.self) {
            try zeros.withUnsafeBytes { bytes in
                try capped.inflate(bytes) { piece in
                    guard written + piece.count <= 1 << 20 else { throw Stop() }
                    written += piece.count
                }
            }
        }
        #expect(written <= 1 << 20)
        // A corrupt body is an error of one line.
        let broken = try #require(try Inflater(encoding: "gzip"))
        #expect(throws: InflateError.self) {
            try [UInt8](repeating: 0x41, count: 100).withUnsafeBytes { try broken.inflate($0) { _ in } }
        }
    }

    @Test("a landing page's citation_pdf_url is reported; two URLs with identical bytes are one stored file")
    func landingAndDuplicates() async throws {
        let pdf = try pdfBytes("Landing")
        let server = try TestHTTPServer { request in
            switch request.uri {
            case "/records/1":
                return .respond(status: 200, headers: [("Content-Type", "text/html")], body: Array("""
                    <html><head><meta name="citation_title" content="IPBES"><meta name="citation_pdf_url" content="/files/report.pdf?download=1"></head><body>Record</body></html>
                    """.utf8))
            default: return .respond(status: 200, headers: [], body: pdf)
            }
        }
        defer { server.shutdown() }
        let f = fetcher()
        let landing = await f.fetch(FetchRequest(url: server.url("/records/1")))
        #expect(landing.status == .fetched && landing.kind == .html)
        #expect(landing.citationPDFURL == server.url("/files/report.pdf?download=1"))
        let results = await f.fetchAll([FetchRequest(url: server.url("/one.pdf")), FetchRequest(url: server.url("/two.pdf"))])
        #expect(results.map(\.status) == [.fetched, .fetched])
        #expect(results[0].sha256 == results[1].sha256)
        #expect(files().filter { $0.hasSuffix(".pdf") }.count == 1)
        await f.shutdown()
    }

    @Test("an unknown host fails at once with a one-line reason")
    func dns() async throws {
        let f = fetcher()
        let result = await f.fetch(FetchRequest(url: "https://no-such-host.invalid/report.pdf"))
        #expect(result.status == .failed && result.error?.contains("cannot resolve no-such-host.invalid") == true)
        #expect(result.attempts == 1)
        await f.shutdown()
    }
}

func SHA256Hex(_ bytes: [UInt8]) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try? process.run()
    input.fileHandleForWriting.write(Data(bytes))
    try? input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(text.prefix(64))
}
