import Catalog
import DossierCore
import Extract
import Foundation
import Notes

/// How documents are extracted: how many workers, under what limits.
public struct ExtractionOptions: Sendable {
    /// Worker processes at once.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Seconds one document may take.
    public var timeout = 120
    /// A worker's memory limit, in MiB.
    public var memoryMB = 2048
    /// Extract every document again, changed or not.
    public var force = false
    /// How a worker is started (`worker extract --memory-mb N` is appended).
    public var worker: WorkerProgram
    /// How scanned pages are read; nil to leave them unread (`--no-ocr`).
    public var ocr: OCROptions? = OCROptions()

    /// Options whose workers are `worker`.
    public init(worker: WorkerProgram) { self.worker = worker }
}

/// What an extraction round did.
public struct ExtractionSummary: Codable, Sendable {
    /// Documents extracted and stored.
    public var extracted: [Item] = []
    /// Documents that could not be extracted (each with its reason).
    public var failed: [Item] = []
    /// Documents whose bytes the catalog already had.
    public var unchanged = 0
    /// Paths of documents no longer in the workspace.
    public var removed: [String] = []
    /// Paths of files that are neither PDFs nor web pages.
    public var skipped: [String] = []
    /// The index generation committed.
    public var generation = 0
    /// The index commit: passages added, text analyzed, and its timings.
    public var indexed: Indexed?
    /// What OCR read this time (nil with `--no-ocr`).
    public var ocr: OCRSummary?
    /// Pages and documents whose language was told.
    public var languages = Pipeline.LanguageSummary()
    /// Texts moved into compressed blocks (a catalog made before schema version 14).
    public var storage = Pipeline.StorageSummary()

    /// What the index commit did.
    public struct Indexed: Codable, Sendable {
        public var added: Int
        public var deleted: Int
        public var textBytes: Int
        public var readSeconds: Double
        public var buildSeconds: Double
        /// Why every passage was indexed again, if it was.
        public var rebuilt: String?

        /// The line saying the index was rebuilt, if it was.
        public var line: String? {
            rebuilt.map { "index      rebuilt from the catalog (\(added) passages): \($0)" }
        }
    }

    /// One document's outcome.
    public struct Item: Codable, Sendable {
        /// Its path in the workspace.
        public var path: String
        /// Its number in the catalog.
        public var document: Int
        public var pages: Int?
        public var passages: Int?
        /// Most pages have no text (scanned).
        public var needsOcr: Bool?
        /// Why it failed, when it did.
        public var error: String?
    }
}

extension Pipeline {
    /// A file found in `corpus/files/` or `corpus/library/`, with its digest.
    struct Candidate {
        var url: URL
        var path: String
        var source: DocumentOrigin
        var kind: DocumentKind
        var sha256: String

        /// A file named .pdf must be a PDF: a web page under that name is a
        /// challenge or error page, not the document.
        var mismatch: String? {
            guard url.pathExtension.lowercased() == "pdf", kind != .pdf else { return nil }
            return kind == .html ? "it is a web page (HTML), not a PDF" : "it does not start with %PDF-"
        }
    }

    /// Extracts what is new or changed, stores it, and commits the index:
    /// the work of `dossier index`, and of `update` after fetching.
    public func extractAndIndex(_ options: ExtractionOptions) throws -> ExtractionSummary {
        var summary = ExtractionSummary()
        // Settings read first: a dossier.json that is not valid stops the update before it changes anything.
        let settings = try WorkspaceSettings.read(workspace)
        try finishInterruptedCommit()
        let candidates = try discover(&summary)
        for source in [DocumentOrigin.fetched, .library] {
            summary.removed += try catalog.removeDocuments(
                source: source, keeping: Set(candidates.filter { $0.source == source }.map { $0.path + "\t" + $0.sha256 }))
        }
        try indexNotes(force: options.force, &summary)

        var todo: [Candidate] = []
        var seen = Set<String>()
        // Files removed (or renamed) this time or in a killed update: a renamed one is brought back, same number.
        let retired = options.force ? [] : try catalog.retiredDocuments()
        for candidate in candidates where seen.insert(candidate.sha256).inserted {
            if retired.contains(candidate.sha256) { try catalog.revive(sha256: candidate.sha256, path: candidate.path, source: candidate.source) }
            // Known and extracted by the current version of its kind's extraction: nothing to do.
            if !options.force, let known = try catalog.document(sha256: candidate.sha256), known.status != .pending,
               known.status == .failed || known.extractor >= DocumentExtractor.version(of: known.kind) {
                summary.unchanged += 1
                continue
            }
            if let what = candidate.mismatch {
                let failure = ExtractionError.unreadable(what)
                let id = try catalog.storeDocument(sha256: candidate.sha256, kind: .pdf, path: candidate.path,
                                                   source: candidate.source, result: Result<ExtractedDocument, ExtractionError>.failure(failure))
                let item = ExtractionSummary.Item(path: candidate.path, document: id, error: failure.description)
                summary.failed.append(item)
                events(.document(item))
                continue
            }
            todo.append(candidate)
        }

        if !todo.isEmpty {
            let sizes = todo.map { candidate -> (String, Int64) in
                let size = (try? FileManager.default.attributesOfItem(atPath: candidate.url.path)[.size] as? NSNumber)?.int64Value ?? 0
                return (candidate.path, size)
            }
            events(.extractionStarted(documents: todo.count, bytes: Dictionary(sizes, uniquingKeysWith: { a, _ in a })))
        }
        let pool = ExtractionPool(
            executable: options.worker.executable,
            arguments: options.worker.arguments + ["--memory-mb", String(options.memoryMB)],
            concurrency: options.jobs, timeout: options.timeout)
        let box = StoreBox(summary: summary, pipeline: self, candidates: todo)
        pool.run(todo.map(\.url.path)) { index, result in box.store(index, result) }
        summary = box.summary
        if let failure = box.failure { throw failure }
        try catalog.linkURLsToDocuments()
        if let ocr = options.ocr {
            summary.ocr = try recognizePending(ocr, worker: options.worker, settings: settings)
        }
        summary.languages = try tellLanguages(settings: settings)
        let commit = try syncIndex()
        summary.generation = commit.generation
        summary.indexed = .init(added: commit.added, deleted: commit.deleted, textBytes: commit.textBytes,
                                readSeconds: commit.readSeconds, buildSeconds: commit.buildSeconds, rebuilt: commit.rebuilt)
        summary.storage = try storeTextsOnce()
        return summary
    }

    /// Every PDF and web page of the store and the library, with its
    /// SHA-256; other files are listed in `summary.skipped`.
    private func discover(_ summary: inout ExtractionSummary) throws -> [Candidate] {
        var found: [(url: URL, path: String, source: DocumentOrigin, kind: DocumentKind)] = []
        for (folder, source) in [(workspace.files, DocumentOrigin.fetched), (workspace.library, .library)] {
            let (files, warnings) = FileWalk.files(in: folder, followingLinks: source == .library)
            for (path, problem) in warnings { events(.warning("\(workspace.relativePath(of: URL(fileURLWithPath: path))): \(problem)")) }
            for url in files {
                let path = workspace.relativePath(of: url)
                let kind = DocumentKind.sniff(path: url.path)
                guard url.pathExtension.lowercased() == "pdf" || kind != .other else {
                    summary.skipped.append(path)
                    continue
                }
                found.append((url, path, source, kind))
            }
        }
        var candidates: [Candidate] = []
        try catalog.keepFileHashes(only: Set(found.map(\.path)))
        for (file, digest) in zip(found, try catalog.fileHashes(found.map { ($0.url, $0.path) })) {
            switch digest {
            case .success(let sha256):
                candidates.append(Candidate(url: file.url, path: file.path, source: file.source, kind: file.kind, sha256: sha256))
            case .failure(let error):
                events(.warning("\(file.path): cannot read (\(error)); skipped"))
            }
        }
        return candidates
    }

    /// Notes are documents too: each note whose bytes the catalog has no
    /// document for is made one (sections as pages, blocks as passages).
    /// The notes were just scanned into the catalog, so their digests there
    /// are current: only a note without a document for its digest is read.
    private func indexNotes(force: Bool, _ summary: inout ExtractionSummary) throws {
        var current = Set<String>()
        let retired = force ? [] : try catalog.retiredDocuments()
        for (path, digest) in try catalog.noteDigests().sorted(by: { $0.key < $1.key }) {
            if retired.contains(digest) { try catalog.revive(sha256: digest, path: path, source: .note) }
            if !force, try catalog.document(sha256: digest) != nil {
                try catalog.moveNoteDocument(sha256: digest, to: path)
                current.insert(path + "\t" + digest)
                continue
            }
            let url = workspace.root.appendingPathComponent(path)
            guard let data = try? Data(contentsOf: url), let format = NoteFormat(pathExtension: url.pathExtension) else { continue }
            let sha = SHA256.hex(of: data)
            current.insert(path + "\t" + sha)
            let document = NoteDocument.make(NoteParser.parse(data, format: format), title: url.deletingPathExtension().lastPathComponent)
            // An edited note is a new version of its document: same number.
            let id = try catalog.storeDocument(sha256: sha, kind: .note, path: path, source: .note,
                                               result: Result<ExtractedDocument, ExtractionError>.success(document),
                                               replacing: try catalog.noteDocument(path: path))
            let item = ExtractionSummary.Item(path: path, document: id, pages: document.pages.count,
                                              passages: document.pages.reduce(0) { $0 + $1.passages.count }, needsOcr: false)
            summary.extracted.append(item)
            events(.document(item))
        }
        summary.removed += try catalog.removeDocuments(source: .note, keeping: current)
    }

    /// Receives results from the pool's threads (one at a time) and stores them.
    private final class StoreBox: @unchecked Sendable {
        var summary: ExtractionSummary
        let pipeline: Pipeline
        let candidates: [Candidate]
        var failure: Error?

        init(summary: ExtractionSummary, pipeline: Pipeline, candidates: [Candidate]) {
            self.summary = summary
            self.pipeline = pipeline
            self.candidates = candidates
        }

        func store(_ index: Int, _ result: Result<ExtractedDocument, ExtractionError>) {
            guard failure == nil else { return }
            let candidate = candidates[index]
            do {
                // A cited URL's new content is a new version of its document: same number.
                let previous = candidate.source == .fetched ? try pipeline.catalog.previousDocument(ofContent: candidate.sha256) : nil
                let id = try pipeline.catalog.storeDocument(sha256: candidate.sha256, kind: candidate.kind, path: candidate.path,
                                                            source: candidate.source, result: result, replacing: previous)
                let item: ExtractionSummary.Item
                switch result {
                case .success(let document):
                    item = .init(path: candidate.path, document: id, pages: document.pages.count,
                                 passages: document.pages.reduce(0) { $0 + $1.passages.count }, needsOcr: document.needsOCR)
                    summary.extracted.append(item)
                case .failure(let error):
                    item = .init(path: candidate.path, document: id, error: error.description)
                    summary.failed.append(item)
                }
                pipeline.events(.document(item))
            } catch {
                failure = error
            }
        }
    }
}
