import AsyncHTTPClient
import DossierCore
import Foundation
import NIOCore
import NIOHTTP1

/// Downloads cited URLs into the content store, politely and safely.
///
/// One shared HTTP client (async-http-client) serves every request. For each
/// URL the fetcher:
///
/// 1. sends the stored validators (`If-None-Match`, `If-Modified-Since`);
/// 2. follows redirects itself, up to the cap, refusing loops and targets
///    that are not http(s), and records the final URL;
/// 3. streams the body to a temporary file, hashing as it goes, within the
///    size cap; gzip and deflate bodies are inflated as they arrive, a
///    buffer at a time, and stop at the cap (``Inflater``);
/// 4. judges the kind from the bytes (`%PDF-`, else HTML by Content-Type or
///    markup, else unsupported);
/// 5. reports *unchanged* on 304 or when the bytes hash as before, otherwise
///    renames the file into place as `<sha256>.<pdf|html>`;
/// 6. retries fast failures (a refused or cut connection, 5xx, 429) with
///    exponential backoff and jitter (Retry-After honoured), never other
///    4xx, and never a stall: a read or connect timeout, or the URL's total
///    deadline (attempts and redirects together) passed, ends its fetch;
/// 7. marks *blocked* a 403, or an HTML challenge page where a PDF was
///    expected, with a message telling the user how to attach the file.
public final class Fetcher: Sendable {
    let client: HTTPClient
    let store: ContentStore
    let configuration: FetchConfiguration
    let limiter: HostLimiter
    let resolver = HostResolver()

    /// A fetcher writing into `store`.
    public init(store: ContentStore, configuration: FetchConfiguration = FetchConfiguration()) {
        self.store = store
        self.configuration = configuration
        limiter = HostLimiter(perHost: configuration.maximumPerHost, delay: configuration.politenessDelay)
        var http = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(Int64(configuration.connectTimeout.nanoseconds)),
                           read: .nanoseconds(Int64(configuration.readTimeout.nanoseconds))),
            // Bodies are inflated by `Inflater` as they are written, a buffer at a time.
            decompression: .disabled)
        http.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    /// Closes the client's connections. Call once, when done.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Fetches every request, `maximumConcurrent` at a time; `progress` is
    /// called after each with (done, total, url, result).
    public func fetchAll(_ requests: [FetchRequest],
                         progress: @Sendable (Int, Int, FetchResult) -> Void = { _, _, _ in }) async -> [FetchResult] {
        var results = [FetchResult?](repeating: nil, count: requests.count)
        await withTaskGroup(of: (Int, FetchResult).self) { group in
            var next = 0
            var done = 0
            func start() {
                let index = next
                let request = requests[index]
                group.addTask { (index, await self.fetch(request)) }
                next += 1
            }
            while next < requests.count && next < max(1, configuration.maximumConcurrent) { start() }
            for await (index, result) in group {
                results[index] = result
                done += 1
                progress(done, requests.count, result)
                if next < requests.count { start() }
            }
        }
        return results.map { $0! }
    }

    /// Fetches one URL, with retries.
    public func fetch(_ request: FetchRequest) async -> FetchResult {
        var attempt = 0
        let deadline = NIODeadline.now() + .nanoseconds(configuration.totalDeadline.nanoseconds)
        while true {
            let outcome = await attemptOnce(request, deadline: deadline)
            var result = outcome.result
            result.attempts = attempt + 1
            guard let retry = outcome.retry, attempt < configuration.retries else { return result }
            attempt += 1
            let backoff = configuration.backoff * (1 << (attempt - 1))
            let jitter = Double.random(in: 0.5...1.5)
            var wait = backoff * jitter
            if let after = retry.after { wait = min(after, configuration.maximumRetryAfter) }
            // No wait that would pass the deadline: the URL has had its time.
            guard NIODeadline.now() + .nanoseconds(wait.nanoseconds) < deadline else { return result }
            try? await Task.sleep(for: wait)
        }
    }

    struct Retry {
        var after: Duration?
    }

    struct Outcome {
        var result: FetchResult
        var retry: Retry?
    }

    func host(_ url: String) -> String { URL(string: url)?.host?.lowercased() ?? url }

    func attemptOnce(_ request: FetchRequest, deadline: NIODeadline) async -> Outcome {
        var result = FetchResult(url: request.url, status: .failed)
        var current = request.url
        var visited: [String] = [current]
        for _ in 0...configuration.maximumRedirects {
            let host = host(current)
            if let problem = await resolver.check(host) {
                result.error = problem
                result.unresolved = true
                return Outcome(result: result)
            }
            await limiter.acquire(host)
            let step = await exchange(request, url: current, deadline: deadline, result: &result)
            await limiter.release(host)
            switch step {
            case .done(let outcome):
                return outcome
            case .redirect(let location):
                guard let next = URL(string: location, relativeTo: URL(string: current))?.absoluteURL else {
                    result.error = "redirect to an unreadable address: \(location)"
                    return Outcome(result: result)
                }
                let scheme = next.scheme?.lowercased() ?? ""
                guard scheme == "http" || scheme == "https" else {
                    result.error = "redirect to a non-http address: \(next.absoluteString)"
                    return Outcome(result: result)
                }
                let target = next.absoluteString
                if visited.contains(target) {
                    result.error = "redirect loop: \((visited + [target]).joined(separator: " → "))"
                    return Outcome(result: result)
                }
                visited.append(target)
                result.redirects.append(target)
                current = target
            }
        }
        result.error = "more than \(configuration.maximumRedirects) redirects"
        return Outcome(result: result)
    }

    enum Step {
        case done(Outcome)
        case redirect(String)
    }

    /// One request and its response.
    func exchange(_ request: FetchRequest, url: String, deadline: NIODeadline, result: inout FetchResult) async -> Step {
        var http = HTTPClientRequest(url: url)
        http.headers.add(name: "User-Agent", value: configuration.userAgent)
        http.headers.add(name: "Accept", value: "application/pdf, text/html;q=0.9, */*;q=0.5")
        http.headers.add(name: "Accept-Encoding", value: "gzip, deflate")
        if let etag = request.etag { http.headers.add(name: "If-None-Match", value: etag) }
        if let modified = request.lastModified { http.headers.add(name: "If-Modified-Since", value: modified) }
        result.finalURL = url
        let response: HTTPClientResponse
        do {
            guard NIODeadline.now() < deadline else { return .done(pastDeadline(result)) }
            // The total deadline is kept here, between steps and while the body
            // streams, not handed to the client: given to async-http-client, it
            // failed a request to a local server at once in a loaded test run.
            // Silence before the head is the read timeout's.
            response = try await client.execute(http, deadline: .now() + .hours(6))
        } catch {
            return .done(networkFailure(error, result: result, phase: "connecting"))
        }
        let code = Int(response.status.code)
        result.httpStatus = code
        result.contentType = response.headers.first(name: "Content-Type")
        switch code {
        case 301, 302, 303, 307, 308:
            guard let location = response.headers.first(name: "Location") else {
                result.error = "HTTP \(code) redirect without a Location"
                return .done(Outcome(result: result))
            }
            return .redirect(location)
        case 304:
            result.status = .unchanged
            result.etag = response.headers.first(name: "ETag") ?? request.etag
            result.lastModified = response.headers.first(name: "Last-Modified") ?? request.lastModified
            result.sha256 = request.previousSHA256
            return .done(Outcome(result: result))
        case 200..<300:
            return .done(await receive(response, request: request, deadline: deadline, result: result))
        case 403:
            result.status = .blocked
            result.error = "HTTP 403 Forbidden: the site refuses automated downloads; save it from a browser and run `dossier attach \(request.url) FILE`"
            return .done(Outcome(result: result))
        case 429:
            result.error = "HTTP 429 Too Many Requests"
            return .done(Outcome(result: result, retry: Retry(after: retryAfter(response.headers))))
        case 500..<600:
            result.error = "HTTP \(code) \(response.status.reasonPhrase)"
            return .done(Outcome(result: result, retry: Retry(after: retryAfter(response.headers))))
        default:
            result.error = "HTTP \(code) \(response.status.reasonPhrase)"
            return .done(Outcome(result: result))
        }
    }

    /// Streams a 2xx body into the store.
    func receive(_ response: HTTPClientResponse, request: FetchRequest, deadline: NIODeadline, result: FetchResult) async -> Outcome {
        var result = result
        if let length = response.headers.first(name: "Content-Length").flatMap(Int64.init), length > configuration.maximumBytes {
            result.error = "the document is \(length >> 20) MiB, over the \(configuration.maximumBytes >> 20) MiB cap (--max-size)"
            return Outcome(result: result)
        }
        let file: TemporaryFile
        do {
            file = try store.temporaryFile()
        } catch {
            result.error = "cannot write to \(store.folder.path): \(error)"
            return Outcome(result: result)
        }
        struct OverCap: Error {}
        let maximumBytes = configuration.maximumBytes
        func keep(_ bytes: UnsafeRawBufferPointer) throws {
            guard file.count + Int64(bytes.count) <= maximumBytes else { throw OverCap() }
            try file.write(bytes)
        }
        do {
            let inflater = try Inflater(encoding: response.headers.first(name: "Content-Encoding"))
            for try await buffer in response.body {
                try buffer.withUnsafeReadableBytes { bytes in
                    if let inflater { try inflater.inflate(bytes, keep) } else { try keep(bytes) }
                }
                if NIODeadline.now() >= deadline {
                    // A server trickling bytes: as much a stall as silence.
                    let received = file.count
                    file.discard()
                    var outcome = pastDeadline(result)
                    outcome.result.error = (outcome.result.error ?? "") + " after \(received) bytes"
                    return outcome
                }
            }
        } catch is OverCap {
            file.discard()
            result.error = "the document is over the \(configuration.maximumBytes >> 20) MiB cap (--max-size)"
            return Outcome(result: result)
        } catch let error as DossierError {
            file.discard()
            result.error = error.description
            return Outcome(result: result)
        } catch let error as InflateError {
            file.discard()
            result.error = error.description
            return Outcome(result: result)
        } catch {
            let received = file.count
            file.discard()
            var outcome = networkFailure(error, result: result, phase: "reading the body")
            if received > 0 { outcome.result.error = (outcome.result.error ?? "") + " after \(received) bytes" }
            return outcome
        }
        result.size = file.count
        result.etag = response.headers.first(name: "ETag")
        result.lastModified = response.headers.first(name: "Last-Modified")
        let kind = HTMLInspector.kind(head: file.head, contentType: result.contentType)
        result.kind = kind
        let digest = file.digest()
        result.sha256 = digest
        if kind == .other {
            file.discard()
            result.status = .unsupported
            result.error = "neither a PDF nor a web page (Content-Type: \(result.contentType ?? "none"))"
            return Outcome(result: result)
        }
        if kind == .html {
            let text = String(decoding: file.head, as: UTF8.self)
            var page = text
            if file.count > Int64(file.head.count), let whole = try? Data(contentsOf: file.url, options: .mappedIfSafe) {
                page = String(decoding: whole.prefix(1 << 20), as: UTF8.self)
            }
            let base = URL(string: result.finalURL ?? request.url)!
            result.citationPDFURL = HTMLInspector.citationPDFURL(page, base: base)
            let challenge = HTMLInspector.looksLikeChallenge(page) && (request.expectsPDF || file.count < 32 << 10)
            if result.citationPDFURL == nil, request.expectsPDF || challenge {
                file.discard()
                result.status = .blocked
                result.error = challenge
                    ? "the site answered with a challenge page instead of the document; save it from a browser and run `dossier attach \(request.url) FILE`"
                    : "the site answered with a web page instead of the PDF; save the PDF from a browser and run `dossier attach \(request.url) FILE`"
                return Outcome(result: result)
            }
        }
        if digest == request.previousSHA256, FileManager.default.fileExists(atPath: store.url(sha256: digest, kind: kind).path) {
            file.discard()
            result.status = .unchanged
            result.path = store.url(sha256: digest, kind: kind).lastPathComponent
            return Outcome(result: result)
        }
        do {
            let stored = try store.commit(file, sha256: digest, kind: kind)
            result.status = .fetched
            result.path = stored.lastPathComponent
            result.error = nil
        } catch {
            result.error = "\(error)"
        }
        return Outcome(result: result)
    }

    /// The URL's total deadline passed: a stall, not retried.
    func pastDeadline(_ result: FetchResult) -> Outcome {
        var result = result
        result.status = .failed
        result.stalled = true
        result.error = "not done within \(configuration.totalDeadline.seconds) s in all (total deadline)"
        return Outcome(result: result)
    }

    /// A failure of the network: one line, and whether to retry (a stall is not retried).
    func networkFailure(_ error: Error, result: FetchResult, phase: String) -> Outcome {
        var result = result
        result.status = .failed
        let text = String(describing: error)
        if let client = error as? HTTPClientError {
            switch client {
            case .readTimeout:
                result.error = "no data for \(configuration.readTimeout.seconds) s while \(phase) (read timeout)"
                result.stalled = true
                return Outcome(result: result)
            case .connectTimeout:
                result.error = "could not connect within \(configuration.connectTimeout.seconds) s (connect timeout)"
                result.stalled = true
                return Outcome(result: result)
            case .deadlineExceeded:
                return pastDeadline(result)
            case .remoteConnectionClosed:
                result.error = "the server closed the connection while \(phase)"
                return Outcome(result: result, retry: Retry())
            default:
                break
            }
        }
        let lower = text.lowercased()
        if lower.contains("dns") || lower.contains("name or service not known") || lower.contains("nodename nor servname")
            || lower.contains("temporary failure in name resolution") || lower.contains("no address") {
            result.error = "cannot resolve \(host(result.finalURL ?? result.url)) (DNS lookup failed; offline?)"
            result.unresolved = true
            return Outcome(result: result)
        }
        if lower.contains("connection refused") || lower.contains("connectionrefused") {
            result.error = "connection refused by \(host(result.finalURL ?? result.url))"
            return Outcome(result: result, retry: Retry())
        }
        if lower.contains("eof") || lower.contains("closed") || lower.contains("reset") {
            result.error = "the connection was cut while \(phase)"
            return Outcome(result: result, retry: Retry())
        }
        result.error = "network error while \(phase): \(text.split(separator: "\n").first.map(String.init) ?? text)"
        return Outcome(result: result, retry: Retry())
    }

    /// Retry-After as seconds or an HTTP date.
    func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Int(value) { return .seconds(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSinceNow * 1000)))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }

    var seconds: String {
        let value = Double(nanoseconds) / 1e9
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
