import Foundation
import Logging
import MCP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MCP's stdio transport as its specification describes it: one JSON-RPC
/// message per line, read from standard input and written to standard
/// output. A thread of its own blocks in `read(2)`, so a request is handed
/// on the moment its line is complete (the SDK's `StdioTransport` polls a
/// non-blocking descriptor every 10 ms) and an idle session costs nothing.
/// End of input ends the session.
///
/// A line is bounded: past ``MessageCheck/maxBytes`` it is answered with
/// an Invalid Request error and the rest of it is read and dropped, never
/// kept. A line that is not a well-formed message is answered here as
/// ``MessageCheck`` says, and only the others reach the SDK's server.
actor LineTransport: Transport {
    nonisolated let logger: Logger
    private let input: Int32
    private let writer: LineWriter
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var reader: Thread?

    /// A transport over `input` and `output` (standard input and output unless told).
    init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger? = nil) {
        self.input = input
        self.writer = LineWriter(output: output)
        self.logger = logger ?? Logger(label: "dossier.mcp.transport", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        guard reader == nil else { return }
        let (input, continuation, writer) = (self.input, self.continuation, self.writer)
        let thread = Thread {
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            // Inside a line too long to keep: its bytes are dropped up to its end.
            var dropping = false
            func take(_ line: ArraySlice<UInt8>) {
                var line = line
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                guard !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { return }
                let data = Data(line)
                if let answer = MessageCheck.answer(to: data) {
                    try? writer.write(answer)
                } else {
                    continuation.yield(data)
                }
            }
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                var chunk = buffer[..<count]
                if dropping {
                    guard let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) else { continue }
                    dropping = false
                    chunk = chunk[(newline + 1)...]
                }
                pending.append(contentsOf: chunk)
                var start = 0
                while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    if newline - start > MessageCheck.maxBytes {
                        try? writer.write(MessageCheck.tooLong)
                    } else {
                        take(pending[start..<newline])
                    }
                    start = newline + 1
                }
                pending.removeFirst(start)
                if pending.count > MessageCheck.maxBytes {
                    try? writer.write(MessageCheck.tooLong)
                    pending.removeAll(keepingCapacity: false)
                    dropping = true
                }
            }
            continuation.finish()
        }
        thread.name = "dossier-mcp-stdin"
        reader = thread
        thread.start()
    }

    func disconnect() async {
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        try writer.write(data)
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }
}

/// Writes whole lines to the output, one at a time: the server's answers
/// and the reader's own (to lines it refuses) never interleave.
final class LineWriter: @unchecked Sendable {
    private let output: Int32
    private let lock = NSLock()

    init(output: Int32) {
        self.output = output
    }

    /// Writes `data` and a newline.
    func write(_ data: Data) throws {
        var message = data
        message.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        try message.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(output, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                }
                offset += written
            }
        }
    }
}

/// `write(2)`, named apart from ``LineWriter/write(_:)``.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
