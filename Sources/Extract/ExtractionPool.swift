import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs extraction in worker processes, so that a PDF that crashes or hangs
/// poppler takes down only its worker.
///
/// Each document goes to a fresh worker: the given executable with the given
/// arguments followed by the file's path (for Dossier, `dossier worker
/// extract --memory-mb M PATH`). The worker writes the ``ExtractedDocument``
/// as JSON on stdout, or one line on stderr and a non-zero status. It limits
/// its own address space with `setrlimit` (see ``limitMemory(megabytes:)``);
/// the pool limits its time, killing it after `timeout` seconds. As many
/// workers run at once as `concurrency` (by default one per core).
public struct ExtractionPool: Sendable {
    /// The worker executable.
    public var executable: URL
    /// Arguments before the document's path.
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
    public func run(_ paths: [String], completion: @Sendable (Int, Result<ExtractedDocument, ExtractionError>) -> Void) {
        let lock = NSLock()
        let next = SharedCounter()
        DispatchQueue.concurrentPerform(iterations: min(concurrency, paths.count)) { _ in
            while true {
                let index = next.increment()
                guard index < paths.count else { return }
                let result = extract(paths[index])
                lock.lock()
                completion(index, result)
                lock.unlock()
            }
        }
    }

    /// Extracts one document in a worker.
    public func extract(_ path: String) -> Result<ExtractedDocument, ExtractionError> {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + [path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            return .failure(.failed("cannot start the extractor: \(error.localizedDescription)"))
        }
        let output = Collected(out.fileHandleForReading)
        let errors = Collected(err.fileHandleForReading)
        var timedOut = false
        if finished.wait(timeout: .now() + .seconds(timeout)) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        let stdout = output.wait(), stderr = errors.wait()
        if timedOut { return .failure(.timedOut(seconds: timeout)) }
        if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            if signal == SIGKILL || signal == SIGSEGV && stderr.isEmpty {
                // Out of memory under RLIMIT_AS usually shows as SIGSEGV or SIGKILL.
            }
            return .failure(.crashed("signal \(signal)\(signalName(signal))"))
        }
        let message = String(decoding: stderr, as: UTF8.self).split(separator: "\n").last.map(String.init)
        if process.terminationStatus != 0 {
            if let message, let code = ExtractionError.decode(message) { return .failure(code) }
            return .failure(.failed(message ?? "the extractor exited with status \(process.terminationStatus)"))
        }
        do {
            return .success(try JSONDecoder().decode(ExtractedDocument.self, from: stdout))
        } catch {
            return .failure(.failed("the extractor's output could not be read (\(error.localizedDescription))"))
        }
    }

    private func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGSEGV: return ", segmentation fault"
        case SIGABRT: return ", abort"
        case SIGKILL: return ", killed"
        case SIGBUS: return ", bus error"
        default: return ""
        }
    }

    /// Limits this process's address space; a worker calls it before touching the PDF.
    public static func limitMemory(megabytes: Int) {
        var limit = rlimit(rlim_cur: rlim_t(megabytes) << 20, rlim_max: rlim_t(megabytes) << 20)
        setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
    }
}

extension ExtractionError {
    /// The line a worker writes on stderr for this error.
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

/// Reads a pipe to its end on a background thread.
private final class Collected: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
