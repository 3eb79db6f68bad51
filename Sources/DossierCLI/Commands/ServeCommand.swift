import ArgumentParser
import DossierCore
import Extract
import Foundation
import Pipeline
import Hummingbird
import Web

/// `dossier serve`: the web interface.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web interface: search, documents at the page, notes, links.",
        usage: "dossier serve [<options>]",
        discussion: """
            Binds 127.0.0.1 unless --host says otherwise. The server answers only requests addressed to it \
            (Host: 127.0.0.1, localhost or [::1] with its port, or the bound address), so that a web page \
            elsewhere cannot read the library through the browser by rebinding its name; behind a reverse \
            proxy, name the proxy's host with --allow-host. Bound to anything but loopback, the server \
            will not start without --allow-host: the library would be open to the network.

            Searches are answered within 2 s (else 503) and a few at a time; page previews are cached \
            in index/previews within --preview-cache-mb.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Option(help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(help: "Port.")
    var port = 8080

    @Option(name: .customLong("allow-host"), help: ArgumentHelp("Answer requests for this host name too, as behind a reverse proxy (repeatable).", valueName: "name"))
    var allowHosts: [String] = []

    @Option(help: ArgumentHelp("The most disk the page previews may take, in MiB.", valueName: "MiB"))
    var previewCacheMb = 256

    /// The largest preview cache, in MiB: 1 TiB.
    static let previewCacheMbLimit = 1 << 20

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1–65535") }
        // In bytes it must fit an Int: past 1 TiB the sum would overflow and empty the cache on every preview.
        guard (1...Self.previewCacheMbLimit).contains(previewCacheMb) else {
            throw ValidationError("--preview-cache-mb must be 1–\(Self.previewCacheMbLimit) (1 TiB)")
        }
        guard HostPolicy.isLoopback(host) || !allowHosts.isEmpty else {
            throw ValidationError("--host \(host) would open the library to the network; say which host names may reach it with --allow-host NAME")
        }
    }

    func run() async throws {
        let workspace = try options.resolve()
        // Previews are drawn in a worker process: a PDF that crashes or hangs
        // poppler's renderer fails its preview, not the server.
        let renderer = PreviewRenderer.worker(executable: WorkerProgram.currentExecutable, arguments: ["worker", "render", "--memory-mb", "1024"])
        // "Update now" on the update page runs the pipeline in this process, as `dossier update` would.
        let progress = UpdateProgress()
        let update: UpdateRunner.Run = {
            // The server's log tells what the update does, as `dossier update` would;
            // the update page, where it has got to.
            let log = PipelineOutput(quiet: false).handler
            let stages = ProgressLines(progress)
            let pipeline = try Pipeline(workspace: workspace, events: { event in
                log(event)
                stages.show(event)
            })
            let lock = try UpdateLock(workspace, wait: false)
            defer { lock.release() }
            var options = UpdateOptions(worker: .extract)
            options.fetch.applyEnvironment()
            let (report, path) = try await pipeline.update(options)
            return report.lines(reportPath: workspace.relativePath(of: path))
        }
        let lastReport: UpdateRunner.LastReport = {
            UpdateReport.latest(in: workspace).map { ($0.at, $0.report.lines(reportPath: workspace.relativePath(of: $0.path))) }
        }
        let options = WebApp.Options(port: port, boundHost: host, allowedHosts: allowHosts, previewCacheBytes: previewCacheMb << 20,
                                     update: update, lastReport: lastReport, progress: progress)
        let app = try WebApp.application(workspace: workspace, host: host, port: port, renderer: renderer.render, options: options)
        print("Dossier at http://\(host):\(port)/ (Ctrl-C to stop)")
        try await app.runService()
    }
}

/// The pipeline's events as the update page's progress line: fetching,
/// extracting and reading scanned pages, each with done of total, the time
/// so far and the time left (``StageProgress``, as the terminal shows them).
final class ProgressLines: @unchecked Sendable {
    let progress: UpdateProgress
    private let lock = NSLock()
    private var stages = UpdateStages()

    init(_ progress: UpdateProgress) { self.progress = progress }

    func show(_ event: PipelineEvent) {
        lock.withLock {
            stages.record(event)
            let (extraction, ocr) = (stages.extraction, stages.ocr)
            switch event {
            case .fetchProgress(let done, let total, let url, _):
                guard let round = stages.fetch else { return }
                progress.line = "Fetching links: \(done) of \(total), \(ByteCount.human(round.bytes)), \(round.timing) (\(URL(string: url)?.host ?? url))."
            case .fetchRoundFinished:
                progress.line = nil
            case .extractionStarted(let documents, _):
                progress.line = "Extracting \(documents) document\(documents == 1 ? "" : "s")."
            case .document(let item):
                guard extraction.total > 0 else { return }
                progress.line = extraction.done < extraction.total
                    ? "Extracting: \(extraction.done) of \(extraction.total) documents, \(ByteCount.human(extraction.bytes)) of "
                        + "\(ByteCount.human(extraction.totalBytes)), \(extraction.timing) (\(item.path))." : "Indexing."
            case .ocrStarted(let pages):
                progress.line = "Reading \(pages) scanned page\(pages == 1 ? "" : "s") by OCR."
            case .ocrPage(let document, let page, _, _):
                progress.line = "Reading scanned pages: \(ocr.done) of \(ocr.total), \(ocr.timing) (document \(document) p. \(page))."
            case .warning:
                break
            }
        }
    }
}
