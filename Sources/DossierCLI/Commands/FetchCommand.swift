import ArgumentParser
import Catalog
import DossierCore
import Fetch
import Foundation

/// `dossier fetch`: download every cited document.
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download every cited URL into corpus/files/, conditionally.",
        discussion: """
            Each cited URL is requested with the validators of the copy already stored (ETag, \
            Last-Modified), so unchanged documents are not downloaded again. Redirects are followed (up to 10), \
            PDFs and web pages are stored as corpus/files/<sha256>.<pdf|html>, and a landing page's \
            citation_pdf_url is fetched too. Each URL gets a one-line account; the command exits 0 unless \
            --strict is given and something failed. A site that refuses downloads is marked blocked: save the \
            file from a browser and run `dossier attach URL FILE`.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @Flag(help: "Exit 1 if any URL failed or was blocked.")
    var strict = false

    @Flag(help: "Download again even what is unchanged (no conditional requests).")
    var force = false

    @Option(help: "User-Agent to send.")
    var userAgent: String?

    @Option(help: "Largest document accepted, in MiB.")
    var maxSize: Int64 = 512

    @Option(help: "Seconds of silence before a download is abandoned (not retried; an update tries it again days later).")
    var timeout = 30

    @Option(help: "Seconds a URL may take in all, attempts and redirects together.")
    var deadline = 120

    @Option(help: "Seconds to establish a connection.")
    var connectTimeout = 15

    @Option(help: "Retries on network errors, 5xx and 429.")
    var retries = 3

    @Option(help: "Downloads at once.")
    var jobs = 4

    func validate() throws {
        guard maxSize > 0 else { throw ValidationError("--max-size must be positive") }
        guard timeout > 0, connectTimeout > 0, deadline > 0 else { throw ValidationError("timeouts must be positive") }
        guard retries >= 0 else { throw ValidationError("--retries must not be negative") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    var fetchConfiguration: FetchConfiguration {
        var c = FetchConfiguration()
        if let userAgent { c.userAgent = userAgent }
        c.maximumBytes = maxSize << 20
        c.readTimeout = .seconds(timeout)
        c.connectTimeout = .seconds(connectTimeout)
        c.totalDeadline = .seconds(deadline)
        c.retries = retries
        c.maximumConcurrent = jobs
        Self.applyEnvironment(&c)
        return c
    }

    /// How the catalog records a fetch's outcome.
    static func urlStatus(_ status: FetchStatus) -> URLStatus {
        switch status {
        case .fetched: return .fetched
        case .unchanged: return .unchanged
        case .failed: return .failed
        case .blocked: return .blocked
        case .unsupported: return .unsupported
        }
    }

    /// DOSSIER_BACKOFF_MS, DOSSIER_POLITENESS_MS, DOSSIER_READ_TIMEOUT_MS and DOSSIER_DEADLINE_MS shorten
    /// the waits (for tests against a local server).
    static func applyEnvironment(_ c: inout FetchConfiguration) {
        let env = ProcessInfo.processInfo.environment
        if let ms = env["DOSSIER_BACKOFF_MS"].flatMap(Int.init) { c.backoff = .milliseconds(ms) }
        if let ms = env["DOSSIER_POLITENESS_MS"].flatMap(Int.init) { c.politenessDelay = .milliseconds(ms) }
        if let ms = env["DOSSIER_READ_TIMEOUT_MS"].flatMap(Int.init) { c.readTimeout = .milliseconds(ms) }
        if let ms = env["DOSSIER_DEADLINE_MS"].flatMap(Int.init) { c.totalDeadline = .milliseconds(ms) }
    }

    struct Report: Encodable {
        /// Set when no host could be resolved (the machine is offline):
        /// nothing was recorded, and no link was marked failed.
        var offline = false
        /// Hosts tried, when offline.
        var unresolvedHosts = 0
        /// URLs due for a check when the fetch began.
        var due = 0
        var fetched = 0
        var unchanged = 0
        var failed = 0
        var blocked = 0
        var unsupported = 0
        var urls: [FetchResult] = []
    }

    func run() async throws {
        let (workspace, catalog) = try options.openScanned()
        let report = try await Self.fetch(workspace: workspace, catalog: catalog, configuration: fetchConfiguration,
                                          force: force, quiet: json)
        if json {
            try Terminal.printJSON(report)
        } else if report.offline {
            print("offline: none of the \(report.unresolvedHosts) hosts the notes cite could be resolved; nothing was fetched, and no link was marked failed")
        } else {
            for result in report.urls { print(Self.line(result)) }
            print("\(report.urls.count) URL\(report.urls.count == 1 ? "" : "s"): \(report.fetched) fetched, \(report.unchanged) unchanged, "
                + "\(report.failed) failed, \(report.blocked) blocked" + (report.unsupported > 0 ? ", \(report.unsupported) unsupported" : ""))
            if report.fetched > 0 { print("Run `dossier index` to extract and index what was fetched.") }
        }
        if strict && (report.failed + report.blocked > 0 || report.offline) { throw ExitCode.failure }
    }

    static func line(_ r: FetchResult) -> String {
        let code = r.httpStatus.map { " \($0)" } ?? ""
        switch r.status {
        case .fetched: return "fetched    \(r.url) (\(r.kind?.rawValue ?? "?"), \(StatusCommand.human(r.size ?? 0)))"
        case .unchanged: return "unchanged  \(r.url)"
        case .failed: return "failed     \(r.url)\(code): \(r.error ?? "unknown error")"
        case .blocked: return "blocked    \(r.url)\(code): \(r.error ?? "")"
        case .unsupported: return "unsupported \(r.url): \(r.error ?? "")"
        }
    }

    /// Fetches every URL the notes cite, records the outcomes, follows landing pages.
    static func fetch(workspace: Workspace, catalog: CatalogStore, configuration: FetchConfiguration,
                      force: Bool, quiet: Bool, due: (URLState) -> Bool = { _ in true }) async throws -> Report {
        let store = try ContentStore(folder: workspace.files)
        store.removeLeftovers()
        let fetcher = Fetcher(store: store, configuration: configuration)
        var report = Report()
        var seen = Set<String>()
        var round = try catalog.urlsToFetch().filter(due)
        report.due = round.count
        let progress = Progress(enabled: !quiet && isatty(STDERR_FILENO) == 1)
        while !round.isEmpty {
            let requests = round.map { state -> FetchRequest in
                let stored = state.sha256.map { sha in
                    ["pdf", "html"].contains { FileManager.default.fileExists(atPath: workspace.files.appendingPathComponent("\(sha).\($0)").path) }
                } ?? false
                guard !force, stored else { return FetchRequest(url: state.url) }
                return FetchRequest(url: state.url, etag: state.etag, lastModified: state.lastModified, previousSHA256: state.sha256)
            }
            seen.formUnion(requests.map(\.url))
            let results = await fetcher.fetchAll(requests) { done, total, result in progress.show(done, total, result.url) }
            // Offline: every URL of two or more hosts failed because no host name resolved. Recording that
            // would mark every link of the notes failed for a night without network; nothing is recorded.
            let hosts = Set(results.map { URL(string: $0.url)?.host?.lowercased() ?? $0.url })
            if report.urls.isEmpty, hosts.count >= 2, results.allSatisfy(\.unresolved) {
                report.offline = true
                report.unresolvedHosts = hosts.count
                break
            }
            var next: [String] = []
            for result in results {
                try catalog.recordFetch(FetchRecord(
                    url: result.url, status: Self.urlStatus(result.status), httpStatus: result.httpStatus, finalURL: result.finalURL,
                    etag: result.etag, lastModified: result.lastModified, contentType: result.contentType, sha256: result.sha256,
                    size: result.size, kind: result.kind?.rawValue, error: result.error, stalled: result.stalled))
                if let pdf = result.citationPDFURL, let normalized = NotesURL.normalize(pdf), !seen.contains(normalized) {
                    try catalog.addDerivedURL(normalized, from: result.url)
                    next.append(normalized)
                }
                switch result.status {
                case .fetched: report.fetched += 1
                case .unchanged: report.unchanged += 1
                case .failed: report.failed += 1
                case .blocked: report.blocked += 1
                case .unsupported: report.unsupported += 1
                }
                report.urls.append(result)
            }
            round = try catalog.urlsToFetch().filter { next.contains($0.url) }
        }
        progress.finish()
        await fetcher.shutdown()
        return report
    }
}

/// A live line on stderr: n of N, host.
final class Progress: @unchecked Sendable {
    let enabled: Bool
    let lock = NSLock()

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ done: Int, _ total: Int, _ url: String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let host = URL(string: url)?.host ?? url
        FileHandle.standardError.write(Data("\r\u{1B}[K[\(done)/\(total)] \(host)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
