import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A worker process that extracts many documents, one at a time, so that a
/// corpus does not pay a process start per document.
///
/// Protocol, over the worker's stdin and stdout: the parent writes a path and
/// a newline; the worker answers `OK <n>\n` followed by `n` bytes of JSON (an
/// ``ExtractedDocument``), or `ERR <one line>\n`. When the worker does not
/// answer within the time limit it is killed; when it dies (a crash, the
/// memory limit) its document is reported as such. Either way the next
/// document gets a fresh worker.
final class PersistentWorker {
    let executable: URL
    let arguments: [String]
    var process: Process?
    var input: FileHandle?
    var output: Int32 = -1
    var buffer: [UInt8] = []

    init(executable: URL, arguments: [String]) {
        self.executable = executable
        self.arguments = arguments
    }

    deinit { stop() }

    func start() throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading.fileDescriptor
        buffer = []
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

    /// Extracts one document within `timeout` seconds.
    func extract(_ path: String, timeout: Int) -> Result<ExtractedDocument, ExtractionError> {
        do {
            if process == nil { try start() }
        } catch {
            return .failure(.failed("cannot start the extractor: \(error.localizedDescription)"))
        }
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        do {
            try input!.write(contentsOf: Data((path + "\n").utf8))
        } catch {
            return .failure(died())
        }
        guard let header = readLine(until: deadline) else { return .failure(timedOutOrDied(deadline, timeout)) }
        if header.hasPrefix("OK "), let count = Int(header.dropFirst(3)) {
            guard let body = read(count, until: deadline) else { return .failure(timedOutOrDied(deadline, timeout)) }
            do {
                return .success(try JSONDecoder().decode(ExtractedDocument.self, from: Data(body)))
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

    /// Fills the buffer until `count` bytes or the deadline.
    func fill(_ count: Int, until deadline: Date) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while buffer.count < count {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return false }
            var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining * 1000, 1000)) + 1)
            if ready < 0 { if errno == EINTR { continue }; return false }
            if ready == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(output, $0.baseAddress, $0.count) }
            if n <= 0 { return false }  // EOF: the worker died
            buffer.append(contentsOf: chunk[0..<n])
        }
        return true
    }

    func readLine(until deadline: Date) -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[0..<newline], as: UTF8.self)
                buffer.removeSubrange(0...newline)
                return line
            }
            guard fill(buffer.count + 1, until: deadline) else { return nil }
        }
    }

    func read(_ count: Int, until deadline: Date) -> [UInt8]? {
        guard fill(count, until: deadline) else { return nil }
        let body = Array(buffer[0..<count])
        buffer.removeSubrange(0..<count)
        return body
    }
}
