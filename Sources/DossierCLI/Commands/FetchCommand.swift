import ArgumentParser
import Catalog
import DossierCore
import Fetch
import Foundation
import Pipeline

/// `dossier fetch`: download every cited document.
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download every cited URL into corpus/files/, conditionally.",
        usage: "dossier fetch [<options>]",
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

    @Option(help: "Days before the stored copy of a URL no note cites any more is dropped.")
    var gcAfter: Double = 7

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
        c.applyEnvironment()
        return c
    }

    func run() async throws {
        let pipeline = try options.pipeline(quiet: json)
        try pipeline.scanNotes()
        let report = try await pipeline.fetch(configuration: fetchConfiguration, force: force)
        // Superseded copies go now, as in `update`: the next index takes a URL's new content as a new version of its document.
        if !report.offline { try pipeline.cleanContentStore(graceDays: gcAfter) }
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
        case .fetched: return "fetched    \(r.url) (\(r.kind?.rawValue ?? "?"), \(ByteCount.human(r.size ?? 0)))"
        case .unchanged: return "unchanged  \(r.url)"
        case .failed: return "failed     \(r.url)\(code): \(r.error ?? "unknown error")"
        case .blocked: return "blocked    \(r.url)\(code): \(r.error ?? "")"
        case .unsupported: return "unsupported \(r.url): \(r.error ?? "")"
        }
    }
}
