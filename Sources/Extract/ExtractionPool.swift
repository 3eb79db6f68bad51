import DossierCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs extraction in worker processes, so that a PDF that crashes or hangs
/// poppler takes down only its worker.
///
/// A ``WorkerPool`` of one worker per core (or `concurrency`), each started
/// as the given executable and arguments plus `--serve` (for Dossier,
/// `dossier worker extract --memory-mb M --serve`), takes documents one
/// after another, the largest first.
/// A worker limits its own address space with `setrlimit` (see
/// ``limitMemory(megabytes:)``); the pool limits each document's time,
/// killing a worker that overruns it, and starts a fresh worker after a
/// crash, so one bad document fails alone.
public struct ExtractionPool: Sendable {
    /// The worker executable.
    public var executable: URL
    /// Arguments before `--serve`.
    public var arguments: [String]
    /// Workers at once.
    public var concurrency: Int
    /// Seconds a document may take.
    public var timeout: Int

    /// Creates a pool.
    public init(executable: URL, arguments: [String], concurrency: Int = ProcessInfo.processInfo.activeProcessorCount, timeout: Int = 120) {
        self.executable = executable
        self.arguments = arguments
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
    }

    /// Extracts every path; `completion` is called once per path, from any
    /// thread but never concurrently, as each finishes.
    ///
    /// The largest files go first, so that the last documents to finish are
    /// small ones and no core idles long at the end waiting for one big PDF.
    /// A worker is handed its next document before its last answer goes to
    /// `completion`, so it extracts while the caller stores.
    public func run(_ paths: [String], completion: @Sendable (Int, Result<ExtractedDocument, ExtractionError>) -> Void) {
        let sizes = paths.map { path -> Int in
            var info = stat()
            return stat(path, &info) == 0 ? Int(info.st_size) : 0
        }
        let order = paths.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        WorkerPool(executable: executable, arguments: arguments, concurrency: concurrency, timeout: timeout)
            .run(paths, order: order, pipelined: true, as: ExtractedDocument.self) { index, result in
                completion(index, result)
                return true
            }
    }

    /// Limits this process's address space; a worker calls it before touching any PDF.
    public static func limitMemory(megabytes: Int) {
        var limit = rlimit(rlim_cur: rlim_t(megabytes) << 20, rlim_max: rlim_t(megabytes) << 20)
        setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
    }
}

extension ExtractionError {
    /// The line a worker writes after `ERR ` for this error.
    public var workerLine: String {
        switch self {
        case .encrypted: return "dossier-extract: encrypted"
        case .unreadable(let why): return "dossier-extract: unreadable: \(why)"
        default: return "dossier-extract: failed: \(description)"
        }
    }

    static func decode(_ line: String) -> ExtractionError? {
        if line == "dossier-extract: encrypted" { return .encrypted }
        if line.hasPrefix("dossier-extract: unreadable: ") { return .unreadable(String(line.dropFirst(29))) }
        if line.hasPrefix("dossier-extract: failed: ") { return .failed(String(line.dropFirst(25))) }
        return nil
    }
}

final class SharedCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
