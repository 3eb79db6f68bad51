import ArgumentParser
import Catalog
import DossierCore
import Fetch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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

    struct Report: Codable {
        var startedAt: String
        var seconds: [String: Double] = [:]
        var urls = URLCounts()
        var newlyDead: [Dead] = []
        var deadForRuns: [Dead] = []
        var blocked: [Dead] = []
        var documents = Documents()
        var generation = 0
    }

    struct URLCounts: Codable {
        /// No host could be resolved: links were not checked, and were left as they were.
        var offline = false
        var checked = 0
        var fetched = 0
        var unchanged = 0
        var failed = 0
        var blocked = 0
        var skippedRecent = 0
    }

    struct Dead: Codable {
        var url: String
        var error: String
        var runs: Int
    }

    struct Documents: Codable {
        var new: [String] = []
        var changed: [String] = []
        var unchanged = 0
        var removed: [String] = []
        var failed: [String] = []
    }

    func run() async throws {
        let workspace = try options.resolve()
        try FileManager.default.createDirectory(at: workspace.index, withIntermediateDirectories: true)
        let lock = try Self.lock(workspace, wait: !noWait)
        defer { close(lock) }
        let clock = ContinuousClock()
        var report = Report(startedAt: Date().formatted(Date.ISO8601FormatStyle()))
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

        var start = clock.now
        let catalog = try CatalogStore(workspace: workspace)
        try catalog.scanNotes(in: workspace) { Terminal.warning($0) }
        report.seconds["notes"] = seconds(clock.now - start)

        // Fetch what is due.
        start = clock.now
        let before = Dictionary(uniqueKeysWithValues: try catalog.urlStates().map { ($0.url, $0) })
        let cutoff = Date().addingTimeInterval(-minAge * 3600).formatted(Date.ISO8601FormatStyle())
        let now = Date().formatted(Date.ISO8601FormatStyle())
        var fetchConfiguration = FetchConfiguration()
        FetchCommand.applyEnvironment(&fetchConfiguration)
        let force = self.force
        let fetched = try await FetchCommand.fetch(workspace: workspace, catalog: catalog, configuration: fetchConfiguration,
                                                   force: force, quiet: json) { state in
            force || state.isDue(checkedBefore: cutoff, now: now)
        }
        report.urls = URLCounts(offline: fetched.offline, checked: fetched.urls.count, fetched: fetched.fetched, unchanged: fetched.unchanged,
                                failed: fetched.failed, blocked: fetched.blocked,
                                skippedRecent: try catalog.urlsToFetch().count - (fetched.offline ? fetched.due : fetched.urls.count))
        let after = try catalog.urlStates()
        for state in after where state.cited {
            guard state.status.isDead else { continue }
            let dead = Dead(url: state.url, error: state.error ?? "", runs: state.failures)
            if state.status == .blocked { report.blocked.append(dead); continue }
            let wasDead = before[state.url].map { $0.status == .failed } ?? false
            if !wasDead { report.newlyDead.append(dead) } else { report.deadForRuns.append(dead) }
        }
        report.seconds["fetch"] = seconds(clock.now - start)

        // The store keeps the current content of every URL a note cites, or cited
        // within the grace period; superseded versions and expired URLs' copies go.
        start = clock.now
        let graceCutoff = Date().addingTimeInterval(-gcAfter * 86400).formatted(Date.ISO8601FormatStyle())
        let expired = Set(try catalog.expiredURLs(before: graceCutoff).map(\.url))
        let keep = Set(after.filter { !expired.contains($0.url) }.compactMap(\.sha256))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: workspace.files.path)) ?? [] {
            guard !name.hasPrefix("."), let sha = name.split(separator: ".").first, sha.count == 64, !keep.contains(String(sha)) else { continue }
            try? FileManager.default.removeItem(at: workspace.files.appendingPathComponent(name))
        }

        // Extract and index.
        var index = try IndexCommand.parse(["--workspace", workspace.root.path])
        index.force = force
        index.json = json
        let documentsBefore = try catalog.documents()
        let pagesBefore = Dictionary(documentsBefore.map { ($0.path, $0.pageCount ?? 0) }, uniquingKeysWith: { a, _ in a })
        let summary = try index.perform(workspace: workspace, catalog: catalog)
        // A URL whose content changed is one changed document, not one new and one removed.
        var superseded = Set<String>(), replacing = Set<String>()
        for state in after where state.cited {
            guard let old = before[state.url]?.sha256, let new = state.sha256, old != new,
                  let oldPath = documentsBefore.first(where: { $0.sha256 == old })?.path,
                  let item = summary.extracted.first(where: { $0.path.contains(new) }) else { continue }
            superseded.insert(oldPath)
            replacing.insert(item.path)
            report.documents.changed.append("\(state.url) (\(pagesBefore[oldPath] ?? 0) → \(item.pages ?? 0) pages)")
        }
        for item in summary.extracted where !replacing.contains(item.path) {
            if let pages = pagesBefore[item.path] {
                report.documents.changed.append("\(item.path) (\(pages) → \(item.pages ?? 0) pages)")
            } else {
                report.documents.new.append(item.path)
            }
        }
        report.documents.unchanged = summary.unchanged
        report.documents.removed = summary.removed.filter { !superseded.contains($0) }
        report.documents.failed = summary.failed.map { "\($0.path): \($0.error ?? "")" }
        report.generation = summary.generation
        report.seconds["index"] = seconds(clock.now - start)

        let reports = workspace.index.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let stamp = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let name = stamp.replacingOccurrences(of: ":", with: "-") + ".json"
        try AtomicFile.write(try encoder.encode(report), to: reports.appendingPathComponent(name))

        if json {
            try Terminal.printJSON(report)
            return
        }
        let u = report.urls, d = report.documents
        if u.offline {
            print("links      offline: no host could be resolved; links were not checked and were left as they were")
        } else {
            print("links      \(u.checked) checked (\(u.fetched) fetched, \(u.unchanged) unchanged, \(u.failed) failed, \(u.blocked) blocked), \(u.skippedRecent) checked recently")
        }
        for dead in report.newlyDead { print("  newly dead  \(dead.url): \(dead.error)") }
        for dead in report.deadForRuns { print("  dead, \(dead.runs) run\(dead.runs == 1 ? "" : "s") in a row  \(dead.url): \(dead.error)") }
        for blocked in report.blocked { print("  blocked     \(blocked.url): \(blocked.error)") }
        print("documents  \(d.new.count) new, \(d.changed.count) changed, \(d.unchanged) unchanged, \(d.removed.count) removed, \(d.failed.count) failed")
        for line in d.changed { print("  changed  \(line)") }
        for line in d.failed { print("  failed   \(line)") }
        let times = ["notes", "fetch", "index"].map { "\($0) \(String(format: "%.1f", report.seconds[$0] ?? 0)) s" }.joined(separator: ", ")
        print("index      generation \(report.generation); \(times); report in \(workspace.relativePath(of: reports.appendingPathComponent(name)))")
    }

    /// Holds `index/update.lock`: one update at a time.
    static func lock(_ workspace: Workspace, wait: Bool) throws -> Int32 {
        let path = workspace.index.appendingPathComponent("update.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DossierError.io(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard wait else {
                close(fd)
                throw DossierError.workspace("another `dossier update` is running in this workspace (--no-wait given)")
            }
            Terminal.warning("another update is running; waiting for it to finish")
            flock(fd, LOCK_EX)
        }
        return fd
    }
}
