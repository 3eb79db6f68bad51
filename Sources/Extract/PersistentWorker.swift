import DossierCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A worker process that answers many requests, one at a time, so that a
/// corpus does not pay a process start per document, page or preview.
///
/// The wire protocol, the one every worker speaks (`dossier worker extract
/// --serve`, `worker ocr --serve`, `worker render --serve`; the worker's side
/// is ``WorkerProtocol``), over the worker's stdin and stdout: the parent
/// writes one request as a line (a document's path; a path, a tab and a
/// page for OCR; a ``PreviewRenderer/Request`` as JSON for a preview); the
/// worker answers `OK <n>\n` followed by `n` bytes of JSON (an
/// ``ExtractedDocument``, a ``PageOCR/Result``, a PNG as a base64 string),
/// or `ERR <one line>\n` (an ``ExtractionError`` as
/// ``ExtractionError/workerLine`` writes it). When the worker does not
/// answer within the time limit it is killed; when it dies (a crash, the
/// memory limit) its request is reported as such. Either way the next
/// request gets a fresh worker. ``WorkerPool`` runs a batch of requests on
/// several workers, ``StandingWorkers`` keeps workers for requests that
/// come one at a time.
final class PersistentWorker {
    let executable: URL
    let arguments: [String]
    /// Variables added to the worker's environment.
    let environment: [String: String]
    var process: Process?
    var input: FileHandle?
    var output: Int32 = -1
    var buffer: [UInt8] = []

    init(executable: URL, arguments: [String], environment: [String: String] = [:]) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }

    deinit { stop() }

    func start() throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading.fileDescriptor
        buffer = []
        consumed = 0
        // Keep the read end alive with the Pipe object.
        pipes = (stdin, stdout)
    }

    var pipes: (Pipe, Pipe)?

    func stop() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? input?.close()
        process = nil
        input = nil
        pipes = nil
        output = -1
    }

    /// When the document sent last must be answered by.
    var deadline = Date.distantFuture
    var timeout = 0

    /// Hands `path` to the worker (started if need be); its answer is read
    /// by ``receive()``, so that the caller can store the previous answer
    /// while the worker is busy. Returns the failure if it cannot be sent.
    func send(_ path: String, timeout: Int) -> ExtractionError? {
        do {
            if process == nil { try start() }
        } catch {
            return .failed("cannot start the extractor: \(error.localizedDescription)")
        }
        self.timeout = timeout
        deadline = Date().addingTimeInterval(TimeInterval(timeout))
        do {
            try input!.write(contentsOf: Data((path + "\n").utf8))
        } catch {
            return died()
        }
        return nil
    }

    /// The answer for the document sent last.
    func receive() -> Result<ExtractedDocument, ExtractionError> { receive(ExtractedDocument.self) }

    /// The answer for the request sent last, decoded as `T`.
    func receive<T: Decodable>(_ type: T.Type) -> Result<T, ExtractionError> {
        guard let header = readLine(until: deadline) else { return .failure(timedOutOrDied(deadline, timeout)) }
        if header.hasPrefix("OK "), let count = Int(header.dropFirst(3)) {
            do {
                guard let document = try read(count, until: deadline, { try JSONDecoder().decode(T.self, from: Data($0)) }) else {
                    return .failure(timedOutOrDied(deadline, timeout))
                }
                return .success(document)
            } catch {
                stop()
                return .failure(.failed("the extractor's output could not be read (\(error.localizedDescription))"))
            }
        }
        if header.hasPrefix("ERR ") {
            let line = String(header.dropFirst(4))
            return .failure(ExtractionError.decode(line) ?? .failed(line))
        }
        stop()
        return .failure(.failed("the extractor answered something unexpected"))
    }

    func timedOutOrDied(_ deadline: Date, _ timeout: Int) -> ExtractionError {
        if Date() >= deadline {
            stop()
            return .timedOut(seconds: timeout)
        }
        return died()
    }

    /// The worker is gone: how it ended.
    func died() -> ExtractionError {
        guard let process else { return .crashed("the extractor stopped") }
        process.waitUntilExit()
        let status = process.terminationStatus
        let reason = process.terminationReason
        stop()
        if reason == .uncaughtSignal {
            let name = [SIGSEGV: ", segmentation fault", SIGABRT: ", abort", SIGKILL: ", killed", SIGBUS: ", bus error"][status] ?? ""
            return .crashed("signal \(status)\(name)")
        }
        return .crashed("the extractor exited with status \(status)")
    }

    /// Bytes read from the worker and not consumed yet: `buffer[consumed...]`.
    var consumed = 0
    /// Where reads land before they join the buffer (one allocation per worker).
    var chunk = [UInt8](repeating: 0, count: 1 << 16)

    /// Fills the buffer until `count` unconsumed bytes or the deadline.
    func fill(_ count: Int, until deadline: Date) -> Bool {
        while buffer.count - consumed < count {
            guard let ready = readable([output], until: deadline) else { return false }
            if ready.isEmpty { continue }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(output, $0.baseAddress, $0.count) }
            if n <= 0 { return false }  // EOF: the worker died
            if consumed > 0, consumed == buffer.count {
                // Everything before was consumed: start the buffer over rather than move it.
                buffer.removeAll(keepingCapacity: true)
                consumed = 0
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
        return true
    }

    func readLine(until deadline: Date) -> String? {
        // Unconsumed bytes already searched for the newline.
        var searched = 0
        while true {
            if let newline = buffer[(consumed + searched)...].firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[consumed..<newline], as: UTF8.self)
                consumed = newline + 1
                return line
            }
            searched = buffer.count - consumed
            guard fill(searched + 1, until: deadline) else { return nil }
        }
    }

    /// The next `count` bytes, consumed, handed to `body` in place.
    func read<T>(_ count: Int, until deadline: Date, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T? {
        guard fill(count, until: deadline) else { return nil }
        let start = consumed
        consumed += count
        return try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + count)])) }
    }
}

/// Waits until one of `descriptors` can be read: the readable ones (or
/// that reached their end); none when the wait woke without any (it wakes
/// at least once a second, and on a signal); nil once `deadline` has
/// passed, or when poll fails.
func readable(_ descriptors: [Int32], until deadline: Date) -> [Int32]? {
    let remaining = deadline.timeIntervalSinceNow
    guard remaining > 0 else { return nil }
    var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000, 1000)) + 1)
    if ready < 0 { return errno == EINTR ? [] : nil }
    return fds.filter { $0.revents != 0 }.map(\.fd)
}

/// The worker's side of ``PersistentWorker``'s protocol: a request a line on
/// standard input, and for each `OK <n>` and the JSON of the answer, or
/// `ERR <one line>` (an ``ExtractionError`` as ``ExtractionError/workerLine``
/// writes it, so the parent reads it back as the same error).
public enum WorkerProtocol {
    /// Answers every request line with `body`'s result, until input ends.
    public static func serve<Answer: Encodable>(_ body: (String) throws -> Answer) {
        let out = FileHandle.standardOutput
        let encoder = JSONEncoder()
        while let request = readLine(strippingNewline: true) {
            do {
                let data = try encoder.encode(try body(request))
                out.write(Data("OK \(data.count)\n".utf8))
                out.write(data)
            } catch let error as ExtractionError {
                out.write(Data("ERR \(error.workerLine)\n".utf8))
            } catch {
                out.write(Data("ERR dossier-extract: failed: \(error)\n".utf8))
            }
        }
    }
}
