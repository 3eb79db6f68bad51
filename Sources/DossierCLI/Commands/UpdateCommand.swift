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

    func run() async throws {
        let pipeline = try options.pipeline(quiet: json)
        let workspace = pipeline.workspace
        let lock = try UpdateLock(workspace, wait: !noWait) { Terminal.warning("another update is running; waiting for it to finish") }
        defer { lock.release() }
        var update = UpdateOptions(worker: .extract)
        update.minAgeHours = minAge
        update.gcAfterDays = gcAfter
        update.force = force
        update.fetch.applyEnvironment()
        let (report, path) = try await pipeline.update(update)

        if json {
            try Terminal.printJSON(report)
            return
        }
        for line in Self.lines(report, reportPath: workspace.relativePath(of: path)) { print(line) }
    }

    /// The report as `dossier update` prints it (and the web's update page shows it).
    static func lines(_ report: UpdateReport, reportPath: String) -> [String] {
        var out: [String] = []
        let u = report.urls, d = report.documents
        if u.offline {
            out.append("links      offline: no host could be resolved; links were not checked and were left as they were")
        } else {
            out.append("links      \(u.checked) checked (\(u.fetched) fetched, \(u.unchanged) unchanged, \(u.failed) failed, \(u.blocked) blocked), \(u.skippedRecent) checked recently")
        }
        for dead in report.newlyDead { out.append("  newly dead  \(dead.url): \(dead.error)") }
        for dead in report.deadForRuns { out.append("  dead, \(dead.runs) run\(dead.runs == 1 ? "" : "s") in a row  \(dead.url): \(dead.error)") }
        for blocked in report.blocked { out.append("  blocked     \(blocked.url): \(blocked.error)") }
        out.append("documents  \(d.new.count) new, \(d.changed.count) changed, \(d.unchanged) unchanged, \(d.removed.count) removed, \(d.failed.count) failed")
        for line in d.changed { out.append("  changed  \(line)") }
        for line in d.failed { out.append("  failed   \(line)") }
        let times = ["notes", "fetch", "index"].map { "\($0) \(String(format: "%.1f", report.seconds[$0] ?? 0)) s" }.joined(separator: ", ")
        out.append("index      generation \(report.generation); \(times); report in \(reportPath)")
        return out
    }
}
