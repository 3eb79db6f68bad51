import ArgumentParser
import Catalog
import DossierCore
import Extract
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Notes

/// `dossier index`: extract the documents that are new or changed.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Extract page text and passages from new or changed documents.",
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

    struct Summary: Codable {
        var extracted: [Item] = []
        var failed: [Item] = []
        var unchanged = 0
        var removed: [String] = []
        var skipped: [String] = []
        var generation = 0
        /// The index commit: passages added, text analyzed, and its timings.
        var indexed: Indexed?
    }

    struct Indexed: Codable {
        var added: Int
        var deleted: Int
        var textBytes: Int
        var readSeconds: Double
        var buildSeconds: Double
    }

    struct Item: Codable {
        var path: String
        var document: Int
        var pages: Int?
        var passages: Int?
        var needsOcr: Bool?
        var error: String?
    }

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
        guard memoryMb >= 64 else { throw ValidationError("--memory-mb must be at least 64") }
    }

    func run() throws {
        let (workspace, catalog) = try options.openScanned()
        // One writer of documents at a time, and verify waits for it.
        let lock = try UpdateCommand.lock(workspace, wait: true)
        defer { close(lock) }
        let summary = try perform(workspace: workspace, catalog: catalog)
        if json {
            try Terminal.printJSON(summary)
            return
        }
        if !summary.skipped.isEmpty {
            print("skipped \(summary.skipped.count) file\(summary.skipped.count == 1 ? "" : "s") that are neither PDFs nor web pages")
        }
        for path in summary.removed { print("removed    \(path) (no longer in the workspace)") }
        let counts = try catalog.extractionCounts()
        print("\(summary.extracted.count) extracted, \(summary.unchanged) unchanged, \(summary.failed.count) failed, \(summary.removed.count) removed; "
            + "\(counts.documents) documents, \(counts.pages) pages, \(counts.passages) passages in the catalog; index generation \(summary.generation)")
    }

    /// Extracts what is new or changed and commits the index; the work of `index` and of `update`.
    func perform(workspace: Workspace, catalog: CatalogStore) throws -> Summary {
        var summary = Summary()
        var candidates: [Candidate] = []
        var found: [(url: URL, path: String, source: DocumentOrigin, kind: DocumentKind)] = []
        for (folder, source) in [(workspace.files, DocumentOrigin.fetched), (workspace.library, .library)] {
            let (files, warnings) = Self.files(in: folder, followingLinks: source == .library)
            for (path, problem) in warnings { Terminal.warning("\(workspace.relativePath(of: URL(fileURLWithPath: path))): \(problem)") }
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
        for (file, digest) in zip(found, try catalog.fileHashes(found.map { ($0.url, $0.path) })) {
            switch digest {
            case .success(let sha256):
                candidates.append(Candidate(url: file.url, path: file.path, source: file.source, kind: file.kind, sha256: sha256))
            case .failure(let error):
                Terminal.warning("\(file.path): cannot read (\(error)); skipped")
            }
        }
        for source in [DocumentOrigin.fetched, .library] {
            summary.removed += try catalog.removeDocuments(
                source: source, keeping: Set(candidates.filter { $0.source == source }.map { $0.path + "\t" + $0.sha256 }))
        }
        try indexNotes(workspace, catalog, &summary)

        var todo: [Candidate] = []
        var seen = Set<String>()
        for candidate in candidates where seen.insert(candidate.sha256).inserted {
            if !force, let known = try catalog.document(sha256: candidate.sha256), known.status != .pending {
                summary.unchanged += 1
                continue
            }
            if let what = candidate.mismatch {
                let id = try catalog.storeDocument(sha256: candidate.sha256, kind: "pdf", path: candidate.path,
                                                   source: candidate.source, result: Result<ExtractedDocument, ExtractionError>.failure(.unreadable(what)))
                summary.failed.append(Item(path: candidate.path, document: id, error: ExtractionError.unreadable(what).description))
                report(summary.failed.last!)
                continue
            }
            todo.append(candidate)
        }

        let pool = ExtractionPool(
            executable: Self.executable, arguments: ["worker", "extract", "--memory-mb", String(memoryMb)],
            concurrency: jobs, timeout: timeout)
        let box = SummaryBox(summary: summary, catalog: catalog, candidates: todo, command: self)
        pool.run(todo.map(\.url.path)) { index, result in box.store(index, result) }
        summary = box.summary
        if let failure = box.failure { throw failure }
        try catalog.linkURLsToDocuments()
        let commit = try IndexSync.run(workspace, catalog)
        summary.generation = commit.generation
        summary.indexed = Indexed(added: commit.added, deleted: commit.deleted, textBytes: commit.textBytes,
                                  readSeconds: commit.readSeconds, buildSeconds: commit.buildSeconds)

        return summary
    }

    /// Notes are documents too: each note whose bytes the catalog has no
    /// document for is made one (sections as pages, blocks as passages).
    /// The notes were just scanned into the catalog, so their digests there
    /// are current: only a note without a document for its digest is read.
    func indexNotes(_ workspace: Workspace, _ catalog: CatalogStore, _ summary: inout Summary) throws {
        var current = Set<String>()
        for (path, digest) in try catalog.noteDigests().sorted(by: { $0.key < $1.key }) {
            if !force, try catalog.document(sha256: digest) != nil {
                current.insert(path + "\t" + digest)
                continue
            }
            let url = workspace.root.appendingPathComponent(path)
            guard let data = try? Data(contentsOf: url), let format = NoteFormat(pathExtension: url.pathExtension) else { continue }
            let sha = SHA256.hex(of: data)
            current.insert(path + "\t" + sha)
            let document = NoteDocument.make(NoteParser.parse(data, format: format), title: url.deletingPathExtension().lastPathComponent)
            let id = try catalog.storeDocument(sha256: sha, kind: "note", path: path, source: .note, result: Result<ExtractedDocument, ExtractionError>.success(document))
            let item = Item(path: path, document: id, pages: document.pages.count,
                            passages: document.pages.reduce(0) { $0 + $1.passages.count }, needsOcr: false)
            summary.extracted.append(item)
            report(item)
        }
        summary.removed += try catalog.removeDocuments(source: .note, keeping: current)
    }

    func report(_ item: Item) {
        guard !json else { return }
        if let error = item.error {
            print("failed     \(item.path): \(error)")
        } else {
            let ocr = item.needsOcr == true ? "; most pages have no text: needs OCR" : ""
            print("extracted  \(item.path) → document \(item.document) (\(item.pages ?? 0) pages, \(item.passages ?? 0) passages\(ocr))")
        }
    }

    /// Receives results from the pool's threads (one at a time) and stores them.
    final class SummaryBox: @unchecked Sendable {
        var summary: Summary
        let catalog: CatalogStore
        let candidates: [Candidate]
        let command: IndexCommand
        var failure: Error?

        init(summary: Summary, catalog: CatalogStore, candidates: [Candidate], command: IndexCommand) {
            self.summary = summary
            self.catalog = catalog
            self.candidates = candidates
            self.command = command
        }

        func store(_ index: Int, _ result: Result<ExtractedDocument, ExtractionError>) {
            guard failure == nil else { return }
            let candidate = candidates[index]
            do {
                let id = try catalog.storeDocument(sha256: candidate.sha256, kind: candidate.kind.rawValue, path: candidate.path,
                                                   source: candidate.source, result: result)
                switch result {
                case .success(let document):
                    let item = Item(path: candidate.path, document: id, pages: document.pages.count,
                                    passages: document.pages.reduce(0) { $0 + $1.passages.count }, needsOcr: document.needsOCR)
                    summary.extracted.append(item)
                    command.report(item)
                case .failure(let error):
                    let item = Item(path: candidate.path, document: id, error: error.description)
                    summary.failed.append(item)
                    command.report(item)
                }
            } catch {
                failure = error
            }
        }
    }

    /// The regular files under `folder`, hidden ones left out, sorted by
    /// path: read with readdir (the nightly update lists every file of the
    /// corpus each time, and Foundation's enumerator took most of an update
    /// with nothing to do).
    ///
    /// With `followingLinks` (the library, where a user may link a folder
    /// of papers kept elsewhere), a symbolic link to a file or a folder
    /// outside `folder` is read as if it were there; one whose target lies
    /// inside `folder` is left out (the target is listed in its own place),
    /// a folder already being walked is not entered again (a loop), and a
    /// broken link is reported in `warnings`. Without it, links are left out.
    static func files(in folder: URL, followingLinks: Bool = false) -> (files: [URL], warnings: [(path: String, problem: String)]) {
        var result: [String] = []
        var warnings: [(path: String, problem: String)] = []
        let root = folder.standardizedFileURL.path
        let realRoot = realPath(root) ?? root
        struct Node: Hashable {
            var device: UInt64
            var inode: UInt64
        }
        func node(_ info: stat) -> Node { Node(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) }
        func inside(_ path: String) -> Bool { path == realRoot || path.hasPrefix(realRoot + "/") }
        func walk(_ path: String, _ ancestors: Set<Node>) {
            guard let directory = opendir(path) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard !name.hasPrefix(".") else { continue }
                let child = path + "/" + name
                var type = Int32(entry.pointee.d_type)
                var info = stat()
                if type == Int32(DT_UNKNOWN) || (type == Int32(DT_DIR) && followingLinks) {
                    guard lstat(child, &info) == 0 else { continue }
                    let format = info.st_mode & S_IFMT
                    type = format == S_IFDIR ? Int32(DT_DIR) : format == S_IFREG ? Int32(DT_REG) : format == S_IFLNK ? Int32(DT_LNK) : 0
                }
                if type == Int32(DT_LNK) {
                    guard followingLinks else { continue }
                    guard stat(child, &info) == 0, let target = realPath(child) else {
                        warnings.append((child, "a broken symbolic link; left out"))
                        continue
                    }
                    guard !inside(target) else { continue }
                    let format = info.st_mode & S_IFMT
                    type = format == S_IFDIR ? Int32(DT_DIR) : format == S_IFREG ? Int32(DT_REG) : 0
                }
                if type == Int32(DT_DIR) {
                    // Folders are told apart by device and inode only where links are followed.
                    guard followingLinks else {
                        walk(child, ancestors)
                        continue
                    }
                    let here = node(info)
                    guard !ancestors.contains(here) else {
                        warnings.append((child, "a symbolic link back into a folder it is in; not followed again"))
                        continue
                    }
                    walk(child, ancestors.union([here]))
                } else if type == Int32(DT_REG) {
                    result.append(child)
                }
            }
        }
        var info = stat()
        walk(root, stat(root, &info) == 0 ? [node(info)] : [])
        return (result.sorted().map { URL(fileURLWithPath: $0) }, warnings)
    }

    /// The canonical path of `path`, every link resolved.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// This executable, for starting workers.
    static var executable: URL {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: resolved)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }
}
