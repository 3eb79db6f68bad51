import ArgumentParser
import Catalog
import DossierCore
import Foundation
import Pipeline

/// `dossier update`: notes → fetch → extract → index, incrementally.
struct UpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Bring everything up to date: read changed notes, fetch what is due, extract and index what changed.",
        usage: "dossier update [<options>]",
        discussion: """
            Notes are parsed again only when they changed. URLs are re-checked with conditional requests, \
            no more often than --min-age unless --force. Only documents whose bytes changed are extracted \
            again; the index gets one new segment and deletions, committed as one generation. A document no \
            note cites any more is dropped after --gc-after days. One update runs at a time (others wait, or \
            with --no-wait stop with a message); searches keep working on the last committed generation. \
            Every update writes index/reports/<time>.json.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Option(help: "Hours before a URL is checked again.")
    var minAge: Double = 20

    @Option(help: "Days before a document no note cites any more is dropped.")
    var gcAfter: Double = 7

    @Flag(help: "Check every URL now and extract every document again.")
    var force = false

    @Flag(help: "Exit at once if another update is running.")
    var noWait = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "On a terminal too, a line for each document extracted (elsewhere there always is), not one live line.")
    var verbose = false

    @OptionGroup var ocr: OCROptionGroup

    func run() async throws {
        let pipeline = try options.pipeline(quiet: json, verbose: verbose)
        let workspace = pipeline.workspace
        let lock = try UpdateLock(workspace, wait: !noWait) { Terminal.warning("another update is running; waiting for it to finish") }
        defer { lock.release() }
        var update = UpdateOptions(worker: .extract)
        update.minAgeHours = minAge
        update.gcAfterDays = gcAfter
        update.force = force
        update.extraction.ocr = ocr.options
        update.fetch.applyEnvironment()
        let (report, path) = try await pipeline.update(update)

        if json {
            try Terminal.printJSON(report)
            return
        }
        for line in report.lines(reportPath: workspace.relativePath(of: path)) { print(line) }
    }
}
