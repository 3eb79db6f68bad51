/// The update pipeline: one library that brings a workspace up to date, so
/// that the command line, the web server and the tests run the same code.
///
/// An update walks the data flow in order:
///
/// 1. **Notes** (`scanNotes`): `corpus/notes/` is read, and the notes whose
///    bytes changed are parsed and recorded in the catalog with their
///    citations.
/// 2. **Fetch rounds** (`fetch`): every cited URL that is due is requested
///    conditionally; outcomes go to the catalog; a landing page's
///    `citation_pdf_url` starts another round. A machine with no network is
///    recognised (no host resolves) and nothing is recorded.
/// 3. **Content-store cleanup** (`update`): copies no URL needs any more go.
/// 4. **Discovery and hashing** (`index`): `corpus/files/` and
///    `corpus/library/` are walked and each file's SHA-256 read (from the
///    catalog's cache when size and time match).
/// 5. **Extraction**: new or changed documents are extracted by a pool of
///    worker processes (a hostile PDF fails alone), notes are made documents.
/// 6. **Store**: each result is stored in the catalog as it arrives.
/// 7. **Index sync**: the index is brought to the catalog's passages in one
///    commit (one new segment and deletions, one generation).
/// 8. **Report**: what changed, written to `index/reports/<time>.json`.
///
/// What happens along the way is told through ``PipelineEvent``s, which the
/// command line prints and a test collects; nothing here writes to stdout.
import Catalog
import DossierCore
import Foundation

/// Runs the stages of an update against one workspace and its catalog.
public struct Pipeline {
    /// The workspace updated.
    public let workspace: Workspace
    /// Its catalog.
    public let catalog: CatalogStore
    /// Receives what happens, as it happens.
    public let events: @Sendable (PipelineEvent) -> Void

    /// A pipeline over `workspace`, whose catalog is `catalog`.
    public init(workspace: Workspace, catalog: CatalogStore, events: @escaping @Sendable (PipelineEvent) -> Void = { _ in }) {
        self.workspace = workspace
        self.catalog = catalog
        self.events = events
    }

    /// Opens the workspace's catalog.
    public init(workspace: Workspace, events: @escaping @Sendable (PipelineEvent) -> Void = { _ in }) throws {
        self.init(workspace: workspace, catalog: try CatalogStore(workspace: workspace), events: events)
    }
}

/// What a pipeline tells as it works.
public enum PipelineEvent: Sendable {
    /// Something the user should know that does not stop the work (a note
    /// that cannot be read, a broken link in the library).
    case warning(String)
    /// `done` of `total` URLs of a fetch round answered; the last was `url`,
    /// which brought `bytes` of new content (0 when unchanged or failed).
    case fetchProgress(done: Int, total: Int, url: String, bytes: Int64)
    /// A fetch round ended.
    case fetchRoundFinished
    /// Extraction starts on this many documents (PDFs and web pages; the
    /// notes, few and quick, are extracted before), whose files' sizes are
    /// `bytes`, by workspace-relative path.
    case extractionStarted(documents: Int, bytes: [String: Int64])
    /// A document was extracted and stored, or failed (its `error` set).
    case document(ExtractionSummary.Item)
    /// OCR starts on this many scanned pages.
    case ocrStarted(pages: Int)
    /// A scanned page was read (with its mean confidence), or failed.
    case ocrPage(document: Int, page: Int, confidence: Double?, error: String?)
}

/// How extraction workers are started: this program's own executable with
/// the arguments that make it a worker.
public struct WorkerProgram: Sendable {
    /// The executable.
    public var executable: URL
    /// The arguments before the worker's own (e.g. `["worker", "extract"]`).
    public var arguments: [String]

    /// A worker command.
    public init(executable: URL, arguments: [String]) {
        self.executable = executable
        self.arguments = arguments
    }

    /// The same program as the worker for `task` (its arguments end with
    /// the task: `worker extract` becomes `worker ocr`).
    public func task(_ task: String) -> WorkerProgram {
        WorkerProgram(executable: executable, arguments: arguments.dropLast() + [task])
    }

    /// The running program, resolved through `/proc/self/exe`.
    public static var currentExecutable: URL {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: resolved)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }
}
