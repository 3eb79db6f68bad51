import Catalog
import DossierCore
import Fetch
import Foundation

/// What `update` is asked to do.
public struct UpdateOptions: Sendable {
    /// Hours before a URL is checked again.
    public var minAgeHours: Double = 20
    /// Days before a document no note cites any more is dropped.
    public var gcAfterDays: Double = 7
    /// Check every URL now and extract every document again.
    public var force = false
    /// How URLs are fetched.
    public var fetch = FetchConfiguration()
    /// How documents are extracted.
    public var extraction: ExtractionOptions

    /// Options whose extraction workers are `worker`.
    public init(worker: WorkerProgram) { extraction = ExtractionOptions(worker: worker) }
}

/// What an update did: the report written to `index/reports/<time>.json`.
public struct UpdateReport: Codable, Sendable {
    /// When the update began (ISO 8601).
    public var startedAt: String
    /// Seconds per stage: `notes`, `fetch`, `index`.
    public var seconds: [String: Double] = [:]
    /// What the fetch did.
    public var urls = URLCounts()
    /// Links that failed this time after working before.
    public var newlyDead: [Dead] = []
    /// Links that failed this time and the time before.
    public var deadForRuns: [Dead] = []
    /// Links whose sites refuse downloads.
    public var blocked: [Dead] = []
    /// What happened to documents.
    public var documents = Documents()
    /// The index generation committed.
    public var generation = 0
    /// What OCR read of the scanned pages (nil with `--no-ocr`).
    public var ocr: OCRSummary?
    /// Languages told, and passages analyzed again in theirs.
    public var languages: Pipeline.LanguageSummary?
    /// Texts moved into compressed blocks (a catalog made before schema version 14).
    public var storage: Pipeline.StorageSummary?
    /// The line saying the index was written again from the catalog, and why (nil if it was not).
    public var indexRebuilt: String?

    /// Counts of URLs by outcome.
    public struct URLCounts: Codable, Sendable {
        /// No host could be resolved: links were not checked, and were left as they were.
        public var offline = false
        public var checked = 0
        public var fetched = 0
        public var unchanged = 0
        public var failed = 0
        public var blocked = 0
        public var skippedRecent = 0
    }

    /// A link that does not answer.
    public struct Dead: Codable, Sendable {
        public var url: String
        public var error: String
        /// Failed updates in a row.
        public var runs: Int
    }

    /// Documents new, changed, unchanged, removed and failed.
    public struct Documents: Codable, Sendable {
        public var new: [String] = []
        public var changed: [String] = []
        public var unchanged = 0
        public var removed: [String] = []
        public var failed: [String] = []
    }
}

extension Pipeline {
    /// Brings everything up to date: notes, due URLs, content store,
    /// extraction and the index, then writes the report. The caller holds
    /// the ``UpdateLock``. Returns the report and the path it was written to.
    public func update(_ options: UpdateOptions, now: Date = Date()) async throws -> (report: UpdateReport, path: URL) {
        let clock = ContinuousClock()
        let iso = Date.ISO8601FormatStyle()
        var report = UpdateReport(startedAt: now.formatted(iso))
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

        var start = clock.now
        try scanNotes()
        report.seconds["notes"] = seconds(clock.now - start)

        // Fetch what is due.
        start = clock.now
        let before = Dictionary(uniqueKeysWithValues: try catalog.urlStates().map { ($0.url, $0) })
        let cutoff = now.addingTimeInterval(-options.minAgeHours * 3600).formatted(iso)
        let stamp = now.formatted(iso)
        let force = options.force
        let fetched = try await fetch(configuration: options.fetch, force: force) { state in
            force || state.isDue(checkedBefore: cutoff, now: stamp)
        }
        report.urls = .init(offline: fetched.offline, checked: fetched.urls.count, fetched: fetched.fetched, unchanged: fetched.unchanged,
                            failed: fetched.failed, blocked: fetched.blocked,
                            skippedRecent: try catalog.urlsToFetch().count - (fetched.offline ? fetched.due : fetched.urls.count))
        let after = try catalog.urlStates()
        for state in after where state.cited {
            guard state.status.isDead else { continue }
            let dead = UpdateReport.Dead(url: state.url, error: state.error ?? "", runs: state.failures)
            if state.status == .blocked { report.blocked.append(dead); continue }
            let wasDead = before[state.url].map { $0.status == .failed } ?? false
            if !wasDead { report.newlyDead.append(dead) } else { report.deadForRuns.append(dead) }
        }
        report.seconds["fetch"] = seconds(clock.now - start)

        start = clock.now
        try cleanContentStore(graceDays: options.gcAfterDays, now: now)

        // Extract and index.
        var extraction = options.extraction
        extraction.force = force
        let documentsBefore = try catalog.documents()
        let pagesBefore = Dictionary(documentsBefore.map { ($0.path, $0.pageCount ?? 0) }, uniquingKeysWith: { a, _ in a })
        let summary = try extractAndIndex(extraction)
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
        // A document is named by its title and where it came from, not by its file in the store.
        let documentsAfter = Dictionary(try catalog.documents().map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let sources = try catalog.documentSources()
        func name(_ path: String) -> String {
            guard let document = documentsAfter[path] else { return path }
            return DocumentName.withOrigin(title: document.title?.clipped(to: 120), url: sources[document.id]?.url, path: path)
        }
        for item in summary.extracted where !replacing.contains(item.path) {
            if let pages = pagesBefore[item.path] {
                report.documents.changed.append("\(name(item.path)) (\(pages) → \(item.pages ?? 0) pages)")
            } else {
                report.documents.new.append(name(item.path))
            }
        }
        report.documents.unchanged = summary.unchanged
        report.documents.removed = summary.removed.filter { !superseded.contains($0) }
        report.documents.failed = summary.failed.map { "\(name($0.path)): \($0.error ?? "")" }
        report.generation = summary.generation
        report.ocr = summary.ocr
        report.languages = summary.languages
        report.storage = summary.storage
        report.indexRebuilt = summary.indexed?.line
        report.seconds["index"] = seconds(clock.now - start)

        return (report, try write(report))
    }

    /// Writes `report` to `index/reports/<time>.json`, atomically.
    private func write(_ report: UpdateReport) throws -> URL {
        let reports = workspace.index.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let stamp = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let url = reports.appendingPathComponent(stamp.replacingOccurrences(of: ":", with: "-") + ".json")
        try AtomicFile.write(try encoder.encode(report), to: url)
        return url
    }
}

extension UpdateReport {
    /// The newest report in `workspace`'s `index/reports/`, whoever ran the
    /// update, with its path and when it was written; nil when there is none
    /// (or none this build can read).
    public static func latest(in workspace: Workspace) -> (report: UpdateReport, path: URL, at: Date)? {
        let folder = workspace.index.appendingPathComponent("reports")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        // Names are the time each was written, ISO 8601: newest last.
        for name in names.filter({ $0.hasSuffix(".json") && !$0.hasPrefix(".") }).sorted(by: >) {
            let url = folder.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url), let report = try? decoder.decode(UpdateReport.self, from: data) else { continue }
            let at = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? .distantPast
            return (report, url, at)
        }
        return nil
    }

    /// The report as `dossier update` prints it (and the web's update page shows it).
    public func lines(reportPath: String) -> [String] {
        var out: [String] = []
        let u = urls, d = documents
        if u.offline {
            out.append("links      offline: no host could be resolved; links were not checked and were left as they were")
        } else {
            out.append("links      \(u.checked) checked (\(u.fetched) fetched, \(u.unchanged) unchanged, \(u.failed) failed, \(u.blocked) blocked), \(u.skippedRecent) checked recently")
        }
        for dead in newlyDead { out.append("  newly dead  \(dead.url): \(dead.error)") }
        for dead in deadForRuns { out.append("  dead, \(dead.runs) run\(dead.runs == 1 ? "" : "s") in a row  \(dead.url): \(dead.error)") }
        for blocked in blocked { out.append("  blocked     \(blocked.url): \(blocked.error)") }
        out.append("documents  \(d.new.count) new, \(d.changed.count) changed, \(d.unchanged) unchanged, \(d.removed.count) removed, \(d.failed.count) failed")
        for line in d.changed { out.append("  changed  \(line)") }
        for line in d.failed { out.append("  failed   \(line)") }
        if let ocr, let line = ocr.line { out.append(line) }
        if let line = languages?.line { out.append(line) }
        if let line = storage?.line { out.append(line) }
        if let line = indexRebuilt { out.append(line) }
        let times = ["notes", "fetch", "index"].map { "\($0) \(String(format: "%.1f", seconds[$0] ?? 0)) s" }.joined(separator: ", ")
        out.append("index      generation \(generation); \(times); report in \(reportPath)")
        return out
    }
}
