import ArgumentParser
import Catalog
import DossierCore
import Foundation
import Pipeline

/// `dossier index`: extract the documents that are new or changed.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Extract page text and passages from new or changed documents.",
        usage: "dossier index [<options>]",
        discussion: """
            Reads the PDFs and web pages in corpus/files/ (fetched) and corpus/library/ (yours; symbolic links to folders elsewhere are followed), and the notes, and extracts those whose \
            SHA-256 the catalog has not seen: page text in reading order with page labels, normalized, cut \
            into passages. Each document is extracted in a worker process under a time and memory limit, so \
            a broken, encrypted or hostile PDF is reported with its reason and the rest goes on.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Option(help: "Worker processes at once (default: one per core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seconds one document may take.")
    var timeout: Int = 120

    @Option(help: "Memory limit of a worker, in MiB.")
    var memoryMb: Int = 2048

    @Flag(help: "Extract every document again, changed or not.")
    var force = false

    @Flag(help: "Print a JSON summary.")
    var json = false

    @Flag(help: "On a terminal too, a line for each document extracted (elsewhere there always is), not one live line.")
    var verbose = false

    @OptionGroup var ocr: OCROptionGroup

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
        guard memoryMb >= 64 else { throw ValidationError("--memory-mb must be at least 64") }
    }

    func run() throws {
        let pipeline = try options.pipeline(quiet: json, verbose: verbose)
        try pipeline.scanNotes()
        // One writer of documents at a time, and verify waits for it.
        let lock = try UpdateLock(pipeline.workspace, wait: true) { Terminal.warning("another update is running; waiting for it to finish") }
        defer { lock.release() }
        let summary = try pipeline.extractAndIndex(extractionOptions)
        if json {
            try Terminal.printJSON(summary)
            return
        }
        if !summary.skipped.isEmpty {
            print("skipped \(summary.skipped.count) file\(summary.skipped.count == 1 ? "" : "s") that are neither PDFs nor web pages")
        }
        for path in summary.removed { print("removed    \(path) (no longer in the workspace)") }
        let counts = try pipeline.catalog.extractionCounts()
        if let line = summary.ocr?.line { print(line) }
        if let line = summary.languages.line { print(line) }
        if let line = summary.storage.line { print(line) }
        if let line = summary.indexed?.line { print(line) }
        print("\(summary.extracted.count) extracted, \(summary.unchanged) unchanged, \(summary.failed.count) failed, \(summary.removed.count) removed; "
            + "\(counts.documents) documents, \(counts.pages) pages, \(counts.passages) passages in the catalog; index generation \(summary.generation)")
    }

    var extractionOptions: ExtractionOptions {
        var options = ExtractionOptions(worker: .extract)
        options.jobs = jobs
        options.timeout = timeout
        options.memoryMB = memoryMb
        options.force = force
        options.ocr = ocr.options
        options.ocr?.jobs = jobs
        options.ocr?.memoryMB = memoryMb
        return options
    }
}
